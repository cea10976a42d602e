// End-to-end: hostHTTP over https through the `capsule` CLI against a real capsule-http serving TLS with a test
// certificate: the peer is verified against the system's CA certificates (SSL_CERT_FILE names ours), by name and by
// address, and a certificate for another name is refused; through a real proxy (tinyproxy) named by https_proxy,
// over its CONNECT tunnel, with TLS and its checks end to end.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "http_client.h"
#include "process.h"
#include "tinyproxy_server.h"

namespace capsule::testing {
namespace {

// A self-signed certificate for names (subjectAltName entries, e.g. "DNS:localhost,IP:127.0.0.1") in dir.
void MakeCertificate(const std::string& dir, const std::string& names) {
  auto gen = RunProcess({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                         dir + "/key.pem", "-out", dir + "/crt.pem", "-days", "1", "-subj", "/CN=capsule-test",
                         "-addext", "subjectAltName=" + names});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
}

// hostHTTP POST of a hello-world request to url, with env added to the CLI's environment.
RunResult Post(const std::string& url, std::vector<std::string> env = {}) {
  RunOptions options;
  options.env = std::move(env);
  return RunProcess({BinaryPath("capsule"), "--wasm=" + GuestPath("host_services"),
                     "--params=http:{\"URI\":\"" + url +
                         "\",\"Method\":\"POST\",\"Headers\":{\"Content-Type\":\"application/json\"},"
                         "\"JSONBody\":{\"name\":\"tls\",\"age\":3}}"},
                    options);
}

class HostHttpsTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // capsule-http over TLS with the certificate of dir_.
  std::unique_ptr<HttpServerProcess> Serve() {
    auto server = std::make_unique<HttpServerProcess>(
        std::vector<std::string>{"--wasm=" + GuestPath("hello-world"), "--workers=1", "--crt=" + dir_ + "/crt.pem",
                                 "--key=" + dir_ + "/key.pem"});
    EXPECT_NE(server->port(), 0) << server->Stderr();
    return server;
  }
  std::string dir_;
};

TEST_F(HostHttpsTest, VerifiesThePeerAgainstTheTrustedCertificates) {
  MakeCertificate(dir_, "DNS:localhost,IP:127.0.0.1");
  auto server = Serve();
  const std::string port = std::to_string(server->port());
  // Not trusted: the system's CA certificates do not include ours.
  auto r = Post("https://127.0.0.1:" + port + "/");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("TLS handshake with 127.0.0.1:" + port + " failed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("self-signed certificate"), std::string::npos) << r.out;
  // Trusted, by address and by name (SNI).
  const std::string trust = "SSL_CERT_FILE=" + dir_ + "/crt.pem";
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    r = Post("https://" + host + ":" + port + "/", {trust});
    EXPECT_EQ(r.exit_code, 0) << host << ": " << r.out << r.err;
    EXPECT_NE(r.out.find(R"("JSONBody":{"message":"tls 3")"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\"StatusCode\":200"), std::string::npos) << r.out;
  }
  // The server kept serving through the refused handshake.
  auto health = RunProcess({"/usr/bin/curl", "-sk", "https://127.0.0.1:" + port + "/health"});
  EXPECT_EQ(health.out, R"({"status":"ok"})");
}

TEST_F(HostHttpsTest, RefusesACertificateForAnotherName) {
  MakeCertificate(dir_, "DNS:other.example");
  auto server = Serve();
  auto r = Post("https://127.0.0.1:" + std::to_string(server->port()) + "/", {"SSL_CERT_FILE=" + dir_ + "/crt.pem"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("certificate verify failed: IP address mismatch"), std::string::npos) << r.out;
  r = Post("https://localhost:" + std::to_string(server->port()) + "/", {"SSL_CERT_FILE=" + dir_ + "/crt.pem"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("certificate verify failed: hostname mismatch"), std::string::npos) << r.out;
}

TEST_F(HostHttpsTest, PlainHttpToATlsPortIsAFailure) {
  MakeCertificate(dir_, "IP:127.0.0.1");
  auto server = Serve();
  const std::string url = "http://127.0.0.1:" + std::to_string(server->port()) + "/";
  auto r = Post(url);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "POST " + url + ": 127.0.0.1:" + std::to_string(server->port()) +
                       " closed the connection without an answer\n");
}

TEST_F(HostHttpsTest, TunnelsThroughTheProxy) {
  if (!HaveTinyproxy()) GTEST_SKIP() << "tinyproxy is not installed (scripts/setup.sh installs it)";
  MakeCertificate(dir_, "IP:127.0.0.1");
  auto server = Serve();
  const std::string target = "127.0.0.1:" + std::to_string(server->port());
  TinyproxyServer proxy;
  ASSERT_TRUE(proxy.Start());
  auto r = Post("https://" + target + "/", {"SSL_CERT_FILE=" + dir_ + "/crt.pem", "https_proxy=" + proxy.url()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(R"("JSONBody":{"message":"tls 3")"), std::string::npos) << r.out;
  EXPECT_NE(proxy.Log().find("CONNECT " + target + " HTTP/1.1"), std::string::npos) << proxy.Log();
  // TLS runs end to end: the server's certificate is still checked, through the tunnel.
  r = Post("https://" + target + "/", {"https_proxy=" + proxy.url()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("TLS handshake with " + target + " failed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("self-signed certificate"), std::string::npos) << r.out;
}

TEST_F(HostHttpsTest, AProxyThatRefusesTheTunnelIsAFailure) {
  if (!HaveTinyproxy()) GTEST_SKIP() << "tinyproxy is not installed (scripts/setup.sh installs it)";
  MakeCertificate(dir_, "IP:127.0.0.1");
  auto server = Serve();
  const std::string target = "127.0.0.1:" + std::to_string(server->port());
  const std::string trust = "SSL_CERT_FILE=" + dir_ + "/crt.pem";
  {
    TinyproxyServer proxy({.basic_auth = "", .only_connect_port = 443});
    ASSERT_TRUE(proxy.Start());
    auto r = Post("https://" + target + "/", {trust, "https_proxy=" + proxy.url()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(
        r.out.find("the proxy 127.0.0.1:" + std::to_string(proxy.port()) + " refused a tunnel to " + target + ": 403"),
        std::string::npos)
        << r.out;
  }
  TinyproxyServer proxy({.basic_auth = "capsule s3cret"});
  ASSERT_TRUE(proxy.Start());
  const std::string port = std::to_string(proxy.port());
  auto r = Post("https://" + target + "/", {trust, "https_proxy=" + proxy.url()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("the proxy 127.0.0.1:" + port + " refused a tunnel to " + target + ": 407"), std::string::npos)
      << r.out;
  r = Post("https://" + target + "/", {trust, "https_proxy=http://capsule:s3cret@127.0.0.1:" + port});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

}  // namespace
}  // namespace capsule::testing
