// WASI through real guests and the real engine: args, env, clocks, random, stdio, exit codes, poll, the raw ABI.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <set>

#include "capsule/engine.h"
#include "capsule/wasi.h"
#include "guest_harness.h"

namespace capsule {
namespace {

using testing::GuestRun;
using testing::ReadHostFile;
using testing::RunGuest;
using testing::Stdin;
using testing::TempDir;

std::string Describe(const GuestRun& r) {
  return (r.status.ok() ? "exit " + std::to_string(r.exit_code) : "error: " + r.status.error().message) +
         "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
}

WasiOptions Args(std::vector<std::string> args, std::vector<std::string> env = {}) {
  WasiOptions o;
  o.args = std::move(args);
  o.env = std::move(env);
  return o;
}

TEST(WasiGuestTest, PassesArgsAndEnv) {
  GuestRun r = RunGuest("wasi_args_env", Args({"prog", "one", "two words", ""}, {"A=1", "EMPTY=", "X=a=b"}));
  ASSERT_TRUE(r.status.ok()) << Describe(r);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out,
            "argc=4\narg[0]=prog\narg[1]=one\narg[2]=two words\narg[3]=\n"
            "env=A=1\nenv=EMPTY=\nenv=X=a=b\n");
}

TEST(WasiGuestTest, HostEnvironmentIsNotVisible) {
  setenv("CAPSULE_WASI_SECRET", "leak", 1);
  GuestRun r = RunGuest("wasi_args_env", Args({"prog"}));
  ASSERT_TRUE(r.status.ok()) << Describe(r);
  EXPECT_EQ(r.out, "argc=1\narg[0]=prog\n");
}

TEST(WasiGuestTest, ClocksRandomAndYield) {
  GuestRun r = RunGuest("wasi_clocks_random", Args({"clocks"}));
  ASSERT_TRUE(r.status.ok()) << Describe(r);
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(r.out, "ok\n");
}

TEST(WasiGuestTest, CopiesStdinToStdoutAndStderr) {
  GuestRun r = RunGuest("wasi_stdio", Args({"stdio"}), Stdin{"hello\nworld", true});
  ASSERT_TRUE(r.status.ok()) << Describe(r);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "HELLO\nWORLD");
  EXPECT_EQ(r.err, "read 11 bytes\n");
}

TEST(WasiGuestTest, StdioObserverSeesWhatReachedStdoutAndStderr) {
  WasiOptions o = Args({"stdio"});
  std::string seen;
  o.on_stdio_write = [&seen](std::string_view bytes) { seen += bytes; };
  GuestRun r = RunGuest("wasi_stdio", o, Stdin{"ab", true});
  ASSERT_TRUE(r.status.ok()) << Describe(r);
  EXPECT_EQ(r.out, "AB");
  EXPECT_EQ(seen, "read 2 bytes\nAB");  // stderr is unbuffered, stdout is flushed at exit
}

TEST(WasiGuestTest, StreamsLargeOutput) {
  std::string input(60000, 'x');
  GuestRun r = RunGuest("wasi_stdio", Args({"stdio"}), Stdin{input, true});
  ASSERT_TRUE(r.status.ok()) << Describe(r);
  EXPECT_EQ(r.out, std::string(60000, 'X'));
  EXPECT_EQ(r.err, "read 60000 bytes\n");
}

TEST(WasiGuestTest, EmptyStdinReadsAsEof) {
  WasiOptions o = Args({"stdio"});
  GuestRun r = RunGuest("wasi_stdio", o, Stdin{"", true});
  ASSERT_TRUE(r.status.ok()) << Describe(r);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "read 0 bytes\n");
}

TEST(WasiGuestTest, WritingToClosedPipeFailsInGuestNotHost) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  close(p[0]);
  WasiOptions o = Args({"prog", "some", "output"});
  o.stdin_fd = -1;
  o.stdout_fd = p[1];
  o.stderr_fd = -1;
  int exit_code = -1;
  Status s = testing::RunGuestAsIs("wasi_args_env", o, &exit_code);  // would die of SIGPIPE if unprotected
  close(p[1]);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(exit_code, 0);
}

