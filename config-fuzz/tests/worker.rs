//! The subject's bugs found with the subject as a warm worker (`--worker`).

mod common;
use common::*;

#[test]
fn hunt_through_a_worker_finds_every_planted_bug() {
    require_python();
    let ran = Cli::on_subject("hunt")
        .opts(&["--worker"])
        .opts(FIND_PLANTED)
        .subject_args(&["--worker"])
        .run(true);
    // The worker answers "failed" for a wrong answer; its crash kills the
    // worker (a crash, named by the signal) and its hang times out.
    assert_all_bugs_found(&ran, "FailedReturn");
    let json = ran.json.unwrap();
    let crash = findings(&json)
        .into_iter()
        .find(|(_, s, _)| s == "FailedCrash")
        .unwrap();
    assert!(
        crash.2.starts_with("the worker was killed by SIGSEGV"),
        "{}",
        crash.2
    );
}

#[test]
fn a_fork_server_worker_reports_its_childs_crash_and_keeps_serving() {
    require_python();
    let ran = Cli::on_subject("reproduce")
        .opts(&[
            "--worker",
            "--config",
            r#"{"cache.enabled": false, "cache.compress": true}"#,
            "--config",
            r#"{"fast_math": true, "mode": "exact"}"#,
            "--config",
            r#"{"threads": 2}"#,
        ])
        .subject_args(&["--worker", "--fork"])
        .run(true);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    let found = findings(&ran.json.unwrap());
    let statuses: Vec<(&str, &str)> = found.iter().map(|f| (f.1.as_str(), f.2.as_str())).collect();
    assert_eq!(
        statuses,
        [
            (
                "FailedCrash",
                "the run was killed by SIGSEGV (11): SIGSEGV in the forked child"
            ),
            ("FailedReturn", "wrong answer"),
        ]
    );
}
