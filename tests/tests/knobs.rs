//! Knob providers (`#[config(knob = "..")]`, `fuzzer_core::set_knob_provider`),
//! PyTorch's JustKnobs. The provider is process-wide, so every test that
//! installs one holds the file's lock and puts the default provider back.

use std::sync::{Mutex, MutexGuard};

use fake_config::FakeConfig;
use fuzzer_core::prelude::*;
use fuzzer_core::ConfigError;

fn lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// Puts the default provider back, also when a test fails.
struct DefaultProvider;
impl Drop for DefaultProvider {
    fn drop(&mut self) {
        fuzzer_core::reset_knob_provider();
    }
}

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
struct Rollout {
    #[config(default = false, knob = "rollout/fast")]
    fast: bool,
    #[config(default = 4, knob = "rollout/threads")]
    threads: i64,
    #[config(default = String::from("lru"), knob = "rollout/policy")]
    policy: String,
    #[config(default = false)]
    plain: bool,
}

/// A provider that turns `rollout/*` knobs to fixed values.
fn rollout_provider(name: &str, _default: &Value) -> Option<Value> {
    match name {
        "rollout/fast" => Some(Value::Bool(true)),
        "rollout/threads" => Some(Value::Int(16)),
        "rollout/policy" => Some(Value::Str("fifo".into())),
        _ => None,
    }
}

/// PREC-24: with the default provider, a knob field reads its declared
/// default (open-source JustKnobs return the default): e_jk true, e_jk_false
/// false, in reads and in the saved snapshot.
#[test]
fn spec_024_the_default_provider_returns_the_declared_default() {
    let _l = lock();
    assert!(FakeConfig::read(|c| c.e_jk));
    assert!(!FakeConfig::read(|c| c.e_jk_false));
    let saved: serde_json::Value = serde_json::from_str(&FakeConfig::save_json()).unwrap();
    assert_eq!(saved["e_jk"], true);
    assert_eq!(saved["e_jk_false"], false);
    let f = &FakeConfig::fields()[FakeConfig::field_index("e_jk").unwrap()];
    assert_eq!(f.knob(), Some("does_not_exist"));
    assert_eq!(Rollout::fields()[3].knob(), None);
}

/// PREC-24: with no override and no env value, the provider's answer is the
/// default, passed the knob's name and the declared default; a `None`
/// answer keeps the declared default. Every thread sees it.
#[test]
fn spec_024_the_provider_gives_the_default_when_nothing_overrides_it() {
    let _l = lock();
    let _p = DefaultProvider;
    assert_eq!(
        Rollout::read(|c| (c.fast, c.threads, c.policy.clone())),
        (false, 4, "lru".to_string())
    );
    let asked = std::sync::Arc::new(Mutex::new(Vec::new()));
    let log = std::sync::Arc::clone(&asked);
    fuzzer_core::set_knob_provider(move |name: &str, default: &Value| {
        log.lock()
            .unwrap()
            .push((name.to_string(), default.clone()));
        rollout_provider(name, default)
    });
    assert_eq!(
        Rollout::read(|c| (c.fast, c.threads, c.policy.clone(), c.plain)),
        (true, 16, "fifo".to_string(), false)
    );
    assert!(asked
        .lock()
        .unwrap()
        .contains(&("rollout/threads".to_string(), Value::Int(4))));
    // The declared default is what `defaults()` and `is_default` compare with.
    assert!(!Rollout::is_default("threads").unwrap());
    assert_eq!(Rollout::defaults().threads, 4);
    let seen = std::thread::spawn(|| Rollout::read(|c| c.threads))
        .join()
        .unwrap();
    assert_eq!(seen, 16);
    // `None` for every knob: declared defaults again.
    fuzzer_core::set_knob_provider(|_: &str, _: &Value| None);
    assert_eq!(Rollout::read(|c| (c.fast, c.threads)), (false, 4));
    fuzzer_core::set_knob_provider(rollout_provider);
    fuzzer_core::reset_knob_provider();
    assert_eq!(Rollout::read(|c| (c.fast, c.threads)), (false, 4));
}

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
struct Layered {
    #[config(default = 1, knob = "layered/a", env = "KNOBS_TEST_LAYERED_A")]
    a: i64,
    #[config(default = 1, knob = "layered/b", env_force = "KNOBS_TEST_LAYERED_B")]
    b: i64,
    #[config(default = 1, knob = "layered/c")]
    c: i64,
}

