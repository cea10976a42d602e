//! A CLI module (`capsule --wasm=rust-hello.wasm --params=Bob`) using host functions: an environment variable,
//! the memory cache, a file written and read back, print and log.

fn handle(params: &[u8]) -> Result<Vec<u8>, String> {
    let name = String::from_utf8_lossy(params).into_owned();
    if name.is_empty() {
        return Err("send a name with --params".to_string());
    }
    capsule::print(&format!("MESSAGE: {}", capsule::get_env("MESSAGE")));

    capsule::cache_set("last-name", &name)?;
    let cached = capsule::cache_get("last-name")?;
    capsule::print(&format!("cache: last-name={} keys={}", String::from_utf8_lossy(&cached), capsule::cache_keys("*")?.join(",")));

    let path = capsule::write_file("./hello.txt", format!("👋 Hello {}", name))?;
    let content = capsule::read_file(&path)?;
    capsule::log(&format!("{} holds {}", path, String::from_utf8_lossy(&content)));

    Ok(format!("👋 Hello {}", name).into_bytes())
}

fn main() {
    capsule::set_handle(handle);
}
