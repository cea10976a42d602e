//! HTTP modules served by `capsule-http` (`callHandleHTTP`, the health and metrics hooks) and outbound requests
//! through the host (`fetch`).

use crate::abi;
use crate::host::http_raw;
use crate::json::{escape_into, push_integer, Json};
use std::cell::RefCell;

/// A request as `capsule-http` hands it to the module.
#[derive(Clone, Debug, Default)]
pub struct HttpRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The absolute URI with its query, e.g. `http://127.0.0.1:8080/hello?name=Bob`.
    pub uri: String,
    /// The request headers, names as Go canonicalizes them (`Content-Type`), in the order they came.
    pub headers: Vec<(String, String)>,
    /// The raw request body.
    pub body: String,
}

impl HttpRequest {
    /// Decodes the request JSON of `callHandleHTTP` (`{"Body":..,"URI":..,"Method":..,"Headers":".."}`, whose
    /// Headers is a string of `"Name":"Value"` members without braces): Err when it is not that JSON.
    pub fn parse(json: &str) -> Result<HttpRequest, String> {
        let mut members = match Json::parse(json)? {
            Json::Object(members) => members,
            _ => Vec::new(),
        };
        // The first member named key, if it is a string, moved out of the document (no copy).
        let mut text = |key: &str| match members.iter_mut().find(|(k, _)| k == key) {
            Some((_, Json::String(s))) => std::mem::take(s),
            _ => String::new(),
        };
        let mut request =
            HttpRequest { method: text("Method"), uri: text("URI"), headers: Vec::new(), body: text("Body") };
        let headers = text("Headers");
        if !headers.is_empty() {
            if let Json::Object(members) = Json::parse(&format!("{{{}}}", headers))? {
                for (name, value) in members {
                    let value = match value {
                        Json::String(s) => s,
                        other => other.dump(),
                    };
                    request.headers.push((name, value));
                }
            }
        }
        Ok(request)
    }

    /// The value of header name (compared without case), if the request has it.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON: Err with the parser's message when it is not JSON.
    pub fn json(&self) -> Result<Json, String> {
        Json::parse(&self.body)
    }

    /// The URI's path (`/hello` for `http://host:8080/hello?x=1`; `/` when it has none).
    pub fn path(&self) -> &str {
        let rest = match self.uri.find("://") {
            Some(i) => {
                let authority_and_path = &self.uri[i + 3..];
                authority_and_path.find('/').map(|j| &authority_and_path[j..]).unwrap_or("")
            }
            None => self.uri.as_str(),
        };
        let path = rest.split(|c| c == '?' || c == '#').next().unwrap_or("");
        if path.is_empty() {
            "/"
        } else {
            path
        }
    }

    /// The URI's query string without `?` (empty when it has none).
    pub fn query(&self) -> &str {
        match self.uri.find('?') {
            Some(i) => self.uri[i + 1..].split('#').next().unwrap_or(""),
            None => "",
        }
    }
}

#[derive(Clone, Debug)]
enum Body {
    Json(Json),
    Text(Vec<u8>),
}

/// A response for `capsule-http`: status, headers, and a JSON or text body.
#[derive(Clone, Debug)]
pub struct HttpResponse {
    /// The HTTP status code.
    pub status: u16,
    /// Headers set on the reply, in order.
    pub headers: Vec<(String, String)>,
    body: Body,
}

