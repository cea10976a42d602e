// HTTP over NATS request/reply: how a capsule-http --faas front hands one HTTP call to capsule-nats workers and
// gets the answer back (docs/faas.md, "Scale-out over NATS"). A message's NATS headers carry the request line or
// the status and the HTTP headers; its payload is the body, byte for byte (no base64, no JSON).
//
//   request:  Capsule-Envelope: http/1, Capsule-Http-Method: POST, Capsule-Http-Target: /a/b?x=1, the HTTP headers
//   reply:    Capsule-Envelope: http/1, Capsule-Http-Status: 200, the HTTP headers
//
// Header names that begin with "Capsule-Http-", and "Capsule-Envelope", are the envelope's: an HTTP header of such
// a name is left out in both directions, so that a client cannot forge the envelope.
#pragma once

#include <string>
#include <string_view>

#include "capsule/http_abi.h"
#include "capsule/message_abi.h"
#include "capsule/result.h"

namespace capsule::serve {

// The value of Capsule-Envelope this version writes and reads.
inline constexpr std::string_view kHttpEnvelopeVersion = "http/1";

// Whether text can name a function or a revision: [A-Za-z0-9._-], 1 to 128 characters, not "." or "..".
bool IsFunctionName(std::string_view text);

// The subject a function revision's calls are sent on: "<prefix>.<function>.<revision>", each '.' and '%' of the
// function or revision written %2E and %25 (NATS splits subjects at dots; names are [A-Za-z0-9._-]).
std::string FaasSubject(std::string_view prefix, std::string_view function, std::string_view revision);

// The NATS headers of a request envelope: the method, the target (path and query, as sent to a child) and the
// headers that can travel (an HTTP token name, a value without CR, LF or NUL, not the envelope's names).
MessageHeaders EncodeRequestEnvelope(std::string_view method, std::string_view target,
                                     const MessageHeaders& http_headers);

// A request envelope, read.
struct EnvelopeRequest {
  // What the worker hands to its module: method, headers, body, and the URI "http://<Host><target>" (Host
  // "localhost" when absent), as capsule-http builds it.
  HttpRequest http;
  std::string target;  // path and query, beginning with '/'
};

// Reads a request envelope. Errors (kInvalidArgument): not an http/1 envelope, no valid method, a target that does
// not begin with '/'.
Result<EnvelopeRequest> DecodeRequestEnvelope(const MessageHeaders& headers, std::string body);

// The NATS headers of a reply envelope for reply (its status and the headers that can travel).
MessageHeaders EncodeReplyEnvelope(const HttpReply& reply);

// The reply a front sends its client. Errors (kInvalidArgument): not an http/1 envelope, a status that is not a
// number from 100 to 599.
Result<HttpReply> DecodeReplyEnvelope(const MessageHeaders& headers, std::string body);

}  // namespace capsule::serve
