//! An HTTP module for `capsule-http --wasm=rust-hello-http.wasm`:
//! - `POST` with a JSON body `{"name":"Bob"}` answers `{"message":"Hello Bob","path":..,"visits":N}` (JSON);
//! - `GET` answers an HTML page (text body), greeting the `X-Name` request header;
//! - a body that is not JSON gets a 400; `GET /health` is answered by the module's own health check.
//! Every response carries `X-Capsule-Sdk: rust`; the visit counter lives in the host's memory cache.

use capsule::{HttpRequest, HttpResponse, Json};

fn visits() -> Result<i64, String> {
    let count = match capsule::cache_get("visits") {
        Ok(value) => String::from_utf8_lossy(&value).parse::<i64>().unwrap_or(0),
        Err(_) => 0,
    } + 1;
    capsule::cache_set("visits", count.to_string())?;
    Ok(count)
}

fn handle(request: &HttpRequest) -> Result<HttpResponse, String> {
    let count = visits()?;
    if request.method == "GET" {
        let name = request.header("X-Name").unwrap_or("stranger");
        let page = format!("<html><body><h1>Hello {}</h1><p>{} visits</p></body></html>", name, count);
        return Ok(HttpResponse::text(200, "text/html; charset=utf-8", page).header("X-Capsule-Sdk", "rust"));
    }
    let body = match request.json() {
        Ok(body) => body,
        Err(e) => {
            let error = Json::object().with("error", e);
            return Ok(HttpResponse::json(400, error).header("X-Capsule-Sdk", "rust"));
        }
    };
    let name = body.get("name").and_then(Json::as_str).unwrap_or("stranger");
    let answer = Json::object()
        .with("message", format!("Hello {}", name))
        .with("path", request.path())
        .with("visits", count);
    Ok(HttpResponse::json(200, answer).header("X-Capsule-Sdk", "rust"))
}

fn health() -> HttpResponse {
    HttpResponse::json(200, Json::object().with("status", "healthy").with("sdk", "rust"))
}

capsule::on_health_check!(health);

fn main() {
    capsule::set_handle_http(handle);
}
