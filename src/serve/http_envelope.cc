#include "serve/http_envelope.h"

#include <strings.h>

#include <cctype>
#include <charconv>

namespace capsule::serve {
namespace {

constexpr std::string_view kEnvelope = "Capsule-Envelope";
constexpr std::string_view kMethod = "Capsule-Http-Method";
constexpr std::string_view kTarget = "Capsule-Http-Target";
constexpr std::string_view kStatus = "Capsule-Http-Status";
constexpr std::string_view kReservedPrefix = "Capsule-Http-";

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// Whether name belongs to the envelope.
bool Reserved(std::string_view name) {
  return IEquals(name, kEnvelope) ||
         (name.size() >= kReservedPrefix.size() && IEquals(name.substr(0, kReservedPrefix.size()), kReservedPrefix));
}

// Appends the HTTP headers that can travel in a NATS header block.
void AppendTravelling(const MessageHeaders& from, MessageHeaders& to) {
  for (const auto& [name, value] : from)
    if (IsHttpHeaderName(name) && IsSafeHeaderValue(value) && !Reserved(name)) to.emplace_back(name, value);
}

// The value of the envelope header name, or nullptr.
const std::string* Find(const MessageHeaders& headers, std::string_view name) {
  for (const auto& [n, v] : headers)
    if (IEquals(n, name)) return &v;
  return nullptr;
}

Status CheckVersion(const MessageHeaders& headers) {
  const std::string* version = Find(headers, kEnvelope);
  if (!version) return Fail(ErrorCode::kInvalidArgument, "not an HTTP envelope: no Capsule-Envelope header");
  if (*version != kHttpEnvelopeVersion)
    return Fail(ErrorCode::kInvalidArgument, "unsupported HTTP envelope \"" + *version + "\" (this side reads " +
                                                 std::string(kHttpEnvelopeVersion) + ")");
  return Status::Ok();
}

void AppendSubjectToken(std::string& out, std::string_view name) {
  for (char c : name) {
    if (c == '.')
      out += "%2E";
    else if (c == '%')
      out += "%25";
    else
      out += c;
  }
}

}  // namespace

bool IsFunctionName(std::string_view text) {
  if (text.empty() || text.size() > 128 || text == "." || text == "..") return false;
  for (char c : text)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') return false;
  return true;
}

std::string FaasSubject(std::string_view prefix, std::string_view function, std::string_view revision) {
  std::string subject(prefix);
  subject += '.';
  AppendSubjectToken(subject, function);
  subject += '.';
  AppendSubjectToken(subject, revision);
  return subject;
}

MessageHeaders EncodeRequestEnvelope(std::string_view method, std::string_view target,
                                     const MessageHeaders& http_headers) {
  MessageHeaders headers;
  headers.reserve(http_headers.size() + 3);
  headers.emplace_back(kEnvelope, kHttpEnvelopeVersion);
  headers.emplace_back(kMethod, method);
  headers.emplace_back(kTarget, target.empty() ? std::string_view("/") : target);
  AppendTravelling(http_headers, headers);
  return headers;
}

Result<EnvelopeRequest> DecodeRequestEnvelope(const MessageHeaders& headers, std::string body) {
  CAPSULE_RETURN_IF_ERROR(CheckVersion(headers));
  const std::string* method = Find(headers, kMethod);
  if (!method || method->empty() || !IsHttpHeaderName(*method))
    return Fail(ErrorCode::kInvalidArgument, "HTTP envelope without a valid Capsule-Http-Method");
  const std::string* target = Find(headers, kTarget);
  if (!target || target->empty() || (*target)[0] != '/')
    return Fail(ErrorCode::kInvalidArgument, "HTTP envelope without a Capsule-Http-Target beginning with '/'");
  EnvelopeRequest request;
  request.target = *target;
  HttpRequest& http = request.http;
  http.method = *method;
  AppendTravelling(headers, http.headers);
  const std::string* host = Find(http.headers, "Host");
  http.uri = "http://" + (host && !host->empty() ? *host : std::string("localhost")) + *target;
  http.body = std::move(body);
  return request;
}

MessageHeaders EncodeReplyEnvelope(const HttpReply& reply) {
  MessageHeaders headers;
  headers.reserve(reply.headers.size() + 2);
  headers.emplace_back(kEnvelope, kHttpEnvelopeVersion);
  headers.emplace_back(kStatus, std::to_string(reply.status));
  AppendTravelling(reply.headers, headers);
  return headers;
}

Result<HttpReply> DecodeReplyEnvelope(const MessageHeaders& headers, std::string body) {
  CAPSULE_RETURN_IF_ERROR(CheckVersion(headers));
  const std::string* status = Find(headers, kStatus);
  int code = 0;
  if (!status ||
      std::from_chars(status->data(), status->data() + status->size(), code).ptr != status->data() + status->size() ||
      code < 100 || code > 599)
    return Fail(ErrorCode::kInvalidArgument,
                "HTTP envelope reply without a valid Capsule-Http-Status" + (status ? " (\"" + *status + "\")" : ""));
  HttpReply reply;
  reply.status = code;
  AppendTravelling(headers, reply.headers);
  reply.body = std::move(body);
  return reply;
}

}  // namespace capsule::serve
