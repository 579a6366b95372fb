//! The panic reported for a run is the one that ended it, in both isolation
//! modes, even when the test caught other panics first.

use fuzzer_core::prelude::*;
use process_tests::{flags, Flags};

/// A test that, with `a` on, catches a panic of its own (as a library that
/// recovers from one would) and then fails: with `b` on by re-raising a
/// payload through `resume_unwind` (no panic hook runs), with `c` on by a
/// second `panic!`.
fn recovers_then_fails() {
    if Flags::read(|c| c.a) {
        let _ = std::panic::catch_unwind(|| panic!("harmless, already handled"));
        if Flags::read(|c| c.b) {
            std::panic::resume_unwind(Box::new("the real failure"));
        }
        if Flags::read(|c| c.c) {
            panic!("the second panic");
        }
    }
}

fn message(fuzzer: &ConfigFuzzer<Flags>, on: &[&str]) -> String {
    let results = fuzzer.reproduce(&[flags(on)]);
    let entry = &results.entries()[0];
    assert_eq!(entry.status, Status::FailedPanic, "{results}");
    entry.detail.message.clone().unwrap_or_default()
}

fn the_ending_panic_is_reported(isolation: Isolation) {
    let fuzzer = ConfigFuzzer::<Flags>::new(recovers_then_fails, 0).isolation(isolation);

    let m = message(&fuzzer, &["a", "b"]);
    assert_eq!(m, "panicked: the real failure");

    let m = message(&fuzzer, &["a", "c"]);
    assert!(m.starts_with("panicked at "), "{m}");
    assert!(m.ends_with(": the second panic"), "{m}");
    assert!(m.contains("panics.rs"), "{m}");

    // A caught panic alone is no failure.
    let results = fuzzer.reproduce(&[flags(&["a"])]);
    assert_eq!(results.entries()[0].status, Status::Passed);
}

#[test]
fn the_ending_panic_is_reported_in_thread_mode() {
    the_ending_panic_is_reported(Isolation::Thread);
}

#[test]
fn the_ending_panic_is_reported_in_process_mode() {
    the_ending_panic_is_reported(Isolation::Process);
}
