// Calls every host function through the AssemblyScript SDK. callHandle takes "<command>:<argument>" and answers
// what the host functions returned (a failed Reply passes through as the F answer); callHandleHTTP takes the
// same command as its request body and answers 200 with the text, or 500 with the error. The Rust twin is
// rust/src/services.rs: both must give the same answers.
import * as capsule from "../../../sdk/assemblyscript/assembly";
import { Fetch, HttpRequest, HttpResponse, Json, Reply, Result } from "../../../sdk/assemblyscript/assembly";
export * from "../../../sdk/assemblyscript/assembly/exports";

class Outcome {
  constructor(public ok: bool, public text: string) {}
}

function ok(text: string): Outcome {
  return new Outcome(true, text);
}
function fail(text: string): Outcome {
  return new Outcome(false, text);
}
function orError(r: Reply): string {
  return r.ok ? r.text : "error " + r.text;
}

// The memory cache or Redis: set, get, keys, del, then get again (an error).
function roundtrip(
  set: (k: string, v: string) => Reply,
  get: (k: string) => Reply,
  keys: (p: string) => Reply,
  del: (k: string) => Reply,
  key: string,
  value: string,
  pattern: string,
): Outcome {
  const s = set(key, value);
  if (!s.ok) return fail(s.text);
  const g = get(key);
  if (!g.ok) return fail(g.text);
  const k = keys(pattern);
  if (!k.ok) return fail(k.text);
  const d = del(key);
  if (!d.ok) return fail(d.text);
  const after = orError(get(key));
  return ok("set " + s.text + "; get " + g.text + "; keys " + k.keys().join(",") + "; del " + d.text + "; after " + after);
}

function run(input: string): Outcome {
  const colon = input.indexOf(":");
  if (colon < 0) return fail("expected <command>:<argument>");
  const cmd = input.substring(0, colon);
  const arg = input.substring(colon + 1);
  const eq = arg.indexOf("=");
  const key = eq >= 0 ? arg.substring(0, eq) : arg;
  const value = eq >= 0 ? arg.substring(eq + 1) : "";
  if (cmd == "env") return ok(capsule.getEnv(arg));
  if (cmd == "json") {
    const doc = Json.parse(arg);
    return doc != null ? ok(doc.dump()) : fail(Json.error);
  }
  if (cmd == "read") {
    const r = capsule.readFile(arg);
    return new Outcome(r.ok, r.text);
  }
  if (cmd == "files") {
    const written = capsule.writeFile(key, value);
    if (!written.ok) return fail(written.text);
    const read = capsule.readFile(written.text);
    if (!read.ok) return fail(read.text);
    return ok("wrote " + written.text + "; read " + read.text);
  }
  if (cmd == "cache") {
    return roundtrip(
      (k: string, v: string): Reply => capsule.cacheSet(k, v),
      (k: string): Reply => capsule.cacheGet(k),
      (p: string): Reply => capsule.cacheKeys(p),
      (k: string): Reply => capsule.cacheDel(k),
      key, value, "*");
  }
  if (cmd == "redis") {
    return roundtrip(
      (k: string, v: string): Reply => capsule.redisSet(k, v),
      (k: string): Reply => capsule.redisGet(k),
      (p: string): Reply => capsule.redisKeys(p),
      (k: string): Reply => capsule.redisDel(k),
      key, value, "sdk-*");
  }
  if (cmd == "redis-get") {
    const r = capsule.redisGet(arg);
    return new Outcome(r.ok, r.text);
  }
  if (cmd == "http-get") {
    const r = new Fetch("GET", arg).header("X-Test", 'a "quoted" value').send();
    if (!r.ok) return fail(r.error);
    const type = r.header("Content-Type");
    return ok(r.status.toString() + " " + (type != null ? type : "-") + " " + r.body);
  }
  if (cmd == "http-post") {
    const body = Json.object().setString("name", 'Bob "B"\n').setNumber("age", 42);
    const r = new Fetch("POST", arg).header("Content-Type", "application/json").json(body).send();
    if (!r.ok) return fail(r.error);
    const json = r.json;
    return ok(r.status.toString() + " " + (json != null ? json.dump() : "-"));
  }
  if (cmd == "talk") return ok(capsule.talk(arg));
  if (cmd == "print") {
    capsule.print(arg);
    return ok("printed");
  }
  if (cmd == "log") {
    capsule.log(arg);
    return ok("logged");
  }
  if (cmd == "nats") {
    const published = orError(capsule.natsPublish(key, value));
    const requested = orError(capsule.natsRequest(key, value, 100));
    const replied = orError(capsule.natsReply(value));
    return ok("publish " + published + "; request " + requested + "; reply " + replied + "; subject [" + capsule.natsSubject() + "]; server [" + capsule.natsServer() + "]");
  }
  if (cmd == "mqtt") {
    const published = orError(capsule.mqttPublish(key, value));
    return ok("publish " + published + "; topic [" + capsule.mqttTopic() + "]; server [" + capsule.mqttServer() + "]; client [" + capsule.mqttClientId() + "]");
  }
  return fail("unknown command " + cmd);
}

function handle(params: string): Result {
  const o = run(params);
  return o.ok ? capsule.success(o.text) : capsule.failure(o.text);
}

function handleHTTP(request: HttpRequest): HttpResponse {
  const o = run(request.body);
  return o.ok ? HttpResponse.text(200, "text/plain; charset=utf-8", o.text) : HttpResponse.failure(o.text);
}

capsule.setHandle(handle);
capsule.setHandleHTTP(handleHTTP);
