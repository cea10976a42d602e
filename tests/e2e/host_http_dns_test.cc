// End-to-end: a hostHTTP call whose host name never resolves (a DNS server that does not answer) ends at its
// deadline, not at the system resolver's timeouts. The CLI runs in a mount namespace of its own whose
// /etc/resolv.conf names a silent server on a loopback address; needs root (skipped otherwise).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "process.h"
#include "silent_dns_server.h"

namespace capsule::testing {
namespace {

TEST(HostHttpDnsTest, AHangingLookupEndsAtTheDeadline) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root: a mount namespace with a resolv.conf of its own";
  SilentDnsServer dns;
  ASSERT_FALSE(dns.address().empty()) << "no loopback address with a free port 53";
  const std::string dir = MakeTempDir();
  // Without the deadline, a lookup would wait 3 attempts of 5 s.
  std::ofstream(dir + "/resolv.conf") << "nameserver " << dns.address() << "\noptions timeout:5 attempts:3\n";
  const auto start = std::chrono::steady_clock::now();
  auto r = RunProcess(
      {"/usr/bin/unshare", "--mount", "/bin/sh", "-c", "mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"",
       dir + "/resolv.conf", BinaryPath("capsule"), "--wasm=" + GuestPath("host_services"),
       "--params=http:{\"URI\":\"http://never-answered.capsule-test/\",\"Method\":\"GET\"}", "--http-timeout=500ms"});
  const auto took = std::chrono::steady_clock::now() - start;
  std::filesystem::remove_all(dir);
  if (r.err.find("unshare failed") != std::string::npos || r.err.find("mount:") != std::string::npos)
    GTEST_SKIP() << "no mount namespace here: " << r.err;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.out, "timeout: no answer within 500ms\n") << r.err;
  EXPECT_LT(took, std::chrono::seconds(5));  // the resolver alone would take 15 s
}

}  // namespace
}  // namespace capsule::testing
