// HTTP modules served by capsule-http (callHandleHTTP, the health and metrics hooks) and outbound requests
// through the host (Fetch).

import { packFailure, packSuccess, readInput } from "./abi";
import { httpRaw } from "./host";
import { StringBuilder } from "./builder";
import { escapeJsonTo, Json, JsonKind } from "./json";

// Whether two header names are the same without case: ASCII letters compared in place (header names are ASCII),
// toLowerCase for any other text.
function sameHeaderName(a: string, b: string): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x >= 0x80 || y >= 0x80) return a.toLowerCase() == b.toLowerCase();
    if (x >= 0x41 && x <= 0x5a) x += 0x20;
    if (y >= 0x41 && y <= 0x5a) y += 0x20;
    if (x != y) return false;
  }
  return true;
}

/** A request as capsule-http hands it to the module. */
export class HttpRequest {
  /** GET, POST, ... */
  method: string = "";
  /** The absolute URI with its query, e.g. `http://127.0.0.1:8080/hello?name=Bob`. */
  uri: string = "";
  /** The request header names, as Go canonicalizes them (`Content-Type`), in the order they came. */
  headerNames: string[] = [];
  /** The request header values, in the order of headerNames. */
  headerValues: string[] = [];
  /** The raw request body. */
  body: string = "";

  /** Decodes the request JSON of callHandleHTTP (`{"Body":..,"URI":..,"Method":..,"Headers":".."}`, whose Headers
   * is a string of `"Name":"Value"` members without braces); null when it is not that JSON (see Json.error). */
  static parse(json: string): HttpRequest | null {
    const doc = Json.parse(json);
    if (doc == null || doc.kind != JsonKind.Object) return null;
    const r = new HttpRequest();
    r.method = doc.getString("Method");
    r.uri = doc.getString("URI");
    r.body = doc.getString("Body");
    const headers = doc.getString("Headers");
    if (headers.length > 0) {
      const h = Json.parse("{" + headers + "}");
      if (h == null) return null;
      for (let i = 0; i < h.keys.length; i++) {
        const v = h.values[i];
        r.headerNames.push(h.keys[i]);
        r.headerValues.push(v.kind == JsonKind.String ? v.asString() : v.dump());
      }
    }
    return r;
  }

  /** The value of header name (compared without case), or null when the request has none. */
  header(name: string): string | null {
    for (let i = 0; i < this.headerNames.length; i++) {
      if (sameHeaderName(this.headerNames[i], name)) return this.headerValues[i];
    }
    return null;
  }

  /** The body parsed as JSON; null when it is not JSON (Json.error says why). */
  json(): Json | null {
    return Json.parse(this.body);
  }

  /** The URI's path (`/hello` for `http://host:8080/hello?x=1`; `/` when it has none). */
  get path(): string {
    let rest = this.uri;
    const scheme = rest.indexOf("://");
    if (scheme >= 0) {
      rest = rest.substring(scheme + 3);
      const slash = rest.indexOf("/");
      rest = slash >= 0 ? rest.substring(slash) : "";
    }
    let end = rest.length;
    const q = rest.indexOf("?");
    if (q >= 0) end = q;
    const h = rest.indexOf("#");
    if (h >= 0 && h < end) end = h;
    rest = rest.substring(0, end);
    return rest.length > 0 ? rest : "/";
  }

  /** The URI's query string without `?` ("" when it has none). */
  get query(): string {
    const q = this.uri.indexOf("?");
    if (q < 0) return "";
    const rest = this.uri.substring(q + 1);
    const h = rest.indexOf("#");
    return h >= 0 ? rest.substring(0, h) : rest;
  }
}

/** A response for capsule-http: status, headers, and a JSON or text body (or a failure: HTTP 500). */
export class HttpResponse {
  /** Header names set on the reply, in order. */
  headerNames: string[] = [];
  /** Header values, in the order of headerNames. */
  headerValues: string[] = [];
  private jsonBody: Json | null = null;
  private textBody: ArrayBuffer | null = null;
  /** The message of a failure made by HttpResponse.failure (null otherwise). */
  failureMessage: string | null = null;

