// A message module for capsule-nats and capsule-mqtt (`capsule-nats --wasm=as-hello-message.wasm --subject='greet.*'`,
// or `capsule-mqtt --wasm=as-hello-message.wasm --topic='greet/+' --reply-topic=greetings`): its callHandleMessage
// gets the whole message; it greets whoever the message names, answers "Hello <name>", and publishes an audit event
// of each greeting on the broker the message came from (greetings.audit on NATS, greetings/audit on MQTT). An empty
// message is an error, which the runner sends back in a Capsule-Error header.
import { failure, Json, log, mqttPublish, natsPublish, Result, setHandleMessage, success } from "../assembly";
export * from "../assembly/exports";
export { callHandleMessage } from "../assembly/messaging";

function greet(envelope: string): Result {
  const message = Json.parse(envelope);
  if (message == null) return failure(Json.error);
  const name = message.getString("Data");
  if (name.length == 0) return failure("send a name");
  const audit = Json.object().setString("greeted", name).setString("on", message.getString("Subject")).dump();
  const published =
    message.getString("Protocol") == "mqtt" ? mqttPublish("greetings/audit", audit) : natsPublish("greetings.audit", audit);
  if (!published.ok) log(published.text); // an audit that cannot be sent does not stop the greeting
  return success("Hello " + name);
}

setHandleMessage(greet);
