// End-to-end tests of the `capsule` binary: Capsule's CLI mode, `capsule run`, and every user-facing error.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "http_client.h"
#include "process.h"
#include "runner_process.h"
#include "tiny_http_server.h"

namespace capsule::testing {
namespace {

namespace fs = std::filesystem;

RunResult Capsule(std::vector<std::string> args, RunOptions options = {}) {
  args.insert(args.begin(), BinaryPath("capsule"));
  return RunProcess(args, options);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string ReadGuest(const std::string& name) {
  return ReadAll(GuestPath(name));
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& content) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::string dir_;
};

TEST_F(CliTest, HelpAndVersion) {
  auto r = Capsule({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--wasm=FILE"), std::string::npos);
  EXPECT_NE(r.out.find("--params=INPUT"), std::string::npos);
  EXPECT_NE(r.out.find("capsule run"), std::string::npos);
  r = Capsule({"run", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--dir=HOST[:GUEST]"), std::string::npos);
  r = Capsule({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("capsule v"), std::string::npos);
}

TEST_F(CliTest, CallsTheHandlerLikeCapsule) {
  RunOptions options;
  options.env = {"MESSAGE=from the host"};
  auto r = Capsule({"--wasm=" + GuestPath("cli_hello"), "--params=Bob"}, options);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Environment variable -> MESSAGE: from the host\nHello Bob\n");
  EXPECT_EQ(r.err, "");
  // Go-style single dash and separate values work too.
  r = Capsule({"-wasm", GuestPath("cli_hello"), "-params", "Jane Doe"}, options);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Hello Jane Doe\n"), std::string::npos);
}

// capsule_success_printf formats in one pass into a first guess of 256 bytes (marker included) and again into a
// buffer of the right size when the text is longer: either way the answer is whole.
TEST_F(CliTest, PrintfAnswersOfAnyLengthAreWhole) {
  for (size_t n : {size_t{0}, size_t{248}, size_t{249}, size_t{250}, size_t{5000}}) {
    const std::string params(n, 'x');
    auto r = Capsule({"--wasm=" + GuestPath("cli_hello"), "--params=" + params});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const std::string expected = "Hello " + params + "\n";
    ASSERT_GE(r.out.size(), expected.size()) << n;
    EXPECT_EQ(r.out.substr(r.out.size() - expected.size()), expected) << n;
  }
}

TEST_F(CliTest, RunsLegacyModulesWithPositionalArguments) {
  // capsulemodule modules (Capsule v0.2/v0.3) take the CLI arguments joined with "²".
  auto r = Capsule({"--wasm=" + GuestPath("abi_legacy"), "hello", "Bob", "Morane"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Hello Bob,Morane\n");
  r = Capsule({"-mode=cli", "-wasm=" + GuestPath("abi_legacy"), "fail42"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "bad]:thing (42)\n");
  // v0.2.x host functions have no result; the same host serves them.
  RunOptions options;
  options.env = {"LEGACY_VAR=old school"};
  r = Capsule({"--wasm=" + GuestPath("abi_legacy_v02"), "--", "env", "LEGACY_VAR"}, options);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "old school\n");
  // Capsule v0.3's -mode=http runs capsule-http (stopped here by its own --stopAfter).
  r = Capsule({"--mode=http", "--wasm=" + GuestPath("abi_legacy"), "--httpPort=", "--stopAfter=200ms"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("capsule-http: listening on"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("capsule-http: stopping"), std::string::npos) << r.out;
}

TEST_F(CliTest, ModuleFailureIsPrintedWithExitOne) {
  auto r = Capsule({"--wasm=" + GuestPath("cli_hello"), "--params=fail"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("you asked me to fail\n"), std::string::npos) << r.out;
}

TEST_F(CliTest, TrapIsReportedWithTheMessage) {
  auto r = Capsule({"--wasm=" + GuestPath("cli_hello"), "--params=trap"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("trap"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("unreachable"), std::string::npos) << r.err;
}

// A module shaped like an MDK module whose main() only called SetHandleJSON (tests/guests/cli/json_only.c).
TEST_F(CliTest, JsonRunsTheJsonHandler) {
  auto r = Capsule({"--json", "--wasm=" + GuestPath("cli_json_only"), R"(--params={"name":"Bob"})"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"message\":\"Hello Bob\"}\n");
  r = Capsule({"--handler=callHandleJSON", "--wasm=" + GuestPath("cli_json_only"), R"(--params={"name":"Al"})"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"message\":\"Hello Al\"}\n");
  r = Capsule({"--json", "--wasm=" + GuestPath("cli_json_only"), "--params={}"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "the input has no \"name\"\n");
}

TEST_F(CliTest, HandlerFlagErrors) {
  auto r = Capsule({"--handler=callNothing", "--wasm=" + GuestPath("cli_json_only")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the module has no export callNothing; its handler exports: callHandle, callHandleJSON "
                       "(--json), callHandleHTTP"),
            std::string::npos)
      << r.err;
  r = Capsule({"--handler=malloc", "--wasm=" + GuestPath("cli_json_only")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("malloc has signature (i32) -> (i32), expected (i32, i32) -> (i64)"), std::string::npos)
      << r.err;
  r = Capsule({"--json", "--handler=callHandle", "--wasm=" + GuestPath("cli_json_only")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot be combined"), std::string::npos) << r.err;
}

TEST_F(CliTest, AnUnregisteredHandlerGetsAHint) {
  for (const char* guest : {"cli_json_only", "cli_json_only_silent"}) {
    auto r = Capsule({"--wasm=" + GuestPath(guest), "--params=Bob"});
    EXPECT_EQ(r.exit_code, 1) << guest;
    EXPECT_NE(r.err.find("capsule: error: trap: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("capsule: hint: callHandle trapped before it printed anything of its own: the module may "
                         "not register a handler for callHandle"),
              std::string::npos)
        << guest << ": " << r.err;
    EXPECT_NE(r.err.find("its other handler exports: callHandleJSON (--json), callHandleHTTP"), std::string::npos)
        << r.err;
  }
  // A handler that printed something first trapped for a reason of its own: no hint.
  auto loud = Capsule({"--json", "--wasm=" + GuestPath("cli_json_only"), R"(--params={"name":"loud-trap"})"});
  EXPECT_EQ(loud.exit_code, 1);
  EXPECT_EQ(loud.out, "about to trap\n");
  EXPECT_NE(loud.err.find("capsule: error: trap: "), std::string::npos) << loud.err;
  EXPECT_EQ(loud.err.find("hint"), std::string::npos) << loud.err;
}

TEST_F(CliTest, TimeoutInterruptsALoopingHandler) {
  auto r = Capsule({"--wasm=" + GuestPath("cli_hello"), "--params=loop", "--timeout=300ms"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--timeout=300ms"), std::string::npos) << r.err;
}

TEST_F(CliTest, ClearErrorsForBadModules) {
  auto r = Capsule({"--wasm=" + dir_ + "/missing.wasm"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot open " + dir_ + "/missing.wasm"), std::string::npos) << r.err;

  r = Capsule({"--wasm=" + Write("notes.txt", "hello, I am text")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is not a WebAssembly module"), std::string::npos) << r.err;

  std::string truncated = ReadGuest("cli_hello");
  truncated.resize(truncated.size() / 3);
  r = Capsule({"--wasm=" + Write("broken.wasm", truncated)});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("invalid module"), std::string::npos) << r.err;

  r = Capsule({"--wasm=" + dir_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is a directory"), std::string::npos) << r.err;
}

TEST_F(CliTest, UnknownImportIsNamed) {
  auto r = Capsule({"run", GuestPath("engine_basics")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("\"env\".\"host_"), std::string::npos) << r.err;
}

TEST_F(CliTest, UsageErrors) {
  auto r = Capsule({"--wasm=x.wasm", "--bogus"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown flag --bogus"), std::string::npos);
  r = Capsule({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no module given"), std::string::npos);
  r = Capsule({"run"});
  EXPECT_EQ(r.exit_code, 2);
  r = Capsule({"--wasm=x.wasm", "--timeout=soon"});
  EXPECT_NE(r.exit_code, 0);
}

// Capsule v0.3's single binary: --mode picks the runner, which gets the rest of the command line.
TEST_F(CliTest, ModeRunsTheMatchingRunner) {
  for (const char* mode : {"http", "nats", "mqtt"}) {
    auto r = Capsule({std::string("--mode=") + mode, "--version"});
    EXPECT_EQ(r.exit_code, 0) << mode << r.err;
    EXPECT_NE(r.out.find(std::string("capsule-") + mode + " v"), std::string::npos) << r.out;
  }
  auto separate = Capsule({"-mode", "nats", "--help"});
  EXPECT_EQ(separate.exit_code, 0);
  EXPECT_NE(separate.out.find("capsule-nats --wasm=FILE"), std::string::npos) << separate.out;
  auto cli = Capsule({"-mode=cli", "-wasm=" + GuestPath("cli_hello"), "-params=Bob"});
  EXPECT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_NE(cli.out.find("Hello Bob"), std::string::npos);
  auto bogus = Capsule({"--mode=ftp", "--wasm=x.wasm"});
  EXPECT_EQ(bogus.exit_code, 2);
  EXPECT_NE(bogus.err.find("unknown --mode=ftp"), std::string::npos) << bogus.err;
}

TEST_F(CliTest, AVersion03HttpCommandLineServes) {
  RunnerProcess server(BinaryPath("capsule"), {"-mode=http", "-wasm=" + GuestPath("hello-world"), "-httpPort="}, {},
                       "listening on ");
  ASSERT_TRUE(server.ready()) << server.Stderr();
  const std::string text = server.Stdout();
  const int port = std::atoi(text.c_str() + text.rfind(':', text.find('\n', text.find("listening on "))) + 1);
  auto r = HttpRequest(port, "POST", "/", R"({"name":"Bob","age":42})", {"Content-Type: application/json"});
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("Bob"), std::string::npos) << r.body;
}

TEST_F(CliTest, EngineFlag) {
  std::vector<std::string> engines = {"auto", "interp"};
#if CAPSULE_WITH_V8
  engines.push_back("v8");
#endif
  for (const std::string& engine : engines) {
    auto r = Capsule({"--engine=" + engine, "--wasm=" + GuestPath("cli_hello"), "--params=Bob"});
    EXPECT_EQ(r.exit_code, 0) << engine << ": " << r.err;
    EXPECT_NE(r.out.find("Hello Bob"), std::string::npos) << engine;
  }
  auto bad = Capsule({"--engine=jit", "--wasm=" + GuestPath("cli_hello")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--engine must be auto, interp or v8, got \"jit\""), std::string::npos) << bad.err;
  RunOptions env;
  env.env = {"CAPSULE_ENGINE=jit"};  // the flag's default comes from the environment
  auto from_env = Capsule({"--wasm=" + GuestPath("cli_hello")}, env);
  EXPECT_EQ(from_env.exit_code, 2);
  auto run = Capsule({"run", "--engine=jit", GuestPath("cli_wasi_command")});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--engine must be"), std::string::npos) << run.err;
}

// The dynamic loader lists every library it opens (LD_DEBUG=files): the default path (auto, interp) must never open
// libnode, and only --engine=v8 opens it, on first use.
TEST_F(CliTest, TheDefaultPathNeverLoadsLibnode) {
  RunOptions options;
  options.env = {"CAPSULE_ENGINE=", "LD_DEBUG=files"};
  auto r = Capsule({"--wasm=" + GuestPath("cli_hello"), "--params=Bob"}, options);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Hello Bob"), std::string::npos);
  EXPECT_NE(r.err.find("libc.so.6"), std::string::npos) << "LD_DEBUG lists nothing:\n" << r.err;
  EXPECT_EQ(r.err.find("libnode"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("libcapsule_v8"), std::string::npos) << r.err;
#if CAPSULE_WITH_V8
  auto v8 = Capsule({"--engine=v8", "--wasm=" + GuestPath("cli_hello"), "--params=Bob"}, options);
  EXPECT_EQ(v8.exit_code, 0) << v8.err;
  EXPECT_NE(v8.err.find("libnode"), std::string::npos) << v8.err;
#endif
}

// auto runs on interp, and on V8 (with one note on stderr) a module interp refuses: shared memory and atomics.
TEST_F(CliTest, AutoTakesV8ForAModuleInterpRefuses) {
  RunOptions options;
  options.env = {"CAPSULE_ENGINE="};
  auto interp = Capsule({"--engine=interp", "--wasm=" + GuestPath("cli_shared_memory"), "--params=x"}, options);
  EXPECT_EQ(interp.exit_code, 1);
  EXPECT_NE(interp.err.find("shared memory (the threads proposal) is not supported"), std::string::npos) << interp.err;
#if CAPSULE_WITH_V8
  auto r = Capsule({"--wasm=" + GuestPath("cli_shared_memory"), "--params=x"}, options);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "hello from shared memory\n");
  EXPECT_NE(r.err.find("capsule: note: the interp engine cannot run this module (invalid module: shared memory"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
#endif
}

TEST_F(CliTest, DownloadsWithTheAuthHeader) {
  TinyHttpServer server({{"/hello.wasm", {200, ReadGuest("cli_hello")}}, {"/text", {200, "not wasm"}}});
  std::string saved = dir_ + "/downloaded.wasm";
  auto r = Capsule({"--url=" + server.url("/hello.wasm"), "--wasm=" + saved, "--authHeaderName=PRIVATE-TOKEN",
                    "--authHeaderValue=IlovePandas", "--params=Bob"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Hello Bob"), std::string::npos);
  EXPECT_EQ(ReadAll(saved), ReadGuest("cli_hello"));
  ASSERT_FALSE(server.requests().empty());
  EXPECT_NE(server.requests()[0].find("PRIVATE-TOKEN: IlovePandas"), std::string::npos);

  r = Capsule({"--url=" + server.url("/missing.wasm"), "--wasm=" + dir_ + "/x.wasm"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("HTTP status 404"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ + "/x.wasm"));

  r = Capsule({"--url=" + server.url("/text"), "--wasm=" + dir_ + "/y.wasm"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is not a WebAssembly module"), std::string::npos) << r.err;
}

TEST_F(CliTest, TheAuthHeaderStaysWithTheServerOfTheUrl) {
  TinyHttpServer mirror({{"/hello.wasm", {200, ReadGuest("cli_hello")}}});
  TinyHttpServer origin(
      {{"/away.wasm", {302, "", {"Location: http://localhost:" + std::to_string(mirror.port()) + "/hello.wasm"}}},
       {"/moved.wasm", {301, "", {"Location: /hello.wasm"}}},
       {"/hello.wasm", {200, ReadGuest("cli_hello")}}});
  auto r = Capsule({"--url=" + origin.url("/away.wasm"), "--wasm=" + dir_ + "/a.wasm", "--authHeaderName=PRIVATE-TOKEN",
                    "--authHeaderValue=IlovePandas", "--params=Bob"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(mirror.requests().size(), 1u);
  EXPECT_EQ(mirror.requests()[0].find("PRIVATE-TOKEN"), std::string::npos) << mirror.requests()[0];
  r = Capsule({"--url=" + origin.url("/moved.wasm"), "--wasm=" + dir_ + "/b.wasm", "--authHeaderName=PRIVATE-TOKEN",
               "--authHeaderValue=IlovePandas", "--params=Bob"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(origin.requests().back().find("PRIVATE-TOKEN: IlovePandas"), std::string::npos) << origin.requests().back();
}

TEST_F(CliTest, FailedDownloadIsReported) {
  int port;
  {
    TinyHttpServer closed({});
    port = closed.port();
  }
  auto r = Capsule({"--url=http://127.0.0.1:" + std::to_string(port) + "/m.wasm", "--wasm=" + dir_ + "/m.wasm"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("download of http://127.0.0.1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("failed"), std::string::npos) << r.err;
}

TEST_F(CliTest, RunsAWasiCommand) {
  fs::create_directory(dir_ + "/data");
  RunOptions options;
  options.stdin_data = "line from stdin\nsecond line\n";
  auto r = Capsule(
      {"run", GuestPath("cli_wasi_command"), "--dir", dir_ + "/data:/data", "--env", "WHO=tester", "--", "first-arg"},
      options);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(r.out, "argc=2 argv1=first-arg stdin=line from stdin WHO=tester\n");
  EXPECT_EQ(r.err, "done\n");
  EXPECT_EQ(ReadAll(dir_ + "/data/out.txt"), "line from stdin|tester\n");
}

TEST_F(CliTest, RunRefusesToLeaveThePreopen) {
  fs::create_directory(dir_ + "/data");
  Write("outside.txt", "secret");
  fs::create_directory_symlink(dir_, dir_ + "/data/link-out");
  Write("secret.txt", "secret");
  auto r = Capsule({"run", GuestPath("cli_wasi_command"), "--dir", dir_ + "/data:/data", "--", "escape"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("OPENED"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("/data/../outside.txt: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("/etc/passwd: "), std::string::npos) << r.out;
}

}  // namespace
}  // namespace capsule::testing
