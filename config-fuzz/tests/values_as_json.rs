//! What a CLI user reads shows values as JSON, as the schema writes them:
//! the progress lines on stderr and the HTML report, never Rust
//! expressions such as `String::from("exact")`.

mod common;
use common::*;

#[test]
fn findings_on_stderr_and_in_the_report_show_json_values() {
    let dir = std::env::temp_dir().join(format!("config-fuzz-json-values-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let schema = dir.join("schema.json");
    std::fs::write(
        &schema,
        r#"{"properties": {
            "mode": {"type": "string", "enum": ["safe", "exact"], "default": "safe"},
            "tags": {"type": "array", "items": {"type": "string"}, "default": []}
        }}"#,
    )
    .unwrap();
    let html = dir.join("report.html");
    let ran = config_fuzz(
        &[
            "hunt",
            "--schema",
            schema.to_str().unwrap(),
            "--env-prefix",
            "JV_",
            "--attempts",
            "4",
            "--p",
            "1",
            "--html",
            html.to_str().unwrap(),
            "--",
            "sh",
            "-c",
            r#"test "$JV_MODE" != exact"#,
        ],
        false,
    );
    let page = std::fs::read_to_string(&html).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("found: failed: returned an error  mode = \"exact\""),
        "{}",
        ran.stderr
    );
    assert!(!ran.stderr.contains("String::from"), "{}", ran.stderr);
    assert!(page.contains("&quot;exact&quot;"), "{page}");
    assert!(!page.contains("String::from"), "{page}");
}
