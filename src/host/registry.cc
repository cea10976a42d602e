// Registration of Capsule host functions: the per-generation signatures and the list of groups.
#include <cerrno>
#include <cstdlib>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

#include <unistd.h>

#include "host/group.h"

namespace capsule {

namespace host {

std::string ErrnoText(int error) {
  std::string text = std::error_code(error, std::generic_category()).message();
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] - 'A' + 'a');
  return text;
}

}  // namespace host

OutputSink FdSink(int fd) {
  return [fd](std::string_view text) {
    while (!text.empty()) {
      ssize_t n = ::write(fd, text.data(), text.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      text.remove_prefix(static_cast<size_t>(n));
    }
  };
}

EnvLookup ProcessEnv() {
  return [](std::string_view name) -> std::optional<std::string> {
    std::string key(name);
    if (key.find('\0') != std::string::npos) return std::nullopt;
    const char* value = std::getenv(key.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

void DefineCapsuleHostFunction(Linker& linker, std::string name, size_t param_count, CapsuleHostFn fn) {
  auto shared = std::make_shared<const CapsuleHostFn>(std::move(fn));
  HostFunc wrapper = [shared, name](Caller& caller, std::span<const Value> args, std::span<Value> results) -> Status {
    uint32_t small[16];
    std::vector<uint32_t> large;
    uint32_t* raw = small;
    if (args.size() > std::size(small)) {
      large.resize(args.size());
      raw = large.data();
    }
    for (size_t i = 0; i < args.size(); ++i) raw[i] = args[i].u32();
    auto st = (*shared)(caller, std::span<const uint32_t>(raw, args.size()));
    if (!st) {
      Error error = st.take_error();
      if (error.code != ErrorCode::kExit && error.code != ErrorCode::kInterrupted)
        error.message = name + ": " + error.message;
      return error;
    }
    for (Value& result : results) result = Value::I32(0);
    return Status::Ok();
  };
  std::vector<ValType> params(param_count, ValType::kI32);
  linker.Define("env", name, FuncType{params, {ValType::kI32}}, wrapper);
  linker.Define("env", std::move(name), FuncType{std::move(params), {}}, std::move(wrapper));
}

void AddCapsuleHostFunctions(Linker& linker, const HostOptions& options) {
  auto shared = std::make_shared<const HostOptions>(options);
#define CAPSULE_HOST_GROUP(Name) Add##Name##HostFunctions(linker, shared);
#include "host/groups.inc"
#undef CAPSULE_HOST_GROUP
}

}  // namespace capsule
