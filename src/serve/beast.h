// Boost.Asio and Boost.Beast's HTTP headers, included the one way every HTTP server and client here needs them.
#pragma once

// Before Asio: Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
// GCC 12 reports a false -Wmaybe-uninitialized inside Beast's parser (basic_parser.hpp, content_length_unchecked) in
// sanitizer builds; the state it names is checked before use.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/beast/http.hpp>
#pragma GCC diagnostic pop
