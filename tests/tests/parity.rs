//! Behaviours of PyTorch's config module and fuzzer (the behaviour spec)
//! that worked here but had no test of their own, found by the audit in
//! `docs/pytorch-parity.md`. One test per item, named after its number.

use fake_config::{FakeConfig, ImplicationConfig, ImplicationMode};
use fuzzer_core::prelude::*;
use fuzzer_core::Warning;
use tests::global_lock;

/// Env vars given as lists, and an env var equal to the declared default.
/// The names are this file's own, so no other test changes them.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct EnvLists {
    /// First set of three env vars.
    #[config(default = false, env = ["PARITY_UNSET", "PARITY_ONE", "PARITY_ZERO"])]
    pub first_set: bool,
    /// Forced by the first set of two env vars.
    #[config(default = false, env_force = ["PARITY_UNSET", "PARITY_ONE"])]
    pub forced: bool,
    /// Env var equal to the default.
    #[config(default = 7, env = "PARITY_SEVEN")]
    pub seven: i64,
    /// Env var differing from the default.
    #[config(default = 7, env = "PARITY_EIGHT")]
    pub eight: i64,
}

fn env_lists_env() {
    std::env::remove_var("PARITY_UNSET");
    std::env::set_var("PARITY_ONE", "1");
    std::env::set_var("PARITY_ZERO", "0");
    std::env::set_var("PARITY_SEVEN", "7");
    std::env::set_var("PARITY_EIGHT", "8");
    EnvLists::reload_env().unwrap();
}

/// ENV-35: with several env names the first one that is set wins, left to
/// right, for `env` and `env_force` alike (an unset name is passed over).
#[test]
fn spec_035_the_first_set_env_var_wins() {
    let _l = global_lock();
    env_lists_env();
    assert!(EnvLists::read(|c| c.first_set));
    assert!(EnvLists::read(|c| c.forced));
    // Forced: a patch does not beat it.
    let _g = EnvLists::patch(|c| c.forced = false);
    assert!(EnvLists::read(|c| c.forced));
    drop(_g);
    std::env::set_var("PARITY_UNSET", "0");
    EnvLists::reload_env().unwrap();
    assert!(!EnvLists::read(|c| c.first_set));
    assert!(!EnvLists::read(|c| c.forced));
    std::env::remove_var("PARITY_UNSET");
    EnvLists::reload_env().unwrap();
}

/// ENV-39, DEF-158 (and DEF-157): an env value equal to the declared
/// default leaves the field default; one that differs does not.
#[test]
fn spec_039_158_an_env_value_equal_to_the_default_stays_default() {
    let _l = global_lock();
    env_lists_env();
    assert_eq!(EnvLists::read(|c| (c.seven, c.eight)), (7, 8));
    assert!(EnvLists::is_default("seven").unwrap());
    assert!(!EnvLists::is_default("eight").unwrap());
    let changed = EnvLists::changed();
    assert!(!changed.contains_key("seven"), "{changed:?}");
    assert_eq!(changed.get("eight"), Some(&Value::Int(8)));
    assert!(!EnvLists::codegen().contains("seven"));
}

/// PREC-30, PREC-31: `None` is a value of an `Option` field, distinct from
/// "no override": it beats a default of `Some(..)`, and writing `Some(false)`
/// then `None` reads each back. (A `None` into a `bool` field, or a string
/// into an `Option<bool>`, does not compile.)
#[test]
fn spec_030_031_none_is_a_value_of_an_option_field() {
    let _g = FakeConfig::patch(|c| c.e_optional = None);
    assert_eq!(FakeConfig::read(|c| c.e_optional), None);
    assert!(!FakeConfig::is_default("e_optional").unwrap());
    let _h = FakeConfig::patch(|c| c.e_optional = Some(false));
    assert_eq!(FakeConfig::read(|c| c.e_optional), Some(false));
    let _i =
        FakeConfig::patch_values([("e_none", Value::Some(Box::new(Value::Bool(true))))]).unwrap();
    assert_eq!(FakeConfig::read(|c| c.e_none), Some(true));
    let _j = FakeConfig::patch_values([("e_none", Value::None)]).unwrap();
    assert_eq!(FakeConfig::read(|c| c.e_none), None);
    assert!(FakeConfig::is_default("e_none").unwrap());
}

