//! Issue 10's finding power through the CLI, on a shell subject that
//! segfaults above an integer boundary, hangs on a pair of flags and fails
//! on one value of an enum with a flag: `hunt --no-repeats`, `cover --t 2`
//! and `--t 3`, `n-tuple --draw all-levels` and `single`.

mod common;
use common::*;
use serde_json::{json, Value as Json};

/// Writes the schema and the subject into a fresh folder; returns their
/// paths.
fn shell_subject(tag: &str) -> (String, String) {
    let dir = std::env::temp_dir().join(format!(
        "config-fuzz-adversarial-{tag}-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "a": {"type": "boolean", "default": false},
            "b": {"type": "boolean", "default": false},
            "c": {"type": "boolean", "default": false},
            "mode": {"type": "string", "enum": ["safe", "fast", "exact"], "default": "safe"},
            "threads": {"type": "integer", "minimum": 1, "maximum": 256, "default": 4}
        }
    });
    let schema_path = dir.join("schema.json");
    std::fs::write(&schema_path, schema.to_string()).unwrap();
    // More than 32 threads: SIGSEGV; a and b: a hang (in a child, as real
    // programs do); c with mode exact: exit 3.
    let script = r#"
if [ "${S_THREADS:-4}" -gt 32 ]; then kill -SEGV $$; fi
if [ "${S_A:-0}" = 1 ] && [ "${S_B:-0}" = 1 ]; then sleep 600; fi
if [ "${S_C:-0}" = 1 ] && [ "${S_MODE:-safe}" = exact ]; then echo "exact with c" >&2; exit 3; fi
exit 0
"#;
    let script_path = dir.join("subject.sh");
    std::fs::write(&script_path, script).unwrap();
    (
        schema_path.display().to_string(),
        script_path.display().to_string(),
    )
}

/// Runs `config-fuzz SUB` over the shell subject with `more` options.
fn run(sub: &str, tag: &str, more: &[&str]) -> Ran {
    let (schema, script) = shell_subject(tag);
    let mut args: Vec<&str> = vec![
        sub,
        "--schema",
        &schema,
        "--env-prefix",
        "S_",
        "--timeout",
        "400ms",
        "--confirm",
        "0",
        "--quiet",
    ];
    args.extend_from_slice(more);
    args.extend_from_slice(&["--", "sh", &script]);
    config_fuzz(&args, true)
}

/// The three planted bugs, as (config, status).
fn planted() -> Vec<(Json, String)> {
    let mut v = vec![
        (json!({"threads": 33}), "FailedCrash".to_string()),
        (json!({"a": true, "b": true}), "FailedTimeout".to_string()),
        (
            json!({"c": true, "mode": "exact"}),
            "FailedError".to_string(),
        ),
    ];
    v.sort_by_key(|(c, s)| format!("{c}{s}"));
    v
}

/// The (config, status) of every finding, sorted.
fn found(ran: &Ran) -> Vec<(Json, String)> {
    assert_eq!(ran.code, 1, "exit 1 when something failed:\n{}", ran.stderr);
    let json = ran.json.as_ref().expect("--json OUT was written");
    let mut v: Vec<(Json, String)> = findings(json).into_iter().map(|(c, s, _)| (c, s)).collect();
    v.sort_by_key(|(c, s)| format!("{c}{s}"));
    v
}

#[test]
fn hunt_no_repeats_finds_each_bug_exactly_with_hits() {
    let ran = run(
        "hunt",
        "hunt",
        &[
            "--no-repeats",
            "--attempts",
            "12",
            "--p",
            "0.5",
            "--seed",
            "2",
            "--jobs",
            "2",
        ],
    );
    assert_eq!(found(&ran), planted(), "{}", ran.stderr);
    for f in ran.json.as_ref().unwrap()["findings"].as_array().unwrap() {
        assert!(f["hits"].as_u64().unwrap() >= 1, "{f}");
    }
}

#[test]
fn cover_finds_each_bug_exactly_at_t_2_and_3() {
    for t in ["2", "3"] {
        let ran = run("cover", &format!("cover{t}"), &["--t", t, "--jobs", "2"]);
        assert_eq!(found(&ran), planted(), "t = {t}: {}", ran.stderr);
    }
}

#[test]
fn n_tuple_all_levels_finds_the_one_failing_enum_value_every_seed() {
    for seed in ["0", "1", "2"] {
        let ran = run(
            "n-tuple",
            &format!("all{seed}"),
            &["--n", "2", "--seed", seed, "--draw", "all-levels"],
        );
        let found = found(&ran);
        assert!(
            found.contains(&(
                json!({"c": true, "mode": "exact"}),
                "FailedError".to_string()
            )),
            "seed {seed}: {found:?}"
        );
        assert!(
            found.contains(&(json!({"a": true, "b": true}), "FailedTimeout".to_string())),
            "seed {seed}: {found:?}"
        );
    }
    // A single draw per pair: one config per pair of fields (10).
    let ran = run(
        "n-tuple",
        "single",
        &["--n", "2", "--seed", "0", "--draw", "single"],
    );
    assert_eq!(ran.json.as_ref().unwrap()["combinations_run"], 10);
}
