// The host functions of the Capsule ABI (import module "env"), wrapped: every one of the C SDK's, with the same
// results (an `S` answer is an ok Reply, an `F` answer a failed one carrying the host's message).

import { adoptRet, retSlots, toBytes } from "./abi";
import { Json, JsonKind } from "./json";

@external("env", "hostPrintString") declare function hostPrintString(ptr: usize, len: u32): i32;
@external("env", "hostLogString") declare function hostLogString(ptr: usize, len: u32): i32;
@external("env", "hostTalk") declare function hostTalk(ptr: usize, len: u32, retPtr: usize, retLen: usize): i32;
@external("env", "hostGetEnv") declare function hostGetEnv(ptr: usize, len: u32, retPtr: usize, retLen: usize): i32;
@external("env", "hostReadFile")
declare function hostReadFile(ptr: usize, len: u32, retPtr: usize, retLen: usize): i32;
@external("env", "hostWriteFile")
declare function hostWriteFile(path: usize, pathLen: u32, content: usize, contentLen: u32, retPtr: usize, retLen: usize): i32;
@external("env", "hostHTTP") declare function hostHTTP(ptr: usize, len: u32, retPtr: usize, retLen: usize): i32;
@external("env", "hostCacheSet")
declare function hostCacheSet(key: usize, keyLen: u32, value: usize, valueLen: u32, retPtr: usize, retLen: usize): i32;
@external("env", "hostCacheGet")
declare function hostCacheGet(ptr: usize, len: u32, retPtr: usize, retLen: usize): i32;
@external("env", "hostCacheDel")
declare function hostCacheDel(ptr: usize, len: u32, retPtr: usize, retLen: usize): i32;
@external("env", "hostCacheKeys")
declare function hostCacheKeys(ptr: usize, len: u32, retPtr: usize, retLen: usize): i32;
@external("env", "hostRedisSet")
declare function hostRedisSet(key: usize, keyLen: u32, value: usize, valueLen: u32, retPtr: usize, retLen: usize): i32;
@external("env", "hostRedisGet")
declare function hostRedisGet(ptr: usize, len: u32, retPtr: usize, retLen: usize): i32;
@external("env", "hostRedisDel")
declare function hostRedisDel(ptr: usize, len: u32, retPtr: usize, retLen: usize): i32;
@external("env", "hostRedisKeys")
declare function hostRedisKeys(ptr: usize, len: u32, retPtr: usize, retLen: usize): i32;

/** A host function's answer: ok and the payload, or !ok and the host's error message. */
export class Reply {
  constructor(
    /** Whether the host answered `S`. */
    public ok: bool,
    /** The payload (ok) or the error message (!ok), as UTF-8 bytes. */
    public bytes: ArrayBuffer,
  ) {}

  /** The payload or the error message decoded from UTF-8. */
  get text(): string {
    return String.UTF8.decode(this.bytes);
  }

  /** The names of a `{"keys":[...]}` answer (cacheKeys, redisKeys); empty when it is not one or !ok. */
  keys(): string[] {
    const out: string[] = [];
    if (!this.ok) return out;
    const doc = Json.parse(this.text);
    if (doc == null) return out;
    const keys = doc.get("keys");
    if (keys == null || keys.kind != JsonKind.Array) return out;
    for (let i = 0; i < keys.items.length; i++) out.push(keys.items[i].asString());
    return out;
  }
}

/** Splits an S/F answer into a Reply. An empty answer is a failure. */
export function splitReply(answer: ArrayBuffer): Reply {
  const n = answer.byteLength;
  const marker = n > 0 ? load<u8>(changetype<usize>(answer)) : 0;
  if (marker == 0x53) return new Reply(true, answer.slice(1));
  if (marker == 0x46) return new Reply(false, answer.slice(1));
  return new Reply(false, String.UTF8.encode("the host answered without S/F marker: " + String.UTF8.decode(answer)));
}

type TextFn = (ptr: usize, len: u32, retPtr: usize, retLen: usize) => i32;
type PairFn = (key: usize, keyLen: u32, value: usize, valueLen: u32, retPtr: usize, retLen: usize) => i32;

/** Calls a host function of shape (text, len, ret) and returns its raw answer. */
export function textCall(f: TextFn, text: ArrayBuffer): ArrayBuffer {
  store<u64>(retSlots, 0);
  f(changetype<usize>(text), text.byteLength, retSlots, retSlots + 4);
  return adoptRet();
}

