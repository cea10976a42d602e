// A JSON module (`capsule --json --wasm=as-hello-json.wasm --params='{"name":"Bob","age":42}'`): a JSON document
// in, a JSON document out; input that is not JSON, or has no name, is an error.
import { failure, Json, JsonKind, Result, setHandleJSON, success } from "../assembly";
export * from "../assembly/exports";

function handle(params: string): Result {
  const input = Json.parse(params);
  if (input == null) return failure(Json.error);
  const name = input.get("name");
  if (name == null || name.kind != JsonKind.String) return failure('the input has no "name" string');
  const answer = Json.object().setString("message", "Hello " + name.asString());
  const age = input.get("age");
  if (age != null && age.kind == JsonKind.Number) answer.setNumber("nextAge", age.asNumber() + 1);
  return success(answer.dump());
}

setHandleJSON(handle);
