//! Deprecation at run time (spec §16, DEP): a `#[deprecated]` field or alias
//! warns once per process when used by name, through an env var or in
//! loaded JSON, through the handler set with `set_warning_handler`; snapshot
//! APIs and the fuzzer never warn. The handler and the once-flags are
//! process-wide, so every test takes the global lock and starts afresh.

use std::sync::{Mutex, MutexGuard};

use fake_config::FakeConfig;
use fuzzer_core::prelude::*;
use fuzzer_core::Warning;
use tests::global_lock;

/// Deprecations without a note, a non-deprecated alias of a deprecated
/// field, a deprecated alias of a deprecated field, and env names.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
#[config(env_prefix = "DEP_TEST_")]
#[allow(deprecated)]
pub struct Legacy {
    /// Deprecated, without a note.
    #[deprecated]
    #[config(default = 1)]
    pub old_knob: i64,
    /// Not deprecated itself; its target is.
    #[config(alias = "old_knob")]
    pub older_knob: Alias<i64>,
    /// A deprecated alias of a deprecated field.
    #[deprecated = "call it new_mode"]
    #[config(alias = "old_knob")]
    pub oldest_knob: Alias<i64>,
    /// Not deprecated.
    #[config(default = false)]
    pub fresh: bool,
}

static SEEN: Mutex<Vec<Warning>> = Mutex::new(Vec::new());

/// Takes the global lock, routes warnings into `SEEN`, empties it and
/// resets the once-flags.
fn fresh() -> MutexGuard<'static, ()> {
    let l = global_lock();
    fuzzer_core::set_warning_handler(|w| SEEN.lock().unwrap().push(w.clone()));
    fuzzer_core::reset_deprecation_warnings();
    SEEN.lock().unwrap().clear();
    l
}

fn seen() -> Vec<String> {
    SEEN.lock().unwrap().iter().map(|w| w.to_string()).collect()
}

/// DEP-162: the first by-name read warns once, with the field, its note and
/// "will be removed in a future version"; the value is still returned.
#[test]
fn dep_162_a_by_name_read_warns_with_the_note() {
    let _l = fresh();
    let v = FakeConfig::current().get_value("e_deprecated").unwrap();
    assert_eq!(v, Value::Bool(true));
    assert_eq!(
        seen(),
        ["`FakeConfig.e_deprecated` is deprecated and is no longer needed; it will be removed in a future version"]
    );
    let w = &SEEN.lock().unwrap()[0];
    assert_eq!((w.config(), w.field()), ("FakeConfig", "e_deprecated"));
    assert_eq!(w.kind(), fuzzer_core::WarningKind::Deprecation);
}

/// DEP-163: without a note the text says just that it is deprecated.
#[test]
fn dep_163_without_a_note() {
    let _l = fresh();
    Legacy::is_default("old_knob").unwrap();
    assert_eq!(
        seen(),
        ["`Legacy.old_knob` is deprecated; it will be removed in a future version"]
    );
}

/// DEP-164, DEP-170: writes warn too (`set_value`, `patch_values`), and the
/// value is written.
#[test]
fn dep_164_170_a_write_warns() {
    let _l = fresh();
    let mut c = FakeConfig::defaults();
    c.set_value("e_deprecated", &Value::Bool(false)).unwrap();
    #[allow(deprecated)]
    let v = c.e_deprecated;
    assert!(!v);
    assert_eq!(seen().len(), 1);
    fuzzer_core::reset_deprecation_warnings();
    let _g = FakeConfig::patch_values([("e_deprecated", Value::Bool(false))]).unwrap();
    assert_eq!(seen().len(), 2);
}

/// DEP-165: once per field per process across reads and writes.
#[test]
fn dep_165_warns_once_across_reads_and_writes() {
    let _l = fresh();
    let mut c = FakeConfig::defaults();
    c.get_value("e_deprecated").unwrap();
    c.get_value("e_deprecated").unwrap();
    c.set_value("e_deprecated", &Value::Bool(true)).unwrap();
    FakeConfig::is_default("e_deprecated").unwrap();
    let _g = FakeConfig::patch_values([("e_deprecated", Value::Bool(false))]).unwrap();
    assert_eq!(seen().len(), 1);
}

/// DEP-166: a deprecated field otherwise behaves normally.
#[test]
#[allow(deprecated)]
fn dep_166_otherwise_normal() {
    let _l = fresh();
    {
        let _g = FakeConfig::patch_values([("e_deprecated", Value::Bool(false))]).unwrap();
        assert!(!FakeConfig::read(|c| c.e_deprecated));
    }
    assert!(FakeConfig::read(|c| c.e_deprecated));
    FakeConfig::set_values([("e_deprecated", Value::Bool(false))]).unwrap();
    assert!(!FakeConfig::read(|c| c.e_deprecated));
    FakeConfig::reset();
}

