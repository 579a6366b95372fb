//! The subject's bugs found with the candidate in env vars (`--env-prefix`).

mod common;
use common::*;

#[test]
fn hunt_through_env_vars_finds_every_planted_bug() {
    require_python();
    let ran = Cli::on_subject("hunt")
        .opts(&["--env-prefix", "SUBJ_"])
        .opts(FIND_PLANTED)
        .run(true);
    assert_all_bugs_found(&ran, "FailedError");
    let json = ran.json.unwrap();
    let wrong = findings(&json)
        .into_iter()
        .find(|(_, s, _)| s == "FailedError")
        .unwrap();
    assert!(
        wrong
            .2
            .starts_with("exited with code 1; stderr:\nwrong answer: "),
        "a non-zero exit keeps the stderr tail: {}",
        wrong.2
    );
    let crash = findings(&json)
        .into_iter()
        .find(|(_, s, _)| s == "FailedCrash")
        .unwrap();
    assert!(
        crash
            .2
            .contains("compressing a cache that was never allocated"),
        "{}",
        crash.2
    );
    assert_eq!(json["seed"], 1);
    assert_eq!(json["subcommand"], "hunt");
    assert!(json["runs"].as_u64().unwrap() >= 30);
    // Progress on stderr, which is not a terminal here: plain lines, no `\r`.
    assert!(!ran.stderr.contains('\r'), "{}", ran.stderr);
    assert!(ran.stderr.contains("done: "), "{}", ran.stderr);
    // The summary says how to run each finding again.
    assert!(
        ran.stdout
            .contains("reproduce: config-fuzz reproduce --schema"),
        "{}",
        ran.stdout
    );
}

#[test]
fn reproduce_runs_a_finding_again() {
    require_python();
    let ran = Cli::on_subject("reproduce")
        .opts(&[
            "--env-prefix",
            "SUBJ_",
            "--config",
            r#"{"cache.enabled": false, "cache.compress": true}"#,
            "--config",
            r#"{"mode": "fast"}"#,
        ])
        .run(true);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    let found = findings(&ran.json.unwrap());
    assert_eq!(found.len(), 1, "only the crashing config fails: {found:#?}");
    assert_eq!(found[0].1, "FailedCrash");
}

#[test]
fn minimize_shrinks_a_failing_config_to_its_cause() {
    require_python();
    let ran = Cli::on_subject("minimize")
.opts(&["--env-prefix", "SUBJ_", "--confirm", "0", "--config", r#"{"fast_math": true, "mode": "exact", "unroll": 3, "threads": 9, "cache.enabled": false}"#])
.run(true);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    let found = findings(&ran.json.unwrap());
    assert_eq!(
        found
            .iter()
            .map(|f| (&f.0, f.1.as_str()))
            .collect::<Vec<_>>(),
        [(
            &serde_json::json!({"fast_math": true, "mode": "exact"}),
            "FailedError"
        )]
    );
}
