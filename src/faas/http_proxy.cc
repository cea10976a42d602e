#include "faas/http_proxy.h"

#include <utility>

#include "faas/forward_headers.h"
#include "faas/proxy_state.h"
#include "faas/upstream_exchange.h"

namespace capsule::faas {
namespace {

namespace bhttp = boost::beast::http;

// Frames a request again after its hop-by-hop headers went: Content-Length when it has a body or its method
// expects one, none otherwise (and never a body on TRACE).
void FrameRequest(ProxyRequest& request) {
  const bhttp::verb method = request.method();
  if (method == bhttp::verb::trace) request.body().clear();
  if (request.body().empty() && method != bhttp::verb::post && method != bhttp::verb::put &&
      method != bhttp::verb::patch && method != bhttp::verb::options) {
    request.erase(bhttp::field::content_length);
  } else {
    request.content_length(request.body().size());
  }
}

}  // namespace

HttpProxy::HttpProxy(Executor executor, ProxyOptions options) : state_(std::make_shared<State>(executor, options)) {}

HttpProxy::~HttpProxy() = default;

void HttpProxy::Forward(ProxyRequest request, ForwardTarget to, Callback done) {
  const unsigned client_version = request.version();
  request.version(11);
  request.target(to.target.empty() ? "/" : to.target);
  RemoveHopByHop(request);
  request.erase(bhttp::field::expect);  // the front answered it: the body is here
  AddForwardedHeaders(request, to.client_address, to.proto);
  // HTTP/1.1 requires a Host; an HTTP/1.0 client may have sent none.
  if (request[bhttp::field::host].empty()) request.set(bhttp::field::host, "127.0.0.1:" + std::to_string(to.port));
  FrameRequest(request);
  StartExchange(state_, std::move(request), to.port, client_version, std::move(done));
}

size_t HttpProxy::IdleConnections(uint16_t port) const {
  return state_->pool.Idle(port);
}

uint64_t HttpProxy::ConnectionsOpened() const {
  return state_->connections_opened;
}

}  // namespace capsule::faas
