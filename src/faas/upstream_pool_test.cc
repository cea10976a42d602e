#include "faas/upstream_pool.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace capsule::faas {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// A listening socket on a free loopback port and the connections made to it.
struct Loopback {
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc, tcp::endpoint(asio::ip::address_v4::loopback(), 0)};
  std::vector<tcp::socket> accepted;

  uint16_t port() const { return acceptor.local_endpoint().port(); }
  UpstreamSocket Connect() {
    UpstreamSocket socket(ioc.get_executor());
    socket.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port()));
    accepted.push_back(acceptor.accept());
    return socket;
  }
};

TEST(UpstreamPool, ReusesTheNewestOpenConnection) {
  Loopback upstream;
  UpstreamPool pool(4, std::chrono::seconds(30));
  EXPECT_FALSE(pool.Take(upstream.port()));
  UpstreamSocket first = upstream.Connect();
  UpstreamSocket second = upstream.Connect();
  const auto second_local = second.local_endpoint();
  pool.Give(upstream.port(), std::move(first));
  pool.Give(upstream.port(), std::move(second));
  EXPECT_EQ(pool.Idle(upstream.port()), 2u);
  auto taken = pool.Take(upstream.port());
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->local_endpoint(), second_local);
  EXPECT_EQ(pool.Idle(upstream.port()), 1u);
}

TEST(UpstreamPool, SkipsConnectionsThePeerClosed) {
  Loopback upstream;
  UpstreamPool pool(4, std::chrono::seconds(30));
  pool.Give(upstream.port(), upstream.Connect());
  upstream.accepted.back().close();
  EXPECT_FALSE(pool.Take(upstream.port()));
  EXPECT_EQ(pool.Idle(upstream.port()), 0u);
}

TEST(UpstreamPool, IsBoundedPerPortAndForgetsOldConnections) {
  Loopback upstream;
  UpstreamPool pool(2, std::chrono::milliseconds(50));
  for (int i = 0; i < 3; ++i) pool.Give(upstream.port(), upstream.Connect());
  EXPECT_EQ(pool.Idle(upstream.port()), 2u);
  EXPECT_EQ(pool.Idle(upstream.port() + 1), 0u);
  std::this_thread::sleep_for(std::chrono::milliseconds(80));
  EXPECT_FALSE(pool.Take(upstream.port()));
  EXPECT_EQ(pool.Idle(upstream.port()), 0u);
}

}  // namespace
}  // namespace capsule::faas
