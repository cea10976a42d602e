// An HTTP module for `capsule-http --wasm=as-hello-http.wasm`:
// - POST with a JSON body {"name":"Bob"} answers {"message":"Hello Bob","path":..,"visits":N} (JSON);
// - GET answers an HTML page (text body), greeting the X-Name request header;
// - a body that is not JSON gets a 400; GET /health is answered by the module's own health check.
// Every response carries X-Capsule-Sdk: assemblyscript; the visit counter lives in the host's memory cache.
import { cacheGet, cacheSet, HttpRequest, HttpResponse, Json, packResponse, setHandleHTTP } from "../assembly";
export * from "../assembly/exports";

function visits(): i32 {
  const cached = cacheGet("visits");
  const count = (cached.ok ? I32.parseInt(cached.text) : 0) + 1;
  cacheSet("visits", count.toString());
  return count;
}

function handle(request: HttpRequest): HttpResponse {
  const count = visits();
  if (request.method == "GET") {
    const header = request.header("X-Name");
    const name = header != null ? header : "stranger";
    const page = "<html><body><h1>Hello " + name + "</h1><p>" + count.toString() + " visits</p></body></html>";
    return HttpResponse.text(200, "text/html; charset=utf-8", page).header("X-Capsule-Sdk", "assemblyscript");
  }
  const body = request.json();
  if (body == null) {
    return HttpResponse.json(400, Json.object().setString("error", Json.error)).header("X-Capsule-Sdk", "assemblyscript");
  }
  const answer = Json.object()
    .setString("message", "Hello " + body.getString("name", "stranger"))
    .setString("path", request.path)
    .setNumber("visits", count);
  return HttpResponse.json(200, answer).header("X-Capsule-Sdk", "assemblyscript");
}

/** GET /health: the module's own answer. */
export function OnHealthCheck(): u64 {
  return packResponse(HttpResponse.json(200, Json.object().setString("status", "healthy").setString("sdk", "assemblyscript")));
}

setHandleHTTP(handle);
