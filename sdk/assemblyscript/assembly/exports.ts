// The exports every Capsule host expects. Re-export them from your module's entry file:
//   export * from "capsule-sdk-assemblyscript/assembly/exports";
// (only the entry file's exports become the module's exports).

import { dispatch } from "./abi";
import { dispatchHTTP } from "./http";
import { handle, handleJSON } from "./handlers";

/** Where the host places the handler's input; the host frees it with `free` after the call. */
export function malloc(size: usize): usize {
  return heap.alloc(size > 0 ? size : 1);
}

/** Frees what malloc or allocateBuffer returned. */
export function free(ptr: usize): void {
  if (ptr != 0) heap.free(ptr);
}

/** Where host functions write their answers (the SDK copies and frees them). */
export function allocateBuffer(size: u32): usize {
  return heap.alloc(size > 0 ? <usize>size : 1);
}

/** The CLI entry: calls the handler set with setHandle. */
export function callHandle(ptr: usize, len: u32): u64 {
  return dispatch(handle, "setHandle", ptr, len);
}

/** The JSON entry (`capsule --json`): calls the handler set with setHandleJSON. */
export function callHandleJSON(ptr: usize, len: u32): u64 {
  return dispatch(handleJSON, "setHandleJSON", ptr, len);
}

/** The HTTP entry: decodes the request and calls the handler set with setHandleHTTP. */
export function callHandleHTTP(ptr: usize, len: u32): u64 {
  return dispatchHTTP(ptr, len);
}
