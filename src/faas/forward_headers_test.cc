#include "faas/forward_headers.h"

#include <gtest/gtest.h>

namespace capsule::faas {
namespace {

namespace bhttp = boost::beast::http;

TEST(RemoveHopByHop, DropsTheListedHeadersAndThoseConnectionNames) {
  bhttp::fields fields;
  fields.set("Connection", "keep-alive, X-Private");
  fields.insert("Connection", "Upgrade");
  fields.set("Keep-Alive", "timeout=5");
  fields.set("Proxy-Connection", "keep-alive");
  fields.set("Proxy-Authorization", "Basic x");
  fields.set("TE", "trailers");
  fields.set("Trailer", "X-Checksum");
  fields.set("Transfer-Encoding", "chunked");
  fields.set("Upgrade", "websocket");
  fields.set("X-Private", "secret");
  fields.set("Content-Type", "text/plain");
  fields.set("X-Keep", "yes");
  RemoveHopByHop(fields);
  std::vector<std::string> left;
  for (const auto& field : fields) left.emplace_back(field.name_string());
  EXPECT_EQ(left, (std::vector<std::string>{"Content-Type", "X-Keep"}));
}

TEST(AddForwardedHeaders, AppendsTheClientAndSetsHostAndProto) {
  bhttp::fields fields;
  fields.set(bhttp::field::host, "example.com:8080");
  fields.insert("X-Forwarded-For", "10.0.0.1");
  fields.insert("x-forwarded-for", "10.0.0.2");
  fields.set("X-Forwarded-Proto", "ftp");
  AddForwardedHeaders(fields, "127.0.0.1", "https");
  EXPECT_EQ(fields["X-Forwarded-For"], "10.0.0.1, 10.0.0.2, 127.0.0.1");
  EXPECT_EQ(fields.count("X-Forwarded-For"), 1u);
  EXPECT_EQ(fields["X-Forwarded-Host"], "example.com:8080");
  EXPECT_EQ(fields["X-Forwarded-Proto"], "https");
}

TEST(AddForwardedHeaders, FirstHopWithoutHost) {
  bhttp::fields fields;
  fields.set("X-Forwarded-Host", "spoofed");
  AddForwardedHeaders(fields, "192.0.2.7", "http");
  EXPECT_EQ(fields["X-Forwarded-For"], "192.0.2.7");
  EXPECT_EQ(fields.count("X-Forwarded-Host"), 0u);
  EXPECT_EQ(fields["X-Forwarded-Proto"], "http");
}

}  // namespace
}  // namespace capsule::faas
