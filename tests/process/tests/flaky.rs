//! Flakiness: with `confirm`, a test that fails at random is never reported
//! as a reproducible failure, and a deterministic one still is; replays
//! (`reproduce`, `test_config`) always run the test again.

use std::sync::Arc;

use fuzzer_core::prelude::*;
use process_tests::{coin, flags, keys, Flags, RunLog};

/// A fuzzer of a test that fails on half of its runs, whatever the config.
fn coin_fuzzer(isolation: Isolation, seed: u64) -> ConfigFuzzer<Flags> {
    ConfigFuzzer::<Flags>::new(coin, seed)
        .isolation(isolation)
        .confirm(2)
}

fn random_failures_are_only_ever_flaky(isolation: Isolation, seeds: u64, attempts: usize) {
    // Every fuzzer first: a process-mode child re-runs this function up to
    // the fuzzer it serves, so no campaign may come before that.
    let fuzzers: Vec<(u64, ConfigFuzzer<Flags>, ConfigFuzzer<Flags>)> = (0..seeds)
        .map(|seed| {
            (
                seed,
                coin_fuzzer(isolation, seed),
                coin_fuzzer(isolation, seed),
            )
        })
        .collect();
    for (seed, hunter, bisecter) in &fuzzers {
        match hunter.hunt(attempts, 0.5) {
            Ok(hunt) => {
                for f in hunt.findings() {
                    assert_eq!(
                        f.status(),
                        Status::Flaky,
                        "seed {seed}: a random failure reported as reproducible: {f}\n{hunt}"
                    );
                }
            }
            Err(FuzzError::FailsAtBaseline { status, .. }) => assert!(
                matches!(status, Status::Flaky | Status::FailedReturn),
                "seed {seed}: baseline {status:?}"
            ),
            Err(e) => panic!("seed {seed}: {e}"),
        }
        let minimal = bisecter.bisect(attempts, 0.5);
        assert!(
            minimal.is_empty(),
            "seed {seed}: bisect gave minimal configs for a random failure: {minimal:?}"
        );
    }
}

#[test]
fn random_failures_are_only_ever_flaky_in_thread_mode() {
    // Runs are cheap here: many seeds, so that a rare wrong verdict shows.
    random_failures_are_only_ever_flaky(Isolation::Thread, 50, 20);
}

#[test]
fn random_failures_are_only_ever_flaky_in_process_mode() {
    random_failures_are_only_ever_flaky(Isolation::Process, 5, 10);
}

/// `reproduce` and `test_config` run the test every time, with no
/// `confirm` and for a config judged before.
fn replays_always_run(isolation: Isolation, tag: &str) {
    let log = Arc::new(RunLog::new(tag));
    let runs = Arc::clone(&log);
    let fuzzer = ConfigFuzzer::<Flags>::new(
        move || {
            runs.record();
            !Flags::read(|c| c.a)
        },
        0,
    )
    .isolation(isolation)
    // One run per replay: no confirmation re-runs to count.
    .confirm(0);
    let bug = flags(&["a"]);
    let fine = flags(&["b"]);
    assert_eq!(log.count(), 0);
    for n in 1..=2 {
        let r = fuzzer.reproduce(std::slice::from_ref(&bug));
        assert_eq!(r.lookup(&["a"]), Some(Status::FailedReturn));
        assert_eq!(log.count(), n, "reproduce #{n} of the same config");
    }
    for n in 1..=2 {
        assert_eq!(fuzzer.test_config(&bug), Status::FailedReturn);
        assert_eq!(log.count(), 2 + n, "test_config #{n} of the same config");
    }
    for n in 1..=2 {
        assert_eq!(fuzzer.test_config(&fine), Status::Passed);
        assert_eq!(log.count(), 4 + n, "test_config #{n} of a passing config");
    }
}

#[test]
fn replays_always_run_in_thread_mode() {
    replays_always_run(Isolation::Thread, "replays-thread");
}

#[test]
fn replays_always_run_in_process_mode() {
    replays_always_run(Isolation::Process, "replays-process");
}

/// With `confirm(2)`, a bug that fails every time keeps its status.
fn confirmed_bugs_keep_their_status(isolation: Isolation) {
    let fuzzer = ConfigFuzzer::<Flags>::new(|| Flags::read(|c| !(c.b && c.c)), 1)
        .isolation(isolation)
        .confirm(2)
        // Independent attempts, so that bisect runs the hunt's attempts.
        .forbid_found(false);
    let hunt = fuzzer.hunt(10, 0.5).expect("the baseline passes");
    assert_eq!(hunt.findings().len(), 1, "{hunt}");
    let f = &hunt.findings()[0];
    assert_eq!(keys(f.config()), ["b", "c"], "{hunt}");
    assert_eq!(f.status(), Status::FailedReturn, "{hunt}");
    assert_eq!(fuzzer.bisect(10, 0.5).len(), hunt.failing_attempts());
}

#[test]
fn confirmed_bugs_keep_their_status_in_thread_mode() {
    confirmed_bugs_keep_their_status(Isolation::Thread);
}

#[test]
fn confirmed_bugs_keep_their_status_in_process_mode() {
    confirmed_bugs_keep_their_status(Isolation::Process);
}
