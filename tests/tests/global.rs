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
fn many_distinct_process_wide_configs_stay_correct_past_the_interning_limit() {
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
