// capsule-http end to end: limits and broken input never take the server down.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "http_client.h"
#include "process.h"

namespace capsule::testing {
namespace {

TEST(HttpLimits, TrapIs500AndTheInstanceIsReplaced) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_test"), "--workers=1"});
  ASSERT_NE(server.port(), 0);
  EXPECT_EQ(HttpRequest(server.port(), "GET", "/counter").body, R"({"counter":1})");
  auto t = HttpRequest(server.port(), "GET", "/trap");
  EXPECT_EQ(t.status, 500);
  EXPECT_TRUE(Contains(t.body, "trap")) << t.body;
  // A new instance: the counter starts again.
  EXPECT_EQ(HttpRequest(server.port(), "GET", "/counter").body, R"({"counter":1})");
  EXPECT_TRUE(Contains(HttpRequest(server.port(), "GET", "/capsule/metrics").body, "capsule_http_traps_total 1"));
}

TEST(HttpLimits, TimeoutIs504AndOtherRequestsSucceed) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_test"), "--workers=2", "--timeout=1s"});
  ASSERT_NE(server.port(), 0);
  std::atomic<int> ok{0}, failed{0};
  std::atomic<bool> done{false};
  std::thread others([&] {
    HttpConnection c(server.port());
    while (!done) (c.Request("GET", "/").status == 200 ? ok : failed)++;
  });
  const auto start = std::chrono::steady_clock::now();
  auto r = HttpRequest(server.port(), "GET", "/loop");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  done = true;
  others.join();
  EXPECT_EQ(r.status, 504);
  EXPECT_TRUE(Contains(r.body, "--timeout=1s")) << r.body;
  EXPECT_LT(elapsed, std::chrono::milliseconds(2500));
  EXPECT_GT(ok.load(), 0);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(HttpRequest(server.port(), "GET", "/").status, 200);
  EXPECT_TRUE(Contains(HttpRequest(server.port(), "GET", "/capsule/metrics").body, "capsule_http_timeouts_total 1"));
}

// A guest waiting in a host function (sleep -> poll_oneoff) is stopped by --timeout as well.
TEST(HttpLimits, TimeoutEndsAGuestSleepingInTheHost) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_test"), "--workers=1", "--timeout=1s"});
  ASSERT_NE(server.port(), 0);
  const auto start = std::chrono::steady_clock::now();
  auto r = HttpRequest(server.port(), "GET", "/sleep");
  EXPECT_EQ(r.status, 504) << r.body;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(5000));
  EXPECT_EQ(HttpRequest(server.port(), "GET", "/counter").body, R"({"counter":1})");  // a new instance
}

// While a looping guest holds one worker, new connections go to the other worker and are answered before the loop
// ends; so are the host's own routes.
TEST(HttpLimits, ALoopingGuestHoldsOnlyItsWorker) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_test"), "--workers=2", "--timeout=5s"});
  ASSERT_NE(server.port(), 0);
  std::atomic<bool> loop_done{false};
  HttpResponse loop;
  std::thread looping([&] {
    loop = HttpRequest(server.port(), "GET", "/loop");
    loop_done = true;
  });
  // Wait until the loop runs: the in-flight gauge shows it.
  for (int i = 0; i < 100 && !Contains(HttpRequest(server.port(), "GET", "/capsule/metrics").body,
                                       "capsule_http_in_flight_requests 2");
       ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  int answered_during_loop = 0;
  for (int i = 0; i < 20; ++i) {
    auto r = HttpRequest(server.port(), "GET", i % 2 ? "/" : "/capsule/metrics");
    EXPECT_EQ(r.status, 200);
    if (!loop_done) ++answered_during_loop;
  }
  looping.join();
  EXPECT_EQ(loop.status, 504);
  EXPECT_EQ(answered_during_loop, 20);
}

TEST(HttpLimits, BodyOverMaxBodyIs413) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_test"), "--workers=1", "--max-body=1KiB"});
  ASSERT_NE(server.port(), 0);
  EXPECT_EQ(HttpRequest(server.port(), "POST", "/echo", std::string(1024, 'a')).status, 200);
  auto r = HttpRequest(server.port(), "POST", "/echo", std::string(4096, 'a'));
  EXPECT_EQ(r.status, 413);
  // Chunked bodies count too.
  HttpConnection c(server.port());
  c.SendRaw("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" + std::string(2048, 'b') +
            "\r\n0\r\n\r\n");
  EXPECT_EQ(c.ReadResponse().status, 413);
  EXPECT_EQ(HttpRequest(server.port(), "GET", "/").status, 200);
}

TEST(HttpLimits, MemoryCap) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_test"), "--workers=1", "--max-memory=8MiB"});
  ASSERT_NE(server.port(), 0) << server.Stderr();
  auto r = HttpRequest(server.port(), "GET", "/grow");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "out of memory");
  EXPECT_EQ(HttpRequest(server.port(), "GET", "/").status, 200);
}