/// DEP-167: a deprecated alias warns with its own name and message, and
/// reads its target.
#[test]
fn dep_167_a_deprecated_alias_warns_with_its_own_name() {
    let _l = fresh();
    let v = FakeConfig::current()
        .get_value("e_deprecated_alias")
        .unwrap();
    assert_eq!(v, Value::Bool(false));
    assert_eq!(
        seen(),
        ["`FakeConfig.e_deprecated_alias` is deprecated and use something else instead; it will be removed in a future version"]
    );
}

/// DEP-168: through an alias to a deprecated field, the target's warning
/// comes too (after the alias's own, if it has one).
#[test]
fn dep_168_an_alias_of_a_deprecated_field_gives_the_targets_warning() {
    let _l = fresh();
    Legacy::current().get_value("older_knob").unwrap();
    assert_eq!(
        seen(),
        ["`Legacy.old_knob` is deprecated; it will be removed in a future version"]
    );
    fuzzer_core::reset_deprecation_warnings();
    SEEN.lock().unwrap().clear();
    Legacy::current().get_value("oldest_knob").unwrap();
    assert_eq!(
        seen(),
        [
            "`Legacy.oldest_knob` is deprecated and call it new_mode; it will be removed in a future version",
            "`Legacy.old_knob` is deprecated; it will be removed in a future version",
        ]
    );
}

/// DEP-169: snapshot APIs, compiled reads and the fuzzer never warn.
#[test]
#[allow(deprecated)]
fn dep_169_snapshots_compiled_code_and_the_fuzzer_never_warn() {
    let _l = fresh();
    let _g = FakeConfig::patch(|c| c.e_deprecated = false);
    let _ = FakeConfig::read(|c| (c.e_deprecated, c.e_deprecated_alias()));
    let _ = FakeConfig::to_values();
    let _ = FakeConfig::changed();
    let _ = FakeConfig::save_json();
    let _ = FakeConfig::config_hash();
    let _ = FakeConfig::codegen();
    let _ = FakeConfig::fields();
    let _ = FakeConfig::aliases();
    let _ = FakeConfig::field_index("e_deprecated_alias");
    let fuzzer = ConfigFuzzer::<Legacy>::new(|| Legacy::read(|c| c.old_knob >= 0), 3)
        .pin("old_knob", Value::Int(2))
        .unwrap();
    let results = fuzzer.fuzz_n_tuple(1, 10);
    assert!(results.num_ran() > 0);
    let _ = fuzzer.test_config(&[("old_knob".to_string(), Value::Int(1))].into());
    assert_eq!(seen(), Vec::<String>::new());
}

