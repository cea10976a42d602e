// The FaaS supervisor (src/faas) end to end: real capsule-http children, started, checked, killed, restarted and
// stopped by a Supervisor in the test process.
#include "faas/supervisor.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <set>
#include <thread>

#include "http_client.h"
#include "process.h"
#include "wait.h"

namespace capsule::faas {
namespace {

using capsule::testing::Contains;
using capsule::testing::GuestPath;
using capsule::testing::HttpRequest;
using capsule::testing::WaitUntil;
using std::chrono::milliseconds;

const ReplicaKey kHello{"hello", "1"};

SupervisorOptions TestOptions() {
  SupervisorOptions options;
  options.binary = capsule::testing::HttpBinaryPath();
  options.health_interval = milliseconds(100);
  options.health_timeout = milliseconds(300);
  options.failed_checks_before_restart = 2;
  options.start_timeout = milliseconds(20000);
  options.drain_timeout = milliseconds(5000);
  options.backoff_initial = milliseconds(50);
  return options;
}

std::vector<std::string> HelloArgs() {
  return {"--wasm=" + GuestPath("hello-world"), "--workers=1"};
}

// Whether pid is still a process (a zombie counts: it was not reaped).
bool ProcessExists(pid_t pid) {
  struct stat st;
  return ::stat(("/proc/" + std::to_string(pid)).c_str(), &st) == 0;
}

// Whether pid is gone or a zombie (its parent, not us, has still to reap it).
bool ProcessDead(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  size_t paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] == 'Z';
}

// Whether this process has no child at all, running or zombie.
bool NoChildren() {
  return ::waitpid(-1, nullptr, WNOHANG) == -1 && errno == ECHILD;
}

void ExpectServes(int port) {
  auto health = HttpRequest(port, "GET", "/health");
  EXPECT_EQ(health.status, 200) << "port " << port;
  auto hello = HttpRequest(port, "POST", "/", R"({"name":"Bob","age":42})", {"Content-Type: application/json"});
  EXPECT_EQ(hello.status, 200) << "port " << port;
  EXPECT_EQ(hello.body, R"({"message":"Bob 42","things":{"emoji":"🐯"}})");
}

TEST(FaasSupervisor, StartsReplicasThatServe) {
  Supervisor supervisor(TestOptions());
  auto st = supervisor.Start(kHello, 2, HelloArgs());
  ASSERT_TRUE(st.ok()) << st.error().message;
  auto replicas = supervisor.Snapshot();
  ASSERT_EQ(replicas.size(), 2u);
  std::set<int> ports;
  for (const auto& r : replicas) {
    EXPECT_EQ(r.key, kHello);
    EXPECT_EQ(r.state, ReplicaState::kUp);
    EXPECT_GT(r.pid, 0);
    EXPECT_EQ(r.restarts, 0);
    EXPECT_GT(r.started_at.time_since_epoch().count(), 0);
    ports.insert(r.port);
    ExpectServes(r.port);
  }
  EXPECT_EQ(ports.size(), 2u);
  EXPECT_EQ(replicas[0].index, 0);
  EXPECT_EQ(replicas[1].index, 1);

  // Leases go to the replica with the fewest requests in flight.
  auto first = supervisor.Acquire(kHello);
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto second = supervisor.Acquire(kHello);
  ASSERT_TRUE(second.ok());
  EXPECT_NE(first->port(), second->port());
  EXPECT_EQ(supervisor.Snapshot()[0].in_flight, 1);
  first->Release();
  EXPECT_EQ(supervisor.Snapshot()[first->index()].in_flight, 0);
  auto third = supervisor.Acquire(kHello);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->index(), first->index());

  EXPECT_FALSE(supervisor.Start(kHello, 1, HelloArgs()).ok());  // already started
  EXPECT_FALSE(supervisor.Acquire(ReplicaKey{"other", "1"}).ok());
  supervisor.StopAll();
  EXPECT_TRUE(supervisor.Snapshot().empty());
  EXPECT_TRUE(NoChildren());
}

TEST(FaasSupervisor, RestartsAKilledChild) {
  Supervisor supervisor(TestOptions());
  ASSERT_TRUE(supervisor.Start(kHello, 1, HelloArgs()).ok());
  const pid_t old_pid = supervisor.Snapshot()[0].pid;
  ASSERT_EQ(::kill(old_pid, SIGKILL), 0);
  ASSERT_TRUE(WaitUntil([&] {
    auto r = supervisor.Snapshot()[0];
    return r.state == ReplicaState::kUp && r.pid != old_pid;
  }));
  auto r = supervisor.Snapshot()[0];
  EXPECT_EQ(r.restarts, 1);
  EXPECT_EQ(r.last_failure, "exited (killed by signal 9)");
  EXPECT_FALSE(ProcessExists(old_pid));  // reaped
  ExpectServes(r.port);
  auto lease = supervisor.Acquire(kHello);
  ASSERT_TRUE(lease.ok());
  EXPECT_EQ(lease->port(), r.port);
}

TEST(FaasSupervisor, RestartsAChildThatStopsAnswering) {
  Supervisor supervisor(TestOptions());
  ASSERT_TRUE(supervisor.Start(kHello, 1, HelloArgs()).ok());
  const pid_t old_pid = supervisor.Snapshot()[0].pid;
  ASSERT_EQ(::kill(old_pid, SIGSTOP), 0);  // alive, but its health checks time out
  ASSERT_TRUE(WaitUntil([&] {
    auto r = supervisor.Snapshot()[0];
    return r.state == ReplicaState::kUp && r.pid != old_pid;
  }));
  EXPECT_EQ(supervisor.Snapshot()[0].restarts, 1);
  EXPECT_EQ(supervisor.Snapshot()[0].last_failure, "2 failed health checks");
  EXPECT_FALSE(ProcessExists(old_pid));
  ExpectServes(supervisor.Snapshot()[0].port);
}

