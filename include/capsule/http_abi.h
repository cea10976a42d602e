/// @file
/// The HTTP side of the Capsule module ABI (docs: /work/shared/capsule-abi.md 1.4 and 2): how an HTTP request is
/// handed to `callHandleHTTP` (current) or `callHandleHttp` (legacy), and how their answers become HTTP replies.
/// Independent of any HTTP library: runners translate to and from these plain structs.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "capsule/abi.h"
#include "capsule/engine.h"
#include "capsule/result.h"

namespace capsule {

/// An HTTP request as the guest sees it.
struct HttpRequest {
  std::string method;                                        ///< "GET", "POST", ...
  std::string uri;                                           ///< absolute, with the query: "http://host:port/path?q=1"
  std::vector<std::pair<std::string, std::string>> headers;  ///< in arrival order, repeated names kept
  std::string body;                                          ///< the raw request body
};

/// An HTTP reply built from a guest's answer.
struct HttpReply {
  int status = 200;                                          ///< the HTTP status code
  std::vector<std::pair<std::string, std::string>> headers;  ///< to send, in order
  std::string body;                                          ///< the response body
};

/// A reply whose content is body, of that Content-Type: how the host answers by itself (errors, its own routes).
HttpReply TextReply(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");

/// `s` escaped as the content of a JSON string exactly as Go's encoding/json escapes it (Capsule's host is Go):
/// `"`, `\`, `\n`, `\r`, `\t`, other control characters as `\u00xx`, `<` `>` `&` as `\u003c` `\u003e` `\u0026`,
/// U+2028 and U+2029 as `\u2028` `\u2029`, bytes that are not UTF-8 as `\ufffd`; other UTF-8 kept as is.
std::string JsonEscape(std::string_view s);

/// name in Go's canonical form (textproto.CanonicalMIMEHeaderKey), as Capsule's Go servers handed request header
/// names to modules: the first letter and every letter after a hyphen upper case, the others lower case
/// ("x-my-TOKEN" -> "X-My-Token"). A name holding a byte that is not an RFC 7230 token character is returned as is.
std::string CanonicalHeaderName(std::string_view name);

/// Whether name can be an HTTP header name (an RFC 9110 token: letters, digits and ``!#$%&'*+-.^_`|~``).
bool IsHttpHeaderName(std::string_view name);

/// Whether value can be written as a header value without splitting the message: it holds no CR, LF or NUL.
bool IsSafeHeaderValue(std::string_view value);

/// The request JSON Capsule sends to callHandleHTTP:
/// `{"Body":"<body>","JSONBody":"","TextBody":"","URI":"<uri>","Method":"<m>","Headers":"<H>"}` where `<H>` is every
/// header as "Name":"Value" joined by "," without braces, itself escaped as JSON string content. As Capsule's
/// fiber server did: names canonical (CanonicalHeaderName), one entry per name, the last value of a repeated one.
std::string EncodeHttpRequestJson(const HttpRequest& request);

/// Decodes standard base64 (padding optional; the URL-safe alphabet and line breaks accepted); false when the text is
/// not base64.
bool DecodeBase64(std::string_view text, std::string* out);

/// Encodes bytes in standard base64 with padding.
std::string EncodeBase64(std::string_view bytes);

/// The reply for a current-ABI answer (callHandleHTTP, OnHealthCheck, OnMetrics): `S`+response JSON gives its
/// StatusCode (0 -> 200), every header, and the body (TextBody base64-decoded when non-empty, else JSONBody
/// serialized, "{}" when absent). A failure (`F`+message) gives 500 with the message; an unparsable response gives
/// 500 with a message saying what was wrong. Never fails.
HttpReply DecodeHttpReply(const Reply& reply, std::string_view export_name);

/// What joins the entries of a legacy header list, in requests and in the module's answer alike: "|" for the
/// (body, headers) form (v0.1.0-v0.1.8), U+00B2 "²" for the four-string form (v0.1.9-v0.2.8), and U+00B3 "³" for
/// request headers of the request-id form (v0.2.9+), whose answers use "²".
std::string_view LegacyHeaderSeparator(LegacyHttpShape shape);

/// The request headers for a legacy module of that shape, byte for byte as Capsule's runner of its generation
/// passed them: "Name:Value" entries joined with LegacyHeaderSeparator(shape), names canonical, one entry per
/// name (the first value of a repeated header for the two older shapes, which Capsule served with net/http; the
/// last for the request-id form, served with fasthttp). Values are raw: one holding ':' or the separator is
/// split by the module's own parser, as it was under Capsule.
std::string JoinLegacyHeaders(const HttpRequest& request, LegacyHttpShape shape);

/// The reply for a legacy answer: `[BODY]<body>[HEADERS]Name:Value<sep>...` gives 200 with those headers, `<sep>`
/// being "|" for the (body, headers) shape and "²" for the others (a missing [BODY] marker: the whole answer is the
/// body); a failure gives 500 with the message. Never fails.
HttpReply DecodeLegacyHttpReply(const Reply& reply, LegacyHttpShape shape);

/// Calls a legacy module's `callHandleHttp` in the given shape. For kRequestId the runner must already have
/// pointed the instance at a LegacyRequest with id request_id (capsule/host.h). Errors are the call's (kTrap,
/// kInterrupted, ...) or kInvalidArgument when the export does not have the shape's signature.
Result<Reply> CallLegacyHandleHttp(Instance& instance, LegacyHttpShape shape, const HttpRequest& request,
                                   uint32_t request_id, const CallOptions& options = {});

/// Calls a current-ABI hook without input (`OnHealthCheck`, `OnMetrics`: () -> i64) and decodes its `S`/`F` answer
/// at the returned position and length. Errors: kNotFound, kInvalidArgument (another signature), the call's
/// error, kTrap "bad result from <name>: ..." for a range outside memory or a missing marker.
Result<Reply> CallHttpHook(Instance& instance, std::string_view name, const CallOptions& options = {});

}  // namespace capsule
