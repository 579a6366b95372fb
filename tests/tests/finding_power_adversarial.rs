//! Adversarial edge cases of issue 10's finding power, in process: value
//! shrinking at the edges of integer types, covering sweeps that must answer
//! as the exhaustive sweep over integer extremes, with shrinking cut short,
//! and over implications and validators (t-sets some of whose level
//! combinations cannot run); a flaky bug in a covering sweep, a covering
//! sweep resumed from its state file, and hunt arguments that are not a
//! probability.

use fake_config::ImplicationConfig;
use fuzzer_core::prelude::*;

/// Integers at the edges of their types.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Extremes {
    /// Any i64.
    #[config(default = 0)]
    #[fuzz(range = i64::MIN..=i64::MAX)]
    pub wide: i64,
    /// Any u64.
    #[config(default = 0)]
    pub unsigned: u64,
    /// A small signed one.
    #[config(default = -5)]
    pub tiny: i8,
    /// A flag.
    pub on: bool,
}

fn int(name: &str, v: i128) -> ConfigDiff {
    [(name.to_string(), Value::Int(v))].into()
}

/// A test, where its minimization starts, and where it must end.
type Case = (fn() -> bool, ConfigDiff, ConfigDiff);

#[test]
fn value_shrinking_reaches_the_boundary_at_the_edges_of_integer_types() {
    let cases: [Case; 4] = [
        (
            || Extremes::read(|c| c.wide <= 1000),
            int("wide", i64::MAX.into()),
            int("wide", 1001),
        ),
        (
            || Extremes::read(|c| c.wide > -1000),
            int("wide", i64::MIN.into()),
            int("wide", -1000),
        ),
        (
            || Extremes::read(|c| c.unsigned < 1 << 63),
            int("unsigned", u64::MAX.into()),
            int("unsigned", 1 << 63),
        ),
        (
            || Extremes::read(|c| c.tiny > -100),
            int("tiny", i8::MIN.into()),
            int("tiny", -100),
        ),
    ];
    for (test, start, expected) in cases {
        let fuzzer = ConfigFuzzer::<Extremes>::new(test, 0);
        assert_eq!(fuzzer.minimize(&start), Some(expected), "from {start:?}");
    }
}

/// The field names of `C`.
fn names<C: FuzzableConfig>() -> Vec<&'static str> {
    C::fields().iter().map(|f| f.name()).collect()
}

/// Every t-set (t = 2 or 3) of `C`'s fields.
fn t_sets<C: FuzzableConfig>(t: usize) -> Vec<Vec<&'static str>> {
    let n = names::<C>();
    let mut sets = Vec::new();
    for i in 0..n.len() {
        for j in i + 1..n.len() {
            if t == 2 {
                sets.push(vec![n[i], n[j]]);
            } else {
                for k in j + 1..n.len() {
                    sets.push(vec![n[i], n[j], n[k]]);
                }
            }
        }
    }
    sets
}

/// Asserts that `cover` answers every t-set of `C` as `exhaustive` does.
fn same_answers<C: FuzzableConfig>(cover: &Results, exhaustive: &Results, t: usize, what: &str) {
    for set in t_sets::<C>(t) {
        assert_eq!(
            cover.lookup(&set),
            exhaustive.lookup(&set),
            "{what}, t = {t}: {set:?}"
        );
    }
}

fn extreme_bugs() -> bool {
    Extremes::read(|c| c.wide <= 1000 && c.unsigned < 77 && !(c.on && c.tiny > 0))
}

#[test]
fn covering_over_integer_extremes_answers_as_the_exhaustive_sweep() {
    for t in [2, 3] {
        let exhaustive = ConfigFuzzer::<Extremes>::new(extreme_bugs, 1).fuzz_n_tuple(t, usize::MAX);
        let cover = ConfigFuzzer::<Extremes>::new(extreme_bugs, 1).fuzz_covering(t);
        same_answers::<Extremes>(&cover, &exhaustive, t, "shrunk");
        // One shrink run: culprits bigger than the bugs, answers the same.
        let cut = ConfigFuzzer::<Extremes>::new(extreme_bugs, 1)
            .max_shrink_runs(1)
            .fuzz_covering(t);
        same_answers::<Extremes>(&cut, &exhaustive, t, "cut short");
    }
    let pairs = ConfigFuzzer::<Extremes>::new(extreme_bugs, 1).fuzz_covering(2);
    let mut culprits: Vec<ConfigDiff> = pairs.culprits().map(|(c, _)| c.clone()).collect();
    culprits.sort_by_key(|c| format!("{c:?}"));
    let expected: Vec<ConfigDiff> = vec![
        [
            ("on".to_string(), Value::Bool(true)),
            ("tiny".to_string(), Value::Int(1)),
        ]
        .into(),
        int("unsigned", 77),
        int("wide", 1001),
    ];
    assert_eq!(culprits, expected, "{pairs}");
}

/// Fails when `downstream` is 1 with `unrelated` at 5 or more (`enabled`
/// and `mode = Strict` imply `downstream = 1`), and when `nested.enabled`
/// and `conflict` are both on.
fn implication_bugs() -> bool {
    ImplicationConfig::read(|c| {
        let budget_bug = c.downstream == 1 && c.unrelated >= 5;
        let conflict_bug = c.nested.enabled && c.conflict;
        !budget_bug && !conflict_bug
    })
}