TEST(WasiGuestTest, ExitCodes) {
  GuestRun returned = RunGuest("wasi_exit", Args({"exit", "return"}));
  ASSERT_TRUE(returned.status.ok()) << Describe(returned);
  EXPECT_EQ(returned.exit_code, 0);

  GuestRun seven = RunGuest("wasi_exit", Args({"exit", "7"}));
  ASSERT_TRUE(seven.status.ok()) << Describe(seven);
  EXPECT_EQ(seven.exit_code, 7);
  EXPECT_EQ(seven.out, "exiting with 7\n");  // stdio flushed before proc_exit

  GuestRun zero = RunGuest("wasi_exit", Args({"exit", "0"}));
  ASSERT_TRUE(zero.status.ok()) << Describe(zero);
  EXPECT_EQ(zero.exit_code, 0);

  GuestRun trap = RunGuest("wasi_exit", Args({"exit", "trap"}));
  ASSERT_FALSE(trap.status.ok());
  EXPECT_EQ(trap.status.error().code, ErrorCode::kTrap) << trap.status.error().message;
}

TEST(WasiGuestTest, CommandReadsStdinUsesArgsAndEnvWritesFileExits3) {
  TempDir dir;
  WasiOptions o = Args({"command", "greeting.txt"}, {"GREETING=Bonjour"});
  o.preopens.push_back({dir.path(), "/out"});
  GuestRun r = RunGuest("wasi_command", o, Stdin{"World\n", true});
  ASSERT_TRUE(r.status.ok()) << Describe(r);
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  EXPECT_EQ(r.out, "wrote 16 bytes to /out/greeting.txt\n");
  EXPECT_EQ(ReadHostFile(dir.path() + "/greeting.txt"), "Bonjour, World!\n");
}

TEST(WasiGuestTest, RawAbi) {
  TempDir dir;
  WasiOptions o = Args({"raw_api"});
  o.preopens.push_back({dir.path(), "/sandbox"});
  GuestRun r = RunGuest("wasi_raw_api", o);
  ASSERT_TRUE(r.status.ok()) << Describe(r);
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  int checks = 0, failures = -1;
  auto done = r.out.find("done, ");
  ASSERT_NE(done, std::string::npos) << Describe(r);
  ASSERT_EQ(std::sscanf(r.out.c_str() + done, "done, %d checks, %d failures", &checks, &failures), 2);
  EXPECT_EQ(failures, 0) << Describe(r);
  EXPECT_GT(checks, 150);  // every section ran
}

TEST(WasiGuestTest, PollSeesReadableStdin) {
  GuestRun r = RunGuest("wasi_poll", Args({"poll", "5000"}), Stdin{"abc", false});
  ASSERT_TRUE(r.status.ok()) << Describe(r);
  EXPECT_EQ(r.out, "event 1 type=1 error=0 nbytes=3 hangup=0\n");
}

TEST(WasiGuestTest, PollTimesOut) {
  auto start = std::chrono::steady_clock::now();
  GuestRun r = RunGuest("wasi_poll", Args({"poll", "50"}), Stdin{"", false});
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r.status.ok()) << Describe(r);
  EXPECT_EQ(r.out, "event 2 type=0 error=0 nbytes=0 hangup=0\n");
  EXPECT_GE(elapsed, std::chrono::milliseconds(50));
}

TEST(WasiGuestTest, PollSeesHangup) {
  GuestRun r = RunGuest("wasi_poll", Args({"poll", "5000"}), Stdin{"", true});
  ASSERT_TRUE(r.status.ok()) << Describe(r);
  EXPECT_EQ(r.out, "event 1 type=1 error=0 nbytes=0 hangup=1\n");
}

TEST(WasiGuestTest, TrapsWithoutContext) {
  auto engine = Engine::Create();
  ASSERT_TRUE(engine.ok()) << engine.error().message;
  auto bytes = ReadFileBytes(std::string(CAPSULE_GUEST_DIR) + "/wasi_exit.wasm");
  ASSERT_TRUE(bytes.ok());
  auto module = (*engine)->Compile(*bytes);
  ASSERT_TRUE(module.ok()) << module.error().message;
  auto linker = std::make_shared<Linker>();
  AddWasiToLinker(*linker);
  auto context = (*engine)->NewContext();
  ASSERT_TRUE(context.ok());
  auto instance = (*context)->Instantiate(*module, linker);
  ASSERT_TRUE(instance.ok()) << instance.error().message;
  auto code = RunWasiStart(**instance);
  ASSERT_FALSE(code.ok());
  EXPECT_EQ(code.error().code, ErrorCode::kTrap);
  EXPECT_NE(code.error().message.find("no WASI context"), std::string::npos) << code.error().message;
}