/// PATCH-56: a patch that changes nothing is a no-op guard.
#[test]
fn spec_056_an_empty_patch_changes_nothing() {
    // The whole config is compared over time: no `set` of another test
    // may change it meanwhile.
    let _l = global_lock();
    let before = FakeConfig::current();
    let g = FakeConfig::patch(|_| {});
    assert_eq!(*FakeConfig::current(), *before);
    let h = FakeConfig::patch_values(Vec::<(&str, Value)>::new()).unwrap();
    assert_eq!(*FakeConfig::current(), *before);
    drop(h);
    drop(g);
    assert_eq!(*FakeConfig::current(), *before);
}

/// PATCH-57: every name of a patch is checked before anything is applied:
/// an unknown one (here after a good one and an alias) is an error naming
/// the closest field, and nothing changes.
#[test]
fn spec_057_an_unknown_name_in_a_patch_applies_nothing() {
    let err = FakeConfig::patch_values([
        ("e_int", Value::Int(5)),
        ("e_deprecated_alias", Value::Bool(true)),
        ("e_strng", Value::Str("x".into())),
    ])
    .unwrap_err();
    assert!(err.to_string().contains("`e_string`"), "{err}");
    assert_eq!(
        FakeConfig::read(|c| (c.e_int, c.e_not_deprecated, c.e_string.clone())),
        (1, false, "string".to_string())
    );
}

/// PATCH-70, PATCH-72, CLOS-77, CLOS-79, DICT-120, DICT-121: `to_values`
/// (PyTorch's `_get_dict`) sees a patch while it is active and the previous
/// value once its guard (PyTorch's closure patcher's `revert`) drops; a
/// snapshot taken earlier keeps the values it had.
#[test]
fn spec_070_072_079_to_values_follows_patches_and_guard_drops() {
    let before = FakeConfig::to_values();
    assert_eq!(before["e_int"], Value::Int(1));
    let g = FakeConfig::patch(|c| c.e_int = 42);
    let inside = FakeConfig::to_values();
    assert_eq!(inside["e_int"], Value::Int(42));
    assert_eq!(before["e_int"], Value::Int(1));
    drop(g);
    assert_eq!(FakeConfig::to_values()["e_int"], Value::Int(1));
    assert_eq!(inside["e_int"], Value::Int(42));
}

/// MUT-92, MUT-93, MUT-97 (a difference): a collection changed in place
/// inside a patch reads back changed on this thread and is a write: it shows
/// in `changed()` and the hash; the declared default is never touched.
#[test]
fn spec_092_093_097_in_place_changes_are_writes() {
    // The whole config's hash is compared over time: no `set` of another
    // test may change it meanwhile.
    let _l = global_lock();
    let hash = FakeConfig::config_hash();
    let g = FakeConfig::patch(|c| {
        c.e_list.push(2);
        c.e_set.insert(2);
        c.e_dict.insert(2, 3);
    });
    FakeConfig::read(|c| {
        assert_eq!(c.e_list, vec![1, 2]);
        assert_eq!(c.e_set.len(), 2);
        assert_eq!(c.e_dict.get(&2), Some(&3));
    });
    let changed = FakeConfig::changed();
    assert!(["e_list", "e_set", "e_dict"]
        .iter()
        .all(|k| changed.contains_key(*k)));
    assert_ne!(FakeConfig::config_hash(), hash);
    drop(g);
    assert_eq!(FakeConfig::config_hash(), hash);
    assert_eq!(FakeConfig::defaults().e_list, vec![1]);
    assert_eq!(FakeConfig::read(|c| c.e_list.clone()), vec![1]);
}

/// ALIAS-179: an alias's type is its target's (`Alias<T>` reads a `T`).
#[test]
fn spec_179_field_type_of_an_alias_is_its_targets() {
    assert_eq!(
        FakeConfig::field_type("e_deprecated_alias").unwrap(),
        "bool"
    );
    assert_eq!(
        FakeConfig::field_type("e_nested_alias_bool").unwrap(),
        "bool"
    );
}