/// PREC-25: the knob is beaten by the env default, `set`, a patch and env
/// force; unsetting the override shows the knob again.
#[test]
fn spec_025_env_set_patch_and_force_beat_the_knob() {
    let _l = lock();
    let _p = DefaultProvider;
    fuzzer_core::set_knob_provider(|name: &str, _: &Value| {
        name.starts_with("layered/").then_some(Value::Int(10))
    });
    assert_eq!(Layered::read(|c| (c.a, c.b, c.c)), (10, 10, 10));
    std::env::set_var("KNOBS_TEST_LAYERED_A", "20");
    std::env::set_var("KNOBS_TEST_LAYERED_B", "30");
    Layered::reload_env().unwrap();
    assert_eq!(Layered::read(|c| (c.a, c.b, c.c)), (20, 30, 10));
    Layered::set(|c| {
        c.b = 40;
        c.c = 40;
    });
    assert_eq!(Layered::read(|c| (c.b, c.c)), (30, 40));
    {
        let _g = Layered::patch(|c| c.c = 50);
        assert_eq!(Layered::read(|c| c.c), 50);
    }
    Layered::unset("c").unwrap();
    assert_eq!(Layered::read(|c| c.c), 10);
    std::env::remove_var("KNOBS_TEST_LAYERED_A");
    std::env::remove_var("KNOBS_TEST_LAYERED_B");
    Layered::reload_env().unwrap();
    Layered::reset();
    assert_eq!(Layered::read(|c| (c.a, c.b, c.c)), (10, 10, 10));
}

/// INST-13: PyTorch accepts a justknob only on a bool field and asserts at
/// install time otherwise; here a knob may feed any field type (see the
/// README), and its answer is checked against the field's type when it is
/// applied: a wrong type keeps the declared default, is reported once per
/// provider, and is the error `reload_env()` returns.
#[test]
fn spec_013_a_wrongly_typed_knob_keeps_the_declared_default_and_is_an_error_from_reload_env() {
    let _l = lock();
    let _p = DefaultProvider;
    let before = fuzzer_core::__private::knob_warnings();
    fuzzer_core::set_knob_provider(|name: &str, default: &Value| match name {
        "rollout/threads" => Some(Value::Str("many".into())),
        _ => rollout_provider(name, default),
    });
    // The good answers apply; the bad one does not.
    assert_eq!(Rollout::read(|c| (c.fast, c.threads)), (true, 4));
    assert_eq!(fuzzer_core::__private::knob_warnings(), before + 1);
    let err = Rollout::reload_env().unwrap_err();
    assert!(
        matches!(&err, ConfigError::BadKnob { knob, field, expected, .. }
            if knob == "rollout/threads" && field == "threads" && expected == "i64"),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("rollout/threads") && text.contains("i64"),
        "{text}"
    );
    // Nothing changed, and the same provider is not reported twice.
    assert_eq!(Rollout::read(|c| (c.fast, c.threads)), (true, 4));
    assert_eq!(fuzzer_core::__private::knob_warnings(), before + 1);
}

/// The fuzzer starts every run from the declared defaults: a knob's answer
/// is not fuzz state.
#[test]
fn the_fuzzer_runs_from_declared_defaults_not_knob_answers() {
    let _l = lock();
    let _p = DefaultProvider;
    fuzzer_core::set_knob_provider(rollout_provider);
    assert!(Rollout::read(|c| c.fast));
    let fuzzer = ConfigFuzzer::<Rollout>::new(|| Rollout::read(|c| !c.fast && c.threads == 4), 1);
    assert_eq!(fuzzer.test_config(&ConfigDiff::new()), Status::Passed);
}

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
struct SelfReading {
    #[config(default = false, knob = "self_reading/x")]
    x: bool,
}

