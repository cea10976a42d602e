// The Capsule module ABI for AssemblyScript: handler results, the buffers the host reads and writes, the
// dispatch of callHandle / callHandleJSON, and the abort that replaces AssemblyScript's env.abort import.

/** A handler's answer, made by `success` or `failure`. */
export class Result {
  constructor(
    /** true: `S` + payload (the runner prints or sends it); false: `F` + message (CLI exit 1, HTTP 500). */
    public ok: bool,
    /** The payload or the error message, as UTF-8 bytes. */
    public data: ArrayBuffer,
  ) {}
}

/** Success with a text payload (sent as UTF-8). */
export function success(text: string): Result {
  return new Result(true, String.UTF8.encode(text));
}

/** Success with a payload of raw bytes. */
export function successBytes(data: Uint8Array): Result {
  return new Result(true, data.slice().buffer);
}

/** Failure with an error message. */
export function failure(message: string): Result {
  return new Result(false, String.UTF8.encode(message));
}

/** A handler: the input decoded from UTF-8 in, a `Result` out. */
export type Handler = (params: string) => Result;

// The last answer given to the host: it lives until the next one (the host reads it before calling again).
let lastAnswer: usize = 0;

/** Packs a marker byte ('S' or 'F') and len bytes at data as the `position << 32 | length` a handler returns. */
export function packAnswer(marker: u8, data: usize, len: i32): u64 {
  const size = <usize>len + 1;
  const buffer = heap.alloc(size);
  store<u8>(buffer, marker);
  memory.copy(buffer + 1, data, <usize>len);
  if (lastAnswer) heap.free(lastAnswer);
  lastAnswer = buffer;
  return (<u64>buffer << 32) | <u64>size;
}

/** The packed answer of a Result. */
export function packResult(result: Result): u64 {
  return packAnswer(result.ok ? 0x53 : 0x46, changetype<usize>(result.data), result.data.byteLength);
}

/** The packed `S` answer of a text. */
export function packSuccess(text: string): u64 {
  const data = String.UTF8.encode(text);
  return packAnswer(0x53, changetype<usize>(data), data.byteLength);
}

/** The packed `F` answer of a message. */
export function packFailure(message: string): u64 {
  const data = String.UTF8.encode(message);
  return packAnswer(0x46, changetype<usize>(data), data.byteLength);
}

/** The len input bytes at ptr decoded from UTF-8 (invalid sequences become U+FFFD). */
export function readInput(ptr: usize, len: u32): string {
  if (ptr == 0 || len == 0) return "";
  return String.UTF8.decodeUnsafe(ptr, <usize>len);
}

/** Takes back an answer the host wrote with allocateBuffer: copies it and frees the buffer ((0, 0): empty). */
export function adopt(ptr: usize, len: u32): ArrayBuffer {
  const out = new ArrayBuffer(<i32>len);
  if (ptr != 0) {
    memory.copy(changetype<usize>(out), ptr, <usize>len);
    heap.free(ptr);
  }
  return out;
}

// Where host functions store the answer's position and length (retPtrPtr, retLenPtr).
export const retSlots: usize = memory.data(8, 4);

/** Takes back the answer a host function stored in retSlots. */
export function adoptRet(): ArrayBuffer {
  return adopt(<usize>load<u32>(retSlots), load<u32>(retSlots, 4));
}

/** UTF-8 bytes of a string, or the bytes of an ArrayBuffer or Uint8Array. */
export function toBytes<T>(value: T): ArrayBuffer {
  if (isString<T>()) return String.UTF8.encode(changetype<string>(value));
  if (value instanceof ArrayBuffer) return changetype<ArrayBuffer>(value);
  if (value instanceof Uint8Array) return changetype<Uint8Array>(value).slice().buffer;
  ERROR("expected a string, an ArrayBuffer or a Uint8Array");
  return new ArrayBuffer(0);
}

/** Calls handler on the input at (ptr, len), or answers that none was registered with setter. */
export function dispatch(handler: Handler | null, setter: string, ptr: usize, len: u32): u64 {
  if (handler == null) return packFailure("no handler: call " + setter + " at the top level of your module");
  return packResult(handler(readInput(ptr, len)));
}

@external("wasi_snapshot_preview1", "fd_write")
declare function fd_write(fd: u32, iovs: usize, iovsLen: u32, written: usize): u16;

/** Replaces AssemblyScript's `env.abort` import (asconfig.json: `--use abort=capsuleAbort`): writes the message
 * to stderr through WASI, then traps, so the host reports the failure. */
// @ts-ignore: decorator
@global
export function capsuleAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  let text = "abort: " + (message ? message : "(no message)");
  if (fileName) text += " at " + fileName + ":" + line.toString() + ":" + column.toString();
  text += "\n";
  const bytes = String.UTF8.encode(text);
  const iov = memory.data(16, 4);
  store<u32>(iov, changetype<usize>(bytes));
  store<u32>(iov, bytes.byteLength, 4);
  fd_write(2, iov, 1, iov + 8);
  unreachable();
}
