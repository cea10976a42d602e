//! A message module for capsule-nats and capsule-mqtt (`capsule-nats --wasm=rust-hello-message.wasm
//! --subject='greet.*'`, or `capsule-mqtt --wasm=rust-hello-message.wasm --topic='greet/+' --reply-topic=greetings`):
//! its callHandleMessage gets the whole message; it greets whoever the message names, answers "Hello <name>", and
//! publishes an audit event of each greeting on the broker the message came from (greetings.audit on NATS,
//! greetings/audit on MQTT). An empty message is an error, which the runner sends back in a Capsule-Error header.

use capsule::Json;

fn greet(envelope: &[u8]) -> Result<Vec<u8>, String> {
    let message = Json::parse(&String::from_utf8_lossy(envelope))?;
    let name = message.get("Data").and_then(Json::as_str).unwrap_or("");
    if name.is_empty() {
        return Err("send a name".into());
    }
    let on = message.get("Subject").and_then(Json::as_str).unwrap_or("");
    let audit = Json::object().with("greeted", name).with("on", on).dump();
    let published = match message.get("Protocol").and_then(Json::as_str) {
        Some("mqtt") => capsule::messaging::mqtt_publish("greetings/audit", audit),
        _ => capsule::messaging::nats_publish("greetings.audit", audit),
    };
    if let Err(e) = published {
        capsule::log(&e); // an audit that cannot be sent does not stop the greeting
    }
    Ok(format!("Hello {}", name).into_bytes())
}

capsule::message_handler!(greet);

fn main() {}
