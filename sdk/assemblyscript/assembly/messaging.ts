// Messages from NATS and MQTT, for modules served by capsule-nats and capsule-mqtt (docs/messaging.md).
//
// A module with a plain setHandle handler already serves messages: the payload comes in, a success is the reply.
// For the whole message, register setHandleMessage and export callHandleMessage from the entry file
// (`export { callHandleMessage } from ".../assembly/messaging"`): its input is the message as JSON (Subject, Reply,
// Headers, Data, DataBase64, QoS, Stream, Sequence, Deliveries), which Json.parse reads.

import { adoptRet, dispatch, Handler, retSlots, toBytes } from "./abi";
import { pairCall, Reply, splitReply } from "./host";

@external("env", "hostNatsPublish")
declare function hostNatsPublish(subject: usize, subjectLen: u32, data: usize, dataLen: u32, retPtr: usize, retLen: usize): i32;
@external("env", "hostNatsRequest")
declare function hostNatsRequest(subject: usize, subjectLen: u32, data: usize, dataLen: u32, timeoutMs: u32, retPtr: usize, retLen: usize): i32;
@external("env", "hostNatsReply")
declare function hostNatsReply(data: usize, dataLen: u32, timeoutS: u32, retPtr: usize, retLen: usize): i32;
@external("env", "hostNatsGetSubject") declare function hostNatsGetSubject(retPtr: usize, retLen: usize): i32;
@external("env", "hostNatsGetServer") declare function hostNatsGetServer(retPtr: usize, retLen: usize): i32;
@external("env", "hostMqttPublish")
declare function hostMqttPublish(topic: usize, topicLen: u32, data: usize, dataLen: u32, retPtr: usize, retLen: usize): i32;
@external("env", "hostMqttGetTopic") declare function hostMqttGetTopic(retPtr: usize, retLen: usize): i32;
@external("env", "hostMqttGetServer") declare function hostMqttGetServer(retPtr: usize, retLen: usize): i32;
@external("env", "hostMqttGetClientId") declare function hostMqttGetClientId(retPtr: usize, retLen: usize): i32;

let messageHandler: Handler | null = null;

/** Sets the handler of callHandleMessage: the message's JSON envelope in, the reply out (a failure: the runner
 * replies with a Capsule-Error header, or naks a JetStream message). Call it at the top level. */
export function setHandleMessage(handler: Handler): void {
  messageHandler = handler;
}

/** The message entry, which capsule-nats and capsule-mqtt prefer to callHandle: export it from the entry file. */
export function callHandleMessage(ptr: usize, len: u32): u64 {
  return dispatch(messageHandler, "setHandleMessage", ptr, len);
}

type BufFn = (retPtr: usize, retLen: usize) => i32;

/** Calls a host function of shape (ret) and returns its raw answer as text. */
function bufCall(f: BufFn): string {
  store<u64>(retSlots, 0);
  f(retSlots, retSlots + 4);
  return String.UTF8.decode(adoptRet());
}

/** Publishes data (a string, ArrayBuffer or Uint8Array) to a NATS subject through capsule-nats' connection: ok and
 * the subject, or the error (not running in capsule-nats, a subject outside --allow-publish, the connection down). */
export function natsPublish<T>(subject: string, data: T): Reply {
  return splitReply(pairCall(hostNatsPublish, String.UTF8.encode(subject), toBytes<T>(data)));
}

/** Sends a NATS request and waits up to timeoutMs (0: 1000) for its reply: ok and the reply's payload, or the
 * error ("no responders on <subject>", a timeout). */
export function natsRequest<T>(subject: string, data: T, timeoutMs: u32 = 0): Reply {
  const s = String.UTF8.encode(subject);
  const d = toBytes<T>(data);
  store<u64>(retSlots, 0);
  hostNatsRequest(changetype<usize>(s), s.byteLength, changetype<usize>(d), d.byteLength, timeoutMs, retSlots, retSlots + 4);
  return splitReply(adoptRet());
}

/** Replies to the message being handled now (the runner then sends no reply of its own): ok and the reply
 * subject, or the error ("nats: message does not have a reply"). */
export function natsReply<T>(data: T): Reply {
  const d = toBytes<T>(data);
  store<u64>(retSlots, 0);
  hostNatsReply(changetype<usize>(d), d.byteLength, 1, retSlots, retSlots + 4);
  return splitReply(adoptRet());
}

/** The subject capsule-nats was started with ("" elsewhere). */
export function natsSubject(): string {
  return bufCall(hostNatsGetSubject);
}

/** The NATS server capsule-nats was started with ("" elsewhere). */
export function natsServer(): string {
  return bufCall(hostNatsGetServer);
}

/** Publishes data to an MQTT topic through capsule-mqtt's connection (QoS 0): ok and the topic, or the error. */
export function mqttPublish<T>(topic: string, data: T): Reply {
  return splitReply(pairCall(hostMqttPublish, String.UTF8.encode(topic), toBytes<T>(data)));
}

/** The topic capsule-mqtt was started with ("" elsewhere). */
export function mqttTopic(): string {
  return bufCall(hostMqttGetTopic);
}

/** The MQTT server capsule-mqtt was started with ("" elsewhere). */
export function mqttServer(): string {
  return bufCall(hostMqttGetServer);
}

/** The MQTT client id capsule-mqtt was started with ("" elsewhere). */
export function mqttClientId(): string {
  return bufCall(hostMqttGetClientId);
}
