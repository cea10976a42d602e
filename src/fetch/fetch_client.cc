// The HTTP client inside libcapsule_fetch.so: one exchange over Boost.Beast, TLS by OpenSSL, every step bounded by
// the request's deadline. Runs on an io_context of its own, so calls from many threads never share state but the
// TLS context.
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/ssl.hpp>
#include <optional>

#include "fetch/fetch_entry.h"
#include "fetch/name_lookup.h"
#include "serve/beast.h"

namespace capsule::fetch {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr uint32_t kMaxHeaderBytes = 64 * 1024;

// The TLS settings of every https exchange: TLS 1.2 or newer, peers verified against the system's CA certificates.
asio::ssl::context& TlsContext() {
  static asio::ssl::context* context = [] {
    auto* c = new asio::ssl::context(asio::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(c->native_handle(), TLS1_2_VERSION);
    c->set_default_verify_paths();
    c->set_verify_mode(asio::ssl::verify_peer);
    return c;
  }();
  return *context;
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (c <= 0x20 || c >= 0x7f ||
        std::string_view("()<>@,;:\\\"/[]?={}").find(static_cast<char>(c)) != std::string_view::npos)
      return false;
  return true;
}

bool IsFieldValue(std::string_view s) {
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  return true;
}

bool HasHeader(const FetchRequest& r, std::string_view name) {
  for (const auto& [key, value] : r.headers)
    if (beast::iequals(key, name)) return true;
  return false;
}

// One exchange. Each step runs the io_context until its handler ran or its deadline passed; a step that times out
// closes the socket and lets the cancelled handlers finish before returning.
class Exchange {
 public:
  explicit Exchange(const FetchRequest& request) : r_(request), peer_(request.proxy ? *request.proxy : request.url) {}

  Result<FetchResponse> Run() {
    auto req = BuildRequest();  // before connecting: a request that cannot be sent costs the server nothing
    if (!req) return req.take_error();
    const Clock::time_point connect_by =
        r_.connect_timeout.count() > 0 ? std::min(r_.deadline, Clock::now() + r_.connect_timeout) : r_.deadline;
    auto endpoints = LookUpHost(peer_.host, peer_.port, connect_by);
    if (!endpoints && endpoints.error().code == ErrorCode::kInterrupted) return Timeout("resolving " + peer_.host);
    if (!endpoints)
      return Fail(endpoints.error().code,
                  std::string(r_.proxy ? "cannot resolve the proxy host " : "cannot resolve host ") + peer_.host +
                      ": " + endpoints.error().message);
    if (r_.url.scheme == "https") {
      asio::ssl::stream<tcp::socket> tls(io_, TlsContext());
      if (auto st = Connect(tls.next_layer(), *endpoints, connect_by); !st) return st.take_error();
      if (r_.proxy)
        if (auto st = Tunnel(tls.next_layer()); !st) return st.take_error();
      if (auto st = Handshake(tls); !st) return st.take_error();
      return Talk(*req, tls, tls.next_layer());
    }
    tcp::socket socket(io_);
    if (auto st = Connect(socket, *endpoints, connect_by); !st) return st.take_error();
    return Talk(*req, socket, socket);
  }

 private:
  bool Wait(const bool& done, Clock::time_point until, tcp::socket* socket) {
    io_.restart();
    while (!done && io_.run_one_until(until) > 0) {
    }
    if (done) return true;
    beast::error_code ignored;
    if (socket) socket->close(ignored);
    io_.restart();
    io_.run();
    return false;
  }

  Error Timeout(const std::string& during) const {
    std::string where = r_.url.authority();
    if (r_.proxy) where += " through the proxy " + r_.proxy->authority();
    return Fail(ErrorCode::kInterrupted, "timeout while " + during + " (" + where + ")");
  }

  Status Connect(tcp::socket& socket, const std::vector<tcp::endpoint>& endpoints, Clock::time_point until) {
    beast::error_code ec;
    bool done = false;
    asio::async_connect(socket, endpoints, [&](beast::error_code e, const tcp::endpoint&) {
      ec = e;
      done = true;
    });
    if (!Wait(done, until, &socket)) return Timeout(r_.proxy ? "connecting to the proxy" : "connecting");
    if (ec)
      return Fail(ErrorCode::kIo, std::string(r_.proxy ? "cannot connect to the proxy " : "cannot connect to ") +
                                      peer_.host + ":" + std::to_string(peer_.port) + ": " + ec.message());
    socket.set_option(tcp::no_delay(true), ec);
    return Status::Ok();
  }

  // Asks the proxy for a tunnel to the URL's host and port (CONNECT), over which TLS then runs end to end.
  Status Tunnel(tcp::socket& socket) {
    const std::string target = r_.url.host_port();
    http::request<http::empty_body> connect{http::verb::connect, target, 11};
    connect.set(http::field::host, target);
    connect.set(http::field::user_agent, r_.user_agent);
    if (!r_.proxy_authorization.empty()) connect.set(http::field::proxy_authorization, r_.proxy_authorization);
    beast::error_code ec;
    bool done = false;
    http::async_write(socket, connect, [&](beast::error_code e, size_t) {
      ec = e;
      done = true;
    });
    if (!Wait(done, r_.deadline, &socket)) return Timeout("asking the proxy for a tunnel");
    const std::string proxy = r_.proxy->authority();
    if (ec) return Fail(ErrorCode::kIo, "cannot send CONNECT to the proxy " + proxy + ": " + ec.message());
    beast::flat_buffer buffer;
    http::response_parser<http::empty_body> parser;
    parser.header_limit(kMaxHeaderBytes);
    parser.skip(true);  // the answer to CONNECT has no body: the tunnel starts after its header
    done = false;
    http::async_read_header(socket, buffer, parser, [&](beast::error_code e, size_t) {
      ec = e;
      done = true;
    });
    if (!Wait(done, r_.deadline, &socket)) return Timeout("waiting for the proxy's tunnel");
    if (ec) return Fail(ErrorCode::kIo, "bad answer to CONNECT from the proxy " + proxy + ": " + ec.message());
    const int status = parser.get().result_int();
    if (status < 200 || status > 299)
      return Fail(ErrorCode::kIo, "the proxy " + proxy + " refused a tunnel to " + target + ": " +
                                      std::to_string(status) + " " + std::string(parser.get().reason()));
    if (buffer.size() != 0)
      return Fail(ErrorCode::kIo, "the proxy " + proxy + " sent data before the tunnel to " + target + " opened");
    return Status::Ok();
  }

  Status Handshake(asio::ssl::stream<tcp::socket>& tls) {
    const std::string& host = r_.url.host;
    beast::error_code ec;
    asio::ip::make_address(host, ec);
    if (ec && !SSL_set_tlsext_host_name(tls.native_handle(), host.c_str()))  // SNI, for names only
      return Fail(ErrorCode::kIo, "cannot set the TLS server name " + host);
    // OpenSSL's own name check, so that a mismatch is reported as one ("hostname mismatch", "IP address mismatch").
    const bool name_set = ec ? SSL_set1_host(tls.native_handle(), host.c_str()) == 1
                             : X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(tls.native_handle()), host.c_str()) == 1;
    if (!name_set) return Fail(ErrorCode::kIo, "cannot check the TLS peer's name " + host);
    bool done = false;
    tls.async_handshake(asio::ssl::stream_base::client, [&](beast::error_code e) {
      ec = e;
      done = true;
    });
    if (!Wait(done, r_.deadline, &tls.next_layer())) return Timeout("the TLS handshake");
    if (!ec) return Status::Ok();
    std::string why = ec.message();
    if (const long verify = SSL_get_verify_result(tls.native_handle()); verify != X509_V_OK)
      why += ": " + std::string(X509_verify_cert_error_string(verify));
    return Fail(ErrorCode::kIo, "TLS handshake with " + r_.url.authority() + " failed: " + why);
  }

  Result<http::request<http::string_body>> BuildRequest() const {
    if (!IsToken(r_.method)) return Fail(ErrorCode::kInvalidArgument, "invalid HTTP method \"" + r_.method + "\"");
    http::request<http::string_body> req;
    req.method_string(r_.method);
    // Through a proxy an http request names its whole URL (absolute form); an https one goes through a tunnel.
    req.target(r_.proxy && r_.url.scheme == "http" ? r_.url.str() : r_.url.target);
    req.version(11);
    if (!HasHeader(r_, "Host")) req.set(http::field::host, r_.url.authority());
    if (!HasHeader(r_, "User-Agent")) req.set(http::field::user_agent, r_.user_agent);
    if (!HasHeader(r_, "Accept")) req.set(http::field::accept, "*/*");
    for (const auto& [name, value] : r_.headers) {
      if (!IsToken(name)) return Fail(ErrorCode::kInvalidArgument, "invalid HTTP header name \"" + name + "\"");
      if (!IsFieldValue(value))
        return Fail(ErrorCode::kInvalidArgument, "the value of HTTP header " + name + " has a control character");
      req.insert(name, value);
    }
    if (r_.proxy && r_.url.scheme == "http" && !r_.proxy_authorization.empty() && !HasHeader(r_, "Proxy-Authorization"))
      req.set(http::field::proxy_authorization, r_.proxy_authorization);
    req.body() = r_.body;
    req.prepare_payload();
    return req;
  }

  template <class Stream>
  Result<FetchResponse> Talk(http::request<http::string_body>& req, Stream& stream, tcp::socket& socket) {
    beast::error_code ec;
    bool done = false;
    http::async_write(stream, req, [&](beast::error_code e, size_t) {
      ec = e;
      done = true;
    });
    if (!Wait(done, r_.deadline, &socket)) return Timeout("sending the request");
    if (ec) return Fail(ErrorCode::kIo, "cannot send the request to " + r_.url.authority() + ": " + ec.message());
    beast::flat_buffer buffer;
    for (;;) {
      http::response_parser<http::string_body> parser;
      parser.header_limit(kMaxHeaderBytes);
      parser.body_limit(r_.max_body_bytes);

      if (beast::iequals(r_.method, "HEAD")) parser.skip(true);
      // The header first: Beast 1.74 forgets its body_limit error when body bytes come in the same read as the
      // header (basic_parser::put loops on after finish_header failed), so the length is checked here.
      done = false;
      http::async_read_header(stream, buffer, parser, [&](beast::error_code e, size_t) {
        ec = e;
        done = true;
      });
      if (!Wait(done, r_.deadline, &socket)) return Timeout("waiting for the response");
      if (!ec && parser.content_length() && *parser.content_length() > r_.max_body_bytes) ec = http::error::body_limit;
      if (!ec && !parser.is_done()) {
        done = false;
        http::async_read(stream, buffer, parser, [&](beast::error_code e, size_t) {
          ec = e;
          done = true;
        });
        if (!Wait(done, r_.deadline, &socket)) return Timeout("reading the response");
      }
      if (ec == asio::ssl::error::stream_truncated && parser.is_header_done() && !parser.is_done()) {
        parser.put_eof(ec);  // a TLS peer that closes without close_notify ends a body delimited by the close
      } else if (ec == asio::ssl::error::stream_truncated && parser.is_done()) {
        ec = {};
      }
      if (ec == http::error::body_limit)
        return Fail(ErrorCode::kResourceLimit,
                    "the response is larger than " + std::to_string(r_.max_body_bytes) + " bytes");
      if (ec == http::error::end_of_stream)
        return Fail(ErrorCode::kIo, r_.url.authority() + " closed the connection without an answer");
      if (ec) return Fail(ErrorCode::kIo, "bad response from " + r_.url.authority() + ": " + ec.message());
      const int status = parser.get().result_int();
      if (status >= 100 && status < 200 && status != 101) continue;  // 100 Continue and other interim answers
      FetchResponse out;
      out.status = status;
      for (const auto& field : parser.get())
        out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      out.body = std::move(parser.get().body());
      beast::error_code ignored;
      socket.shutdown(tcp::socket::shutdown_both, ignored);
      socket.close(ignored);
      return out;
    }
  }

  const FetchRequest& r_;
  const HttpUrl& peer_;  // where the connection goes: the proxy, if any, else the URL's server
  asio::io_context io_{1};
};

}  // namespace
}  // namespace capsule::fetch

extern "C" __attribute__((visibility("default"))) void capsule_fetch_v2(
    const capsule::fetch::FetchRequest* request, capsule::Result<capsule::fetch::FetchResponse>* out) {
  try {
    *out = capsule::fetch::Exchange(*request).Run();
  } catch (const std::exception& e) {
    *out = capsule::Fail(capsule::ErrorCode::kInternal, std::string("HTTP client: ") + e.what());
  } catch (...) {
    *out = capsule::Fail(capsule::ErrorCode::kInternal, "HTTP client: unknown failure");
  }
}
