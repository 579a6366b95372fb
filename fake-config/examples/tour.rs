//! A tour of the config system on `FakeConfig`:
//! `cargo run -p fake-config --example tour`.

use fake_config::FakeConfig;
use fuzzer_core::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("== fields (name: type = default)");
    for f in FakeConfig::fields().iter().take(10) {
        println!(
            "  {}: {} = {}   // {}",
            f.name(),
            f.type_name(),
            f.default_value(),
            f.doc()
        );
    }
    println!("  ... {} fields in all", FakeConfig::fields().len());

    println!("\n== reading: the hot path");
    println!("  e_bool = {}", FakeConfig::read(|c| c.e_bool));
    println!(
        "  e_env_default = {} (from ENV_TRUE)",
        FakeConfig::read(|c| c.e_env_default)
    );

    println!("\n== patching: scoped and thread-local");
    {
        let _g = FakeConfig::patch(|c| {
            c.e_bool = false;
            c.nested.e_bool = false;
        });
        println!(
            "  inside the patch: e_bool = {}",
            FakeConfig::read(|c| c.e_bool)
        );
        let other = std::thread::spawn(|| FakeConfig::read(|c| c.e_bool))
            .join()
            .unwrap();
        println!("  another thread meanwhile sees e_bool = {other}");
        println!(
            "  codegen of what differs from the defaults:\n{}",
            indent(&FakeConfig::codegen())
        );
    }
    println!(
        "  after the guard drops: e_bool = {}",
        FakeConfig::read(|c| c.e_bool)
    );

    println!("\n== by name, for tools");
    let _g = FakeConfig::patch_values([("e_int", Value::Int(42))])?;
    println!("  e_int = {}", FakeConfig::read(|c| c.e_int));
    match FakeConfig::patch_values([("e_itn", Value::Int(1))]) {
        Err(e) => println!("  a typo is an error: {e}"),
        Ok(_) => unreachable!(),
    }

    println!("\n== saving and hashing");
    println!("  config_hash = {}", FakeConfig::config_hash());
    let json = FakeConfig::save_json();
    println!("  save_json (first lines):");
    for line in json.lines().take(4) {
        println!("    {line}");
    }
    Ok(())
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}