TEST(WasiContextTest, ValidatesOptions) {
  WasiOptions bad_env;
  bad_env.env = {"NOEQUALS"};
  auto a = WasiContext::Create(bad_env);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, ErrorCode::kInvalidArgument);

  WasiOptions nul;
  nul.args = {std::string("a\0b", 3)};
  EXPECT_FALSE(WasiContext::Create(nul).ok());

  WasiOptions missing;
  missing.preopens.push_back({"/nonexistent/capsule/dir", "/x"});
  auto b = WasiContext::Create(missing);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, ErrorCode::kNotFound);
  EXPECT_NE(b.error().message.find("/nonexistent/capsule/dir"), std::string::npos);

  WasiOptions closed;
  closed.stdout_fd = 987;
  EXPECT_EQ(WasiContext::Create(closed).error().code, ErrorCode::kInvalidArgument);

  WasiOptions none;
  none.stdin_fd = none.stdout_fd = none.stderr_fd = -1;
  EXPECT_TRUE(WasiContext::Create(none).ok());
}

TEST(WasiLinkerTest, DefinesEveryPreview1FunctionWithWitxSignatures) {
  Linker linker;
  AddWasiToLinker(linker);
  const ValType I = ValType::kI32, L = ValType::kI64;
  const std::map<std::string, FuncType> expected = {
      {"args_get", {{I, I}, {I}}},
      {"args_sizes_get", {{I, I}, {I}}},
      {"environ_get", {{I, I}, {I}}},
      {"environ_sizes_get", {{I, I}, {I}}},
      {"clock_res_get", {{I, I}, {I}}},
      {"clock_time_get", {{I, L, I}, {I}}},
      {"fd_advise", {{I, L, L, I}, {I}}},
      {"fd_allocate", {{I, L, L}, {I}}},
      {"fd_close", {{I}, {I}}},
      {"fd_datasync", {{I}, {I}}},
      {"fd_fdstat_get", {{I, I}, {I}}},
      {"fd_fdstat_set_flags", {{I, I}, {I}}},
      {"fd_fdstat_set_rights", {{I, L, L}, {I}}},
      {"fd_filestat_get", {{I, I}, {I}}},
      {"fd_filestat_set_size", {{I, L}, {I}}},
      {"fd_filestat_set_times", {{I, L, L, I}, {I}}},
      {"fd_pread", {{I, I, I, L, I}, {I}}},
      {"fd_prestat_get", {{I, I}, {I}}},
      {"fd_prestat_dir_name", {{I, I, I}, {I}}},
      {"fd_pwrite", {{I, I, I, L, I}, {I}}},
      {"fd_read", {{I, I, I, I}, {I}}},
      {"fd_readdir", {{I, I, I, L, I}, {I}}},
      {"fd_renumber", {{I, I}, {I}}},
      {"fd_seek", {{I, L, I, I}, {I}}},
      {"fd_sync", {{I}, {I}}},
      {"fd_tell", {{I, I}, {I}}},
      {"fd_write", {{I, I, I, I}, {I}}},
      {"path_create_directory", {{I, I, I}, {I}}},
      {"path_filestat_get", {{I, I, I, I, I}, {I}}},
      {"path_filestat_set_times", {{I, I, I, I, L, L, I}, {I}}},
      {"path_link", {{I, I, I, I, I, I, I}, {I}}},
      {"path_open", {{I, I, I, I, I, L, L, I, I}, {I}}},
      {"path_readlink", {{I, I, I, I, I, I}, {I}}},
      {"path_remove_directory", {{I, I, I}, {I}}},
      {"path_rename", {{I, I, I, I, I, I}, {I}}},
      {"path_symlink", {{I, I, I, I, I}, {I}}},
      {"path_unlink_file", {{I, I, I}, {I}}},
      {"poll_oneoff", {{I, I, I, I}, {I}}},
      {"proc_exit", {{I}, {}}},
      {"proc_raise", {{I}, {I}}},
      {"sched_yield", {{}, {I}}},
      {"random_get", {{I, I}, {I}}},
      {"sock_accept", {{I, I, I}, {I}}},
      {"sock_recv", {{I, I, I, I, I, I}, {I}}},
      {"sock_send", {{I, I, I, I, I}, {I}}},
      {"sock_shutdown", {{I, I}, {I}}},
  };
  std::set<std::string> defined;
  for (const auto& def : linker.definitions()) {
    EXPECT_EQ(def->module, "wasi_snapshot_preview1");
    auto it = expected.find(def->name);
    ASSERT_NE(it, expected.end()) << "unexpected " << def->name;
    EXPECT_EQ(def->type, it->second) << def->name << ": " << def->type.ToString();
    defined.insert(def->name);
  }
  EXPECT_EQ(defined.size(), expected.size());
  EXPECT_EQ(linker.definitions().size(), 46u);
}

}  // namespace
}  // namespace capsule
