//! The thread that runs the test has a main thread's stack (8 MiB) in both
//! isolation modes, and `stack_size` gives it more: deep recursion that
//! would overflow a default 2 MiB spawned thread is not a crash.

use fuzzer_core::prelude::*;
use process_tests::{deep, keys, Flags};

/// Hunts a test that recurses about `kib` KiB on every run and fails only
/// when `a && b`: the one finding is `[a, b]`, an error, never a crash.
fn deep_test_finds_a_and_b(isolation: Isolation, kib: u64, stack: Option<usize>) {
    let mut fuzzer = ConfigFuzzer::<Flags>::new(
        move || {
            std::hint::black_box(deep(kib));
            if Flags::read(|c| c.a && c.b) {
                return Err("a and b");
            }
            Ok(())
        },
        1,
    )
    .isolation(isolation);
    if let Some(bytes) = stack {
        fuzzer = fuzzer.stack_size(bytes);
    }
    let hunt = fuzzer.hunt(6, 0.5).expect("the baseline passes");
    assert_eq!(hunt.findings().len(), 1, "{hunt}");
    let f = &hunt.findings()[0];
    assert_eq!(keys(f.config()), ["a", "b"], "{hunt}");
    assert!(
        matches!(f.status(), Status::FailedError | Status::FailedReturn),
        "{hunt}"
    );
    assert_eq!(fuzzer.test_config(&Default::default()), Status::Passed);
}

#[test]
fn three_mib_of_stack_in_thread_mode() {
    deep_test_finds_a_and_b(Isolation::Thread, 3000, None);
}

#[test]
fn three_mib_of_stack_in_process_mode() {
    deep_test_finds_a_and_b(Isolation::Process, 3000, None);
}

#[test]
fn a_larger_stack_size_is_used_in_thread_mode() {
    // About 12 MiB: more than the default 8 MiB.
    deep_test_finds_a_and_b(Isolation::Thread, 12_000, Some(16 << 20));
}

#[test]
fn a_larger_stack_size_is_used_in_process_mode() {
    deep_test_finds_a_and_b(Isolation::Process, 12_000, Some(16 << 20));
}