TEST(FaasSupervisor, AModuleThatFailsAtStartIsAnErrorAndLeavesNoProcess) {
  const std::string dir = capsule::testing::MakeTempDir();
  const std::string path = dir + "/not-wasm.wasm";
  std::ofstream(path) << "this is not a module\n";
  Supervisor supervisor(TestOptions());
  auto st = supervisor.Start(ReplicaKey{"broken", "7"}, 2, {"--wasm=" + path});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kExit);
  EXPECT_TRUE(Contains(st.error().message, "broken/7#")) << st.error().message;
  EXPECT_TRUE(Contains(st.error().message, "did not start: exited (exit code 1)")) << st.error().message;
  EXPECT_TRUE(Contains(st.error().message, "not a WebAssembly module")) << st.error().message;
  EXPECT_TRUE(supervisor.Snapshot().empty());
  EXPECT_TRUE(NoChildren());
  std::remove(path.c_str());
  ::rmdir(dir.c_str());
}

TEST(FaasSupervisor, AMissingBinaryIsAnError) {
  SupervisorOptions options = TestOptions();
  options.binary = "/nonexistent/capsule-http";
  Supervisor supervisor(options);
  auto st = supervisor.Start(kHello, 1, HelloArgs());
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(Contains(st.error().message, "/nonexistent/capsule-http")) << st.error().message;
  EXPECT_TRUE(supervisor.Snapshot().empty());
}

TEST(FaasSupervisor, StopIsGracefulAndLeavesNoZombie) {
  Supervisor supervisor(TestOptions());
  ASSERT_TRUE(supervisor.Start(kHello, 2, HelloArgs()).ok());
  auto replicas = supervisor.Snapshot();
  ::testing::internal::CaptureStderr();
  auto one = supervisor.Stop(kHello, 1);
  std::string log = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(one.ok()) << one.error().message;
  // capsule-http says so when SIGTERM stops it; its stdout comes to our stderr with the replica's prefix.
  EXPECT_TRUE(Contains(log, "[hello/1#1] capsule-http: stopping")) << log;
  EXPECT_FALSE(ProcessExists(replicas[1].pid));
  ASSERT_EQ(supervisor.Snapshot().size(), 1u);
  ExpectServes(replicas[0].port);  // the other one still serves
  EXPECT_FALSE(supervisor.Stop(kHello, 1).ok());

  ASSERT_TRUE(supervisor.Stop(kHello).ok());
  EXPECT_FALSE(ProcessExists(replicas[0].pid));
  EXPECT_TRUE(supervisor.Snapshot().empty());
  EXPECT_TRUE(NoChildren());
  EXPECT_EQ(supervisor.Stop(kHello).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(HttpRequest(replicas[0].port, "GET", "/health").status, 0);
}

TEST(FaasSupervisor, StopWhileStartingEndsTheStart) {
  SupervisorOptions options = TestOptions();
  options.binary = "/bin/sh";  // `sh -c 'exec sleep 30' --httpPort= ...`: a child that never listens
  Supervisor supervisor(options);
  std::thread stopper([&] {
    WaitUntil([&] { return !supervisor.Snapshot().empty() && supervisor.Snapshot()[0].pid != 0; });
    EXPECT_TRUE(supervisor.Stop(kHello).ok());
  });
  const auto start = std::chrono::steady_clock::now();
  auto st = supervisor.Start(kHello, 2, {"-c", "exec sleep 30"});
  stopper.join();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kInterrupted);
  EXPECT_TRUE(Contains(st.error().message, "hello/1 was stopped while starting")) << st.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_TRUE(supervisor.Snapshot().empty());
  EXPECT_TRUE(NoChildren());
}

TEST(FaasSupervisor, AChildNotHealthyInTimeIsAnError) {
  SupervisorOptions options = TestOptions();
  options.binary = "/bin/sh";
  options.start_timeout = milliseconds(300);
  Supervisor supervisor(options);
  auto st = supervisor.Start(kHello, 1, {"-c", "echo waiting; exec sleep 30"});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kInterrupted);
  EXPECT_TRUE(Contains(st.error().message, "hello/1#0 did not start: not healthy after")) << st.error().message;
  EXPECT_TRUE(Contains(st.error().message, "its last output:\n  waiting")) << st.error().message;
  EXPECT_TRUE(NoChildren());
}

TEST(FaasSupervisor, ChildrenDieWithTheirSupervisorsProcess) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  pid_t front = ::fork();
  ASSERT_GE(front, 0);
  if (front == 0) {  // a front process: starts one child, reports its pid, waits to be killed
    ::close(pipe_fds[0]);
    Supervisor supervisor(TestOptions());
    pid_t child = 0;
    if (supervisor.Start(kHello, 1, HelloArgs()).ok()) child = supervisor.Snapshot()[0].pid;
    if (::write(pipe_fds[1], &child, sizeof(child)) != sizeof(child)) ::_exit(1);
    for (;;) ::pause();
  }
  ::close(pipe_fds[1]);
  pid_t grandchild = 0;
  ASSERT_EQ(::read(pipe_fds[0], &grandchild, sizeof(grandchild)), static_cast<ssize_t>(sizeof(grandchild)));
  ::close(pipe_fds[0]);
  ASSERT_GT(grandchild, 0);
  EXPECT_FALSE(ProcessDead(grandchild));
  ASSERT_EQ(::kill(front, SIGKILL), 0);
  ASSERT_EQ(::waitpid(front, nullptr, 0), front);
  EXPECT_TRUE(WaitUntil([&] { return ProcessDead(grandchild); }, std::chrono::seconds(5)));
}

}  // namespace
}  // namespace capsule::faas
