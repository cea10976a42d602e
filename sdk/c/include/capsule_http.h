/* capsule_http.h: helpers for HTTP modules served by capsule-http (header-only, C and C++). Include after or
 * instead of capsule.h.
 *
 *   static capsule_result handle(const char* request, uint32_t len) {
 *     capsule_buf body = capsule_http_body(request);            // the raw request body
 *     capsule_buf name = capsule_json_get(body.data, "name");    // a field of a JSON body
 *     ...
 *     return capsule_http_json(200, "{\"message\":\"hi\"}");
 *   }
 *   int main(void) { capsule_set_handle_http(handle); return 0; }
 *
 * The request is the JSON Capsule sends ({"Body":"...","URI":"...","Method":"...","Headers":"..."}); the answer
 * is Capsule's response JSON ({"JSONBody":...,"TextBody":"<base64>","Headers":{...},"StatusCode":N}).
 * The JSON reader is a scanner for flat documents, not a validating parser: it finds the first "key" anywhere.
 */
#ifndef CAPSULE_SDK_CAPSULE_HTTP_H_
#define CAPSULE_SDK_CAPSULE_HTTP_H_

#include "capsule.h"

#ifdef __cplusplus
extern "C" {
#endif

static inline const char* capsule__json_skip_ws(const char* p) {
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') ++p;
  return p;
}

static inline int capsule__hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Appends the UTF-8 encoding of code point cp to out. */
static inline char* capsule__put_utf8(char* out, uint32_t cp) {
  if (cp < 0x80) {
    *out++ = (char)cp;
  } else if (cp < 0x800) {
    *out++ = (char)(0xC0 | (cp >> 6));
    *out++ = (char)(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out++ = (char)(0xE0 | (cp >> 12));
    *out++ = (char)(0x80 | ((cp >> 6) & 0x3F));
    *out++ = (char)(0x80 | (cp & 0x3F));
  } else {
    *out++ = (char)(0xF0 | (cp >> 18));
    *out++ = (char)(0x80 | ((cp >> 12) & 0x3F));
    *out++ = (char)(0x80 | ((cp >> 6) & 0x3F));
    *out++ = (char)(0x80 | (cp & 0x3F));
  }
  return out;
}

/* The value of the first "key" in the NUL-terminated JSON text: a string value unescaped, any other value as its
 * raw text (a number, true, an object...). Returns an empty buffer ({data "", len 0}) when the key is missing;
 * *found (may be NULL) tells the two apart. Free the result with capsule_buf_free. */
static inline capsule_buf capsule_json_get_ex(const char* json, const char* key, int* found) {
  capsule_buf out = {NULL, 0};
  size_t key_len = strlen(key);
  const char* p = json;
  if (found) *found = 0;
  while (p && (p = strchr(p, '"')) != NULL) {
    const char* start = p + 1;
    const char* end = start;
    while (*end && *end != '"') end += (*end == '\\' && end[1]) ? 2 : 1;
    if (!*end) break;
    const char* after = capsule__json_skip_ws(end + 1);
    if ((size_t)(end - start) == key_len && memcmp(start, key, key_len) == 0 && *after == ':') {
      const char* v = capsule__json_skip_ws(after + 1);
      if (found) *found = 1;
      if (*v == '"') {
        const char* s = v + 1;
        const char* close = s; /* the closing quote, or the end of an unterminated string */
        int escaped = 0;
        while (*close && *close != '"') {
          if (*close == '\\') {
            escaped = 1;
            if (close[1]) ++close;
          }
          ++close;
        }
        char* buf = (char*)capsule__alloc_or_trap((uint64_t)(close - s) + 1); /* unescaping never lengthens */
        char* o = buf;
        if (!escaped) { /* one copy; the loop below then has nothing left to decode */
          memcpy(o, s, (size_t)(close - s));
          o += close - s;
          s = close;
        }
        while (*s && *s != '"') {
          if (*s != '\\') {
            *o++ = *s++;
            continue;
          }
          ++s;
          char c = *s ? *s++ : 0;
          switch (c) {
            case 'n': *o++ = '\n'; break;
            case 'r': *o++ = '\r'; break;
            case 't': *o++ = '\t'; break;
            case 'b': *o++ = '\b'; break;
            case 'f': *o++ = '\f'; break;
            case 'u': {
              uint32_t cp = 0;
              for (int i = 0; i < 4 && capsule__hex(*s) >= 0; ++i) cp = cp * 16 + (uint32_t)capsule__hex(*s++);
              if (cp >= 0xD800 && cp < 0xDC00 && s[0] == '\\' && s[1] == 'u') {
                uint32_t lo = 0;
                const char* q = s + 2;
                for (int i = 0; i < 4 && capsule__hex(*q) >= 0; ++i) lo = lo * 16 + (uint32_t)capsule__hex(*q++);
                if (lo >= 0xDC00 && lo < 0xE000) {
                  cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                  s = q;
                }
              }
              o = capsule__put_utf8(o, cp);
              break;
            }
            default:
              if (c) *o++ = c;
          }
        }
        *o = 0;
        out.data = buf;
        out.len = (uint32_t)(o - buf);
        return out;
      }
      const char* e = v;
      int depth = 0;
      while (*e) {
        if (*e == '"') {
          ++e;
          while (*e && *e != '"') e += (*e == '\\' && e[1]) ? 2 : 1;
          if (*e) ++e;
          continue;
        }
        if (*e == '{' || *e == '[') ++depth;
        if (*e == '}' || *e == ']') {
          if (depth == 0) break;
          --depth;
          if (depth == 0) {
            ++e;
            break;
          }
        }
        if (depth == 0 && (*e == ',' || *e == ' ' || *e == '\n' || *e == '\r' || *e == '\t')) break;
        ++e;
      }
      out.len = (uint32_t)(e - v);
      out.data = (char*)capsule__alloc_or_trap((uint64_t)out.len + 1);
      memcpy(out.data, v, out.len);
      out.data[out.len] = 0;
      return out;
    }
    p = end + 1;
  }
  out.data = (char*)capsule__alloc_or_trap(1);
  out.data[0] = 0;
  return out;
}

/* capsule_json_get_ex without the found flag. */
static inline capsule_buf capsule_json_get(const char* json, const char* key) {
  return capsule_json_get_ex(json, key, NULL);
}

/* The raw request body of a callHandleHTTP request. */
static inline capsule_buf capsule_http_body(const char* request) {
  return capsule_json_get(request, "Body");
}

/* text escaped as the content of a JSON string. */
static inline capsule_buf capsule_json_escape(const char* text, uint32_t len) {
  capsule_buf out;
  out.data = (char*)capsule__alloc_or_trap((uint64_t)len * 6 + 1);
  char* o = out.data;
  for (uint32_t i = 0; i < len; ++i) {
    unsigned char c = (unsigned char)text[i];
    if (c == '"' || c == '\\') {
      *o++ = '\\';
      *o++ = (char)c;
    } else if (c == '\n') {
      *o++ = '\\';
      *o++ = 'n';
    } else if (c < 0x20) {
      static const char hex[] = "0123456789abcdef";
      *o++ = '\\';
      *o++ = 'u';
      *o++ = '0';
      *o++ = '0';
      *o++ = hex[c >> 4];
      *o++ = hex[c & 15];
    } else {
      *o++ = (char)c;
    }
  }
  *o = 0;
  out.len = (uint32_t)(o - out.data);
  return out;
}

/* A response with a JSON body (json_body: a JSON value, e.g. "{\"ok\":true}") and Content-Type application/json.
 * extra_headers: more "Name":"Value" members, comma-separated, or NULL. */
static inline capsule_result capsule_http_json_ex(int status, const char* json_body, const char* extra_headers) {
  char code[12];
  const char* parts[] = {"{\"JSONBody\":",
                         json_body,
                         ",\"TextBody\":\"\",\"Headers\":{\"Content-Type\":\"application/json; charset=utf-8\"",
                         extra_headers ? "," : NULL,
                         extra_headers,
                         "},\"StatusCode\":",
                         capsule__decimal(status, code),
                         "}"};
  return capsule__concat_result('S', parts, (int)(sizeof parts / sizeof parts[0]));
}

/* capsule_http_json_ex without extra headers. */
static inline capsule_result capsule_http_json(int status, const char* json_body) {
  return capsule_http_json_ex(status, json_body, NULL);
}

/* A response with a text body of any content type (HTML, plain text, ...), sent base64-encoded in TextBody. */
static inline capsule_result capsule_http_text(int status, const char* content_type, const char* text, uint32_t len) {
  static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  char* enc = (char*)capsule__alloc_or_trap(((uint64_t)len + 2) / 3 * 4 + 1);
  char* o = enc;
  for (uint32_t i = 0; i < len; i += 3) {
    uint32_t n = (uint32_t)(unsigned char)text[i] << 16;
    if (i + 1 < len) n |= (uint32_t)(unsigned char)text[i + 1] << 8;
    if (i + 2 < len) n |= (uint32_t)(unsigned char)text[i + 2];
    *o++ = b64[(n >> 18) & 63];
    *o++ = b64[(n >> 12) & 63];
    *o++ = i + 1 < len ? b64[(n >> 6) & 63] : '=';
    *o++ = i + 2 < len ? b64[n & 63] : '=';
  }
  *o = 0;
  capsule_buf type = capsule_json_escape(content_type, (uint32_t)strlen(content_type));
  char code[12];
  const char* parts[] = {
      "{\"JSONBody\":{},\"TextBody\":\"", enc, "\",\"Headers\":{\"Content-Type\":\"", type.data, "\"},\"StatusCode\":",
      capsule__decimal(status, code),     "}"};
  capsule_result r = capsule__concat_result('S', parts, (int)(sizeof parts / sizeof parts[0]));
  free(enc);
  capsule_buf_free(&type);
  return r;
}

/* Exports fn (capsule_result fn(void)) as OnHealthCheck: capsule-http answers GET /health with its response. */
#define CAPSULE_ON_HEALTH_CHECK(fn)                                         \
  CAPSULE_EXPORT("OnHealthCheck") uint64_t capsule__on_health_check(void) { \
    return fn().packed;                                                     \
  }

/* Exports fn (capsule_result fn(void)) as OnMetrics: capsule-http answers GET /metrics with its response. */
#define CAPSULE_ON_METRICS(fn)                                     \
  CAPSULE_EXPORT("OnMetrics") uint64_t capsule__on_metrics(void) { \
    return fn().packed;                                            \
  }

/* Exports fn (void fn(void)) as OnStart, called once per instance after main. */
#define CAPSULE_ON_START(fn)                               \
  CAPSULE_EXPORT("OnStart") void capsule__on_start(void) { \
    fn();                                                  \
  }

/* Exports fn (void fn(void)) as OnStop, called when the server stops. */
#define CAPSULE_ON_STOP(fn)                              \
  CAPSULE_EXPORT("OnStop") void capsule__on_stop(void) { \
    fn();                                                \
  }

#ifdef __cplusplus
}
#endif

#endif /* CAPSULE_SDK_CAPSULE_HTTP_H_ */
