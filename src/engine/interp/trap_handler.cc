#include "engine/interp/trap_handler.h"

#include <signal.h>

#include <cstring>
#include <mutex>

namespace capsule::internal::interp {
namespace {

thread_local TrapScope t_scope;
struct sigaction g_previous_segv, g_previous_bus;

// Gives the fault to whoever handled it before us.
void Chain(int sig, siginfo_t* info, void* context) {
  const struct sigaction& prev = sig == SIGSEGV ? g_previous_segv : g_previous_bus;
  if (prev.sa_flags & SA_SIGINFO) {
    if (prev.sa_sigaction) return prev.sa_sigaction(sig, info, context);
  } else if (prev.sa_handler == SIG_IGN) {
    return;
  } else if (prev.sa_handler != SIG_DFL) {
    return prev.sa_handler(sig);
  }
  // The default action: restore it and return, so the faulting instruction runs again and kills the process.
  signal(sig, SIG_DFL);
}

void OnFault(int sig, siginfo_t* info, void* context) {
  TrapScope& scope = t_scope;
  const auto addr = reinterpret_cast<uintptr_t>(info->si_addr);
  if (scope.jump && addr >= scope.begin && addr < scope.end) {
    sigjmp_buf* jump = scope.jump;
    scope.jump = nullptr;
    siglongjmp(*jump, 1);
  }
  Chain(sig, info, context);
}

}  // namespace

TrapScope& CurrentTrapScope() {
  return t_scope;
}

void InstallTrapHandler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    action.sa_sigaction = OnFault;
    // SA_NODEFER: the handler leaves by siglongjmp without restoring the signal mask, so the signal must not be
    // blocked while it runs. SA_ONSTACK: a fault on an exhausted native stack still finds a stack to run on.
    action.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    sigaction(SIGSEGV, &action, &g_previous_segv);
    sigaction(SIGBUS, &action, &g_previous_bus);
  });
}

}  // namespace capsule::internal::interp
