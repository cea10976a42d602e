//! A JSON module (`capsule --json --wasm=rust-hello-json.wasm --params='{"name":"Bob","age":42}'`): a JSON
//! document in, a JSON document out; input that is not JSON, or has no name, is an error.

use capsule::Json;

fn handle(params: &[u8]) -> Result<Vec<u8>, String> {
    let input = Json::parse(&String::from_utf8_lossy(params))?;
    let name = input.get("name").and_then(Json::as_str).ok_or("the input has no \"name\" string")?;
    let mut answer = Json::object().with("message", format!("Hello {}", name));
    if let Some(age) = input.get("age").and_then(Json::as_i64) {
        answer = answer.with("nextAge", age + 1);
    }
    Ok(answer.dump().into_bytes())
}

fn main() {
    capsule::set_handle_json(handle);
}
