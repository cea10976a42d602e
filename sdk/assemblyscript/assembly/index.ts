// The Capsule module SDK for AssemblyScript (current ABI, compatible with Capsule's Go MDK). See README.md.
//
//   import { setHandle, success, Result } from "capsule-sdk-assemblyscript";
//   export * from "capsule-sdk-assemblyscript/assembly/exports";
//   setHandle((params: string): Result => success("Hello " + params));
//
// Build: asc hello.ts --config node_modules/capsule-sdk-assemblyscript/asconfig.json -o hello.wasm

export { Result, Handler, success, successBytes, failure, packResult, packSuccess, packFailure } from "./abi";
export { setHandle, setHandleJSON } from "./handlers";
export { Json, JsonKind, escapeJson, escapeJsonTo } from "./json";
export { StringBuilder } from "./builder";
export {
  Reply,
  print,
  log,
  talk,
  getEnv,
  readFile,
  writeFile,
  httpRaw,
  cacheSet,
  cacheGet,
  cacheDel,
  cacheKeys,
  redisSet,
  redisGet,
  redisDel,
  redisKeys,
} from "./host";
export { HttpRequest, HttpResponse, HttpHandler, setHandleHTTP, packResponse, base64, Fetch, FetchResponse } from "./http";
export {
  setHandleMessage,
  natsPublish,
  natsRequest,
  natsReply,
  natsSubject,
  natsServer,
  mqttPublish,
  mqttTopic,
  mqttServer,
  mqttClientId,
} from "./messaging";
