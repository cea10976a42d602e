#include "runners/common/flags.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace capsule::runners {

FlagSet::FlagSet(std::string program, std::string synopsis)
    : program_(std::move(program)), synopsis_(std::move(synopsis)) {
  Bool("help", &help_, "show this help (--help-markdown: as a Markdown page)");
  Bool("h", &help_, "show this help");
}

std::optional<int> FlagSet::ParseCommandLine(std::span<const std::string> args) {
  for (const std::string& arg : args) {
    if (arg == "--") break;
    if (arg == "--help-markdown") {
      std::fputs(HelpMarkdown().c_str(), stdout);
      return 0;
    }
  }
  if (auto st = Parse(args); !st) {
    std::string command = program_.substr(0, program_.find(' '));
    std::fprintf(stderr, "%s: error: %s\n", command.c_str(), st.error().message.c_str());
    return 2;
  }
  if (help_) {
    std::fputs(Help().c_str(), stdout);
    return 0;
  }
  return std::nullopt;
}

void FlagSet::String(std::string name, std::string* target, std::string help, std::string value_name) {
  flags_.push_back({std::move(name), Kind::kString, target, std::move(help), std::move(value_name)});
}

void FlagSet::Bool(std::string name, bool* target, std::string help) {
  flags_.push_back({std::move(name), Kind::kBool, target, std::move(help), ""});
}

void FlagSet::Repeated(std::string name, std::vector<std::string>* target, std::string help, std::string value_name) {
  flags_.push_back({std::move(name), Kind::kRepeated, target, std::move(help), std::move(value_name)});
}

FlagSet::Flag* FlagSet::Find(const std::string& name) {
  for (auto& f : flags_)
    if (f.name == name) return &f;
  return nullptr;
}

bool FlagSet::WasSet(const std::string& name) const {
  for (const auto& f : flags_)
    if (f.name == name) return f.set;
  return false;
}

Status FlagSet::Parse(std::span<const std::string> args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      before_dashdash_ = positional_.size();
      positional_.insert(positional_.end(), args.begin() + static_cast<long>(i) + 1, args.end());
      return Status::Ok();
    }
    if (arg.size() < 2 || arg[0] != '-') {
      positional_.push_back(arg);
      continue;
    }
    std::string body = arg.substr(arg[1] == '-' ? 2 : 1);
    std::optional<std::string> value;
    if (auto eq = body.find('='); eq != std::string::npos) {
      value = body.substr(eq + 1);
      body.resize(eq);
    }
    Flag* flag = Find(body);
    if (!flag) return Fail(ErrorCode::kInvalidArgument, "unknown flag " + arg + " (see " + program_ + " --help)");
    flag->set = true;
    if (flag->kind == Kind::kBool) {
      bool* b = static_cast<bool*>(flag->target);
      if (!value || *value == "true" || *value == "1") {
        *b = true;
      } else if (*value == "false" || *value == "0") {
        *b = false;
      } else {
        return Fail(ErrorCode::kInvalidArgument, "flag --" + body + " takes true or false, not \"" + *value + "\"");
      }
      continue;
    }
    if (!value) {
      if (i + 1 >= args.size()) return Fail(ErrorCode::kInvalidArgument, "flag --" + body + " needs a value");
      value = args[++i];
    }
    if (flag->kind == Kind::kString)
      *static_cast<std::string*>(flag->target) = *value;
    else
      static_cast<std::vector<std::string>*>(flag->target)->push_back(*value);
  }
  before_dashdash_ = positional_.size();
  return Status::Ok();
}

std::string FlagSet::Help() const {
  std::string out = "Usage:\n" + synopsis_ + "\n\nFlags:\n";
  for (const auto& f : flags_) {
    std::string left = "  --" + f.name;
    if (f.kind != Kind::kBool) left += "=" + f.value_name;
    if (left.size() < 30)
      left.resize(30, ' ');
    else
      left += "\n" + std::string(30, ' ');
    out += left + f.help;
    if (f.kind == Kind::kString) {
      const auto* s = static_cast<const std::string*>(f.target);
      if (!s->empty()) out += " (default \"" + *s + "\")";
    }
    if (f.kind == Kind::kRepeated) out += " (repeatable)";
    out += "\n";
  }
  if (!epilog_.empty()) out += "\n" + epilog_;
  return out;
}

std::string FlagSet::HelpMarkdown() const {
  auto cell = [](const std::string& text) {
    std::string out;
    for (char c : text) {
      if (c == '|') out += '\\';
      out += c == '\n' ? ' ' : c;
    }
    return out;
  };
  std::string out = "# `" + program_ + "`\n\n```text\n" + synopsis_ + "\n```\n\n| flag | default | |\n|---|---|---|\n";
  for (const auto& f : flags_) {
    std::string flag = "--" + f.name;
    if (f.kind != Kind::kBool) flag += "=" + f.value_name;
    std::string fallback;
    if (f.kind == Kind::kString) fallback = *static_cast<const std::string*>(f.target);
    out += "| `" + flag + "` | " + (fallback.empty() ? "" : "`" + cell(fallback) + "`") + " | " + cell(f.help) +
           (f.kind == Kind::kRepeated ? " (repeatable)" : "") + " |\n";
  }
  if (!epilog_.empty()) out += "\n```text\n" + epilog_ + (epilog_.back() == '\n' ? "" : "\n") + "```\n";
  return out;
}

Result<std::chrono::milliseconds> ParseDuration(const std::string& text) {
  char* end = nullptr;
  double number = std::strtod(text.c_str(), &end);
  std::string unit = end ? std::string(end) : "";
  double scale = 0;
  if (unit.empty() || unit == "s")
    scale = 1000;
  else if (unit == "ms")
    scale = 1;
  else if (unit == "m")
    scale = 60'000;
  else if (unit == "h")
    scale = 3'600'000;
  if (text.empty() || end == text.c_str() || scale == 0 || !std::isfinite(number) || number < 0)
    return Fail(ErrorCode::kInvalidArgument, "invalid duration \"" + text + "\" (try 500ms, 2s, 1m)");
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(number * scale)));
}

Result<uint64_t> ParseSize(const std::string& text) {
  char* end = nullptr;
  double number = std::strtod(text.c_str(), &end);
  std::string unit = end ? std::string(end) : "";
  double scale = 0;
  if (unit.empty() || unit == "B")
    scale = 1;
  else if (unit == "KiB" || unit == "K")
    scale = 1024.0;
  else if (unit == "MiB" || unit == "M")
    scale = 1024.0 * 1024;
  else if (unit == "GiB" || unit == "G")
    scale = 1024.0 * 1024 * 1024;
  else if (unit == "KB")
    scale = 1e3;
  else if (unit == "MB")
    scale = 1e6;
  else if (unit == "GB")
    scale = 1e9;
  if (text.empty() || end == text.c_str() || scale == 0 || !std::isfinite(number) || number < 0)
    return Fail(ErrorCode::kInvalidArgument, "invalid size \"" + text + "\" (try 65536, 64MiB, 1GiB)");
  return static_cast<uint64_t>(std::llround(number * scale));
}

Result<uint32_t> ParseMemoryPages(const std::string& text) {
  auto bytes = ParseSize(text);
  if (!bytes) return bytes.take_error();
  const uint64_t pages = *bytes / 65536;
  if (pages == 0) return Fail(ErrorCode::kInvalidArgument, "must be at least 64KiB (one page)");
  return static_cast<uint32_t>(pages > 65536 ? 65536 : pages);
}

}  // namespace capsule::runners
