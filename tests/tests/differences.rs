//! The README's "Where this differs from PyTorch" lines that no other test
//! file pins down: each test checks the behaviour the line documents.

use fake_config::FakeConfig;
use fuzzer_core::prelude::*;

fn diff(pairs: &[(&str, Value)]) -> ConfigDiff {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// NTUP-273: `fuzz_n_tuple(n, 0)` runs no combination (PyTorch counts a
/// combination down only after running it, so it runs one).
#[test]
fn spec_273_fuzz_n_tuple_with_zero_combinations_runs_none() {
    let fuzzer = ConfigFuzzer::<FakeConfig>::new(|| true, 0);
    let results = fuzzer.fuzz_n_tuple(2, 0);
    assert_eq!(results.num_ran(), 0);
    assert_eq!(results.len(), 0);
    assert_eq!(fuzzer.num_runs(), 0);
    // One more allowed runs exactly one: one config in PyTorch's
    // single-draw shape, ...
    let single =
        ConfigFuzzer::<FakeConfig>::new(|| true, 0).n_tuple_draw(fuzzer_core::NTupleDraw::Single);
    assert_eq!(single.fuzz_n_tuple(2, 1).num_ran(), 1);
    // ... and one combination of fields, at each of its levels, by default.
    let all = fuzzer.fuzz_n_tuple(2, 1);
    let names: std::collections::BTreeSet<Vec<&String>> =
        all.iter().map(|(c, _)| c.keys().collect()).collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(all.num_ran() >= 1);
}

/// BIS-268: `minimize` of a config that passes is `None`, whatever its
/// size (PyTorch's helper returns a passing config of two or more fields
/// unchanged, as if it were minimal).
#[test]
fn spec_268_minimize_of_a_passing_config_is_none() {
    let fuzzer = ConfigFuzzer::<FakeConfig>::new(|| true, 0);
    let one = diff(&[("e_bool", Value::Bool(false))]);
    let two = diff(&[("e_bool", Value::Bool(false)), ("e_int", Value::Int(5))]);
    assert_eq!(fuzzer.minimize(&one), None);
    assert_eq!(fuzzer.minimize(&two), None);
    assert!(fuzzer.try_minimize(&two).unwrap().is_none());
}

/// THR-83, THR-84, SAVE-100: `set` and `load_json` change the config of
/// every thread (PyTorch's plain assignment and `load_config` change only
/// the calling thread); the per-thread form is `patch`.
#[test]
fn spec_083_084_100_set_and_load_json_are_process_wide_and_patch_is_per_thread() {
    let other = || {
        std::thread::spawn(|| FakeConfig::read(|c| c.e_int))
            .join()
            .unwrap()
    };
    let base = FakeConfig::read(|c| c.e_int);
    {
        let _g = FakeConfig::patch(|c| c.e_int = base + 1);
        assert_eq!(FakeConfig::read(|c| c.e_int), base + 1);
        assert_eq!(other(), base);
    }
    FakeConfig::set(|c| c.e_int = base + 2);
    assert_eq!(other(), base + 2);
    FakeConfig::load_json(&format!(r#"{{"e_int": {}}}"#, base + 3)).unwrap();
    assert_eq!(other(), base + 3);
    FakeConfig::reset();
    assert_eq!(other(), base);
}