/** Calls a host function of shape (key, len, value, len, ret) and returns its raw answer. */
export function pairCall(f: PairFn, key: ArrayBuffer, value: ArrayBuffer): ArrayBuffer {
  store<u64>(retSlots, 0);
  f(changetype<usize>(key), key.byteLength, changetype<usize>(value), value.byteLength, retSlots, retSlots + 4);
  return adoptRet();
}

/** Prints text and a newline on the host's standard output. */
export function print(text: string): void {
  const b = String.UTF8.encode(text);
  hostPrintString(changetype<usize>(b), b.byteLength);
}

/** Logs text on the host's output, after a timestamp (`<timestamp> : <text>`). */
export function log(text: string): void {
  const b = String.UTF8.encode(text);
  hostLogString(changetype<usize>(b), b.byteLength);
}

/** Sends a message to the host's demonstration function and returns its greeting. */
export function talk(message: string): string {
  return String.UTF8.decode(textCall(hostTalk, String.UTF8.encode(message)));
}

/** The value of the host's environment variable name; "" when it is unset (or hidden by `--env-allow`). */
export function getEnv(name: string): string {
  return String.UTF8.decode(textCall(hostGetEnv, String.UTF8.encode(name)));
}

/** Reads a host file: ok and its content, or the host's error ("open x: no such file or directory"). */
export function readFile(path: string): Reply {
  return splitReply(textCall(hostReadFile, String.UTF8.encode(path)));
}

/** Writes content (a string, ArrayBuffer or Uint8Array) to a host file (mode 0644, truncated): ok and the path,
 * or the host's error. */
export function writeFile<T>(path: string, content: T): Reply {
  return splitReply(pairCall(hostWriteFile, String.UTF8.encode(path), toBytes<T>(content)));
}

/** Sends an outbound HTTP request given as Capsule's request JSON
 * (`{"URI":"...","Method":"GET|POST|PUT|DELETE","Headers":{"K":"V"},"JSONBody":{...},"TextBody":"..."}`): ok and
 * the response JSON, or the host's error (refused host, timeout, too large). See also `Fetch` (http.ts). */
export function httpRaw(requestJson: string): Reply {
  return splitReply(textCall(hostHTTP, String.UTF8.encode(requestJson)));
}

/** Stores value (a string, ArrayBuffer or Uint8Array) under key in the host's process-wide memory cache: ok and
 * the key, or "cache full: ...". */
export function cacheSet<T>(key: string, value: T): Reply {
  return splitReply(pairCall(hostCacheSet, String.UTF8.encode(key), toBytes<T>(value)));
}

/** The cached value of key: ok and the value, or "key not found". */
export function cacheGet(key: string): Reply {
  return splitReply(textCall(hostCacheGet, String.UTF8.encode(key)));
}

/** Removes key from the cache: ok and the key. */
export function cacheDel(key: string): Reply {
  return splitReply(textCall(hostCacheDel, String.UTF8.encode(key)));
}

/** The cache's keys matching a glob filter ("*": all): ok and `{"keys":[...]}` (see `Reply.keys`). */
export function cacheKeys(filter: string): Reply {
  return splitReply(textCall(hostCacheKeys, String.UTF8.encode(filter)));
}

/** Redis `SET key value` (no expiry) on the host's Redis (REDIS_URI, or REDIS_ADDR/REDIS_PWD/REDIS_DEFAULTDB):
 * ok and the key, or the error (e.g. Redis unreachable). */
export function redisSet<T>(key: string, value: T): Reply {
  return splitReply(pairCall(hostRedisSet, String.UTF8.encode(key), toBytes<T>(value)));
}

/** Redis `GET key`: ok and the value, or the error ("redis: nil" for a missing key). */
export function redisGet(key: string): Reply {
  return splitReply(textCall(hostRedisGet, String.UTF8.encode(key)));
}

/** Redis `DEL key`: ok and the key, or the error. */
export function redisDel(key: string): Reply {
  return splitReply(textCall(hostRedisDel, String.UTF8.encode(key)));
}

/** Redis `KEYS pattern`: ok and `{"keys":[...]}` (see `Reply.keys`), or the error. */
export function redisKeys(pattern: string): Reply {
  return splitReply(textCall(hostRedisKeys, String.UTF8.encode(pattern)));
}