impl HttpResponse {
    /// A JSON body, with `Content-Type: application/json; charset=utf-8`. (capsule-http prints it as Capsule's
    /// Go host re-marshalled it: object keys sorted.)
    pub fn json(status: u16, body: Json) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![("Content-Type".to_string(), "application/json; charset=utf-8".to_string())],
            body: Body::Json(body),
        }
    }

    /// A text body of any content type (HTML, plain text, bytes), sent base64-encoded in TextBody. An empty text
    /// body reaches the client as `{}` (Capsule's rule for a response without TextBody).
    pub fn text(status: u16, content_type: &str, body: impl AsRef<[u8]>) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![("Content-Type".to_string(), content_type.to_string())],
            body: Body::Text(body.as_ref().to_vec()),
        }
    }

    /// This response with header name set to value (replacing a header of that name, compared without case).
    pub fn header(mut self, name: &str, value: &str) -> HttpResponse {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The response JSON Capsule expects after the `S` byte:
    /// `{"JSONBody":..,"TextBody":"<base64>","Headers":{..},"StatusCode":N}`.
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(160);
        out.push_str("{\"JSONBody\":");
        match &self.body {
            Body::Json(j) => j.write_to(&mut out),
            Body::Text(_) => out.push_str("{}"),
        }
        out.push_str(",\"TextBody\":\"");
        if let Body::Text(t) = &self.body {
            out.push_str(&base64(t));
        }
        out.push_str("\",\"Headers\":{");
        for (i, (k, v)) in self.headers.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('"');
            escape_into(&mut out, k);
            out.push_str("\":\"");
            escape_into(&mut out, v);
            out.push('"');
        }
        out.push_str("},\"StatusCode\":");
        push_integer(&mut out, i64::from(self.status));
        out.push('}');
        out
    }
}

/// Standard base64 (with padding) of data.
pub fn base64(data: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity((data.len() + 2) / 3 * 4);
    for chunk in data.chunks(3) {
        let n = (chunk[0] as u32) << 16 | (*chunk.get(1).unwrap_or(&0) as u32) << 8 | *chunk.get(2).unwrap_or(&0) as u32;
        out.push(TABLE[(n >> 18) as usize & 63] as char);
        out.push(TABLE[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 { TABLE[(n >> 6) as usize & 63] as char } else { '=' });
        out.push(if chunk.len() > 2 { TABLE[n as usize & 63] as char } else { '=' });
    }
    out
}

/// An HTTP handler: the request in; Ok(response), or Err(message), which capsule-http answers with a 500 and the
/// message as body.
pub type HttpHandler = fn(&HttpRequest) -> Result<HttpResponse, String>;

thread_local! {
    static HANDLE_HTTP: RefCell<Option<HttpHandler>> = RefCell::new(None);
}

/// Sets the handler of `callHandleHTTP` (the requests `capsule-http` serves). Call it from `main`.
pub fn set_handle_http(handler: HttpHandler) {
    HANDLE_HTTP.with(|h| *h.borrow_mut() = Some(handler));
}

/// The packed `S` + response JSON answer of an HTTP hook (used by `on_health_check!` and `on_metrics!`).
pub fn answer(response: HttpResponse) -> u64 {
    abi::result(b'S', response.encode().as_bytes())
}

fn handle_http(input: &[u8]) -> Result<Vec<u8>, String> {
    let handler = HANDLE_HTTP.with(|h| *h.borrow()).ok_or("no handler: call capsule::set_handle_http in main")?;
    // The host sends valid UTF-8: checked at once (from_utf8 skips ASCII a word at a time), repaired only if not.
    let text = match std::str::from_utf8(input) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(input),
    };
    let request = HttpRequest::parse(&text)
        .map_err(|e| format!("cannot read the request: {}", e))?;
    handler(&request).map(|response| response.encode().into_bytes())
}

/// The HTTP entry: decodes the request and calls the handler set with `set_handle_http`.
#[no_mangle]
pub unsafe extern "C" fn callHandleHTTP(ptr: *mut u8, len: u32) -> u64 {
    abi::dispatch(Some(handle_http), "set_handle_http", ptr, len)
}

/// Exports `f` (`fn() -> HttpResponse`) as `OnHealthCheck`: capsule-http answers `GET /health` with it.
#[macro_export]
macro_rules! on_health_check {
    ($f:path) => {
        #[no_mangle]
        pub extern "C" fn OnHealthCheck() -> u64 {
            $crate::http::answer($f())
        }
    };
}

/// Exports `f` (`fn() -> HttpResponse`) as `OnMetrics`: capsule-http answers `GET /metrics` with it.
#[macro_export]
macro_rules! on_metrics {
    ($f:path) => {
        #[no_mangle]
        pub extern "C" fn OnMetrics() -> u64 {
            $crate::http::answer($f())
        }
    };
}

