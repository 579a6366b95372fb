//! Process isolation ends tests that hang: a hang that holds a lock is one
//! `FailedTimeout` finding (and does not poison later runs), and busy loops
//! are killed, leaving no threads or CPU use behind.

use std::sync::Mutex;
use std::time::Duration;

use fuzzer_core::prelude::*;
use process_tests::{cpu_ticks, flags, hang, keys, threads, Flags};

#[test]
fn a_hang_holding_a_lock_is_one_timeout_finding() {
    static LOCK: Mutex<()> = Mutex::new(());
    let fuzzer = ConfigFuzzer::<Flags>::new(
        || {
            let _held = LOCK.lock().unwrap_or_else(|e| e.into_inner());
            if Flags::read(|c| c.a && c.b) {
                hang();
            }
        },
        // A seed whose 6 attempts include one with `a && b`.
        5,
    )
    .isolation(Isolation::Process)
    .timeout(Duration::from_millis(150));
    let hunt = fuzzer.hunt(6, 0.5).expect("the baseline passes");
    assert_eq!(hunt.findings().len(), 1, "{hunt}");
    let f = &hunt.findings()[0];
    assert_eq!(keys(f.config()), ["a", "b"], "{hunt}");
    assert_eq!(f.status(), Status::FailedTimeout, "{hunt}");
    // The lock the hung run held died with it.
    assert_eq!(fuzzer.test_config(&flags(&["a", "c"])), Status::Passed);
}

#[test]
fn busy_hangs_are_killed_and_leave_nothing_behind() {
    let fuzzer = ConfigFuzzer::<Flags>::new(
        || {
            if Flags::read(|c| c.a) {
                loop {
                    std::hint::spin_loop();
                }
            }
        },
        0,
    )
    .isolation(Isolation::Process)
    .timeout(Duration::from_millis(50));
    // 50 distinct configs with `a` on: the other flags spell the index.
    let others = ["b", "c", "d", "e", "f", "g", "h"];
    let configs: Vec<ConfigDiff> = (0..50u32)
        .map(|i| {
            let mut on = vec!["a"];
            on.extend(
                others
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| i >> k & 1 == 1)
                    .map(|(_, n)| *n),
            );
            flags(&on)
        })
        .collect();
    let threads_before = threads();
    let results = fuzzer.reproduce(&configs);
    assert_eq!(results.len(), 50);
    let statuses: Vec<Status> = results.iter().map(|(_, s)| s).collect();
    assert!(
        statuses.iter().all(|s| *s == Status::FailedTimeout),
        "{results}"
    );
    let threads_after = threads();
    assert!(
        threads_after <= threads_before + 2,
        "threads: {threads_before} before, {threads_after} after"
    );
    let ticks = cpu_ticks();
    std::thread::sleep(Duration::from_secs(1));
    let burnt = cpu_ticks() - ticks;
    assert!(burnt < 20, "{burnt} ticks of CPU over 1 s of sleep");
    assert_eq!(fuzzer.test_config(&flags(&["b", "c"])), Status::Passed);
}
