//! `save_json_portable`: PyTorch's `save_config_portable` (spec §11).

use fake_config::FakeConfig;
use fuzzer_core::prelude::*;
use serde_json::json;
use tests::global_lock;

/// The keys of an entry-per-line JSON object, in the text's order.
fn keys_in_order(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim_start().strip_prefix('"'))
        .filter_map(|l| l.split_once("\": ").map(|(k, _)| k.to_string()))
        .collect()
}

/// PORT-109, §A4: drops private (`_`) fields and the `portable_ignore`
/// prefixes (PyTorch's `_cache_config_ignore_prefix`, `magic_cache_config`),
/// keeps `skip_save` fields (`e_ignored`) and compile-ignored ones, in
/// declaration order. The 23 keys of §A4, in Rust form: FakeConfig spells
/// `e_env_default_FALSE` as `e_env_default_false` and has no alias fields.
#[test]
fn spec_109_portable_save_is_appendix_a4() {
    let _l = global_lock();
    let text = FakeConfig::save_json_portable();
    let expected = json!({
        "e_bool": true, "e_int": 1, "e_float": 1.0, "e_string": "string", "e_list": [1],
        "e_set": [1], "e_tuple": [1], "e_dict": {"1": 2}, "e_none": null, "e_optional": true,
        "e_ignored": true, "e_compile_ignored": true, "e_config": true, "e_jk": true,
        "e_jk_false": false, "e_env_default": true, "e_env_default_false": false,
        "e_env_default_str": "1234", "e_env_default_str_empty": "", "e_env_force": true,
        "e_deprecated": true, "e_not_deprecated": false, "nested.e_bool": true,
    });
    let got: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(got, expected, "{text}");
    assert_eq!(got.as_object().unwrap().len(), 23);
    let declared: Vec<&str> = FakeConfig::fields()
        .iter()
        .map(|f| f.name())
        .filter(|n| expected.get(n).is_some())
        .collect();
    assert_eq!(keys_in_order(&text), declared);
}

/// PORT-101: `load_json` reads a portable save back; fields it leaves out
/// (private ones) keep their values.
#[test]
fn spec_101_load_json_takes_a_portable_save_and_leaves_private_fields_alone() {
    let _l = global_lock();
    let portable = FakeConfig::save_json_portable();
    FakeConfig::set(|c| {
        c.e_bool = false;
        c._e_ignored = false;
    });
    FakeConfig::load_json(&portable).unwrap();
    assert_eq!(
        FakeConfig::read(|c| (c.e_bool, c._e_ignored)),
        (true, false)
    );
    FakeConfig::reset();
}

#[derive(ConfigSection, Clone, Debug, PartialEq)]
struct Trace {
    enabled: bool,
    _level: i64,
}

#[derive(ConfigSection, Clone, Debug, PartialEq)]
struct Cuda {
    arch: String,
}

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
#[config(portable_ignore = ["cuda.", "trace.enab", "local_"])]
struct Machine {
    #[config(default = 2)]
    opt_level: i64,
    local_dir: String,
    #[config(nested)]
    trace: Trace,
    #[config(nested)]
    cuda: Cuda,
    #[config(nested)]
    _internal: Cuda,
    #[config(skip_save)]
    verbose: bool,
}

/// PORT-109 on sections: prefixes match dotted names (a whole section, or
/// part of a name), a private section or a private field in a section is
/// private, and the values are this thread's effective ones.
#[test]
fn spec_109_prefixes_and_privacy_apply_to_dotted_names() {
    let _g = Machine::patch(|c| c.opt_level = 3);
    let text = Machine::save_json_portable();
    assert_eq!(keys_in_order(&text), ["opt_level", "verbose"], "{text}");
    let got: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(got, json!({"opt_level": 3, "verbose": false}));
    // `save_json` still has every field but `skip_save` ones.
    assert!(Machine::save_json().contains("\"cuda.arch\""));
    assert!(!Machine::save_json().contains("\"verbose\""));
}