  constructor(
    /** The HTTP status code. */
    public status: i32,
  ) {}

  /** A JSON body, with `Content-Type: application/json; charset=utf-8`. (capsule-http prints it as Capsule's Go
   * host re-marshalled it: object keys sorted.) */
  static json(status: i32, body: Json): HttpResponse {
    const r = new HttpResponse(status);
    r.jsonBody = body;
    return r.header("Content-Type", "application/json; charset=utf-8");
  }

  /** A text body of any content type (HTML, plain text), sent base64-encoded in TextBody. An empty text body
   * reaches the client as `{}` (Capsule's rule for a response without TextBody). */
  static text(status: i32, contentType: string, body: string): HttpResponse {
    return HttpResponse.bytes(status, contentType, String.UTF8.encode(body));
  }

  /** A body of raw bytes of any content type, sent base64-encoded in TextBody. */
  static bytes(status: i32, contentType: string, body: ArrayBuffer): HttpResponse {
    const r = new HttpResponse(status);
    r.textBody = body;
    return r.header("Content-Type", contentType);
  }

  /** A failure (the `F` answer): capsule-http answers 500 with message as body. */
  static failure(message: string): HttpResponse {
    const r = new HttpResponse(500);
    r.failureMessage = message;
    return r;
  }

  /** Sets header name to value (replacing a header of that name, compared without case); returns this. */
  header(name: string, value: string): HttpResponse {
    for (let i = 0; i < this.headerNames.length; i++) {
      if (sameHeaderName(this.headerNames[i], name)) {
        this.headerNames.splice(i, 1);
        this.headerValues.splice(i, 1);
        break;
      }
    }
    this.headerNames.push(name);
    this.headerValues.push(value);
    return this;
  }

  /** Whether this is a failure made by HttpResponse.failure. */
  get failed(): bool {
    return this.failureMessage != null;
  }

  /** The response JSON Capsule expects after the `S` byte:
   * `{"JSONBody":..,"TextBody":"<base64>","Headers":{..},"StatusCode":N}`. */
  encode(): string {
    const json = this.jsonBody;
    const text = this.textBody;
    const out = new StringBuilder(256);
    out.append('{"JSONBody":');
    if (json != null) json.dumpTo(out);
    else out.append("{}");
    out.append(',"TextBody":"');
    if (text != null) base64To(out, text);
    out.append('","Headers":{');
    for (let i = 0; i < this.headerNames.length; i++) {
      if (i > 0) out.appendCode(0x2c);
      out.appendCode(0x22);
      escapeJsonTo(out, this.headerNames[i]);
      out.append('":"');
      escapeJsonTo(out, this.headerValues[i]);
      out.appendCode(0x22);
    }
    out.append('},"StatusCode":');
    out.append(this.status.toString());
    out.appendCode(0x7d);
    return out.toString();
  }
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Standard base64 (with padding) of data. */
export function base64(data: ArrayBuffer): string {
  const out = new StringBuilder((data.byteLength + 2) / 3 * 4);
  base64To(out, data);
  return out.toString();
}

/** Appends base64(data) to out. */
function base64To(out: StringBuilder, data: ArrayBuffer): void {
  const n = data.byteLength;
  const p = changetype<usize>(data);
  for (let i = 0; i < n; i += 3) {
    const b0 = <u32>load<u8>(p + i);
    const b1 = i + 1 < n ? <u32>load<u8>(p + i + 1) : 0;
    const b2 = i + 2 < n ? <u32>load<u8>(p + i + 2) : 0;
    const v = (b0 << 16) | (b1 << 8) | b2;
    out.appendCode(B64.charCodeAt((v >> 18) & 63));
    out.appendCode(B64.charCodeAt((v >> 12) & 63));
    out.appendCode(i + 1 < n ? B64.charCodeAt((v >> 6) & 63) : 0x3d);
    out.appendCode(i + 2 < n ? B64.charCodeAt(v & 63) : 0x3d);
  }
}

/** An HTTP handler: the request in, a response out (HttpResponse.failure for a 500 with a message). */
export type HttpHandler = (request: HttpRequest) => HttpResponse;

let httpHandler: HttpHandler | null = null;

/** Sets the handler of callHandleHTTP (the requests capsule-http serves). Call it at the top level. */
export function setHandleHTTP(handler: HttpHandler): void {
  httpHandler = handler;
}

/** The packed answer of a response: `S` + its JSON, or `F` + the message of a failure. */
export function packResponse(response: HttpResponse): u64 {
  const message = response.failureMessage;
  if (message != null) return packFailure(message);
  return packSuccess(response.encode());
}

/** Runs the HTTP handler on the request JSON at (ptr, len) (the body of the callHandleHTTP export). */
export function dispatchHTTP(ptr: usize, len: u32): u64 {
  const handler = httpHandler;
  if (handler == null) return packFailure("no handler: call setHandleHTTP at the top level of your module");
  const request = HttpRequest.parse(readInput(ptr, len));
  if (request == null) return packFailure("cannot read the request: " + Json.error);
  return packResponse(handler(request));
}

/** An outbound HTTP request sent through the host (hostHTTP), built step by step:
 * `new Fetch("POST", url).header("X", "y").json(body).send()`. */
export class Fetch {
  private headers: Json = Json.object();
  private jsonBody: Json | null = null;
  private textBody: string = "";