/// A provider that reads the config it is answering for gets a clear panic
/// at the read, not a deadlock or an endless recursion.
#[test]
fn a_provider_that_reads_the_config_being_built_is_reported() {
    let _l = lock();
    let _p = DefaultProvider;
    fuzzer_core::set_knob_provider(|name: &str, _: &Value| {
        (name == "self_reading/x").then(|| Value::Bool(!SelfReading::read(|c| c.x)))
    });
    let panic = std::panic::catch_unwind(|| SelfReading::read(|c| c.x)).unwrap_err();
    let msg = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("must not read config values"), "{msg}");
    fuzzer_core::reset_knob_provider();
    assert!(!SelfReading::read(|c| c.x));
}

/// A bad knob answer goes through the warning handler the program set
/// (`set_warning_handler`), as a `WarningKind::Knob` warning naming the
/// config and field, once per installed provider, like deprecations.
#[test]
fn a_bad_knob_answer_goes_through_the_warning_handler_once_per_provider() {
    use fuzzer_core::{Warning, WarningKind};
    static SEEN: Mutex<Vec<Warning>> = Mutex::new(Vec::new());
    let _l = lock();
    let _p = DefaultProvider;
    SEEN.lock().unwrap().clear();
    fuzzer_core::set_warning_handler(|w| SEEN.lock().unwrap().push(w.clone()));
    let bad = |name: &str, default: &Value| match name {
        "rollout/policy" => Some(Value::Int(7)),
        _ => rollout_provider(name, default),
    };
    fuzzer_core::set_knob_provider(bad);
    assert_eq!(Rollout::read(|c| c.policy.clone()), "lru");
    let _ = Rollout::reload_env();
    let _ = Rollout::read(|c| c.fast);
    let ours = |seen: &[Warning]| -> Vec<Warning> {
        seen.iter()
            .filter(|w| w.config() == "Rollout")
            .cloned()
            .collect()
    };
    let seen = ours(&SEEN.lock().unwrap());
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].kind(), WarningKind::Knob);
    assert_eq!(seen[0].field(), "policy");
    assert!(
        seen[0].message().contains("rollout/policy") && seen[0].message().contains("String"),
        "{}",
        seen[0]
    );
    // A new provider with the same mistake is reported again, once.
    fuzzer_core::set_knob_provider(bad);
    assert_eq!(ours(&SEEN.lock().unwrap()).len(), 2);
    fuzzer_core::set_warning_handler(|w| eprintln!("warning: {w}"));
}

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
struct KnobImplied {
    #[config(default = false, knob = "knob_implied/strict", implies(true => { level = 3 }))]
    strict: bool,
    #[config(default = false, knob = "knob_implied/relaxed", implies(true => { level = 1 }))]
    relaxed: bool,
    #[config(default = 0)]
    level: i64,
}