/// DEP-170: loading JSON that names a deprecated field or alias warns.
#[test]
fn dep_170_load_json_warns() {
    let _l = fresh();
    FakeConfig::load_json(r#"{"e_deprecated": true, "e_deprecated_alias": true}"#).unwrap();
    FakeConfig::reset();
    let fields: Vec<String> = SEEN
        .lock()
        .unwrap()
        .iter()
        .map(|w| w.field().to_string())
        .collect();
    assert_eq!(fields, ["e_deprecated", "e_deprecated_alias"]);
}

/// DEP-170 (env): an env value read for a deprecated field warns, and one
/// read through a deprecated alias's name warns with the alias and the
/// target; an unset variable does not warn.
#[test]
fn dep_170_env_values_read_for_deprecated_fields_warn() {
    let _l = fresh();
    Legacy::reload_env().unwrap();
    assert_eq!(seen(), Vec::<String>::new());
    std::env::set_var("DEP_TEST_OLDEST_KNOB", "3");
    Legacy::reload_env().unwrap();
    std::env::remove_var("DEP_TEST_OLDEST_KNOB");
    #[allow(deprecated)]
    let v = Legacy::read(|c| c.old_knob);
    assert_eq!(v, 3);
    let fields: Vec<String> = SEEN
        .lock()
        .unwrap()
        .iter()
        .map(|w| w.field().to_string())
        .collect();
    assert_eq!(fields, ["oldest_knob", "old_knob"]);
    Legacy::reload_env().unwrap();
}

/// DEP-171: the once-flags are process-wide and can be reset (for tests).
#[test]
fn dep_171_reset_lets_each_warn_again() {
    let _l = fresh();
    FakeConfig::is_default("e_deprecated").unwrap();
    FakeConfig::is_default("e_deprecated").unwrap();
    assert_eq!(seen().len(), 1);
    std::thread::spawn(|| FakeConfig::is_default("e_deprecated").unwrap())
        .join()
        .unwrap();
    assert_eq!(seen().len(), 1, "once per process, not per thread");
    fuzzer_core::reset_deprecation_warnings();
    FakeConfig::is_default("e_deprecated").unwrap();
    assert_eq!(seen().len(), 2);
}

/// `FieldMeta` and `AliasMeta` carry the message.
#[test]
fn metadata_carries_the_deprecation_note() {
    let f = |n: &str| &Legacy::fields()[Legacy::field_index(n).unwrap()];
    assert_eq!(f("old_knob").deprecation(), Some(""));
    assert_eq!(f("fresh").deprecation(), None);
    let a: Vec<Option<&str>> = Legacy::aliases().iter().map(|a| a.deprecation()).collect();
    assert_eq!(a, [None, Some("call it new_mode")]);
}

/// The handler may use the config it is warned about (no lock is held).
#[test]
fn the_handler_may_read_the_config() {
    let _l = fresh();
    fuzzer_core::set_warning_handler(|w| {
        let n = Legacy::read(|c| c.fresh);
        SEEN.lock().unwrap().push(w.clone());
        assert!(!n);
    });
    Legacy::is_default("old_knob").unwrap();
    assert_eq!(seen().len(), 1);
}

/// DEP-164, DEP-170 (`unset`, PyTorch's `delattr`): unsetting a deprecated
/// field, or through a deprecated alias, by name is a write by name and
/// warns like one; `field_type` and `load_json_lenient`'s unknown keys are
/// look-ups and do not.
#[test]
fn dep_164_170_unset_by_name_warns_field_type_does_not() {
    let _l = fresh();
    Legacy::field_type("oldest_knob").unwrap();
    Legacy::load_json_lenient(r#"{"no_such_knob": 1}"#).unwrap();
    assert_eq!(seen(), Vec::<String>::new());
    Legacy::unset("oldest_knob").unwrap();
    let fields: Vec<String> = SEEN
        .lock()
        .unwrap()
        .iter()
        .map(|w| w.field().to_string())
        .collect();
    assert_eq!(fields, ["oldest_knob", "old_knob"]);
}

/// DEP-170 (env, on `reload_env`): the handler may write the config it is
/// warned about while the reload reports (only this thread's reentrant
/// writer lock is held then).
#[test]
fn dep_170_the_handler_may_write_the_config_during_reload_env() {
    let _l = fresh();
    fuzzer_core::set_warning_handler(|w| {
        Legacy::set(|c| c.fresh = true);
        SEEN.lock().unwrap().push(w.clone());
    });
    std::env::set_var("DEP_TEST_OLD_KNOB", "5");
    let reloaded = Legacy::reload_env();
    std::env::remove_var("DEP_TEST_OLD_KNOB");
    reloaded.unwrap();
    assert_eq!(seen().len(), 1);
    assert!(Legacy::read(|c| c.fresh));
    Legacy::reset();
    Legacy::reload_env().unwrap();
}

/// A section for [`OldSections`].
#[derive(ConfigSection, Clone, Debug, PartialEq)]
pub struct Pool {
    /// Pool size.
    #[config(default = 2)]
    pub size: i64,
}

/// A deprecated alias of a whole section.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
#[allow(deprecated)]
pub struct OldSections {
    /// The pool.
    #[config(nested)]
    pub pool: Pool,
    /// The pool's old name.
    #[deprecated(note = "is replaced by pool")]
    #[config(alias = "pool")]
    pub old_pool: Alias<Pool>,
}

/// DEP-167 for an alias of a whole section: each of its fields, used by
/// name, warns once with its own name and the section alias's note; the
/// value is the section's.
#[test]
fn dep_167_a_deprecated_section_alias_warns_per_field() {
    let _l = fresh();
    assert_eq!(
        OldSections::current().get_value("old_pool.size").unwrap(),
        Value::Int(2)
    );
    OldSections::current().get_value("old_pool.size").unwrap();
    assert_eq!(
        seen(),
        ["`OldSections.old_pool.size` is deprecated and is replaced by pool; it will be removed in a future version"]
    );
    assert_eq!(
        OldSections::aliases()[0].deprecation(),
        Some("is replaced by pool")
    );
    OldSections::current().get_value("pool.size").unwrap();
    assert_eq!(seen().len(), 1);
}
