// The handlers registered by the module, called by the exports (exports.ts).

import { Handler } from "./abi";

export let handle: Handler | null = null;
export let handleJSON: Handler | null = null;

/** Sets the handler of callHandle (the CLI entry: --params in, the answer out). Call it at the top level. */
export function setHandle(handler: Handler): void {
  handle = handler;
}

/** Sets the handler of callHandleJSON (`capsule --json`: a JSON document in). Call it at the top level. */
export function setHandleJSON(handler: Handler): void {
  handleJSON = handler;
}