/// Knobs meet implications (IMPL-205 with PREC-24): a knob that turns an
/// implication's source on makes its target read the implied value; knob
/// answers that would make two rules conflict are not applied at all, are
/// reported through the warning handler and are `reload_env()`'s error.
#[test]
fn knobs_on_implication_sources_imply_and_a_conflict_is_not_applied() {
    use fuzzer_core::{Warning, WarningKind};
    static SEEN: Mutex<Vec<Warning>> = Mutex::new(Vec::new());
    let _l = lock();
    let _p = DefaultProvider;
    SEEN.lock().unwrap().clear();
    fuzzer_core::set_warning_handler(|w| SEEN.lock().unwrap().push(w.clone()));
    assert_eq!(
        KnobImplied::read(|c| (c.strict, c.relaxed, c.level)),
        (false, false, 0)
    );
    fuzzer_core::set_knob_provider(|name: &str, _: &Value| {
        (name == "knob_implied/strict").then_some(Value::Bool(true))
    });
    assert_eq!(KnobImplied::read(|c| (c.strict, c.level)), (true, 3));
    fuzzer_core::set_knob_provider(|name: &str, _: &Value| {
        name.starts_with("knob_implied/")
            .then_some(Value::Bool(true))
    });
    assert_eq!(
        KnobImplied::read(|c| (c.strict, c.relaxed, c.level)),
        (true, false, 3),
        "the conflicting answers are not applied; the last good ones stay"
    );
    let ours: Vec<Warning> = SEEN
        .lock()
        .unwrap()
        .iter()
        .filter(|w| w.config() == "KnobImplied")
        .cloned()
        .collect();
    assert_eq!(ours.len(), 1, "{ours:?}");
    assert_eq!(ours[0].kind(), WarningKind::Knob);
    assert!(ours[0].message().contains("level"), "{}", ours[0]);
    let err = KnobImplied::reload_env().unwrap_err();
    assert!(matches!(err, ConfigError::Conflict { .. }), "{err:?}");
    fuzzer_core::set_warning_handler(|w| eprintln!("warning: {w}"));
}

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
struct HandlerReads {
    #[config(default = 2, knob = "handler_reads/n")]
    n: i64,
    #[config(default = false)]
    other: bool,
}

/// The warning handler runs with no lock of the config's state held, for
/// knob warnings as for deprecations: a handler may read the config it is
/// warned about, and write it, both at first use (where the state lock was
/// held, and this test deadlocked) and when a new provider is installed.
#[test]
fn the_warning_handler_may_read_and_write_the_config_on_a_knob_warning() {
    static SEEN: Mutex<Vec<(i64, bool)>> = Mutex::new(Vec::new());
    let _l = lock();
    let _p = DefaultProvider;
    fuzzer_core::set_warning_handler(|w| {
        if w.config() == "HandlerReads" {
            HandlerReads::set(|c| c.other = true);
            SEEN.lock()
                .unwrap()
                .push(HandlerReads::read(|c| (c.n, c.other)));
        }
    });
    let bad = |name: &str, _: &Value| (name == "handler_reads/n").then(|| Value::Str("x".into()));
    fuzzer_core::set_knob_provider(bad);
    // First use: the provider is asked, its bad answer reported.
    assert_eq!(HandlerReads::read(|c| c.n), 2);
    assert_eq!(*SEEN.lock().unwrap(), [(2, true)]);
    HandlerReads::reset();
    // A new provider: the config is refreshed, the answer reported again.
    fuzzer_core::set_knob_provider(bad);
    assert_eq!(*SEEN.lock().unwrap(), [(2, true), (2, true)]);
    HandlerReads::reset();
    fuzzer_core::set_warning_handler(|w| eprintln!("warning: {w}"));
}

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
#[config(env_prefix = "KNOBS_TEST_ALIASED_")]
struct KnobAliased {
    #[config(default = 1, knob = "knob_aliased/n")]
    n: i64,
    #[config(alias = "n")]
    old_n: Alias<i64>,
}

/// Knobs meet aliases (PREC-25 with ALIAS-174): an env var named after an
/// alias of a knob field is the field's env default, so it beats the knob;
/// without it, the alias reads the knob's answer.
#[test]
fn spec_025_an_env_var_named_after_an_alias_beats_the_knob() {
    let _l = lock();
    let _p = DefaultProvider;
    fuzzer_core::set_knob_provider(|name: &str, _: &Value| {
        (name == "knob_aliased/n").then_some(Value::Int(7))
    });
    assert_eq!(KnobAliased::read(|c| (c.n, c.old_n())), (7, 7));
    std::env::set_var("KNOBS_TEST_ALIASED_OLD_N", "3");
    let reloaded = KnobAliased::reload_env();
    std::env::remove_var("KNOBS_TEST_ALIASED_OLD_N");
    reloaded.unwrap();
    assert_eq!(KnobAliased::read(|c| (c.n, c.old_n())), (3, 3));
    KnobAliased::reload_env().unwrap();
    assert_eq!(KnobAliased::read(|c| c.n), 7);
}
