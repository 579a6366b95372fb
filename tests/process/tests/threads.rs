//! Threads the test spawns see the candidate (process mode: everywhere;
//! thread mode: through `Snapshot`), and the test sees the caller's patches
//! of other config types, in both modes.

use std::thread;

use fuzzer_core::prelude::*;
use process_tests::{keys, Flags, Other};

/// `Err` if a thread spawned by the test, or a scoped one, reads another
/// `a` than the test's own thread.
fn spawned_threads_agree() -> Result<(), String> {
    let own = Flags::read(|c| c.a);
    let spawned = thread::spawn(|| Flags::read(|c| c.a))
        .join()
        .expect("the spawned thread ends");
    let scoped =
        thread::scope(|s| s.spawn(|| Flags::read(|c| c.a)).join()).expect("the scoped thread ends");
    if spawned != own || scoped != own {
        return Err(format!(
            "test thread read a = {own}, spawned thread {spawned}, scoped thread {scoped}"
        ));
    }
    Ok(())
}

#[test]
fn spawned_threads_see_the_candidate_in_process_mode() {
    let fuzzer = ConfigFuzzer::<Flags>::new(spawned_threads_agree, 1).isolation(Isolation::Process);
    let hunt = fuzzer.hunt(10, 0.5).expect("the baseline passes");
    assert!(hunt.findings().is_empty(), "{hunt}");
}

#[test]
fn a_bug_seen_only_by_spawned_threads_is_found_in_process_mode() {
    let fuzzer = ConfigFuzzer::<Flags>::new(
        || {
            thread::spawn(|| match Flags::read(|c| c.a) {
                true => Err("the spawned thread saw a"),
                false => Ok(()),
            })
            .join()
            .expect("the spawned thread ends")?;
            thread::scope(|s| {
                s.spawn(|| match Flags::read(|c| c.b) {
                    true => Err("the scoped thread saw b"),
                    false => Ok(()),
                })
                .join()
                .expect("the scoped thread ends")
            })
        },
        1,
    )
    .isolation(Isolation::Process);
    let hunt = fuzzer.hunt(10, 0.5).expect("the baseline passes");
    let mut found: Vec<(Vec<&str>, Status)> = hunt
        .findings()
        .iter()
        .map(|f| (keys(f.config()), f.status()))
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            (vec!["a"], Status::FailedError),
            (vec!["b"], Status::FailedError)
        ],
        "{hunt}"
    );
}

/// `Err` if a thread that entered the test's captured snapshot reads
/// another `a` than the test's own thread.
fn captured_threads_agree() -> Result<(), String> {
    let own = Flags::read(|c| c.a);
    let snap = Snapshot::capture();
    let spawned = thread::spawn(move || snap.enter(|| Flags::read(|c| c.a)))
        .join()
        .expect("the spawned thread ends");
    let snap = Snapshot::capture();
    let scoped = thread::scope(|s| s.spawn(|| snap.enter(|| Flags::read(|c| c.a))).join())
        .expect("the scoped thread ends");
    if spawned != own || scoped != own {
        return Err(format!(
            "test thread read a = {own}, spawned thread {spawned}, scoped thread {scoped}"
        ));
    }
    Ok(())
}

#[test]
fn captured_snapshots_carry_the_candidate_in_thread_mode() {
    let fuzzer = ConfigFuzzer::<Flags>::new(captured_threads_agree, 1);
    let hunt = fuzzer.hunt(10, 0.5).expect("the baseline passes");
    assert!(hunt.findings().is_empty(), "{hunt}");
}

#[test]
fn a_bug_seen_only_through_a_snapshot_is_found_in_thread_mode() {
    let fuzzer = ConfigFuzzer::<Flags>::new(
        || {
            let snap = Snapshot::capture();
            thread::spawn(move || {
                snap.enter(|| match Flags::read(|c| c.a) {
                    true => Err("the spawned thread saw a"),
                    false => Ok(()),
                })
            })
            .join()
            .expect("the spawned thread ends")
        },
        1,
    );
    let hunt = fuzzer.hunt(10, 0.5).expect("the baseline passes");
    assert_eq!(hunt.findings().len(), 1, "{hunt}");
    assert_eq!(keys(hunt.findings()[0].config()), ["a"], "{hunt}");
    assert_eq!(hunt.findings()[0].status(), Status::FailedError, "{hunt}");
}

/// Patches `Other` on the caller's thread, then hunts a test that fails
/// unless it (and, in process mode, a thread it spawns) sees the patch.
fn callers_patch_of_another_config_is_seen(isolation: Isolation) {
    let _patch = Other::patch(|c| c.level = 7);
    let fuzzer = ConfigFuzzer::<Flags>::new(
        move || {
            let level = Other::read(|c| c.level);
            if level != 7 {
                return Err(format!("the test read level = {level}"));
            }
            if isolation == Isolation::Process {
                let level = thread::spawn(|| Other::read(|c| c.level))
                    .join()
                    .expect("the spawned thread ends");
                if level != 7 {
                    return Err(format!("a spawned thread read level = {level}"));
                }
            }
            Ok(())
        },
        1,
    )
    .isolation(isolation);
    let hunt = fuzzer.hunt(10, 0.5).expect("the baseline sees the patch");
    assert!(hunt.findings().is_empty(), "{hunt}");
    assert_eq!(Other::read(|c| c.level), 7);
}

#[test]
fn the_callers_patch_of_another_config_is_seen_in_thread_mode() {
    callers_patch_of_another_config_is_seen(Isolation::Thread);
}

#[test]
fn the_callers_patch_of_another_config_is_seen_in_process_mode() {
    callers_patch_of_another_config_is_seen(Isolation::Process);
}
