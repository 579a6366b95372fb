//! Process-wide overrides: `set`, `set_values`, `reset`, and their place in
//! the precedence order. Every test takes the global lock.

use fake_config::FakeConfig;
use fuzzer_core::prelude::*;
use fuzzer_core::ConfigError;
use tests::global_lock;

struct Reset;
impl Drop for Reset {
    fn drop(&mut self) {
        FakeConfig::reset();
    }
}

#[test]
fn set_is_seen_by_every_thread_and_reset_drops_it() {
    let _l = global_lock();
    let _r = Reset;
    FakeConfig::set(|c| c.e_int = 5);
    assert_eq!(FakeConfig::read(|c| c.e_int), 5);
    assert_eq!(
        std::thread::spawn(|| FakeConfig::read(|c| c.e_int))
            .join()
            .unwrap(),
        5
    );
    FakeConfig::reset();
    assert_eq!(FakeConfig::read(|c| c.e_int), 1);
}

#[test]
fn spec_042_a_patch_beats_set_and_set_shows_again_after_it() {
    let _l = global_lock();
    let _r = Reset;
    {
        let _g = FakeConfig::patch(|c| c.e_int = 2);
        FakeConfig::set(|c| c.e_int = 3);
        assert_eq!(FakeConfig::read(|c| c.e_int), 2);
    }
    assert_eq!(FakeConfig::read(|c| c.e_int), 3);
}

#[test]
fn a_set_made_while_a_patch_is_active_shows_through_fields_the_patch_left_alone() {
    let _l = global_lock();
    let _r = Reset;
    let _g = FakeConfig::patch(|c| c.e_int = 2);
    FakeConfig::set(|c| c.e_string = "global".into());
    assert_eq!(
        FakeConfig::read(|c| (c.e_int, c.e_string.clone())),
        (2, "global".into())
    );
}

#[test]
fn set_beats_env_default() {
    let _l = global_lock();
    let _r = Reset;
    FakeConfig::set(|c| c.e_env_default = false);
    assert!(!FakeConfig::read(|c| c.e_env_default));
    FakeConfig::reset();
    assert!(FakeConfig::read(|c| c.e_env_default));
}

#[test]
fn set_values_applies_nothing_when_one_entry_is_wrong() {
    let _l = global_lock();
    let _r = Reset;
    let err =
        FakeConfig::set_values([("e_int", Value::Int(9)), ("e_bool", Value::Int(3))]).unwrap_err();
    assert!(
        matches!(&err, ConfigError::WrongType { field, .. } if field == "e_bool"),
        "{err}"
    );
    assert_eq!(FakeConfig::read(|c| c.e_int), 1);
}

#[test]
fn defaults_ignore_every_override() {
    let _l = global_lock();
    let _r = Reset;
    FakeConfig::set(|c| c.e_int = 5);
    let _g = FakeConfig::patch(|c| c.e_bool = false);
    let d = FakeConfig::defaults();
    assert_eq!((d.e_int, d.e_bool, d.e_env_default), (1, true, false));
}

#[test]
fn a_set_made_while_a_patch_is_being_built_is_not_hidden_by_it() {
    let _l = global_lock();
    let _r = Reset;
    let _g = FakeConfig::patch(|c| {
        FakeConfig::set(|g| g.e_string = "global".into());
        c.e_int = 3;
    });
    assert_eq!(
        FakeConfig::read(|c| (c.e_int, c.e_string.clone())),
        (3, "global".into())
    );
    let _h = FakeConfig::patch_values(std::iter::once_with(|| {
        FakeConfig::set(|g| g.e_float = 7.0);
        ("e_bool", Value::Bool(false))
    }))
    .unwrap();
    assert_eq!(FakeConfig::read(|c| (c.e_bool, c.e_float)), (false, 7.0));
}

/// A config whose own `PartialEq` is approximate.
#[derive(FuzzableConfig, Clone, Debug)]
struct Tolerant {
    #[config(default = 0.5)]
    tol: f64,
    #[config(default = 0)]
    count: i64,
}

impl PartialEq for Tolerant {
    fn eq(&self, other: &Self) -> bool {
        (self.tol - other.tol).abs() < 1e-3 && self.count == other.count
    }
}

#[test]
fn set_applies_values_that_a_users_approximate_partial_eq_calls_equal() {
    // Tolerant has its own registry, so no lock is needed.
    Tolerant::set(|c| c.tol = 0.5001);
    assert_eq!(Tolerant::read(|c| c.tol), 0.5001);
    Tolerant::set(|c| c.tol = 0.5);
    assert_eq!(Tolerant::read(|c| c.tol), 0.5);
}

