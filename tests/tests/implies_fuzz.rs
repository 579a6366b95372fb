//! The fuzzer never runs a config that breaks an implication, a conflict
//! or a validator (spec §18; PyTorch's fuzzer sampled such configs, and
//! pytorch#146513 had to revert its check): sampled candidates are sampled
//! again or repaired, shrinking runs only valid subsets, and a user's
//! invalid diff is skipped with the reason.

use std::sync::atomic::{AtomicUsize, Ordering};

use fake_config::{check_budget, ImplicationConfig as C, ImplicationMode};
use fuzzer_core::prelude::*;

/// What the runs of one test saw.
struct Seen {
    runs: AtomicUsize,
    invalid: AtomicUsize,
    strict: AtomicUsize,
    conflict: AtomicUsize,
    big_unrelated: AtomicUsize,
}

impl Seen {
    const fn new() -> Self {
        Seen {
            runs: AtomicUsize::new(0),
            invalid: AtomicUsize::new(0),
            strict: AtomicUsize::new(0),
            conflict: AtomicUsize::new(0),
            big_unrelated: AtomicUsize::new(0),
        }
    }

    /// Records the config of this run; fails (returns `false`) when
    /// `enabled` is on and `unrelated` is above 6, so that failures are
    /// shrunk. A conflict would make the read panic: counted as invalid.
    fn run(&self) -> bool {
        self.runs.fetch_add(1, Ordering::Relaxed);
        let c = match std::panic::catch_unwind(C::current) {
            Ok(c) => c,
            Err(_) => {
                self.invalid.fetch_add(1, Ordering::Relaxed);
                return true;
            }
        };
        let implied_ok = (c.mode != ImplicationMode::Strict || (c.enabled && c.nested.enabled))
            && (!c.enabled || c.downstream == 1)
            && (!c.conflict || !c.enabled);
        if !implied_ok || check_budget(&c).is_err() {
            self.invalid.fetch_add(1, Ordering::Relaxed);
        }
        if c.mode == ImplicationMode::Strict {
            self.strict.fetch_add(1, Ordering::Relaxed);
        }
        if c.conflict {
            self.conflict.fetch_add(1, Ordering::Relaxed);
        }
        if c.unrelated > 6 {
            self.big_unrelated.fetch_add(1, Ordering::Relaxed);
        }
        !(c.enabled && c.unrelated > 6)
    }

    fn check(&self) {
        let runs = self.runs.load(Ordering::Relaxed);
        assert!(runs > 20, "only {runs} runs");
        assert_eq!(
            self.invalid.load(Ordering::Relaxed),
            0,
            "runs that saw an invalid config"
        );
        // The fuzzer did reach the fields the rules and the validator are about.
        assert!(self.strict.load(Ordering::Relaxed) > 0);
        assert!(self.conflict.load(Ordering::Relaxed) > 0);
        assert!(self.big_unrelated.load(Ordering::Relaxed) > 0);
    }
}

/// A diff may hold only changes the test can see: no target an active rule
/// overrides, no conflict, a passing validator.
fn assert_valid(diff: &ConfigDiff) {
    let _g = C::patch_values(diff.iter().map(|(k, v)| (k.as_str(), v.clone())))
        .unwrap_or_else(|e| panic!("{diff:?} is invalid: {e}"));
    let effective = C::to_values();
    for (k, v) in diff {
        assert_eq!(&effective[k], v, "{k} is overridden in {diff:?}");
    }
}

/// IMPL-205, IMPL-206: hunt and bisect (sampling and shrinking) never run an
/// invalid config, and their findings are valid diffs.
#[test]
fn hunt_and_bisect_never_run_an_invalid_config() {
    static SEEN: Seen = Seen::new();
    let fuzzer = ConfigFuzzer::<C>::new(|| SEEN.run(), 7);
    let hunt = fuzzer.hunt(60, 0.6).unwrap();
    assert!(
        !hunt.findings().is_empty(),
        "the test fails for some configs"
    );
    for f in hunt.findings() {
        assert_valid(f.config());
    }
    for diff in fuzzer.bisect(20, 0.6) {
        assert_valid(&diff);
    }
    SEEN.check();
}

/// `fuzz_n_tuple` samples a pair's values again while they break a rule or
/// the validator, and skips a pair that never works out; it runs none.
#[test]
fn n_tuple_never_runs_an_invalid_config() {
    static SEEN: Seen = Seen::new();
    let fuzzer = ConfigFuzzer::<C>::new(|| SEEN.run(), 3).sampling(SamplingMethod::Random);
    let results = fuzzer.fuzz_n_tuple(2, 1000);
    assert!(results.num_ran() > 0);
    for (diff, status) in results.iter() {
        if status != Status::Skipped {
            assert_valid(diff);
        }
    }
    // (mode, conflict) can only be (Strict, true) with a conflict, and
    // Toggle gives exactly that: skipped, with the reason.
    let toggle = ConfigFuzzer::<C>::new(|| SEEN.run(), 3).fuzz_n_tuple(2, 1000);
    assert_eq!(toggle.lookup(&["mode", "conflict"]), Some(Status::Skipped));
    let entry = toggle
        .entries()
        .iter()
        .find(|e| e.config.contains_key("mode") && e.config.contains_key("conflict"))
        .expect("the pair is recorded");
    let message = entry.detail.message.as_deref().unwrap_or("");
    assert!(message.contains("conflicting implications"), "{message}");
    SEEN.check();
}

/// A user's invalid diff is not run: `test_config` and `reproduce` give
/// `Skipped` (with the reason), `try_test_config` the error.
#[test]
fn an_invalid_user_diff_is_skipped_with_the_reason() {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let fuzzer = ConfigFuzzer::<C>::new(
        || {
            RUNS.fetch_add(1, Ordering::Relaxed);
            true
        },
        0,
    );
    let conflict: ConfigDiff = [
        (
            "mode".to_string(),
            Value::Enum {
                ty: "ImplicationMode",
                variant: "Strict",
            },
        ),
        ("conflict".to_string(), Value::Bool(true)),
    ]
    .into();
    let rejected: ConfigDiff = [
        ("downstream".to_string(), Value::Int(10)),
        ("unrelated".to_string(), Value::Int(10)),
    ]
    .into();
    let overridden: ConfigDiff = [
        ("enabled".to_string(), Value::Bool(true)),
        ("downstream".to_string(), Value::Int(4)),
    ]
    .into();
    for diff in [&conflict, &rejected, &overridden] {
        assert_eq!(fuzzer.test_config(diff), Status::Skipped, "{diff:?}");
        assert!(fuzzer.try_test_config(diff).is_err(), "{diff:?}");
    }
    let results = fuzzer.reproduce(&[conflict.clone(), rejected.clone(), overridden.clone()]);
    assert_eq!(results.num_ran(), 0);
    let messages: Vec<String> = results
        .entries()
        .iter()
        .map(|e| e.detail.message.clone().unwrap_or_default())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("conflicting implications")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("check_budget")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("enabled == true => downstream = 1")),
        "{messages:?}"
    );
    assert_eq!(RUNS.load(Ordering::Relaxed), 0, "no invalid config ran");
}
