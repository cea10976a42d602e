//! The host functions of the Capsule ABI (import module "env"), wrapped: every one of the C SDK's, with the same
//! results (`S` answers as Ok, `F` answers as Err with the host's message).

use crate::abi;
use crate::json::Json;

#[link(wasm_import_module = "env")]
extern "C" {
    fn hostPrintString(ptr: *const u8, len: u32) -> i32;
    fn hostLogString(ptr: *const u8, len: u32) -> i32;
    fn hostTalk(ptr: *const u8, len: u32, ret_ptr: *mut *mut u8, ret_len: *mut u32) -> i32;
    fn hostGetEnv(ptr: *const u8, len: u32, ret_ptr: *mut *mut u8, ret_len: *mut u32) -> i32;
    fn hostReadFile(ptr: *const u8, len: u32, ret_ptr: *mut *mut u8, ret_len: *mut u32) -> i32;
    fn hostWriteFile(
        path: *const u8,
        path_len: u32,
        content: *const u8,
        content_len: u32,
        ret_ptr: *mut *mut u8,
        ret_len: *mut u32,
    ) -> i32;
    fn hostHTTP(ptr: *const u8, len: u32, ret_ptr: *mut *mut u8, ret_len: *mut u32) -> i32;
    fn hostCacheSet(
        key: *const u8,
        key_len: u32,
        value: *const u8,
        value_len: u32,
        ret_ptr: *mut *mut u8,
        ret_len: *mut u32,
    ) -> i32;
    fn hostCacheGet(ptr: *const u8, len: u32, ret_ptr: *mut *mut u8, ret_len: *mut u32) -> i32;
    fn hostCacheDel(ptr: *const u8, len: u32, ret_ptr: *mut *mut u8, ret_len: *mut u32) -> i32;
    fn hostCacheKeys(ptr: *const u8, len: u32, ret_ptr: *mut *mut u8, ret_len: *mut u32) -> i32;
    fn hostRedisSet(
        key: *const u8,
        key_len: u32,
        value: *const u8,
        value_len: u32,
        ret_ptr: *mut *mut u8,
        ret_len: *mut u32,
    ) -> i32;
    fn hostRedisGet(ptr: *const u8, len: u32, ret_ptr: *mut *mut u8, ret_len: *mut u32) -> i32;
    fn hostRedisDel(ptr: *const u8, len: u32, ret_ptr: *mut *mut u8, ret_len: *mut u32) -> i32;
    fn hostRedisKeys(ptr: *const u8, len: u32, ret_ptr: *mut *mut u8, ret_len: *mut u32) -> i32;
}

type TextFn = unsafe extern "C" fn(*const u8, u32, *mut *mut u8, *mut u32) -> i32;
type PairFn = unsafe extern "C" fn(*const u8, u32, *const u8, u32, *mut *mut u8, *mut u32) -> i32;

/// Calls a host function of shape (text, len, ret) and returns its raw answer.
pub(crate) fn text_call(f: TextFn, text: &[u8]) -> Vec<u8> {
    let mut ptr: *mut u8 = std::ptr::null_mut();
    let mut len: u32 = 0;
    unsafe {
        f(text.as_ptr(), text.len() as u32, &mut ptr, &mut len);
        abi::adopt(ptr, len)
    }
}

/// Calls a host function of shape (key, len, value, len, ret) and returns its raw answer.
pub(crate) fn pair_call(f: PairFn, key: &[u8], value: &[u8]) -> Vec<u8> {
    let mut ptr: *mut u8 = std::ptr::null_mut();
    let mut len: u32 = 0;
    unsafe {
        f(key.as_ptr(), key.len() as u32, value.as_ptr(), value.len() as u32, &mut ptr, &mut len);
        abi::adopt(ptr, len)
    }
}

fn text_reply(f: TextFn, text: &str) -> Result<Vec<u8>, String> {
    abi::split_reply(text_call(f, text.as_bytes()))
}

fn string_reply(r: Result<Vec<u8>, String>) -> Result<String, String> {
    r.map(|data| String::from_utf8_lossy(&data).into_owned())
}

