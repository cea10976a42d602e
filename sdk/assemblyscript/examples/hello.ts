// A CLI module (`capsule --wasm=as-hello.wasm --params=Bob`) using host functions: an environment variable, the
// memory cache, a file written and read back, print and log.
import { cacheGet, cacheKeys, cacheSet, failure, getEnv, log, print, readFile, Result, setHandle, success, writeFile } from "../assembly";
export * from "../assembly/exports";

function handle(name: string): Result {
  if (name.length == 0) return failure("send a name with --params");
  print("MESSAGE: " + getEnv("MESSAGE"));

  const set = cacheSet("last-name", name);
  if (!set.ok) return failure(set.text);
  const cached = cacheGet("last-name");
  if (!cached.ok) return failure(cached.text);
  print("cache: last-name=" + cached.text + " keys=" + cacheKeys("*").keys().join(","));

  const written = writeFile("./hello.txt", "👋 Hello " + name);
  if (!written.ok) return failure(written.text);
  const content = readFile(written.text);
  if (!content.ok) return failure(content.text);
  log(written.text + " holds " + content.text);

  return success("👋 Hello " + name);
}

setHandle(handle);
