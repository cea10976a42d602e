// Boost.Beast's HTTP headers, included once for the proxy's files with the warning they raise silenced.
#pragma once

// Before Asio: Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
// GCC 12 reports a false -Wmaybe-uninitialized inside Beast's parser in sanitizer builds (see runners/http/server.cc).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/beast/http.hpp>
#pragma GCC diagnostic pop

namespace capsule::faas {

// The loop a proxy lives on: one single-threaded io_context per worker, its concrete executor (no type erasure).
using Executor = boost::asio::io_context::executor_type;
// A TCP socket to an upstream on that loop.
using UpstreamSocket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor>;
// Whole messages in memory (see http_proxy.h for what streaming would need).
using ProxyRequest = boost::beast::http::request<boost::beast::http::string_body>;
using ProxyResponse = boost::beast::http::response<boost::beast::http::string_body>;

}  // namespace capsule::faas
