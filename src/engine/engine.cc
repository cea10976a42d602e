// Backend selection and the backend-independent parts of the engine API.
#include "capsule/engine.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include "engine/interp/interp_engine.h"
#include "engine/v8/v8_engine.h"

namespace capsule {

Result<std::shared_ptr<Engine>> Engine::Create(const EngineOptions& options) {
  if (options.backend == "v8") return internal::CreateV8Engine(options);
  if (options.backend == "interp") return internal::interp::CreateInterpEngine(options);
  return Fail(ErrorCode::kInvalidArgument,
              "unknown engine backend \"" + options.backend + "\" (available: v8, interp)");
}

Result<std::vector<Value>> Instance::Call(std::string_view name, std::span<const Value> args,
                                          const CallOptions& options) {
  auto f = GetFunc(name);
  if (!f) return f.take_error();
  std::vector<Value> results(f->type->results.size());
  if (auto st = Call(*f, args, results, options); !st) return st.take_error();
  return results;
}

Result<std::vector<uint8_t>> ReadFileBytes(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return Fail(ErrorCode::kIo, "cannot read " + path + ": is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorCode::kNotFound, "cannot open " + path + ": no such file or not readable");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Fail(ErrorCode::kIo, "cannot read " + path);
  return bytes;
}

}  // namespace capsule
