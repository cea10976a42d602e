// A GitLab webhook receiver (Capsule v0.4.1's "practical sample", in C): GitLab POSTs an event with its secret in
// X-Gitlab-Token and its kind in X-Gitlab-Event. The module answers
//   401 when the token is missing or is not $GITLAB_WEBHOOK_TOKEN (500 when that variable is unset: never open),
//   405 for another method than POST, 400 for a body that is not a JSON object,
//   200 {"event":"push",...} for a "Push Hook" and {"event":"merge_request",...} for a "Merge Request Hook", after
//       acting on it: one log line, and the event kept in the host's memory cache (gitlab:last-push,
//       gitlab:last-merge-request) for other functions to read,
//   202 {"event":"ignored",...} for any other event.
#include <capsule_http.h>
#include <stdarg.h>

// printf into a new buffer of the right size (free it).
static char* format(const char* fmt, ...) {
  va_list args, again;
  va_start(args, fmt);
  va_copy(again, args);
  const int n = vsnprintf(NULL, 0, fmt, args);
  va_end(args);
  char* out = (char*)malloc((size_t)n + 1);
  vsnprintf(out, (size_t)n + 1, fmt, again);
  va_end(again);
  return out;
}

// Whether a and b hold the same bytes, in a time that does not depend on where they differ.
static int same_secret(const capsule_buf* a, const capsule_buf* b) {
  unsigned diff = a->len ^ b->len;
  for (uint32_t i = 0; i < a->len && i < b->len; ++i) diff |= (unsigned char)a->data[i] ^ (unsigned char)b->data[i];
  return diff == 0;
}

static capsule_result error(int status, const char* message) {
  capsule_buf text = capsule_json_escape(message, (uint32_t)strlen(message));
  char* json = format("{\"error\":\"%s\"}", text.data);
  capsule_result r = capsule_http_json(status, json);
  free(json);
  capsule_buf_free(&text);
  return r;
}

// The value of a request header (names as Capsule passes them: "X-Gitlab-Token").
static capsule_buf header(const char* request, const char* name) {
  capsule_buf headers = capsule_json_get(request, "Headers");  // "Name":"Value",... without braces
  capsule_buf value = capsule_json_get(headers.data, name);
  capsule_buf_free(&headers);
  return value;
}

// The JSON string value of key inside object (already escaped for JSON again), or "" when absent.
static capsule_buf field(const char* object, const char* key) {
  capsule_buf raw = capsule_json_get(object, key);
  capsule_buf escaped = capsule_json_escape(raw.data, raw.len);
  capsule_buf_free(&raw);
  return escaped;
}

// Answers with json (200) after logging line and caching json under key; frees both.
static capsule_result act(const char* key, char* line, char* json) {
  capsule_log(line);
  capsule_reply cached = capsule_cache_set(key, json, (uint32_t)strlen(json));
  capsule_buf_free(&cached.data);
  capsule_result r = capsule_http_json(200, json);
  free(json);
  free(line);
  return r;
}

static capsule_result on_push(const char* body) {
  capsule_buf project_object = capsule_json_get(body, "project");
  capsule_buf project = field(project_object.data, "path_with_namespace");
  capsule_buf ref = field(body, "ref");
  capsule_buf user = field(body, "user_username");
  capsule_buf commits = capsule_json_get(body, "total_commits_count");
  const char* count = commits.len ? commits.data : "0";
  char* json = format("{\"event\":\"push\",\"project\":\"%s\",\"ref\":\"%s\",\"user\":\"%s\",\"commits\":%s}",
                      project.data, ref.data, user.data, count);
  char* line = format("gitlab: push to %s %s by %s: %s commit(s)", project.data, ref.data, user.data, count);
  capsule_result r = act("gitlab:last-push", line, json);
  capsule_buf_free(&commits);
  capsule_buf_free(&user);
  capsule_buf_free(&ref);
  capsule_buf_free(&project);
  capsule_buf_free(&project_object);
  return r;
}

static capsule_result on_merge_request(const char* body) {
  capsule_buf attributes = capsule_json_get(body, "object_attributes");
  capsule_buf user_object = capsule_json_get(body, "user");
  capsule_buf project_object = capsule_json_get(body, "project");
  capsule_buf project = field(project_object.data, "path_with_namespace");
  capsule_buf user = field(user_object.data, "username");
  capsule_buf action = field(attributes.data, "action");
  capsule_buf title = field(attributes.data, "title");
  capsule_buf source = field(attributes.data, "source_branch");
  capsule_buf target = field(attributes.data, "target_branch");
  capsule_buf iid = capsule_json_get(attributes.data, "iid");
  char* json = format(
      "{\"event\":\"merge_request\",\"project\":\"%s\",\"iid\":%s,\"action\":\"%s\",\"title\":\"%s\","
      "\"source_branch\":\"%s\",\"target_branch\":\"%s\",\"user\":\"%s\"}",
      project.data, iid.len ? iid.data : "0", action.data, title.data, source.data, target.data, user.data);
  char* line = format("gitlab: merge request !%s %s (%s -> %s) %s by %s", iid.len ? iid.data : "0", title.data,
                      source.data, target.data, action.data, user.data);
  capsule_result r = act("gitlab:last-merge-request", line, json);
  capsule_buf* all[] = {&iid,  &target,  &source,         &title,       &action,
                        &user, &project, &project_object, &user_object, &attributes};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; ++i) capsule_buf_free(all[i]);
  return r;
}

static capsule_result handle(const char* request, uint32_t len) {
  (void)len;
  capsule_buf secret = capsule_get_env("GITLAB_WEBHOOK_TOKEN");
  if (secret.len == 0) {
    capsule_buf_free(&secret);
    return error(500, "GITLAB_WEBHOOK_TOKEN is not set: every call is refused");
  }
  capsule_buf token = header(request, "X-Gitlab-Token");
  const int allowed = token.len > 0 && same_secret(&token, &secret);
  capsule_buf_free(&token);
  capsule_buf_free(&secret);
  if (!allowed) return error(401, "missing or wrong X-Gitlab-Token");

  capsule_buf method = capsule_json_get(request, "Method");
  const int post = strcmp(method.data, "POST") == 0;
  capsule_buf_free(&method);
  if (!post) return error(405, "GitLab webhooks are POST requests");

  capsule_buf body = capsule_http_body(request);
  const char* p = body.data;
  while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') ++p;
  if (*p != '{') {
    capsule_buf_free(&body);
    return error(400, "the body is not a JSON object");
  }
  capsule_buf event = header(request, "X-Gitlab-Event");
  capsule_result r;
  if (strcmp(event.data, "Push Hook") == 0) {
    r = on_push(body.data);
  } else if (strcmp(event.data, "Merge Request Hook") == 0) {
    r = on_merge_request(body.data);
  } else {
    capsule_buf kind = capsule_json_escape(event.data, event.len);
    char* json = format("{\"event\":\"ignored\",\"kind\":\"%s\"}", kind.data);
    r = capsule_http_json(202, json);
    free(json);
    capsule_buf_free(&kind);
  }
  capsule_buf_free(&event);
  capsule_buf_free(&body);
  return r;
}

int main(void) {
  capsule_set_handle_http(handle);
  return 0;
}