#[test]
fn covering_over_implications_answers_as_the_exhaustive_sweep() {
    for t in [2, 3] {
        let exhaustive =
            ConfigFuzzer::<ImplicationConfig>::new(implication_bugs, 3).fuzz_n_tuple(t, usize::MAX);
        for jobs in [1, 2] {
            let cover = ConfigFuzzer::<ImplicationConfig>::new(implication_bugs, 3)
                .jobs(jobs)
                .fuzz_covering(t);
            same_answers::<ImplicationConfig>(&cover, &exhaustive, t, &format!("jobs {jobs}"));
        }
    }
    let pairs = ConfigFuzzer::<ImplicationConfig>::new(implication_bugs, 3).fuzz_covering(2);
    // `mode = Strict` with `conflict` on never runs: skipped, not passed.
    assert_eq!(pairs.lookup(&["mode", "conflict"]), Some(Status::Skipped));
    // `mode = Strict` runs with `downstream = 1` only, and passes.
    assert_eq!(pairs.lookup(&["mode", "downstream"]), Some(Status::Passed));
    assert_eq!(
        pairs.lookup(&["mode", "unrelated"]),
        Some(Status::FailedReturn)
    );
    let triples = ConfigFuzzer::<ImplicationConfig>::new(implication_bugs, 3).fuzz_covering(3);
    // Holds the culprit `mode, unrelated`, but no config of it can run.
    assert_eq!(
        triples.lookup(&["mode", "conflict", "unrelated"]),
        Some(Status::Skipped)
    );
}

#[test]
fn an_all_levels_pair_that_ran_at_some_levels_reports_how_it_ran() {
    // `enabled` implies `downstream = 1`: the pair runs at `downstream = 1`
    // and is skipped at its other levels, the first of which comes first.
    let pairs =
        ConfigFuzzer::<ImplicationConfig>::new(implication_bugs, 3).fuzz_n_tuple(2, usize::MAX);
    let statuses: Vec<Status> = pairs
        .iter()
        .filter(|(d, _)| d.len() == 2 && d.contains_key("enabled") && d.contains_key("downstream"))
        .map(|(_, s)| s)
        .collect();
    assert_eq!(statuses.first(), Some(&Status::Skipped), "{statuses:?}");
    assert!(statuses.contains(&Status::Passed), "{statuses:?}");
    assert_eq!(
        pairs.lookup(&["downstream", "enabled"]),
        Some(Status::Passed)
    );
    // `enabled` with `conflict` never runs.
    assert_eq!(
        pairs.lookup(&["enabled", "conflict"]),
        Some(Status::Skipped)
    );
}

#[test]
fn a_hunt_refuses_a_probability_outside_0_to_1() {
    for p in [1.5, -0.1, f64::NAN, f64::INFINITY] {
        let fuzzer = ConfigFuzzer::<Extremes>::new(|| Extremes::read(|c| !c.on), 1);
        match fuzzer.hunt(3, p) {
            Err(FuzzError::Config(e)) => {
                let message = e.to_string();
                assert!(
                    message.contains("probability") && message.contains("from 0 to 1"),
                    "{message}"
                );
            }
            other => panic!("p = {p}: {:?}", other.map(|h| h.to_string())),
        }
        assert_eq!(fuzzer.num_runs(), 0, "p = {p}: ran the test");
    }
    // The ends of the range are fine.
    for p in [0.0, 1.0] {
        let fuzzer = ConfigFuzzer::<Extremes>::new(|| Extremes::read(|c| !c.on), 1);
        assert!(fuzzer.hunt(3, p).is_ok(), "p = {p}");
    }
}

#[test]
fn a_flaky_bug_in_a_covering_sweep_is_a_flaky_culprit() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    // `on` fails every other run.
    let alternating =
        || Extremes::read(|c| !(c.on && RUNS.fetch_add(1, Ordering::Relaxed) % 2 == 0));
    let pairs = ConfigFuzzer::<Extremes>::new(alternating, 1)
        .confirm(2)
        .fuzz_covering(2);
    let culprits: Vec<(ConfigDiff, Status)> =
        pairs.culprits().map(|(c, s)| (c.clone(), s)).collect();
    assert_eq!(
        culprits,
        [(
            [("on".to_string(), Value::Bool(true))].into(),
            Status::Flaky
        )],
        "{pairs}"
    );
    for set in t_sets::<Extremes>(2) {
        let expected = if set.contains(&"on") {
            Status::Flaky
        } else {
            Status::Passed
        };
        assert_eq!(pairs.lookup(&set), Some(expected), "{set:?}");
    }
}

#[test]
fn a_covering_sweep_resumes_from_its_state_file_without_running() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let counted = || {
        RUNS.fetch_add(1, Ordering::Relaxed);
        extreme_bugs()
    };
    let path = std::env::temp_dir().join(format!("fpa-cover-{}.state", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let first = ConfigFuzzer::<Extremes>::new(counted, 1)
        .state(&path)
        .fuzz_covering(2);
    assert!(RUNS.load(Ordering::Relaxed) > 0);
    let before = RUNS.load(Ordering::Relaxed);
    let again = ConfigFuzzer::<Extremes>::new(counted, 1)
        .state(&path)
        .fuzz_covering(2);
    assert_eq!(RUNS.load(Ordering::Relaxed), before, "the test ran again");
    assert_eq!(
        again.culprits().collect::<Vec<_>>(),
        first.culprits().collect::<Vec<_>>()
    );
    same_answers::<Extremes>(&again, &first, 2, "resumed");
    std::fs::remove_file(&path).unwrap();
}