/// Exports `f` (`fn()`) as `OnStart`, which capsule-http calls once per instance after `main`.
#[macro_export]
macro_rules! on_start {
    ($f:path) => {
        #[no_mangle]
        pub extern "C" fn OnStart() {
            $f()
        }
    };
}

/// Exports `f` (`fn()`) as `OnStop`, which capsule-http calls when it stops.
#[macro_export]
macro_rules! on_stop {
    ($f:path) => {
        #[no_mangle]
        pub extern "C" fn OnStop() {
            $f()
        }
    };
}

/// An outbound HTTP request sent through the host (`hostHTTP`), built step by step:
/// `Fetch::new("POST", url).header("X", "y").json(body).send()`.
#[derive(Clone, Debug)]
pub struct Fetch {
    method: String,
    uri: String,
    headers: Vec<(String, String)>,
    json_body: Option<Json>,
    text_body: String,
}

/// The answer to a `Fetch`.
#[derive(Clone, Debug)]
pub struct FetchResponse {
    /// The HTTP status code.
    pub status: u16,
    /// Response headers, each with its values.
    pub headers: Vec<(String, Vec<String>)>,
    /// The body as text (a JSON body as compact JSON).
    pub body: String,
    /// The body parsed, when the response's content type is JSON.
    pub json: Option<Json>,
}

impl FetchResponse {
    /// The first value of header name (compared without case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.first().map(String::as_str))
    }
}

impl Fetch {
    /// A request with a method (GET, POST, PUT or DELETE) for an absolute URL.
    pub fn new(method: &str, uri: &str) -> Fetch {
        Fetch {
            method: method.to_string(),
            uri: uri.to_string(),
            headers: Vec::new(),
            json_body: None,
            text_body: String::new(),
        }
    }

    /// Adds a request header.
    pub fn header(mut self, name: &str, value: &str) -> Fetch {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Sends body as JSON (POST, PUT; GET sends no body).
    pub fn json(mut self, body: Json) -> Fetch {
        self.json_body = Some(body);
        self
    }

    /// Sends body as text (when there is no JSON body).
    pub fn text(mut self, body: &str) -> Fetch {
        self.text_body = body.to_string();
        self
    }

    /// The request JSON `hostHTTP` takes, every string escaped.
    pub fn encode(&self) -> String {
        let mut headers = Json::object();
        for (k, v) in &self.headers {
            headers = headers.with(k, v.as_str());
        }
        let mut doc = Json::object()
            .with("URI", self.uri.as_str())
            .with("Method", self.method.as_str())
            .with("Headers", headers)
            .with("TextBody", self.text_body.as_str());
        if let Some(body) = &self.json_body {
            doc = doc.with("JSONBody", body.clone());
        }
        doc.dump()
    }

    /// Sends the request: Ok(the response, whatever its status) or Err(the host's error: refused host, timeout,
    /// connection refused, too large).
    pub fn send(&self) -> Result<FetchResponse, String> {
        let answer = http_raw(&self.encode())?;
        let doc = Json::parse(&answer).map_err(|e| format!("unexpected hostHTTP answer ({}): {}", e, answer))?;
        let status = doc.get("StatusCode").and_then(Json::as_i64).unwrap_or(0) as u16;
        let mut headers = Vec::new();
        if let Some(Json::Object(members)) = doc.get("Headers") {
            for (name, values) in members {
                let values = match values {
                    Json::Array(items) => items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
                    Json::String(s) => vec![s.clone()],
                    _ => Vec::new(),
                };
                headers.push((name.clone(), values));
            }
        }
        let (body, json) = match (doc.get("JSONBody"), doc.get("TextBody")) {
            (Some(j), _) => (j.dump(), Some(j.clone())),
            (None, Some(t)) => (t.as_str().unwrap_or("").to_string(), None),
            (None, None) => (String::new(), None),
        };
        Ok(FetchResponse { status, headers, body, json })
    }
}
