// Relays an HTTP message body from one socket to another as it arrives, through one buffer: the streaming core of
// the FaaS front (a large request body to a child, a large response back). Internal to capsule_faas_proxy.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <utility>

#include "faas/beast_http.h"
#include "faas/forward_headers.h"

namespace capsule::faas {

// Copies the rest of the body of the message p is reading (its header read already) from in to out, where sr
// serializes p's message (its header written already), buffer by buffer; progress() after each read or write;
// done(ec, failed_reading) at the end (ec empty once the whole message went out). p, sr, in, in_buffer, out and
// buffer must live until done: owner (captured by every handler) keeps them.
template <class Parser, class Serializer, class Progress, class Done>
void RelayBody(std::shared_ptr<void> owner, UpstreamSocket& in, boost::beast::flat_buffer& in_buffer, Parser& p,
               UpstreamSocket& out, Serializer& sr, std::span<char> buffer, Progress progress, Done done) {
  namespace bhttp = boost::beast::http;
  auto write = [owner, &in, &in_buffer, &p, &out, &sr, buffer, progress, done]() mutable {
    bhttp::async_write(
        out, sr,
        [owner, &in, &in_buffer, &p, &out, &sr, buffer, progress, done](boost::beast::error_code ec, size_t) mutable {
          if (ec == bhttp::error::need_buffer) ec = {};
          if (ec) return done(ec, false);
          progress();
          if (p.is_done() && sr.is_done()) return done(boost::beast::error_code{}, false);
          RelayBody(std::move(owner), in, in_buffer, p, out, sr, buffer, std::move(progress), std::move(done));
        });
  };
  if (p.is_done()) {
    p.get().body().data = nullptr;
    p.get().body().size = 0;
    p.get().body().more = false;
    return write();
  }
  p.get().body().data = buffer.data();
  p.get().body().size = buffer.size();
  bhttp::async_read(in, in_buffer, p, [&p, buffer, write, progress, done](boost::beast::error_code ec, size_t) mutable {
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) return done(ec, true);
    progress();
    p.get().body().size = buffer.size() - p.get().body().size;
    p.get().body().data = buffer.data();
    p.get().body().more = !p.is_done();
    write();
  });
}

// Makes a relayed response's header the client's: hop-by-hop headers out, the client's HTTP version, chunked framing
// when the upstream's was chunked or of unknown length (and not bodiless); for an HTTP/1.0 client, which cannot read
// chunks, the end of the connection marks the end of the body instead (*keep_alive becomes false). chunked and sized
// are what the upstream's parser saw; the response then says *keep_alive.
template <class Response>
void FrameRelayedResponse(Response& res, bool chunked, bool sized, bool bodiless, unsigned client_version,
                          bool* keep_alive) {
  RemoveHopByHop(res);
  if (chunked || (!sized && !bodiless)) {
    if (client_version >= 11)
      res.chunked(true);
    else
      *keep_alive = false;
  }
  res.version(client_version);
  res.keep_alive(*keep_alive);
}

}  // namespace capsule::faas
