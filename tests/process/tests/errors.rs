//! What campaigns say when they cannot run or are cut short: a failing
//! baseline, bad configs, `on_finding`, and the shrink limits.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use fuzzer_core::prelude::*;
use fuzzer_core::ShrinkLimit;
use process_tests::{flags, keys, Flags};

fn hunts_fail_at_a_failing_baseline(isolation: Isolation) {
    // Every fuzzer first: a process-mode child re-runs this function up to
    // the fuzzer it serves, so no campaign may come before that.
    let mut cases: Vec<(Status, ConfigFuzzer<Flags>)> = vec![
        (Status::FailedReturn, ConfigFuzzer::new(|| false, 0)),
        (
            Status::FailedError,
            ConfigFuzzer::new(|| Err::<(), _>("broken"), 0),
        ),
        (
            Status::FailedPanic,
            ConfigFuzzer::new(|| -> bool { panic!("broken") }, 0),
        ),
    ];
    if isolation == Isolation::Process {
        cases.push((
            Status::FailedCrash,
            ConfigFuzzer::new(|| -> bool { std::process::abort() }, 0),
        ));
    }
    for (expected, fuzzer) in cases {
        let fuzzer = fuzzer.isolation(isolation);
        match fuzzer.hunt(5, 0.5) {
            Err(FuzzError::FailsAtBaseline { status, .. }) => assert_eq!(status, expected),
            other => panic!("expected FailsAtBaseline({expected:?}), got {other:?}"),
        }
        assert_eq!(fuzzer.bisect(5, 0.5), Vec::<ConfigDiff>::new());
    }
}

#[test]
fn hunts_fail_at_a_failing_baseline_in_thread_mode() {
    hunts_fail_at_a_failing_baseline(Isolation::Thread);
}

#[test]
fn hunts_fail_at_a_failing_baseline_in_process_mode() {
    hunts_fail_at_a_failing_baseline(Isolation::Process);
}

#[test]
fn bad_configs_are_config_errors() {
    let fuzzer = ConfigFuzzer::<Flags>::new(|| true, 0);

    let typo = ConfigDiff::from([("aa".to_string(), Value::Bool(true))]);
    match fuzzer.try_test_config(&typo) {
        Err(FuzzError::Config(e)) => {
            let message = e.to_string();
            assert!(message.contains("did you mean"), "{message}");
        }
        other => panic!("expected a config error, got {other:?}"),
    }
    assert_eq!(fuzzer.test_config(&typo), Status::Skipped);

    let wrong_type = ConfigDiff::from([("a".to_string(), Value::Int(1))]);
    assert!(
        matches!(
            fuzzer.try_test_config(&wrong_type),
            Err(FuzzError::Config(_))
        ),
        "{:?}",
        fuzzer.try_test_config(&wrong_type)
    );
    assert_eq!(fuzzer.test_config(&wrong_type), Status::Skipped);
}

fn on_finding_reports_each_finding_once(isolation: Isolation) {
    let reported: Arc<Mutex<Vec<(ConfigDiff, Status)>>> = Arc::default();
    let sink = Arc::clone(&reported);
    let fuzzer = ConfigFuzzer::<Flags>::new(
        || {
            let c = Flags::current();
            if c.a && c.b {
                panic!("a and b");
            }
            !c.c
        },
        0,
    )
    .isolation(isolation)
    // Independent attempts: findings are hit again and again, and still
    // reported once.
    .forbid_found(false)
    .on_finding(move |f| sink.lock().unwrap().push((f.config().clone(), f.status())));
    let hunt = fuzzer.hunt(16, 0.5).expect("the baseline passes");
    assert_eq!(hunt.findings().len(), 2, "{hunt}");
    assert!(hunt.findings().iter().any(|f| f.hits() > 1), "{hunt}");
    let found: Vec<(ConfigDiff, Status)> = hunt
        .findings()
        .iter()
        .map(|f| (f.config().clone(), f.status()))
        .collect();
    assert_eq!(*reported.lock().unwrap(), found);
}

#[test]
fn on_finding_reports_each_finding_once_in_thread_mode() {
    on_finding_reports_each_finding_once(Isolation::Thread);
}

#[test]
fn on_finding_reports_each_finding_once_in_process_mode() {
    on_finding_reports_each_finding_once(Isolation::Process);
}

