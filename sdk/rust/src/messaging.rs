//! Messages from NATS and MQTT, for modules served by `capsule-nats` and `capsule-mqtt` (docs/messaging.md).
//!
//! A module with a plain `set_handle` handler already serves messages: the payload comes in, an Ok answer is the
//! reply. For the whole message, export `callHandleMessage` with `capsule::message_handler!(f)`: its input is the
//! message as JSON (`Subject`, `Reply`, `Headers`, `Data`, `DataBase64`, `QoS`, `Stream`, `Sequence`,
//! `Deliveries`), which `Json::parse` reads.

use crate::abi;
use crate::host::pair_call;

#[link(wasm_import_module = "env")]
extern "C" {
    fn hostNatsPublish(
        subject: *const u8,
        subject_len: u32,
        data: *const u8,
        data_len: u32,
        ret_ptr: *mut *mut u8,
        ret_len: *mut u32,
    ) -> i32;
    fn hostNatsRequest(
        subject: *const u8,
        subject_len: u32,
        data: *const u8,
        data_len: u32,
        timeout_ms: u32,
        ret_ptr: *mut *mut u8,
        ret_len: *mut u32,
    ) -> i32;
    fn hostNatsReply(data: *const u8, data_len: u32, timeout_s: u32, ret_ptr: *mut *mut u8, ret_len: *mut u32)
        -> i32;
    fn hostNatsGetSubject(ret_ptr: *mut *mut u8, ret_len: *mut u32) -> i32;
    fn hostNatsGetServer(ret_ptr: *mut *mut u8, ret_len: *mut u32) -> i32;
    fn hostMqttPublish(
        topic: *const u8,
        topic_len: u32,
        data: *const u8,
        data_len: u32,
        ret_ptr: *mut *mut u8,
        ret_len: *mut u32,
    ) -> i32;
    fn hostMqttGetTopic(ret_ptr: *mut *mut u8, ret_len: *mut u32) -> i32;
    fn hostMqttGetServer(ret_ptr: *mut *mut u8, ret_len: *mut u32) -> i32;
    fn hostMqttGetClientId(ret_ptr: *mut *mut u8, ret_len: *mut u32) -> i32;
}


/// Calls a host function of shape (ret) and returns its raw answer as text.
fn buf_call(f: unsafe extern "C" fn(*mut *mut u8, *mut u32) -> i32) -> String {
    let mut ptr: *mut u8 = std::ptr::null_mut();
    let mut len: u32 = 0;
    unsafe {
        f(&mut ptr, &mut len);
        String::from_utf8_lossy(&abi::adopt(ptr, len)).into_owned()
    }
}

fn text(r: Result<Vec<u8>, String>) -> Result<String, String> {
    r.map(|d| String::from_utf8_lossy(&d).into_owned())
}

/// Publishes data to a NATS subject through capsule-nats' connection: Ok(subject) or Err (not running in
/// capsule-nats, a subject outside `--allow-publish`, the connection down).
pub fn nats_publish(subject: &str, data: impl AsRef<[u8]>) -> Result<String, String> {
    text(abi::split_reply(pair_call(hostNatsPublish, subject.as_bytes(), data.as_ref())))
}

/// Sends a NATS request and waits up to timeout_ms (0: 1000) for its reply: Ok(the reply's payload) or Err
/// (`no responders on <subject>`, a timeout).
pub fn nats_request(subject: &str, data: impl AsRef<[u8]>, timeout_ms: u32) -> Result<Vec<u8>, String> {
    let data = data.as_ref();
    let mut ptr: *mut u8 = std::ptr::null_mut();
    let mut len: u32 = 0;
    unsafe {
        hostNatsRequest(
            subject.as_ptr(),
            subject.len() as u32,
            data.as_ptr(),
            data.len() as u32,
            timeout_ms,
            &mut ptr,
            &mut len,
        );
        abi::split_reply(abi::adopt(ptr, len))
    }
}

/// Replies to the message being handled now (the runner then sends no reply of its own): Ok(the reply subject)
/// or Err (`nats: message does not have a reply`).
pub fn nats_reply(data: impl AsRef<[u8]>) -> Result<String, String> {
    let data = data.as_ref();
    let mut ptr: *mut u8 = std::ptr::null_mut();
    let mut len: u32 = 0;
    unsafe {
        hostNatsReply(data.as_ptr(), data.len() as u32, 1, &mut ptr, &mut len);
        text(abi::split_reply(abi::adopt(ptr, len)))
    }
}

/// The subject capsule-nats was started with (empty elsewhere).
pub fn nats_subject() -> String {
    buf_call(hostNatsGetSubject)
}

/// The NATS server capsule-nats was started with (empty elsewhere).
pub fn nats_server() -> String {
    buf_call(hostNatsGetServer)
}

/// Publishes data to an MQTT topic through capsule-mqtt's connection (QoS 0): Ok(topic) or Err.
pub fn mqtt_publish(topic: &str, data: impl AsRef<[u8]>) -> Result<String, String> {
    text(abi::split_reply(pair_call(hostMqttPublish, topic.as_bytes(), data.as_ref())))
}

/// The topic capsule-mqtt was started with (empty elsewhere).
pub fn mqtt_topic() -> String {
    buf_call(hostMqttGetTopic)
}

/// The MQTT server capsule-mqtt was started with (empty elsewhere).
pub fn mqtt_server() -> String {
    buf_call(hostMqttGetServer)
}

/// The MQTT client id capsule-mqtt was started with (empty elsewhere).
pub fn mqtt_client_id() -> String {
    buf_call(hostMqttGetClientId)
}

/// Exports `f` (a `capsule::Handler`) as `callHandleMessage`, which capsule-nats and capsule-mqtt prefer to
/// `callHandle`: the message's JSON envelope in, the reply out (Err: the runner replies with a `Capsule-Error`
/// header, or naks a JetStream message).
#[macro_export]
macro_rules! message_handler {
    ($f:path) => {
        #[no_mangle]
        pub unsafe extern "C" fn callHandleMessage(ptr: *mut u8, len: u32) -> u64 {
            $crate::abi::dispatch(Some($f), "message_handler!", ptr, len)
        }
    };
}
