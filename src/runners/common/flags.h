// Command-line flags shared by every runner: Go-style `-name=value`, `--name=value` or `--name value`, booleans
// as `--name` or `--name=true|false`, flags and positional arguments in any order, `--` ending the flags.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "capsule/result.h"

namespace capsule::runners {

// A set of flags bound to variables, with a generated --help text.
class FlagSet {
 public:
  // program: the command name shown in help; synopsis: the usage lines after "Usage:".
  FlagSet(std::string program, std::string synopsis);

  // Binds a string flag; its current value is the default.
  void String(std::string name, std::string* target, std::string help, std::string value_name = "VALUE");
  // Binds a boolean flag.
  void Bool(std::string name, bool* target, std::string help);
  // Binds a repeatable flag: every occurrence appends.
  void Repeated(std::string name, std::vector<std::string>* target, std::string help, std::string value_name);
  // Adds a paragraph after the flag list (examples, notes).
  void Epilog(std::string text) { epilog_ += text; }

  // Parses args (without the program name). Errors: kInvalidArgument naming the unknown flag or missing value.
  Status Parse(std::span<const std::string> args);
  // Parses like Parse and answers --help / -h and --help-markdown (defined by every FlagSet). Returns the exit code
  // when the command should stop now: 0 after printing the help on stdout, 2 after printing "<program>: error: ..."
  // on stderr.
  std::optional<int> ParseCommandLine(std::span<const std::string> args);
  // Arguments that are not flags, in order; those after `--` are included.
  const std::vector<std::string>& positional() const { return positional_; }
  // How many positional arguments came before `--` (the rest were after it).
  size_t positional_before_dashdash() const { return before_dashdash_; }
  // Whether the flag was given on the command line.
  bool WasSet(const std::string& name) const;

  // The --help text.
  std::string Help() const;
  // The same as a Markdown page (--help-markdown): the synopsis, a table of the flags with their defaults, the
  // epilog. The docs site's flag pages are made of it (scripts/docs.sh), so that they cannot drift from --help.
  std::string HelpMarkdown() const;

 private:
  enum class Kind { kString, kBool, kRepeated };
  struct Flag {
    std::string name;
    Kind kind;
    void* target;
    std::string help;
    std::string value_name;
    bool set = false;
  };
  Flag* Find(const std::string& name);

  std::string program_, synopsis_, epilog_;
  std::vector<Flag> flags_;
  std::vector<std::string> positional_;
  size_t before_dashdash_ = 0;
  bool help_ = false;
};

// Parses a duration: "1.5s", "500ms", "2m", "1h", or a plain number of seconds. kInvalidArgument otherwise.
Result<std::chrono::milliseconds> ParseDuration(const std::string& text);

// Parses a size in bytes: "65536", "64KiB", "16MiB", "1GiB" (also KB/MB/GB as powers of 1000). kInvalidArgument
// otherwise.
Result<uint64_t> ParseSize(const std::string& text);

// Parses a --max-memory value into 64 KiB pages (at most 65536, the 4 GiB of a 32-bit memory). kInvalidArgument
// for a malformed size or one below a page.
Result<uint32_t> ParseMemoryPages(const std::string& text);

}  // namespace capsule::runners
