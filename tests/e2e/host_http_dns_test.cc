// End-to-end: a hostHTTP call whose host name never resolves (a DNS server that does not answer) ends at its
// deadline, not at the system resolver's timeouts. The CLI runs in a mount namespace of its own whose
// /etc/resolv.conf names a silent server on a loopback address; needs root (skipped otherwise).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "process.h"

namespace capsule::testing {
namespace {

// A UDP socket on port 53 of a random 127.83.x.y that reads nothing and answers nothing, closed when destroyed.
class SilentDnsServer {
 public:
  SilentDnsServer() {
    std::mt19937 random(std::random_device{}());
    for (int attempt = 0; attempt < 20 && fd_ < 0; ++attempt) {
      const std::string address =
          "127.83." + std::to_string(random() % 250 + 1) + "." + std::to_string(random() % 250 + 1);
      const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(53);
      inet_pton(AF_INET, address.c_str(), &a.sin_addr);
      if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
        fd_ = fd;
        address_ = address;
      } else {
        close(fd);
      }
    }
  }
  ~SilentDnsServer() {
    if (fd_ >= 0) close(fd_);
  }
  // Empty when no address could be bound.
  const std::string& address() const { return address_; }

 private:
  int fd_ = -1;
  std::string address_;
};

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
