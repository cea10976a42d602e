// hostHTTP (current ABI: a request JSON in, a response JSON out) and hostHttp (legacy: url, method, headers,
// body in, the body out), both through SendHttp under HostOptions::policy.
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "host/group.h"
#include "host/http_client.h"
#include "host/json.h"

namespace capsule {
namespace {

using host::HttpRequest;
using host::HttpResponse;

bool EmptyJson(const std::string& raw) {
  return raw.empty() || raw == "null" || raw == "\"\"" || raw == "{}";
}

// The guest's request JSON ({"JSONBody":..,"TextBody":"..","URI":"..","Headers":{..},"Method":".."}), read
// leniently. The body is JSONBody when it is not empty, else TextBody.
Result<HttpRequest> ParseRequest(std::string_view json) {
  auto members = host::ParseJsonObject(json);
  if (!members) return Fail(ErrorCode::kInvalidArgument, "bad request JSON: " + members.error().message);
  HttpRequest request;
  std::string json_body, text_body;
  for (const auto& [key, raw] : *members) {
    if (key == "URI") request.url = host::JsonStringContent(raw);
    if (key == "Method") request.method = host::JsonStringContent(raw);
    if (key == "TextBody") text_body = host::JsonStringContent(raw);
    if (key == "JSONBody") json_body = raw;
    if (key == "Headers" && !EmptyJson(raw)) {
      auto headers = host::ParseJsonObject(raw);
      if (!headers) return Fail(ErrorCode::kInvalidArgument, "bad Headers JSON: " + headers.error().message);
      for (const auto& [name, value] : *headers) request.headers.emplace_back(name, host::JsonStringContent(value));
    }
  }
  if (request.url.empty()) return Fail(ErrorCode::kInvalidArgument, "the request has no URI");
  for (char& c : request.method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (request.method.empty()) request.method = "GET";
  if (request.method != "GET" && request.method != "POST" && request.method != "PUT" && request.method != "DELETE")
    return Fail(ErrorCode::kInvalidArgument, "method " + request.method + " is not supported (GET, POST, PUT, DELETE)");
  if (request.method != "GET") request.body = !EmptyJson(json_body) ? json_body : text_body;
  return request;
}

// {"JSONBody":<body>,"Headers":{..},"StatusCode":N} for a JSON response, else {"TextBody":"<body>",...}.
std::string EncodeResponse(const HttpResponse& response) {
  std::string headers = "{";
  for (const auto& [name, values] : response.headers) {
    if (headers.size() > 1) headers += ',';
    headers += host::JsonQuote(name) + ":[";
    for (size_t i = 0; i < values.size(); ++i) {
      if (i) headers += ',';
      headers += host::JsonQuote(values[i]);
    }
    headers += ']';
  }
  headers += '}';
  std::string tail = ",\"Headers\":" + headers + ",\"StatusCode\":" + std::to_string(response.status) + "}";
  if (host::ContentType(response).find("json") != std::string::npos && host::IsJsonValue(response.body))
    return "{\"JSONBody\":" + response.body + tail;
  return "{\"TextBody\":" + host::JsonQuote(response.body) + tail;
}

// Legacy headers: "Name:Value" entries joined with U+00B2 "²".
std::vector<std::pair<std::string, std::string>> ParseLegacyHeaders(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> headers;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find("\xC2\xB2", start);
    std::string entry = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (auto colon = entry.find(':'); colon != std::string::npos)
      headers.emplace_back(entry.substr(0, colon), entry.substr(colon + 1));
    if (end == std::string::npos) break;
    start = end + 2;
  }
  return headers;
}

}  // namespace

void AddHttpHostFunctions(Linker& linker, const host::SharedOptions& options) {
  // (request ptr, len, ret): S+response JSON, or F+error (bad JSON, unsupported method, refused host, timeout,
  // response too large, network error).
  DefineCapsuleHostFunction(linker, "hostHTTP", 4, [options](Caller& caller, std::span<const uint32_t> a) {
    auto json = ReadGuestBytes(caller, a[0], a[1]);
    if (!json) return Status(json.take_error());
    AbiKind kind = InstanceAbi(caller.instance());
    auto request = ParseRequest(*json);
    if (!request) return ReturnBytesToGuest(caller, a[2], a[3], HostFailure(kind, request.error().message));
    auto response = host::SendHttp(options->policy, std::move(*request));
    std::string reply =
        response ? HostSuccess(kind, EncodeResponse(*response)) : HostFailure(kind, response.error().message);
    return ReturnBytesToGuest(caller, a[2], a[3], reply);
  });

  // Legacy (url, method, headers, body, ret): the response body, or [ERR][0]:error.
  DefineCapsuleHostFunction(linker, "hostHttp", 10, [options](Caller& caller, std::span<const uint32_t> a) {
    HttpRequest request;
    std::string headers;
    for (auto [target, index] : {std::pair{&request.url, 0}, {&request.method, 2}, {&headers, 4}, {&request.body, 6}}) {
      auto bytes = ReadGuestBytes(caller, a[index], a[index + 1]);
      if (!bytes) return Status(bytes.take_error());
      *target = std::move(*bytes);
    }
    AbiKind kind = InstanceAbi(caller.instance());
    for (char& c : request.method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (request.method.empty()) request.method = "GET";
    request.headers = ParseLegacyHeaders(headers);
    std::string reply;
    if (request.method != "GET" && request.method != "POST" && request.method != "PUT" && request.method != "DELETE") {
      reply = HostFailure(kind, "method " + request.method + " is not supported (GET, POST, PUT, DELETE)");
    } else {
      if (request.method == "GET") request.body.clear();
      auto response = host::SendHttp(options->policy, std::move(request));
      reply = response ? HostSuccess(kind, response->body) : HostFailure(kind, response.error().message);
    }
    return ReturnBytesToGuest(caller, a[8], a[9], reply);
  });
}

}  // namespace capsule
