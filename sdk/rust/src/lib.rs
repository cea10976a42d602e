//! The Capsule module SDK for Rust (current ABI, compatible with Capsule's Go MDK), without dependencies.
//!
//! A Capsule module is a WASI command: the host runs `_start` (your `main`), then calls the exported handlers.
//!
//! ```ignore
//! fn handle(params: &[u8]) -> Result<Vec<u8>, String> {
//!     Ok(format!("Hello {}", String::from_utf8_lossy(params)).into())
//! }
//! fn main() {
//!     capsule::set_handle(handle);
//! }
//! ```
//!
//! Build: `cargo build --release --target wasm32-wasi`, run: `capsule --wasm=hello.wasm --params=Bob`.
//! The crate exports `callHandle`, `callHandleJSON`, `callHandleHTTP` and `allocateBuffer`; see README.md.

#![allow(clippy::missing_safety_doc)]
#![warn(missing_docs)]

mod host;
pub mod http;
pub mod json;
pub mod messaging;

pub use host::*;
pub use http::{set_handle_http, HttpRequest, HttpResponse};
pub use json::Json;

use std::cell::RefCell;

/// A handler: the input bytes in; Ok(payload) (`S`, the runner prints or sends it) or Err(message) (`F`: the CLI
/// prints it and exits with 1, HTTP answers 500).
pub type Handler = fn(&[u8]) -> Result<Vec<u8>, String>;

thread_local! {
    static HANDLE: RefCell<Option<Handler>> = RefCell::new(None);
    static HANDLE_JSON: RefCell<Option<Handler>> = RefCell::new(None);
    /// The last answer given to the host: it lives until the next one (the host reads it before calling again).
    static LAST_RESULT: RefCell<Vec<u8>> = RefCell::new(Vec::new());
    /// Buffers allocateBuffer handed out that the SDK has not taken back yet (see abi::adopt).
    static OUTSTANDING: RefCell<Vec<usize>> = RefCell::new(Vec::new());
}

/// Sets the handler of `callHandle` (the CLI entry: `--params` bytes in, bytes out). Call it from `main`.
pub fn set_handle(handler: Handler) {
    HANDLE.with(|h| *h.borrow_mut() = Some(handler));
}

/// Sets the handler of `callHandleJSON` (`capsule --json`: a JSON document in). Call it from `main`.
pub fn set_handle_json(handler: Handler) {
    HANDLE_JSON.with(|h| *h.borrow_mut() = Some(handler));
}

/// Low-level pieces of the ABI, for exports of your own (`#[no_mangle] pub extern "C" fn ...`) and for host
/// functions the SDK does not wrap.
pub mod abi {
    use super::*;

    extern "C" {
        fn malloc(size: usize) -> *mut u8;
        fn free(ptr: *mut u8);
    }

    /// Packs a marker byte (`b'S'` or `b'F'`) and data as the `position << 32 | length` a handler returns. The
    /// buffer lives until the next call of `result`.
    pub fn result(marker: u8, data: &[u8]) -> u64 {
        LAST_RESULT.with(|last| {
            let mut buffer = Vec::with_capacity(data.len() + 1);
            buffer.push(marker);
            buffer.extend_from_slice(data);
            let packed = ((buffer.as_ptr() as u64) << 32) | buffer.len() as u64;
            *last.borrow_mut() = buffer;
            packed
        })
    }

    /// The packed answer of a handler's Result: `S` + payload or `F` + message.
    pub fn answer(r: Result<Vec<u8>, String>) -> u64 {
        match r {
            Ok(data) => result(b'S', &data),
            Err(message) => result(b'F', message.as_bytes()),
        }
    }

    /// Allocates size bytes (plus a NUL) with the C allocator for the host to write into.
    pub fn allocate(size: u32) -> *mut u8 {
        let ptr = unsafe { malloc(size as usize + 1) };
        if !ptr.is_null() {
            unsafe { *ptr.add(size as usize) = 0 };
            OUTSTANDING.with(|o| o.borrow_mut().push(ptr as usize));
        }
        ptr
    }

    /// Takes back len bytes at ptr that allocateBuffer handed out: copies them and frees the buffer. (0, 0) is
    /// an empty answer.
    pub unsafe fn adopt(ptr: *mut u8, len: u32) -> Vec<u8> {
        if ptr.is_null() {
            return Vec::new();
        }
        let data = std::slice::from_raw_parts(ptr, len as usize).to_vec();
        release(ptr);
        data
    }

    /// Frees ptr if it came from allocateBuffer and was not taken back yet; returns whether it did.
    pub unsafe fn release(ptr: *mut u8) -> bool {
        let known = OUTSTANDING.with(|o| {
            let mut o = o.borrow_mut();
            match o.iter().position(|p| *p == ptr as usize) {
                Some(i) => {
                    o.swap_remove(i);
                    true
                }
                None => false,
            }
        });
        if known {
            free(ptr);
        }
        known
    }

    /// Splits a host answer in `S`/`F` form: Ok(payload) or Err(message). An empty answer is an error.
    pub fn split_reply(data: Vec<u8>) -> Result<Vec<u8>, String> {
        match data.first() {
            Some(b'S') => Ok(data[1..].to_vec()),
            Some(b'F') => Err(String::from_utf8_lossy(&data[1..]).into_owned()),
            _ => Err(format!("the host answered without S/F marker: {}", String::from_utf8_lossy(&data))),
        }
    }

    /// Runs handler on the input at (ptr, len), which the host placed with allocateBuffer (Capsule C++ does when
    /// the module exports no malloc) or with its own malloc; frees it afterwards in the first case.
    pub unsafe fn dispatch(handler: Option<Handler>, setter: &str, ptr: *mut u8, len: u32) -> u64 {
        let input: &[u8] = if ptr.is_null() || len == 0 { &[] } else { std::slice::from_raw_parts(ptr, len as usize) };
        let packed = match handler {
            Some(h) => answer(h(input)),
            None => result(b'F', format!("no handler: call capsule::{} in main", setter).as_bytes()),
        };
        release(ptr);
        packed
    }
}

/// Where the host writes the answers of host functions (and, when the module has no `malloc`, the handler input).
#[no_mangle]
pub extern "C" fn allocateBuffer(size: u32) -> *mut u8 {
    abi::allocate(size)
}

/// The CLI entry: calls the handler set with `set_handle`.
#[no_mangle]
pub unsafe extern "C" fn callHandle(ptr: *mut u8, len: u32) -> u64 {
    let handler = HANDLE.with(|h| *h.borrow());
    abi::dispatch(handler, "set_handle", ptr, len)
}

/// The JSON entry (`capsule --json`): calls the handler set with `set_handle_json`.
#[no_mangle]
pub unsafe extern "C" fn callHandleJSON(ptr: *mut u8, len: u32) -> u64 {
    let handler = HANDLE_JSON.with(|h| *h.borrow());
    abi::dispatch(handler, "set_handle_json", ptr, len)
}
