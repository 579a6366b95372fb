//! The fuzzer skips private (`_`) and `TESTING_ONLY` fields by rule, as
//! PyTorch's does, without `#[fuzz(skip)]`.

use fuzzer_core::prelude::*;
use fuzzer_core::{FuzzRole, PRIVATE_FIELD, TESTING_ONLY};

#[derive(ConfigSection, Clone, Debug, PartialEq)]
struct Inner {
    flag: bool,
}

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
#[allow(non_snake_case)]
struct Rules {
    a: bool,
    _private: bool,
    inject_bug_TESTING_ONLY: bool,
    testing_only_lowercase: bool,
    #[fuzz(pin = true)]
    _pinned_private: bool,
    #[config(nested)]
    _section: Inner,
    #[config(nested)]
    open: Inner,
}

fn role(name: &str) -> &'static FuzzRole {
    Rules::fields()[Rules::field_index(name).unwrap()].fuzz_role()
}

/// BIS-263, NTUP-272: the roles by name: `_` anywhere in the dotted name is
/// private, `TESTING_ONLY` (case-sensitive, as in PyTorch) is testing only;
/// an explicit `#[fuzz(pin)]` still wins.
#[test]
fn spec_263_roles_by_name() {
    let skip = |reason| FuzzRole::Skip { reason };
    assert_eq!(role("a"), &FuzzRole::Fuzzed);
    assert_eq!(role("_private"), &skip(PRIVATE_FIELD));
    assert_eq!(role("inject_bug_TESTING_ONLY"), &skip(TESTING_ONLY));
    assert_eq!(role("testing_only_lowercase"), &FuzzRole::Fuzzed);
    assert_eq!(role("_pinned_private"), &FuzzRole::Pin(Value::Bool(true)));
    assert_eq!(role("_section.flag"), &skip(PRIVATE_FIELD));
    assert_eq!(role("open.flag"), &FuzzRole::Fuzzed);
}

/// BIS-263: with p = 1 every fuzzable field is sampled, and never the
/// skipped ones: a test that fails on any change to them never fails.
#[test]
fn spec_263_bisect_never_samples_private_or_testing_only_fields() {
    let fuzzer = ConfigFuzzer::<Rules>::new(
        || {
            Rules::read(|c| {
                !c._private && !c.inject_bug_TESTING_ONLY && !c._section.flag && c._pinned_private
            })
        },
        5,
    );
    assert!(fuzzer.bisect(20, 1.0).is_empty());
    let pinned = fuzzer.pinned();
    assert_eq!(pinned.get("_private"), Some(&Value::Bool(false)));
    assert_eq!(pinned.get("_pinned_private"), Some(&Value::Bool(true)));
    // The rule-skipped fields still sit in the domain of other fields' bugs.
    let found = ConfigFuzzer::<Rules>::new(|| Rules::read(|c| !c.a), 5).bisect(3, 1.0);
    assert!(found.iter().all(|d| d.keys().eq(["a"])), "{found:?}");
}

/// NTUP-272: an n-tuple combination with a skipped field is Skipped.
#[test]
fn spec_272_n_tuple_skips_combinations_with_private_or_testing_only_fields() {
    let results = ConfigFuzzer::<Rules>::new(|| true, 5).fuzz_n_tuple(2, 100);
    assert_eq!(results.lookup(&["a", "_private"]), Some(Status::Skipped));
    assert_eq!(
        results.lookup(&["a", "inject_bug_TESTING_ONLY"]),
        Some(Status::Skipped)
    );
    assert_eq!(results.lookup(&["a", "open.flag"]), Some(Status::Passed));
}

/// Pins and `keep_default` still apply to rule-skipped fields, and a pin
/// at another value is used in every run.
#[test]
fn pins_on_rule_skipped_fields_still_work() {
    let fuzzer = ConfigFuzzer::<Rules>::new(|| Rules::read(|c| c._private), 5)
        .pin("_private", Value::Bool(true))
        .unwrap()
        .keep_default("inject_bug_TESTING_ONLY")
        .unwrap();
    assert_eq!(fuzzer.pinned().get("_private"), Some(&Value::Bool(true)));
    assert_eq!(fuzzer.test_config(&ConfigDiff::new()), Status::Passed);
}