#[test]
fn many_distinct_process_wide_configs_stay_correct() {
    let _l = global_lock();
    let _r = Reset;
    for n in 0..400 {
        FakeConfig::set(|c| c.e_int = 10_000 + n);
        assert_eq!(FakeConfig::read(|c| c.e_int), 10_000 + n);
        let _g = FakeConfig::patch(|c| c.e_bool = false);
        assert_eq!(
            FakeConfig::read(|c| (c.e_int, c.e_bool)),
            (10_000 + n, false)
        );
        let other = std::thread::spawn(|| FakeConfig::read(|c| c.e_int))
            .join()
            .unwrap();
        assert_eq!(other, 10_000 + n);
    }
    FakeConfig::reset();
    assert_eq!(FakeConfig::read(|c| c.e_int), 1);
}

/// Two fields that every write below assigns together; only the tests of
/// serializable writes use it.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
struct Pair {
    x: i64,
    y: i64,
}

/// The states a serial order of the writes below can leave: the default
/// (after `reset`) and each write's own pair.
fn serial_state(p: (i64, i64)) -> bool {
    p.0 == p.1 && (0..=4).contains(&p.0) || p == (1, 2)
}

#[test]
fn concurrent_sets_are_serializable() {
    // From (1, 2), `set(x = 1, y = 1)` changes only `y` and `set(x = 2,
    // y = 2)` both fields. Recording only changes against a copy taken before
    // the other write lands could leave (2, 1), which no serial order gives.
    let _l = global_lock(); // the tests using `Pair` run one at a time
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    for round in 0..300 {
        Pair::set(|c| {
            c.x = 1;
            c.y = 2;
        });
        let start = std::sync::Arc::new(std::sync::Barrier::new(3));
        let writers: Vec<_> = [(1, 1), (2, 2)]
            .into_iter()
            .map(|(a, b)| {
                let start = std::sync::Arc::clone(&start);
                std::thread::spawn(move || {
                    start.wait();
                    Pair::set(|c| {
                        c.x = a;
                        std::thread::yield_now();
                        c.y = b;
                    });
                })
            })
            .collect();
        let reader = {
            let (start, seen) = (std::sync::Arc::clone(&start), std::sync::Arc::clone(&seen));
            std::thread::spawn(move || {
                start.wait();
                for _ in 0..50 {
                    let p = Pair::read(|c| (c.x, c.y));
                    if !serial_state(p) {
                        seen.lock().unwrap().push(p);
                    }
                    std::thread::yield_now();
                }
            })
        };
        writers.into_iter().for_each(|h| h.join().unwrap());
        reader.join().unwrap();
        let end = Pair::read(|c| (c.x, c.y));
        assert!(
            end == (1, 1) || end == (2, 2),
            "round {round}: ended at {end:?}"
        );
    }
    assert_eq!(
        *seen.lock().unwrap(),
        [],
        "reads of states no serial order makes"
    );
    Pair::reset();
}

#[test]
fn every_kind_of_process_wide_write_is_serializable() {
    // Four threads write whole pairs four ways at once; after each, this
    // thread's view must be a state some serial order makes.
    let _l = global_lock();
    Pair::reset();
    let handles: Vec<_> = (1..=4i64)
        .map(|k| {
            std::thread::spawn(move || {
                let mut bad = Vec::new();
                for n in 0..300 {
                    match (n + k) % 4 {
                        0 => Pair::set(|c| {
                            c.x = k;
                            std::thread::yield_now();
                            c.y = k;
                        }),
                        1 => Pair::set_values([
                            ("x", Value::Int(k.into())),
                            ("y", Value::Int(k.into())),
                        ])
                        .unwrap(),
                        2 => Pair::load_json(&format!(r#"{{"x": {k}, "y": {k}}}"#)).unwrap(),
                        _ => Pair::reset(),
                    }
                    let p = Pair::read(|c| (c.x, c.y));
                    if !serial_state(p) {
                        bad.push(p);
                    }
                }
                bad
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), [], "states no serial order makes");
    }
    let end = Pair::read(|c| (c.x, c.y));
    assert!(end.0 == end.1, "ended at {end:?}");
    Pair::reset();
}

#[test]
fn a_set_closure_may_read_the_config_and_write_it_again() {
    let _l = global_lock();
    Pair::reset();
    Pair::set(|c| {
        // Reads inside the closure see the config as it was before it.
        c.x = Pair::read(|now| now.x) + 5;
        // A write inside the closure comes first; the outer set then
        // records what its own closure changed.
        Pair::set(|inner| inner.y = 7);
        assert_eq!(Pair::read(|now| (now.x, now.y)), (0, 7));
    });
    assert_eq!(Pair::read(|c| (c.x, c.y)), (5, 7));
    Pair::reset();
}
