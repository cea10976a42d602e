#include "faas/error_response.h"

#include <string>

namespace capsule::faas {

ProxyResponse TextResponse(boost::beast::http::status status, std::string_view text, unsigned version) {
  ProxyResponse response(status, version);
  response.set(boost::beast::http::field::content_type, "text/plain; charset=utf-8");
  response.body().reserve(text.size() + 1);
  response.body().append(text).push_back('\n');
  response.prepare_payload();
  return response;
}

}  // namespace capsule::faas
