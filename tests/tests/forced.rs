//! Env-forced fields (`#[config(env_force = ..)]` with the variable set)
//! are pins to the fuzzer: never sampled or shrunk, in `pinned()`, out of
//! findings and snippets, and a config asking for another value is refused.
//! `.cargo/config.toml` sets `ENV_TRUE=1`, which forces
//! `FakeConfig::e_env_force` to `true` (declared default `false`).

use fake_config::FakeConfig;
use fuzzer_core::prelude::*;
use fuzzer_core::ConfigError;

/// Fails when the forced field is on and `e_bool` off.
fn forced_bug() -> bool {
    !FakeConfig::read(|c| c.e_env_force) || FakeConfig::read(|c| c.e_bool)
}

fn diff(pairs: &[(&str, Value)]) -> ConfigDiff {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect()
}

fn fuzzer() -> ConfigFuzzer<FakeConfig> {
    assert_eq!(std::env::var("ENV_TRUE").as_deref(), Ok("1"));
    ConfigFuzzer::new(forced_bug, 0)
}

#[test]
fn a_forced_field_is_pinned_at_its_forced_value() {
    let f = fuzzer();
    assert_eq!(f.pinned().get("e_env_force"), Some(&Value::Bool(true)));
    // Pinning it at its forced value changes nothing; at another, an error.
    let f = f.pin("e_env_force", Value::Bool(true)).unwrap();
    assert_eq!(f.pinned().get("e_env_force"), Some(&Value::Bool(true)));
    let err = f.pin("e_env_force", Value::Bool(false)).unwrap_err();
    assert!(matches!(err, ConfigError::Invalid { .. }), "{err:?}");
    assert!(err.to_string().contains("ENV_TRUE"), "{err}");
    let err = fuzzer().keep_default("e_env_force").unwrap_err();
    assert!(err.to_string().contains("e_env_force"), "{err}");
}

#[test]
fn a_config_with_another_value_for_a_forced_field_is_refused() {
    let f = fuzzer();
    let wrong = diff(&[
        ("e_env_force", Value::Bool(false)),
        ("e_bool", Value::Bool(false)),
    ]);
    match f.try_test_config(&wrong) {
        Err(FuzzError::Config(ConfigError::Invalid { message })) => {
            assert!(
                message.contains("`e_env_force` is forced to `true`"),
                "{message}"
            );
            assert!(message.contains("ENV_TRUE"), "{message}");
        }
        other => panic!("expected a config error, got {other:?}"),
    }
    assert_eq!(f.test_config(&wrong), Status::Skipped);
    assert_eq!(f.num_runs(), 0, "a refused config never runs");
    // reproduce records it as skipped, with the reason, instead of
    // reporting a value the test never ran with.
    let r = f.reproduce(std::slice::from_ref(&wrong));
    assert_eq!(r.entries()[0].status, Status::Skipped);
    assert!(r.entries()[0]
        .detail
        .message
        .as_deref()
        .unwrap()
        .contains("ENV_TRUE"));
    assert!(f.try_minimize(&wrong).is_err());

    // At its forced value it is accepted, and changes nothing.
    let right = diff(&[
        ("e_env_force", Value::Bool(true)),
        ("e_bool", Value::Bool(false)),
    ]);
    assert_eq!(f.test_config(&right), Status::FailedReturn);
    let r = f.reproduce(std::slice::from_ref(&right));
    assert_eq!(r.entries()[0].status, Status::FailedReturn);
    assert_eq!(
        f.minimize(&right),
        Some(diff(&[("e_bool", Value::Bool(false))]))
    );
}

#[test]
fn snippets_leave_forced_fields_out_and_say_what_was_forced() {
    let f = fuzzer();
    let snippet = f.repro_snippet(&diff(&[
        ("e_env_force", Value::Bool(true)),
        ("e_bool", Value::Bool(false)),
    ]));
    assert!(!snippet.contains("c.e_env_force"), "{snippet}");
    assert!(snippet.contains("c.e_bool = false;"), "{snippet}");
    assert!(
        snippet.starts_with("// env-forced by ENV_TRUE while fuzzing: e_env_force = true\n"),
        "{snippet}"
    );
}

#[test]
fn campaigns_never_sample_or_report_a_forced_field() {
    let f = fuzzer();
    let hunt = f.hunt(10, 1.0).unwrap();
    assert!(!hunt.findings().is_empty(), "{hunt}");
    for finding in hunt.findings() {
        assert_eq!(finding.config(), &diff(&[("e_bool", Value::Bool(false))]));
        assert!(!finding.repro_snippet().contains("c.e_env_force"));
    }
    let results = f.fuzz_n_tuple(2, 1000);
    assert_eq!(
        results.lookup(&["e_bool", "e_env_force"]),
        Some(Status::Skipped)
    );
    assert!(results
        .iter()
        .all(|(config, _)| !config.contains_key("e_env_force")));
}
