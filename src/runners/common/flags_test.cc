#include "runners/common/flags.h"

#include <gtest/gtest.h>

namespace capsule::runners {
namespace {

TEST(FlagSetTest, ParsesGoAndGnuForms) {
  std::string wasm, params;
  bool version = false;
  std::vector<std::string> env;
  FlagSet flags("capsule", "  capsule --wasm=FILE");
  flags.String("wasm", &wasm, "module");
  flags.String("params", &params, "input");
  flags.Bool("version", &version, "version");
  flags.Repeated("env", &env, "variable", "K=V");
  std::vector<std::string> args = {"-wasm=a.wasm", "pos1",      "--params", "x=y",          "--env", "A=1",
                                   "--env=B=2",    "--version", "--",       "--not-a-flag", "z"};
  ASSERT_TRUE(flags.Parse(args).ok());
  EXPECT_EQ(wasm, "a.wasm");
  EXPECT_EQ(params, "x=y");
  EXPECT_TRUE(version);
  EXPECT_EQ(env, (std::vector<std::string>{"A=1", "B=2"}));
  EXPECT_EQ(flags.positional(), (std::vector<std::string>{"pos1", "--not-a-flag", "z"}));
  EXPECT_EQ(flags.positional_before_dashdash(), 1u);
  EXPECT_TRUE(flags.WasSet("params"));
  EXPECT_NE(flags.Help().find("--wasm=VALUE"), std::string::npos);
}

TEST(FlagSetTest, HelpAsMarkdownHasEveryFlagWithItsDefault) {
  std::string mode = "a|b", url;
  bool quiet = false;
  std::vector<std::string> dirs;
  FlagSet flags("capsule", "  capsule --wasm=FILE");
  flags.String("mode", &mode, "how: a | b", "MODE");
  flags.String("url", &url, "where\nfrom");
  flags.Bool("quiet", &quiet, "say less");
  flags.Repeated("dir", &dirs, "a directory", "DIR");
  flags.Epilog("More text.\n");
  const std::string md = flags.HelpMarkdown();
  EXPECT_EQ(md.rfind("# `capsule`\n\n```text\n  capsule --wasm=FILE\n```\n", 0), 0u) << md;
  EXPECT_NE(md.find("| `--mode=MODE` | `a\\|b` | how: a \\| b |\n"), std::string::npos) << md;
  EXPECT_NE(md.find("| `--url=VALUE` |  | where from |\n"), std::string::npos) << md;
  EXPECT_NE(md.find("| `--quiet` |  | say less |\n"), std::string::npos) << md;
  EXPECT_NE(md.find("| `--dir=DIR` |  | a directory (repeatable) |\n"), std::string::npos) << md;
  EXPECT_NE(md.find("\n```text\nMore text.\n```\n"), std::string::npos) << md;
  // Every flag of --help is in the page.
  const std::string help = flags.Help();
  for (const char* name : {"--mode", "--url", "--quiet", "--dir", "--help"}) {
    EXPECT_NE(help.find(name), std::string::npos) << name;
    EXPECT_NE(md.find(std::string("`") + name), std::string::npos) << name;
  }
}

TEST(FlagSetTest, ReportsUnknownFlagsAndMissingValues) {
  std::string wasm;
  bool b = false;
  FlagSet flags("capsule", "");
  flags.String("wasm", &wasm, "module");
  flags.Bool("b", &b, "bool");
  auto st = flags.Parse(std::vector<std::string>{"--nope"});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("unknown flag --nope"), std::string::npos);
  FlagSet again("capsule", "");
  again.String("wasm", &wasm, "module");
  st = again.Parse(std::vector<std::string>{"--wasm"});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("needs a value"), std::string::npos);
  FlagSet bools("capsule", "");
  bools.Bool("b", &b, "bool");
  EXPECT_FALSE(bools.Parse(std::vector<std::string>{"--b=maybe"}).ok());
}

TEST(FlagParsersTest, DurationsAndSizes) {
  EXPECT_EQ(ParseDuration("2s")->count(), 2000);
  EXPECT_EQ(ParseDuration("1.5")->count(), 1500);
  EXPECT_EQ(ParseDuration("250ms")->count(), 250);
  EXPECT_EQ(ParseDuration("1m")->count(), 60000);
  EXPECT_FALSE(ParseDuration("soon").ok());
  EXPECT_FALSE(ParseDuration("-1s").ok());
  EXPECT_EQ(*ParseSize("64MiB"), 64ull << 20);
  EXPECT_EQ(*ParseSize("4096"), 4096u);
  EXPECT_EQ(*ParseSize("1GiB"), 1ull << 30);
  EXPECT_FALSE(ParseSize("lots").ok());
}

}  // namespace
}  // namespace capsule::runners

namespace capsule::runners {
namespace {

TEST(FlagParsersTest, MemoryPages) {
  EXPECT_EQ(*ParseMemoryPages("64KiB"), 1u);
  EXPECT_EQ(*ParseMemoryPages("64MiB"), 1024u);
  EXPECT_EQ(*ParseMemoryPages("8GiB"), 65536u);  // capped at the 4 GiB of a 32-bit memory
  auto small = ParseMemoryPages("1KiB");
  ASSERT_FALSE(small.ok());
  EXPECT_NE(small.error().message.find("at least 64KiB"), std::string::npos);
  EXPECT_FALSE(ParseMemoryPages("lots").ok());
}

}  // namespace
}  // namespace capsule::runners
