//! Process isolation survives tests that crash: aborts, segfaults, exits
//! and stack overflows are `Status::FailedCrash` findings with the signal or
//! exit code, and the campaign goes on.

use fuzzer_core::prelude::*;
use process_tests::{deep, flags, keys, write_null, Flags};

/// Hunts `fuzzer` (a test that crashes exactly when `a` is on) and checks
/// the one finding: `{a: true}`, a crash whose message holds `expect`.
fn only_a_crashes(fuzzer: &ConfigFuzzer<Flags>, expect: &str) -> Hunt {
    let hunt = fuzzer.hunt(8, 0.5).expect("the baseline passes");
    assert_eq!(hunt.findings().len(), 1, "{hunt}");
    let f = &hunt.findings()[0];
    assert_eq!(f.config(), &flags(&["a"]), "{hunt}");
    assert_eq!(f.status(), Status::FailedCrash, "{hunt}");
    let message = f.detail().message.as_deref().unwrap_or("");
    assert!(message.contains(expect), "no `{expect}` in: {message}");
    assert!(hunt.failing_attempts() >= 1);
    assert_eq!(f.hits(), hunt.failing_attempts(), "{hunt}");
    hunt
}

#[test]
fn abort_is_a_crash_with_sigabrt() {
    let fuzzer = ConfigFuzzer::<Flags>::new(
        || {
            if Flags::read(|c| c.a) {
                std::process::abort();
            }
        },
        1,
    )
    .isolation(Isolation::Process)
    // Independent attempts, so that bisect runs the hunt's attempts.
    .forbid_found(false);
    let hunt = only_a_crashes(&fuzzer, "SIGABRT");

    // The same fuzzer keeps working after all those crashes: bisect (the
    // same attempts) gives one minimal config per failing attempt.
    let minimal = fuzzer.bisect(8, 0.5);
    assert_eq!(minimal.len(), hunt.failing_attempts());
    assert!(minimal.iter().all(|m| *m == flags(&["a"])), "{minimal:?}");
    assert_eq!(fuzzer.test_config(&flags(&["a"])), Status::FailedCrash);
    assert_eq!(fuzzer.test_config(&flags(&["b"])), Status::Passed);
}

#[test]
fn bisect_works_on_a_crashing_test_from_the_start() {
    let fuzzer = ConfigFuzzer::<Flags>::new(
        || {
            if Flags::read(|c| c.b && c.c) {
                std::process::abort();
            }
        },
        1,
    )
    .isolation(Isolation::Process);
    let minimal = fuzzer.bisect(10, 0.5);
    assert!(!minimal.is_empty());
    assert!(
        minimal.iter().all(|m| *m == flags(&["b", "c"])),
        "{minimal:?}"
    );
}

#[test]
fn null_write_is_a_crash_with_sigsegv() {
    let fuzzer = ConfigFuzzer::<Flags>::new(
        || {
            if Flags::read(|c| c.a) {
                write_null();
            }
        },
        1,
    )
    .isolation(Isolation::Process);
    only_a_crashes(&fuzzer, "SIGSEGV");
}

#[test]
fn exit_is_a_crash_with_its_code() {
    let fuzzer = ConfigFuzzer::<Flags>::new(
        || {
            if Flags::read(|c| c.a) {
                std::process::exit(3);
            }
        },
        1,
    )
    .isolation(Isolation::Process);
    only_a_crashes(&fuzzer, "code 3");
}

#[test]
fn stack_overflow_is_a_crash_and_the_hunt_goes_on() {
    let fuzzer = ConfigFuzzer::<Flags>::new(
        || {
            if Flags::read(|c| c.a) {
                // Recurses until the stack runs out.
                deep(u64::MAX);
            }
            if Flags::read(|c| c.b && c.c) {
                return Err("b and c");
            }
            Ok(())
        },
        1,
    )
    .isolation(Isolation::Process)
    // Independent attempts, so that bisect runs the hunt's attempts.
    .forbid_found(false);
    let hunt = fuzzer.hunt(10, 0.5).expect("the baseline passes");
    let found: Vec<(Vec<&str>, Status)> = hunt
        .findings()
        .iter()
        .map(|f| (keys(f.config()), f.status()))
        .collect();
    assert_eq!(
        found,
        [
            (vec!["a"], Status::FailedCrash),
            (vec!["b", "c"], Status::FailedError)
        ],
        "{hunt}"
    );
    let crash = hunt.findings()[0].detail().message.as_deref().unwrap_or("");
    assert!(crash.contains("overflow"), "{crash}");
    assert_eq!(fuzzer.bisect(10, 0.5).len(), hunt.failing_attempts());
}
