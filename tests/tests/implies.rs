//! Implications (`#[config(implies(..))]`) and validators
//! (`#[config(validate = ..)]`), spec §18 (IMPL), on `ImplicationConfig`.
//!
//! Every test patches on its own thread; process-wide writes are made only
//! by `process_wide_writes_are_checked_and_atomic`, on fields no other test
//! reads at their defaults.

use fake_config::{ImplicationConfig as C, ImplicationMode};
use fuzzer_core::prelude::*;
use fuzzer_core::ConfigError;

/// IMPL-205: a target reads its implied value while the rule is active,
/// transitively (mode → enabled → downstream), into a section too.
#[test]
fn active_rule_gives_the_implied_value_transitively() {
    assert_eq!(
        C::read(|c| (c.enabled, c.downstream, c.nested.enabled)),
        (false, 0, false)
    );
    let _g = C::patch(|c| c.mode = ImplicationMode::Strict);
    assert_eq!(
        C::read(|c| (c.enabled, c.downstream, c.nested.enabled)),
        (true, 1, true)
    );
    let current = C::current();
    assert_eq!((current.enabled, current.downstream), (true, 1));
    let values = C::to_values();
    assert_eq!(values["enabled"], Value::Bool(true));
    assert_eq!(values["downstream"], Value::Int(1));
    assert_eq!(values["nested.enabled"], Value::Bool(true));
}

/// IMPL-208: a target written while its rule is active keeps the stored
/// value, which shows again once the rule is no longer active.
#[test]
fn stored_target_shows_once_the_rule_is_inactive() {
    let _on = C::patch(|c| c.enabled = true);
    let _five = C::patch(|c| c.downstream = 5);
    assert_eq!(C::read(|c| c.downstream), 1);
    {
        let _off = C::patch(|c| c.enabled = false);
        assert_eq!(C::read(|c| c.downstream), 5);
    }
    assert_eq!(C::read(|c| c.downstream), 1);
    drop(_on);
    assert_eq!(C::read(|c| c.downstream), 5);
}