fn shrinking_stops_at_the_run_limit(isolation: Isolation) {
    let fuzzer = ConfigFuzzer::<Flags>::new(|| Flags::read(|c| !(c.a && c.d && c.g)), 0)
        .isolation(isolation)
        .max_shrink_runs(3);
    // p = 1: the one attempt turns every flag on.
    let hunt = fuzzer.hunt(1, 1.0).expect("the baseline passes");
    assert_eq!(hunt.findings().len(), 1, "{hunt}");
    let f = &hunt.findings()[0];
    assert_eq!(f.shrink_limit(), Some(ShrinkLimit::Runs(3)), "{hunt}");
    assert_eq!(f.status(), Status::FailedReturn);
    for needed in ["a", "d", "g"] {
        assert!(f.config().contains_key(needed), "{hunt}");
    }
    assert!(keys(f.config()).len() > 3, "{hunt}");
    assert_eq!(fuzzer.test_config(f.config()), Status::FailedReturn);
}

#[test]
fn shrinking_stops_at_the_run_limit_in_thread_mode() {
    shrinking_stops_at_the_run_limit(Isolation::Thread);
}

#[test]
fn shrinking_stops_at_the_run_limit_in_process_mode() {
    shrinking_stops_at_the_run_limit(Isolation::Process);
}

fn shrinking_stops_at_the_time_limit(isolation: Isolation) {
    let fuzzer = ConfigFuzzer::<Flags>::new(
        || {
            std::thread::sleep(Duration::from_millis(5));
            Flags::read(|c| !(c.a && c.d && c.g))
        },
        0,
    )
    .isolation(isolation)
    .max_shrink_time(Duration::from_millis(1));
    let hunt = fuzzer.hunt(1, 1.0).expect("the baseline passes");
    assert_eq!(hunt.findings().len(), 1, "{hunt}");
    let f = &hunt.findings()[0];
    assert!(
        matches!(f.shrink_limit(), Some(ShrinkLimit::Time(_))),
        "{hunt}"
    );
    assert_eq!(fuzzer.test_config(f.config()), Status::FailedReturn);
    assert_eq!(fuzzer.test_config(&flags(&["a", "d"])), Status::Passed);
}

#[test]
fn shrinking_stops_at_the_time_limit_in_thread_mode() {
    shrinking_stops_at_the_time_limit(Isolation::Thread);
}

#[test]
fn shrinking_stops_at_the_time_limit_in_process_mode() {
    shrinking_stops_at_the_time_limit(Isolation::Process);
}

/// A process-mode fuzzer built on a thread the test spawned cannot be
/// reached by a child (which runs only the test's own thread): a clear
/// error, at once, and no child started.
#[test]
fn process_isolation_refuses_a_fuzzer_built_off_the_test_thread() {
    let outcome = std::thread::spawn(|| {
        let fuzzer =
            ConfigFuzzer::<Flags>::new(|| !Flags::read(|c| c.a), 0).isolation(Isolation::Process);
        fuzzer.hunt(3, 0.5)
    })
    .join()
    .unwrap();
    match outcome {
        Err(FuzzError::Process { message }) => {
            assert!(message.contains("test's own thread"), "{message}")
        }
        other => panic!("expected a process error, got {other:?}"),
    }
}

/// A stack no thread can have is an error the campaign reports, in either
/// mode, never a panic.
#[test]
fn an_impossible_stack_size_is_reported_not_a_panic() {
    for isolation in [Isolation::Thread, Isolation::Process] {
        let fuzzer = ConfigFuzzer::<Flags>::new(|| true, 0)
            .isolation(isolation)
            .stack_size(usize::MAX);
        match fuzzer.hunt(2, 0.5) {
            Err(FuzzError::FailsAtBaseline { status, detail }) => {
                assert_eq!(status, Status::FailedCrash, "{isolation:?}: {detail:?}");
            }
            other => panic!("{isolation:?}: expected the baseline to fail, got {other:?}"),
        }
    }
}

/// A process-isolated fuzzer inside a test that itself runs in a child
/// cannot reach children of its own: its campaign says so, as an error.
#[test]
fn a_process_fuzzer_inside_a_process_fuzzed_test_is_refused() {
    let outer = ConfigFuzzer::<Flags>::new(
        || {
            let inner =
                ConfigFuzzer::<process_tests::Other>::new(|| true, 0).isolation(Isolation::Process);
            match inner.hunt(1, 0.5) {
                Err(FuzzError::Process { message }) if message.contains("inside a test") => Ok(()),
                other => Err(format!("{other:?}")),
            }
        },
        0,
    )
    .isolation(Isolation::Process);
    let hunt = outer.hunt(2, 0.5).expect("the baseline passes");
    assert!(hunt.findings().is_empty(), "{hunt}");
}
