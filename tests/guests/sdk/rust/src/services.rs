//! Calls every host function through the Rust SDK. callHandle takes "<command>:<argument>" and answers what the
//! host functions returned (an Err passes through as the F answer); callHandleHTTP takes the same command as its
//! request body and answers 200 with the text, or 500 with the error. The AssemblyScript twin is services.ts.

use capsule::http::Fetch;
use capsule::messaging;
use capsule::{HttpRequest, HttpResponse, Json};

fn split(arg: &str) -> (&str, &str) {
    match arg.find('=') {
        Some(i) => (&arg[..i], &arg[i + 1..]),
        None => (arg, ""),
    }
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The memory cache or Redis: set, get, keys, del, then get again (an error).
struct Store {
    set: fn(&str, &str) -> Result<String, String>,
    get: fn(&str) -> Result<Vec<u8>, String>,
    keys: fn(&str) -> Result<Vec<String>, String>,
    del: fn(&str) -> Result<String, String>,
}

impl Store {
    fn roundtrip(&self, key: &str, value: &str, pattern: &str) -> Result<String, String> {
        let set = (self.set)(key, value)?;
        let got = text((self.get)(key)?);
        let keys = (self.keys)(pattern)?;
        let del = (self.del)(key)?;
        let after = (self.get)(key).map(text).unwrap_or_else(|e| format!("error {}", e));
        Ok(format!("set {}; get {}; keys {}; del {}; after {}", set, got, keys.join(","), del, after))
    }
}

fn run(input: &str) -> Result<String, String> {
    let (cmd, arg) = match input.find(':') {
        Some(i) => (&input[..i], &input[i + 1..]),
        None => return Err("expected <command>:<argument>".to_string()),
    };
    match cmd {
        "env" => Ok(capsule::get_env(arg)),
        "json" => capsule::Json::parse(arg).map(|doc| doc.dump()),
        "read" => capsule::read_file(arg).map(text),
        "files" => {
            let (path, content) = split(arg);
            let written = capsule::write_file(path, content)?;
            Ok(format!("wrote {}; read {}", written, text(capsule::read_file(&written)?)))
        }
        "cache" => {
            let (key, value) = split(arg);
            let store = Store {
                set: |k, v| capsule::cache_set(k, v),
                get: capsule::cache_get,
                keys: capsule::cache_keys,
                del: capsule::cache_del,
            };
            store.roundtrip(key, value, "*")
        }
        "redis" => {
            let (key, value) = split(arg);
            let store = Store {
                set: |k, v| capsule::redis_set(k, v),
                get: capsule::redis_get,
                keys: capsule::redis_keys,
                del: capsule::redis_del,
            };
            store.roundtrip(key, value, "sdk-*")
        }
        "redis-get" => capsule::redis_get(arg).map(text),
        "http-get" => {
            let r = Fetch::new("GET", arg).header("X-Test", "a \"quoted\" value").send()?;
            Ok(format!("{} {} {}", r.status, r.header("Content-Type").unwrap_or("-"), r.body))
        }
        "http-post" => {
            let body = Json::object().with("name", "Bob \"B\"\n").with("age", 42);
            let r = Fetch::new("POST", arg).header("Content-Type", "application/json").json(body).send()?;
            let json = r.json.map(|j| j.dump()).unwrap_or_else(|| "-".to_string());
            Ok(format!("{} {}", r.status, json))
        }
        "talk" => Ok(capsule::talk(arg)),
        "print" => {
            capsule::print(arg);
            Ok("printed".to_string())
        }
        "log" => {
            capsule::log(arg);
            Ok("logged".to_string())
        }
        "nats" => {
            let (subject, data) = split(arg);
            let published = messaging::nats_publish(subject, data).unwrap_or_else(|e| format!("error {}", e));
            let requested = messaging::nats_request(subject, data, 100).map(text).unwrap_or_else(|e| format!("error {}", e));
            let replied = messaging::nats_reply(data).unwrap_or_else(|e| format!("error {}", e));
            Ok(format!(
                "publish {}; request {}; reply {}; subject [{}]; server [{}]",
                published,
                requested,
                replied,
                messaging::nats_subject(),
                messaging::nats_server()
            ))
        }
        "mqtt" => {
            let (topic, data) = split(arg);
            let published = messaging::mqtt_publish(topic, data).unwrap_or_else(|e| format!("error {}", e));
            Ok(format!(
                "publish {}; topic [{}]; server [{}]; client [{}]",
                published,
                messaging::mqtt_topic(),
                messaging::mqtt_server(),
                messaging::mqtt_client_id()
            ))
        }
        _ => Err(format!("unknown command {}", cmd)),
    }
}

fn handle(params: &[u8]) -> Result<Vec<u8>, String> {
    run(&String::from_utf8_lossy(params)).map(String::into_bytes)
}

fn handle_http(request: &HttpRequest) -> Result<HttpResponse, String> {
    let answer = run(&request.body)?;
    Ok(HttpResponse::text(200, "text/plain; charset=utf-8", answer))
}

fn main() {
    capsule::set_handle(handle);
    capsule::set_handle_http(handle_http);
}