/// The names of a `{"keys":[...]}` answer.
fn keys_reply(r: Result<Vec<u8>, String>) -> Result<Vec<String>, String> {
    let data = r?;
    let text = String::from_utf8_lossy(&data);
    let doc = Json::parse(&text)?;
    match doc.get("keys") {
        Some(Json::Array(keys)) => Ok(keys.iter().filter_map(|k| k.as_str().map(str::to_string)).collect()),
        Some(Json::Null) => Ok(Vec::new()),
        _ => Err(format!("unexpected keys answer: {}", text)),
    }
}

/// Prints text and a newline on the host's standard output.
pub fn print(text: &str) {
    unsafe { hostPrintString(text.as_ptr(), text.len() as u32) };
}

/// Logs text on the host's output, after a timestamp (`<timestamp> : <text>`).
pub fn log(text: &str) {
    unsafe { hostLogString(text.as_ptr(), text.len() as u32) };
}

/// Sends a message to the host's demonstration function and returns its greeting.
pub fn talk(message: &str) -> String {
    String::from_utf8_lossy(&text_call(hostTalk, message.as_bytes())).into_owned()
}

/// The value of the host's environment variable name; empty when it is unset (or hidden by `--env-allow`).
pub fn get_env(name: &str) -> String {
    String::from_utf8_lossy(&text_call(hostGetEnv, name.as_bytes())).into_owned()
}

/// Reads a host file: Ok(content) or Err(the host's error, e.g. "open x: no such file or directory").
pub fn read_file(path: &str) -> Result<Vec<u8>, String> {
    text_reply(hostReadFile, path)
}

/// Writes content to a host file (created with mode 0644 or truncated): Ok(path) or Err(the host's error).
pub fn write_file(path: &str, content: impl AsRef<[u8]>) -> Result<String, String> {
    string_reply(abi::split_reply(pair_call(hostWriteFile, path.as_bytes(), content.as_ref())))
}

/// Sends an outbound HTTP request given as Capsule's request JSON
/// (`{"URI":"...","Method":"GET|POST|PUT|DELETE","Headers":{"K":"V"},"JSONBody":{...},"TextBody":"..."}`):
/// Ok(the response JSON) or Err(the host's error: refused host, timeout, too large). See also `http::Fetch`.
pub fn http_raw(request_json: &str) -> Result<String, String> {
    string_reply(text_reply(hostHTTP, request_json))
}

/// Stores value under key in the host's process-wide memory cache: Ok(key) or Err("cache full: ...").
pub fn cache_set(key: &str, value: impl AsRef<[u8]>) -> Result<String, String> {
    string_reply(abi::split_reply(pair_call(hostCacheSet, key.as_bytes(), value.as_ref())))
}

/// The cached value of key: Ok(value) or Err("key not found").
pub fn cache_get(key: &str) -> Result<Vec<u8>, String> {
    text_reply(hostCacheGet, key)
}

/// Removes key from the cache: Ok(key).
pub fn cache_del(key: &str) -> Result<String, String> {
    string_reply(text_reply(hostCacheDel, key))
}

/// The cache's keys matching a glob filter (`*`: all).
pub fn cache_keys(filter: &str) -> Result<Vec<String>, String> {
    keys_reply(text_reply(hostCacheKeys, filter))
}

/// Redis `SET key value` (no expiry) on the host's Redis (`REDIS_URI`, or `REDIS_ADDR`/`REDIS_PWD`/
/// `REDIS_DEFAULTDB`): Ok(key) or Err(e.g. Redis unreachable).
pub fn redis_set(key: &str, value: impl AsRef<[u8]>) -> Result<String, String> {
    string_reply(abi::split_reply(pair_call(hostRedisSet, key.as_bytes(), value.as_ref())))
}

/// Redis `GET key`: Ok(value) or Err (`redis: nil` for a missing key).
pub fn redis_get(key: &str) -> Result<Vec<u8>, String> {
    text_reply(hostRedisGet, key)
}

/// Redis `DEL key`: Ok(key) or Err.
pub fn redis_del(key: &str) -> Result<String, String> {
    string_reply(text_reply(hostRedisDel, key))
}

/// Redis `KEYS pattern`: Ok(the names) or Err.
pub fn redis_keys(pattern: &str) -> Result<Vec<String>, String> {
    keys_reply(text_reply(hostRedisKeys, pattern))
}