/// ALIAS-187 (the divergent revision's behaviour): unsetting an alias
/// drops its target's process-wide override, and the hash follows.
#[test]
fn spec_187_unset_by_alias_name_resets_the_target() {
    let _l = global_lock();
    let hash = FakeConfig::config_hash();
    FakeConfig::set(|c| c.nested.e_bool = false);
    assert!(!FakeConfig::read(|c| c.nested.e_bool));
    assert_ne!(FakeConfig::config_hash(), hash);
    FakeConfig::unset("e_nested_alias_bool").unwrap();
    assert!(FakeConfig::read(|c| c.nested.e_bool));
    assert_eq!(FakeConfig::config_hash(), hash);
    FakeConfig::reset();
}

/// NEST-217: a section field is unset by its dotted name.
#[test]
fn spec_217_unset_a_section_field_by_its_dotted_name() {
    let _l = global_lock();
    FakeConfig::set(|c| {
        c.nested.e_bool = false;
        c.e_int = 3;
    });
    FakeConfig::unset("nested.e_bool").unwrap();
    assert_eq!(FakeConfig::read(|c| (c.nested.e_bool, c.e_int)), (true, 3));
    FakeConfig::reset();
}

/// A config with a deprecated implication target.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
#[allow(deprecated)]
pub struct DeprecatedTarget {
    /// Implies `old_level = 3`.
    #[config(default = false, implies(true => { old_level = 3 }))]
    pub strict: bool,
    #[deprecated(note = "set strict instead")]
    /// Deprecated, implied by `strict`.
    #[config(default = 0)]
    pub old_level: i64,
}

/// IMPL-212: reading a target by name while its rule is active gives the
/// implied value and still warns for the deprecated target.
#[test]
fn spec_212_an_implied_deprecated_target_still_warns() {
    static SEEN: std::sync::Mutex<Vec<Warning>> = std::sync::Mutex::new(Vec::new());
    let _l = global_lock();
    fuzzer_core::set_warning_handler(|w| SEEN.lock().unwrap().push(w.clone()));
    fuzzer_core::reset_deprecation_warnings();
    let _g = DeprecatedTarget::patch_values([("strict", Value::Bool(true))]).unwrap();
    let v = DeprecatedTarget::current().get_value("old_level").unwrap();
    assert_eq!(v, Value::Int(3));
    let seen: Vec<String> = SEEN.lock().unwrap().iter().map(|w| w.to_string()).collect();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(
        seen[0].contains("old_level") && seen[0].contains("set strict instead"),
        "{seen:?}"
    );
    fuzzer_core::reset_deprecation_warnings();
}

/// IMPL-208 by name and IMPL-205 through a section: the stored value of a
/// target shows again once the source is set back.
#[test]
fn spec_205_208_implied_values_by_name() {
    let g = ImplicationConfig::patch(|c| c.mode = ImplicationMode::Strict);
    let c = ImplicationConfig::current();
    assert_eq!(c.get_value("nested.enabled").unwrap(), Value::Bool(true));
    assert_eq!(c.get_value("downstream").unwrap(), Value::Int(1));
    drop(g);
    let c = ImplicationConfig::current();
    assert_eq!(c.get_value("nested.enabled").unwrap(), Value::Bool(false));
    assert_eq!(c.get_value("downstream").unwrap(), Value::Int(0));
}

/// RES-239: which statuses count as failing.
#[test]
fn spec_239_failing_statuses() {
    assert!(!Status::Passed.is_failing());
    assert!(!Status::Skipped.is_failing());
    for s in [
        Status::FailedReturn,
        Status::FailedError,
        Status::FailedPanic,
        Status::FailedTimeout,
        Status::FailedCrash,
        Status::Flaky,
    ] {
        assert!(s.is_failing(), "{s:?}");
    }
}

/// RES-243: `lookup` of a combination never run is `None`.
#[test]
fn spec_243_lookup_of_a_missing_key_is_none() {
    let fuzzer = ConfigFuzzer::<FakeConfig>::new(|| true, 1);
    let results = fuzzer.reproduce(&[ConfigDiff::from([("e_int".to_string(), Value::Int(2))])]);
    assert_eq!(results.lookup(&["e_int"]), Some(Status::Passed));
    assert_eq!(results.lookup(&["e_bool"]), None);
    assert_eq!(results.lookup(&["e_int", "e_bool"]), None);
}

