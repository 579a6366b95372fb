//! A `config-fuzz --worker` harness in Rust: it initialises once, then
//! serves one run per line on stdin, answering one line on stdout.
//!
//! ```sh
//! cargo build --example worker_harness -p config-fuzz
//! config-fuzz hunt --schema config-fuzz/examples/subject/schema.json --worker \
//!     -- target/debug/examples/worker_harness
//! ```
//!
//! The check below stands in for your program: it fails when `fast_math`
//! is on in `exact` mode, like the Python subject's first planted bug.

use std::io::{BufRead as _, Write as _};

use serde_json::{json, Value};

/// One run: `Ok(())` passes, `Err(why)` fails.
fn run(config: &serde_json::Map<String, Value>) -> Result<(), String> {
    let fast_math = config.get("fast_math") == Some(&json!(true));
    let exact = config.get("mode") == Some(&json!("exact"));
    if fast_math && exact {
        return Err("fast_math gives a wrong answer in exact mode".into());
    }
    Ok(())
}

fn main() -> std::io::Result<()> {
    // Start-up work (loading models, warming caches) goes here, once.
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let line = line?;
        let answer = match serde_json::from_str::<Value>(&line) {
            Ok(Value::Object(mut request)) => match request.remove("config") {
                Some(Value::Object(config)) => match run(&config) {
                    Ok(()) => json!({"status": "passed"}),
                    Err(why) => json!({"status": "failed", "detail": why}),
                },
                _ => json!({"status": "error", "detail": "the request has no \"config\" object"}),
            },
            _ => json!({"status": "error", "detail": format!("not a JSON object: {line}")}),
        };
        // One line per run, flushed: config-fuzz waits for it.
        writeln!(stdout, "{answer}")?;
        stdout.flush()?;
    }
    Ok(())
}