/// IMPL-206, IMPL-207: a write that makes two active rules imply different
/// values is an error naming both rules, and applies nothing.
#[test]
fn conflicting_patch_is_rejected_atomically() {
    let _g = C::patch(|c| c.mode = ImplicationMode::Strict);
    let err = C::patch_values([
        ("conflict", Value::Bool(true)),
        ("unrelated", Value::Int(3)),
    ])
    .unwrap_err();
    match &err {
        ConfigError::Conflict { target, rules, .. } => {
            assert_eq!(target, "enabled");
            assert_eq!(rules.len(), 2);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("mode == ImplicationMode::Strict => enabled = true"),
        "{text}"
    );
    assert!(
        text.contains("conflict == true => enabled = false"),
        "{text}"
    );
    assert_eq!(
        C::read(|c| (c.conflict, c.unrelated, c.enabled)),
        (false, 1, true)
    );
    // The same with the closure form: a panic with the same message, and
    // nothing applied.
    let panic = std::panic::catch_unwind(|| {
        let _g = C::patch(|c| c.conflict = true);
    })
    .unwrap_err();
    let msg = panic.downcast_ref::<String>().expect("a message");
    assert!(msg.contains("conflicting implications"), "{msg}");
    assert_eq!(C::read(|c| (c.conflict, c.enabled)), (false, true));
}

/// IMPL-206: equal implied values are no conflict.
#[test]
fn rules_agreeing_on_a_value_are_no_conflict() {
    // `enabled = true` stored and implied by mode: one rule on `downstream`.
    let _g = C::patch(|c| {
        c.mode = ImplicationMode::Strict;
        c.enabled = true;
    });
    assert_eq!(C::read(|c| c.downstream), 1);
    // `conflict` alone implies `enabled = false`, and nothing else does.
    let _h = C::patch(|c| c.mode = ImplicationMode::Default);
    let _k = C::patch(|c| c.conflict = true);
    assert_eq!(C::read(|c| (c.enabled, c.downstream)), (false, 0));
}

/// A validator runs on every write: a rejected write is an error naming the
/// validator and what it said, and applies nothing.
#[test]
fn validator_rejects_writes_atomically() {
    let err = C::patch_values([("unrelated", Value::Int(10)), ("downstream", Value::Int(3))])
        .unwrap_err();
    match &err {
        ConfigError::Rejected {
            validator, message, ..
        } => {
            assert_eq!(validator, "check_budget");
            assert!(message.contains("budget of 12"), "{message}");
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    assert!(
        err.to_string().contains("validator `check_budget`"),
        "{err}"
    );
    assert_eq!(C::read(|c| (c.unrelated, c.downstream)), (1, 0));
    // Implied values count: with `enabled` on, downstream is 1 whatever is
    // stored, so 11 + 1 passes.
    let _on = C::patch(|c| c.enabled = true);
    let _g =
        C::patch_values([("downstream", Value::Int(5)), ("unrelated", Value::Int(11))]).unwrap();
    assert_eq!(C::read(|c| (c.unrelated, c.downstream)), (11, 1));
}

/// `set_value` on an instance treats it as an effective config.
#[test]
fn set_value_on_an_instance_applies_and_checks() {
    let mut c = C::defaults();
    c.set_value(
        "mode",
        &Value::Enum {
            ty: "ImplicationMode",
            variant: "Strict",
        },
    )
    .unwrap();
    assert_eq!((c.enabled, c.downstream, c.nested.enabled), (true, 1, true));
    let before = c.clone();
    assert!(matches!(
        c.set_value("conflict", &Value::Bool(true)),
        Err(ConfigError::Conflict { .. })
    ));
    assert_eq!(c, before);
    assert!(matches!(
        c.set_value("unrelated", &Value::Int(12)),
        Err(ConfigError::Rejected { .. })
    ));
    assert_eq!(c, before);
}

/// IMPL-209 (a difference): save and hash hold effective values; a saved
/// config loads back to the same effective config.
#[test]
fn save_holds_effective_values() {
    let _g = C::patch(|c| c.mode = ImplicationMode::Strict);
    let saved = C::save_json();
    assert!(
        saved.contains("\"downstream\":1") || saved.contains("\"downstream\": 1"),
        "{saved}"
    );
    let hash = C::config_hash();
    let _h = C::patch(|c| {
        c.enabled = true;
        c.downstream = 1;
        c.nested.enabled = true;
    });
    assert_eq!(C::config_hash(), hash, "same effective values, same hash");
}

/// IMPL-210: dropping a guard can make two rules active at once (here the
/// `mode = Default` between `mode = Strict` and `conflict = true`). The drop
/// never fails (a `Drop` that panics could abort); the next read panics with
/// the conflict, and dropping the other guard resolves it.
#[test]
fn drop_that_leaves_a_conflict_is_reported_at_the_next_read() {
    let strict = C::patch(|c| c.mode = ImplicationMode::Strict);
    let default = C::patch(|c| c.mode = ImplicationMode::Default);
    let conflict = C::patch(|c| c.conflict = true);
    assert!(!C::read(|c| c.enabled));
    drop(default);
    let panic = std::panic::catch_unwind(|| C::read(|c| c.enabled)).unwrap_err();
    let msg = panic.downcast_ref::<String>().expect("a message");
    assert!(msg.contains("conflicting implications"), "{msg}");
    assert!(msg.contains("on this thread"), "{msg}");
    drop(conflict);
    assert!(C::read(|c| c.enabled));
    drop(strict);
    assert!(!C::read(|c| c.enabled));
}

/// A config of this file's own, for env force: only the test below uses it,
/// and sets its variables before its first use.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
struct Forced {
    #[config(default = false, implies(true => { level = 3 }))]
    strict: bool,
    #[config(default = 0, env_force = "IMPLIES_RS_FORCED_LEVEL")]
    level: i64,
}

/// IMPL-205: an active implication beats env force; a process-wide write
/// is checked like a patch, and a rejected one applies nothing.
#[test]
fn implied_value_beats_env_force_and_process_wide_writes_are_checked() {
    std::env::set_var("IMPLIES_RS_FORCED_LEVEL", "7");
    assert_eq!(Forced::read(|c| c.level), 7);
    let _g = Forced::patch(|c| c.strict = true);
    assert_eq!(Forced::read(|c| c.level), 3);
    drop(_g);
    assert_eq!(Forced::read(|c| c.level), 7);
    Forced::set_values([("strict", Value::Bool(true))]).unwrap();
    assert_eq!(Forced::read(|c| c.level), 3);
    assert_eq!(Forced::to_values()["level"], Value::Int(3));
    Forced::reset();
    assert_eq!(Forced::read(|c| c.level), 7);
}

/// Process-wide writes of `ImplicationConfig`: a conflicting `set_values`
/// or `load_json` is an error and changes nothing; `set` panics.
#[test]
fn process_wide_conflicts_are_rejected_atomically() {
    // Only `conflict` is touched, and it is left at its default: no other
    // test of this file sees a difference.
    let err = C::load_json(r#"{"mode": "Strict", "conflict": true}"#).unwrap_err();
    assert!(matches!(err, ConfigError::Conflict { .. }), "{err}");
    let err = C::set_values([
        (
            "mode",
            Value::Enum {
                ty: "ImplicationMode",
                variant: "Strict",
            },
        ),
        ("conflict", Value::Bool(true)),
    ])
    .unwrap_err();
    assert!(matches!(err, ConfigError::Conflict { .. }), "{err}");
    let panic = std::panic::catch_unwind(|| {
        C::set(|c| {
            c.unrelated = 12;
            c.downstream = 4;
        })
    })
    .unwrap_err();
    let msg = panic.downcast_ref::<String>().expect("a message");
    assert!(msg.contains("check_budget"), "{msg}");
    assert_eq!(C::defaults(), *C::current());
}
