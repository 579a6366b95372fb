//! The README's Python worker harnesses work as written.

mod common;
use common::*;

/// The ```python blocks of config-fuzz/README.md, in order.
fn python_blocks() -> Vec<String> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut blocks = Vec::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("```python\n") {
        let body = &rest[start + "```python\n".len()..];
        let end = body.find("```").unwrap();
        blocks.push(body[..end].to_string());
        rest = &body[end..];
    }
    blocks
}

fn run_harness(script: &str) -> Vec<(serde_json::Value, String, String)> {
    require_python();
    let path = std::env::temp_dir().join(format!(
        "config-fuzz-readme-{}-{}.py",
        std::process::id(),
        script.len()
    ));
    std::fs::write(&path, script).unwrap();
    let ran = config_fuzz(
        &[
            "reproduce",
            "--schema",
            &schema(),
            "--worker",
            "--confirm",
            "0",
            "--config",
            r#"{"fast_math": true, "mode": "exact"}"#,
            "--config",
            r#"{"fast_math": true}"#,
            "--",
            "python3",
            path.to_str().unwrap(),
        ],
        true,
    );
    let _ = std::fs::remove_file(&path);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    findings(&ran.json.unwrap())
}

#[test]
fn the_plain_harness_serves_runs() {
    let blocks = python_blocks();
    assert_eq!(
        blocks.len(),
        2,
        "the README has the plain and the fork-server harness"
    );
    let found = run_harness(&blocks[0]);
    assert_eq!(
        found,
        [(
            serde_json::json!({"fast_math": true, "mode": "exact"}),
            "FailedReturn".to_string(),
            "wrong answer".to_string()
        )]
    );
}

#[test]
fn the_fork_server_harness_serves_runs() {
    let blocks = python_blocks();
    // The fork server uses the plain harness's setup() and run().
    let defs = &blocks[0][..blocks[0].find("setup()\nfor line").unwrap()];
    let found = run_harness(&format!("{defs}\n{}", blocks[1]));
    assert_eq!(
        found,
        [(
            serde_json::json!({"fast_math": true, "mode": "exact"}),
            "FailedReturn".to_string(),
            "wrong answer".to_string()
        )]
    );
}