/// CTOR-252: a fuzzer's `Debug` names its config type and its seed.
#[test]
fn spec_252_debug_names_the_config_and_the_seed() {
    let fuzzer = ConfigFuzzer::<FakeConfig>::new(|| true, 1234);
    let text = format!("{fuzzer:?}");
    assert!(
        text.contains("FakeConfig") && text.contains("1234"),
        "{text}"
    );
}

/// REPRO-278: reproducing one config gives a fresh `Results` with one entry.
#[test]
fn spec_278_reproduce_of_one_config() {
    let fuzzer = ConfigFuzzer::<FakeConfig>::new(|| FakeConfig::read(|c| c.e_bool), 1);
    let off = ConfigDiff::from([("e_bool".to_string(), Value::Bool(false))]);
    let results = fuzzer.reproduce(std::slice::from_ref(&off));
    assert_eq!(results.len(), 1);
    assert_eq!(results.lookup(&["e_bool"]), Some(Status::FailedReturn));
    let again = fuzzer.reproduce(&[off]);
    assert_eq!(again.len(), 1);
}

/// Three plain fields for sweeps.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Three {
    /// A flag.
    pub a: bool,
    /// Another flag.
    pub b: bool,
    /// A number.
    #[config(default = 3)]
    pub c: i64,
}

/// NTUP-275: a combination already run is not run again: a second sweep
/// with the same seed draws the same values and answers from the memo.
#[test]
fn spec_275_a_combination_already_run_is_not_run_again() {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let fuzzer = ConfigFuzzer::<Three>::new(
        || {
            CALLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            true
        },
        1,
    );
    let first = fuzzer.fuzz_n_tuple(2, 100);
    let calls = CALLS.load(std::sync::atomic::Ordering::SeqCst);
    let second = fuzzer.fuzz_n_tuple(2, 100);
    let again = CALLS.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(first.num_ran(), second.num_ran());
    assert!(first.num_ran() > 0);
    assert_eq!(again, calls);
}

/// Settings two configs share.
#[derive(ConfigSection, Clone, Debug, PartialEq)]
pub struct Shared {
    /// A shared flag.
    #[config(default = true)]
    pub fast: bool,
}

/// One holder of [`Shared`].
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Parent {
    /// The shared fields.
    #[config(nested)]
    pub shared: Shared,
}

/// Another holder of [`Shared`], with a field of its own.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Child {
    /// The shared fields.
    #[config(nested)]
    pub shared: Shared,
    /// The child's own field.
    #[config(default = 1)]
    pub depth: i64,
}

/// INST-16 (a difference): PyTorch's `inherit_fields_from` copies a parent
/// class's fields into a child as independent entries; here both hold one
/// `ConfigSection` type, and each has its own values.
#[test]
fn spec_016_a_shared_section_type_gives_independent_fields() {
    let _g = Parent::patch(|c| c.shared.fast = false);
    assert!(!Parent::read(|c| c.shared.fast));
    assert!(Child::read(|c| c.shared.fast));
    let names: Vec<&str> = Child::fields().iter().map(|f| f.name()).collect();
    assert_eq!(names, ["shared.fast", "depth"]);
}

/// VIS-280 (a difference): `to_html` draws any results, of any arity or
/// none, where PyTorch's `visualize_results` asserts `n == 2` and a
/// non-empty result.
#[test]
fn spec_280_html_of_any_results() {
    let empty = Results::new().to_html();
    assert!(empty.contains("<html"), "{empty}");
    // PyTorch's one draw per triple.
    let fuzzer = ConfigFuzzer::<Three>::new(|| Three::read(|c| !(c.a && c.b)), 1)
        .n_tuple_draw(fuzzer_core::NTupleDraw::Single);
    let triples = fuzzer.fuzz_n_tuple(3, 10);
    assert_eq!(triples.num_ran(), 1);
    let html = triples.to_html();
    assert!(html.contains("1 ran, 0 skipped, 1 failed."), "{html}");
}
