//! `jobs(2)` gives the same findings, bisect output and n-tuple results as
//! `jobs(1)` for the same seed, in both isolation modes.

use fuzzer_core::prelude::*;
use fuzzer_core::TestOutcome;
use std::sync::Arc;

use process_tests::{Flags, RunLog};

/// How the planted bugs fail: each its own status.
enum Outcome {
    Pass,
    /// `FailedReturn`.
    Wrong,
    /// `FailedError`.
    Error,
}

impl TestOutcome for Outcome {
    fn into_outcome(self) -> Result<(), (Status, String)> {
        match self {
            Outcome::Pass => Ok(()),
            Outcome::Wrong => Err((Status::FailedReturn, "d and e give a wrong answer".into())),
            Outcome::Error => Err((Status::FailedError, "c is an error".into())),
        }
    }
}

/// Three planted bugs of three kinds.
fn planted() -> Outcome {
    let c = Flags::current();
    if c.a && c.b {
        panic!("a and b");
    }
    if c.c {
        return Outcome::Error;
    }
    if c.d && c.e {
        return Outcome::Wrong;
    }
    Outcome::Pass
}

type Summary = Vec<(ConfigDiff, Status, usize)>;

fn summary(hunt: &Hunt) -> Summary {
    hunt.findings()
        .iter()
        .map(|f| (f.config().clone(), f.status(), f.hits()))
        .collect()
}

fn jobs_do_not_change_results(isolation: Isolation) {
    const SEED: u64 = 7;
    // Every fuzzer first: a process-mode child re-runs this function up to
    // the fuzzer it serves, so no campaign may come before that.
    let fuzzer = |jobs| {
        ConfigFuzzer::<Flags>::new(planted, SEED)
            .isolation(isolation)
            .jobs(jobs)
    };
    let [hunt1, hunt2, bisect1, bisect2, tuple1, tuple2] = [1, 2, 1, 2, 1, 2].map(fuzzer);
    // Independent attempts, as bisect's.
    let independent = fuzzer(1).forbid_found(false);

    let one = hunt1.hunt(16, 0.5).expect("the baseline passes");
    let two = hunt2.hunt(16, 0.5).expect("the baseline passes");
    let mut statuses: Vec<Status> = one.findings().iter().map(Finding::status).collect();
    statuses.sort();
    statuses.dedup();
    assert_eq!(
        statuses,
        [
            Status::FailedReturn,
            Status::FailedError,
            Status::FailedPanic
        ],
        "the seed should find every kind of bug: {one}"
    );
    assert_eq!(
        summary(&one),
        summary(&two),
        "jobs(1):\n{one}\njobs(2):\n{two}"
    );
    assert_eq!(one.failing_attempts(), two.failing_attempts());

    let b1 = bisect1.bisect(16, 0.5);
    let b2 = bisect2.bisect(16, 0.5);
    let plain = independent.hunt(16, 0.5).expect("the baseline passes");
    assert_eq!(b1.len(), plain.failing_attempts());
    assert_eq!(b1, b2);

    let t1 = tuple1.fuzz_n_tuple(2, 28);
    let t2 = tuple2.fuzz_n_tuple(2, 28);
    assert_eq!(t1.len(), 28);
    assert_eq!(
        t1.iter().collect::<Vec<_>>(),
        t2.iter().collect::<Vec<_>>(),
        "jobs(1):\n{t1}\njobs(2):\n{t2}"
    );
    assert_eq!(t1.lookup(&["a", "b"]), Some(Status::FailedPanic));
}

#[test]
fn jobs_do_not_change_results_in_thread_mode() {
    jobs_do_not_change_results(Isolation::Thread);
}

#[test]
fn jobs_do_not_change_results_in_process_mode() {
    jobs_do_not_change_results(Isolation::Process);
}

/// The natural way to write it: one fuzzer, its campaign, then the next.
/// The children of the second fuzzer re-run this test up to its
/// construction and must replay the first campaign, not run it again: the
/// test runs exactly as often as the two campaigns need.
#[test]
fn a_campaign_before_a_fuzzer_is_replayed_in_its_children_not_run_again() {
    let log = Arc::new(RunLog::new("sequential-campaigns"));
    let runs = Arc::clone(&log);
    let test = move || {
        runs.record();
        planted()
    };
    let first = ConfigFuzzer::<Flags>::new(test.clone(), 7)
        .isolation(Isolation::Process)
        .jobs(1);
    let one = first.hunt(12, 0.5).expect("the baseline passes");
    // No assertion on the run log before `second` is built: in a child of
    // `second`, this code runs again (with the campaign above replayed),
    // while the log keeps growing.
    let after_first = log.count();
    // An assertion on the answer itself is fine there: the child gets the
    // same answer back, replayed.
    let expected = [
        Status::FailedReturn,
        Status::FailedError,
        Status::FailedPanic,
    ];
    assert!(
        one.findings()
            .iter()
            .all(|f| expected.contains(&f.status())),
        "{one}"
    );
    let second = ConfigFuzzer::<Flags>::new(test, 7)
        .isolation(Isolation::Process)
        .jobs(2);
    let two = second.hunt(12, 0.5).expect("the baseline passes");
    assert_eq!(after_first, one.runs());
    assert_eq!(
        summary(&one),
        summary(&two),
        "jobs(1):\n{one}\njobs(2):\n{two}"
    );
    assert_eq!(log.count() - after_first, two.runs());
}
