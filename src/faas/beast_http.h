// The FaaS front's and proxy's Beast types: the loop's executor, sockets and whole-message requests and responses.
#pragma once

#include "serve/beast.h"

namespace capsule::faas {

// The loop a proxy lives on: one single-threaded io_context per worker, its concrete executor (no type erasure).
using Executor = boost::asio::io_context::executor_type;
// A TCP socket to an upstream on that loop.
using UpstreamSocket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor>;
// Whole messages in memory (see http_proxy.h for what streaming would need).
using ProxyRequest = boost::beast::http::request<boost::beast::http::string_body>;
using ProxyResponse = boost::beast::http::response<boost::beast::http::string_body>;

}  // namespace capsule::faas
