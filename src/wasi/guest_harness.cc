#include "guest_harness.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "capsule/engine.h"

namespace capsule::testing {

namespace {

void Drain(int fd, std::string* out) {
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out->append(buf, static_cast<size_t>(n));
  close(fd);
}

}  // namespace

Status RunGuestAsIs(const std::string& name, const WasiOptions& options, int* exit_code) {
  auto engine = Engine::Create();
  if (!engine) return engine.take_error();
  auto bytes = ReadFileBytes(std::string(CAPSULE_GUEST_DIR) + "/" + name + ".wasm");
  if (!bytes) return bytes.take_error();
  auto module = (*engine)->Compile(*bytes);
  if (!module) return module.take_error();
  auto linker = std::make_shared<Linker>();
  AddWasiToLinker(*linker);
  auto context = (*engine)->NewContext();
  if (!context) return context.take_error();
  auto wasi = WasiContext::Create(options);
  if (!wasi) return wasi.take_error();
  InstanceData data;
  data.set<WasiContext>(wasi->get());
  auto instance = (*context)->Instantiate(*module, linker, std::move(data));
  if (!instance) return instance.take_error();
  auto code = RunWasiStart(**instance);
  if (!code) return code.take_error();
  *exit_code = *code;
  return Status::Ok();
}

GuestRun RunGuest(const std::string& name, WasiOptions options, const Stdin& stdin) {
  int in[2], out[2], err[2];
  EXPECT_EQ(pipe2(in, O_CLOEXEC), 0);
  EXPECT_EQ(pipe2(out, O_CLOEXEC), 0);
  EXPECT_EQ(pipe2(err, O_CLOEXEC), 0);
  EXPECT_EQ(write(in[1], stdin.data.data(), stdin.data.size()), static_cast<ssize_t>(stdin.data.size()));
  if (stdin.close) close(in[1]);
  options.stdin_fd = in[0];
  options.stdout_fd = out[1];
  options.stderr_fd = err[1];

  GuestRun run;
  std::thread out_reader(Drain, out[0], &run.out);
  std::thread err_reader(Drain, err[0], &run.err);
  run.status = RunGuestAsIs(name, options, &run.exit_code);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  out_reader.join();
  err_reader.join();
  if (!stdin.close) close(in[1]);
  return run;
}

TempDir::TempDir() {
  char tmpl[] = "/tmp/capsule_wasi_XXXXXX";
  if (mkdtemp(tmpl)) path_ = tmpl;
  EXPECT_FALSE(path_.empty());
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

std::string ReadHostFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return "<missing>";
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace capsule::testing