  /** A request with a method (GET, POST, PUT or DELETE) for an absolute URL. */
  constructor(public method: string, public uri: string) {}

  /** Adds a request header; returns this. */
  header(name: string, value: string): Fetch {
    this.headers.setString(name, value);
    return this;
  }

  /** Sends body as JSON (POST, PUT; GET sends no body); returns this. */
  json(body: Json): Fetch {
    this.jsonBody = body;
    return this;
  }

  /** Sends body as text (when there is no JSON body); returns this. */
  text(body: string): Fetch {
    this.textBody = body;
    return this;
  }

  /** The request JSON hostHTTP takes, every string escaped. */
  encode(): string {
    const doc = Json.object()
      .setString("URI", this.uri)
      .setString("Method", this.method)
      .set("Headers", this.headers)
      .setString("TextBody", this.textBody);
    const body = this.jsonBody;
    if (body != null) doc.set("JSONBody", body);
    return doc.dump();
  }

  /** Sends the request: the response whatever its status (ok), or the host's error (!ok: refused host, timeout,
   * connection refused, too large). */
  send(): FetchResponse {
    const r = new FetchResponse();
    const reply = httpRaw(this.encode());
    if (!reply.ok) {
      r.error = reply.text;
      return r;
    }
    const doc = Json.parse(reply.text);
    if (doc == null) {
      r.error = "unexpected hostHTTP answer (" + Json.error + "): " + reply.text;
      return r;
    }
    r.ok = true;
    r.status = <i32>doc.getNumber("StatusCode");
    const headers = doc.get("Headers");
    if (headers != null) {
      for (let i = 0; i < headers.keys.length; i++) {
        const v = headers.values[i];
        r.headerNames.push(headers.keys[i]);
        r.headerValues.push(v.kind == JsonKind.Array && v.items.length > 0 ? v.items[0].asString() : v.asString());
      }
    }
    const json = doc.get("JSONBody");
    if (json != null) {
      r.json = json;
      r.body = json.dump();
    } else {
      r.body = doc.getString("TextBody");
    }
    return r;
  }
}

/** The answer to a Fetch. */
export class FetchResponse {
  /** false: the request failed (error says why). */
  ok: bool = false;
  /** The host's error when !ok. */
  error: string = "";
  /** The HTTP status code. */
  status: i32 = 0;
  /** Response header names. */
  headerNames: string[] = [];
  /** The first value of each header, in the order of headerNames. */
  headerValues: string[] = [];
  /** The body as text (a JSON body as compact JSON). */
  body: string = "";
  /** The body parsed, when the response's content type is JSON. */
  json: Json | null = null;

  /** The first value of header name (compared without case), or null. */
  header(name: string): string | null {
    for (let i = 0; i < this.headerNames.length; i++) {
      if (sameHeaderName(this.headerNames[i], name)) return this.headerValues[i];
    }
    return null;
  }
}
