// LookUpHost against a DNS server that never answers (tests/e2e/silent_dns_server.h): every call ends at its
// deadline, and abandoned lookups are capped. The test process moves into a mount namespace of its own, whose
// /etc/resolv.conf names that server; needs root (skipped otherwise). Each test runs in a process of its own.
#include "fetch/name_lookup.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "process.h"
#include "silent_dns_server.h"

namespace capsule::fetch {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr char kHangingName[] = "never-answered.capsule-test";

TEST(NameLookup, AbandonedLookupsAreCappedUntilTheyEnd) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root: a mount namespace with a resolv.conf of its own";
  testing::SilentDnsServer dns;
  ASSERT_FALSE(dns.address().empty()) << "no loopback address with a free port 53";
  const std::string dir = testing::MakeTempDir();
  // Each abandoned lookup keeps its thread for the resolver's 3 s, longer than the calls below take together.
  std::ofstream(dir + "/resolv.conf") << "nameserver " << dns.address() << "\noptions timeout:3 attempts:1\n";
  if (unshare(CLONE_NEWNS) != 0 || mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
      mount((dir + "/resolv.conf").c_str(), "/etc/resolv.conf", nullptr, MS_BIND, nullptr) != 0) {
    std::filesystem::remove_all(dir);
    GTEST_SKIP() << "no mount namespace here: " << std::strerror(errno);
  }

  for (int i = 0; i < kMaxPendingLookups; ++i) {
    auto r = LookUpHost(kHangingName, 80, steady_clock::now() + milliseconds(5));
    ASSERT_FALSE(r.ok()) << i;
    ASSERT_EQ(r.error().code, ErrorCode::kInterrupted) << i << ": " << r.error().message;
  }
  // The next one is refused at once, not after its deadline.
  const auto start = steady_clock::now();
  auto refused = LookUpHost(kHangingName, 80, start + std::chrono::seconds(2));
  EXPECT_LT(steady_clock::now() - start, milliseconds(500));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kResourceLimit);
  EXPECT_EQ(refused.error().message, "64 name lookups are still pending");
  // An address needs no lookup, so it is still answered.
  auto address = LookUpHost("127.0.0.1", 8080, start + milliseconds(5));
  ASSERT_TRUE(address.ok()) << address.error().message;
  EXPECT_EQ(address->size(), 1u);

  // Once the resolver gives up on the abandoned lookups, calls are taken again (and wait for their deadline).
  bool taken = false;
  for (auto until = steady_clock::now() + std::chrono::seconds(20); !taken && steady_clock::now() < until;) {
    auto r = LookUpHost(kHangingName, 80, steady_clock::now() + milliseconds(5));
    ASSERT_FALSE(r.ok());
    taken = r.error().code != ErrorCode::kResourceLimit;
    if (taken) {
      EXPECT_EQ(r.error().code, ErrorCode::kInterrupted) << r.error().message;
    } else {
      std::this_thread::sleep_for(milliseconds(200));
    }
  }
  EXPECT_TRUE(taken) << "the abandoned lookups never ended";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace capsule::fetch
