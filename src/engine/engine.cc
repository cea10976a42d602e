// The backend-independent parts of the engine API (shared by the HDK and the V8 backend's library).
#include "capsule/engine.h"

#include <filesystem>
#include <fstream>
#include <iterator>

namespace capsule {

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