// The C SDK's helpers that promise a buffer trap when malloc has nothing left, saying so on stderr, instead of
// writing through a null pointer (address 0 is guest memory: the write would succeed).
TEST(HttpLimits, SdkOutOfMemoryTrapsWithAMessage) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_test"), "--workers=1", "--max-memory=8MiB"});
  ASSERT_NE(server.port(), 0) << server.Stderr();
  auto r = HttpRequest(server.port(), "GET", "/exhaust");
  EXPECT_EQ(r.status, 500);
  EXPECT_TRUE(Contains(r.body, "trap")) << r.body;
  EXPECT_TRUE(server.WaitForStderr("capsule: out of memory")) << server.Stderr();
  EXPECT_EQ(HttpRequest(server.port(), "GET", "/").status, 200);  // a new instance, with its memory
}

TEST(HttpLimits, MalformedRequestsGet400) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_test"), "--workers=1"});
  ASSERT_NE(server.port(), 0);
  for (const char* bad : {"GARBAGE\r\n\r\n", "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
                          "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: zz\r\n\r\n",
                          "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n"}) {
    HttpConnection c(server.port());
    c.SendRaw(bad);
    EXPECT_EQ(c.ReadResponse().status, 400) << bad;
  }
  {
    HttpConnection c(server.port());  // a client that disappears mid-request
    c.SendRaw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc");
  }
  EXPECT_EQ(HttpRequest(server.port(), "GET", "/").status, 200);
}

// Mutated requests (random bytes flipped, inserted, cut) on many connections, some closed mid-way: every answer
// is a well-formed HTTP status (or a close), and the server keeps serving with the right answers.
TEST(HttpLimits, MutatedRequestsNeverTakeTheServerDown) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_test"), "--workers=2", "--max-body=4KiB"});
  ASSERT_NE(server.port(), 0);
  const std::vector<std::string> seeds = {
      "GET /echo?x=1 HTTP/1.1\r\nHost: h\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"name\":\"a\"}",
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
      "GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
      "POST /capsule/reload HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc",
      "GET /trap HTTP/1.1\r\nHost: h\r\n\r\n",
  };
  std::mt19937 rng(42);
  int answered = 0;
  for (int round = 0; round < 300; ++round) {
    std::string bytes = seeds[rng() % seeds.size()];
    for (int edits = 1 + static_cast<int>(rng() % 4); edits > 0; --edits) {
      const size_t at = rng() % (bytes.size() + 1);
      switch (rng() % 4) {
        case 0:
          if (at < bytes.size()) bytes[at] = static_cast<char>(rng());
          break;
        case 1: bytes.insert(at, 1 + rng() % 8, static_cast<char>(rng())); break;
        case 2: bytes.erase(at, rng() % 8); break;
        case 3: bytes.insert(at, "\r\n"); break;
      }
    }
    HttpConnection c(server.port());
    ASSERT_TRUE(c.ok()) << "round " << round;
    c.SendRaw(bytes);
    if (rng() % 4 == 0) continue;  // the client leaves without reading
    c.FinishSending();             // a request cut short ends here instead of waiting for its rest
    auto r = c.ReadResponse(std::chrono::seconds(5));
    if (r.status != 0) {
      EXPECT_TRUE(r.status >= 100 && r.status <= 599) << r.status;
      ++answered;
    }
  }
  EXPECT_GT(answered, 50);
  EXPECT_EQ(HttpRequest(server.port(), "POST", "/echo", "{}").status, 200);
  EXPECT_EQ(HttpRequest(server.port(), "GET", "/counter").status, 200);
  EXPECT_TRUE(Contains(HttpRequest(server.port(), "GET", "/capsule/metrics").body, "capsule_http_requests_total"));
}

TEST(HttpLimits, KeepAlivePipeliningAnswersInOrder) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_test"), "--workers=2"});
  ASSERT_NE(server.port(), 0);
  HttpConnection c(server.port());
  std::string batch;
  for (int i = 0; i < 3; ++i) batch += "GET /echo?n=" + std::to_string(i) + " HTTP/1.1\r\nHost: h\r\n\r\n";
  batch += "GET /text HTTP/1.1\r\nHost: h\r\n\r\n";
  ASSERT_TRUE(c.SendRaw(batch));
  for (int i = 0; i < 3; ++i) {
    auto r = c.ReadResponse();
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(Contains(r.body, "/echo?n=" + std::to_string(i))) << r.body;
  }
  EXPECT_EQ(c.ReadResponse().body, "hello text");
  // The connection stays usable.
  EXPECT_EQ(c.Request("GET", "/").status, 200);
}

TEST(HttpLimits, ChunkedRequestBody) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_test"), "--workers=1"});
  ASSERT_NE(server.port(), 0);
  HttpConnection c(server.port());
  c.SendRaw(
      "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  auto r = c.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(Contains(r.body, R"("body":"hello world")")) << r.body;
}

TEST(HttpLimits, ExpectContinue) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_test"), "--workers=1", "--max-body=1KiB"});
  ASSERT_NE(server.port(), 0);
  HttpConnection c(server.port());
  c.SendRaw("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(c.ReadResponse(std::chrono::seconds(5)).status, 100);
  c.SendRaw("hello");
  auto r = c.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(Contains(r.body, R"("body":"hello")")) << r.body;
  // Too large: 413 at once, without waiting for the body.
  HttpConnection big(server.port());
  big.SendRaw("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(big.ReadResponse(std::chrono::seconds(5)).status, 413);
}

}  // namespace
}  // namespace capsule::testing
