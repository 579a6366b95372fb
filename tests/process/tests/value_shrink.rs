//! Value shrinking in process isolation: the shrunk values are the same as
//! in thread mode, with one job or two, and a crash keeps crashing.

use fuzzer_core::prelude::*;

/// A config with an integer and a string field.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Pool {
    /// Worker threads.
    #[config(default = 4)]
    #[fuzz(range = 1..=256)]
    pub threads: i64,
    /// The pool's name.
    #[config(default = String::from("p"))]
    pub name: String,
    /// Pin the workers.
    #[config(default = false)]
    pub pinned: bool,
}

/// More than 32 threads return false; a name longer than 12 characters
/// with pinned workers aborts the process.
fn planted() -> bool {
    let c = Pool::current();
    if c.pinned && c.name.chars().count() > 12 {
        std::process::abort();
    }
    c.threads <= 32
}

fn summary(h: &Hunt) -> Vec<(ConfigDiff, Status, usize)> {
    h.findings()
        .iter()
        .map(|f| (f.config().clone(), f.status(), f.hits()))
        .collect()
}

#[test]
fn process_mode_shrinks_values_with_one_job_or_two() {
    let process = ConfigFuzzer::<Pool>::new(planted, 2)
        .isolation(Isolation::Process)
        .hunt(12, 0.6)
        .unwrap();
    let process_two = ConfigFuzzer::<Pool>::new(planted, 2)
        .isolation(Isolation::Process)
        .jobs(2)
        .hunt(12, 0.6)
        .unwrap();
    let threads = process
        .findings()
        .iter()
        .find(|f| f.status() == Status::FailedReturn)
        .expect("the threads bug");
    assert_eq!(
        threads.config(),
        &[("threads".to_string(), Value::Int(33))].into(),
        "{process}"
    );
    assert_eq!(
        threads.hits(),
        process
            .findings()
            .iter()
            .filter(|f| f.status() == Status::FailedReturn)
            .map(Finding::hits)
            .sum::<usize>()
    );
    assert_eq!(summary(&process_two), summary(&process));
}

#[test]
fn a_crash_shrinks_to_a_shorter_string_that_still_crashes() {
    let fuzzer = ConfigFuzzer::<Pool>::new(planted, 0).isolation(Isolation::Process);
    let start: ConfigDiff = [
        ("pinned".to_string(), Value::Bool(true)),
        (
            "name".to_string(),
            Value::Str("abcdefghijklmnopqrstuvwxyz".into()),
        ),
        ("threads".to_string(), Value::Int(10)),
    ]
    .into();
    assert_eq!(fuzzer.test_config(&start), Status::FailedCrash);
    let minimal = fuzzer.minimize(&start).unwrap();
    assert_eq!(minimal.len(), 2, "{minimal:?}");
    assert_eq!(minimal["pinned"], Value::Bool(true));
    match &minimal["name"] {
        Value::Str(s) => assert_eq!(s.chars().count(), 13, "{s}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(fuzzer.test_config(&minimal), Status::FailedCrash);
}
