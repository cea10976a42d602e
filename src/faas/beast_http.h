// The FaaS front's and proxy's Beast types: the loop's executor, sockets and whole-message requests and responses.
#pragma once

#include <chrono>
#include <cstdint>

#include "serve/beast.h"

namespace capsule::faas {

// The loop a proxy lives on: one single-threaded io_context per worker, its concrete executor (no type erasure).
using Executor = boost::asio::io_context::executor_type;
// A TCP socket to an upstream on that loop.
using UpstreamSocket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor>;
// A timer on that loop.
using LoopTimer = boost::asio::basic_waitable_timer<std::chrono::steady_clock,
                                                    boost::asio::wait_traits<std::chrono::steady_clock>, Executor>;
// Upstream response headers larger than this give 502 (Beast's default is 8 KiB).
inline constexpr uint32_t kMaxUpstreamHeader = 64 * 1024;
// Whole messages in memory (small bodies; larger ones are streamed: streamed_call.h).
using ProxyRequest = boost::beast::http::request<boost::beast::http::string_body>;
using ProxyResponse = boost::beast::http::response<boost::beast::http::string_body>;

}  // namespace capsule::faas
