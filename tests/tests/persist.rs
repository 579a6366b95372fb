//! save/load, to_values/changed, config_hash, codegen, by-name access
//! (spec areas "save/load", "get_config_copy", "get_hash", "codegen").

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
fn spec_099_save_json_holds_every_effective_value_except_skip_save() {
    let _l = global_lock();
    let json: serde_json::Value = serde_json::from_str(&FakeConfig::save_json()).unwrap();
    let obj = json.as_object().unwrap();
    // PyTorch's A3 snapshot has 26 keys; we have no alias fields, and
    // e_ignored is skip_save, so: 27 fields - e_ignored.
    assert_eq!(obj.len(), 26);
    assert!(!obj.contains_key("e_ignored"));
    assert_eq!(obj["e_bool"], true);
    assert_eq!(obj["e_dict"], serde_json::json!({"1": 2}));
    assert_eq!(obj["e_float"], 1.0);
    assert_eq!(obj["e_tuple"], serde_json::json!([1]));
    assert_eq!(obj["e_none"], serde_json::Value::Null);
    assert_eq!(obj["e_env_default_str"], "1234");
    assert_eq!(obj["e_env_default_str_empty"], "");
    assert_eq!(obj["e_env_force"], true);
    assert_eq!(obj["nested.e_bool"], true);
    assert_eq!(obj["_save_config_ignore"], serde_json::json!(["e_ignored"]));
    // Declaration order.
    let text = FakeConfig::save_json();
    assert!(text.find("\"e_bool\"").unwrap() < text.find("\"nested.e_bool\"").unwrap());
}

#[test]
fn spec_071_save_json_inside_a_patch() {
    let _l = global_lock();
    let _g = FakeConfig::patch(|c| c.e_bool = false);
    let json: serde_json::Value = serde_json::from_str(&FakeConfig::save_json()).unwrap();
    assert_eq!(json["e_bool"], false);
    assert_eq!(json["e_int"], 1);
}

#[test]
fn spec_100_load_json_round_trip_leaves_skip_save_fields_alone() {
    let _l = global_lock();
    let _r = Reset;
    let saved = FakeConfig::save_json();
    FakeConfig::set(|c| {
        c.e_bool = false;
        c.e_ignored = false;
        c.e_dict.insert(5, 6);
    });
    FakeConfig::load_json(&saved).unwrap();
    FakeConfig::read(|c| {
        assert!(c.e_bool);
        assert!(!c.e_ignored);
        assert_eq!(c.e_dict, [(1, 2)].into_iter().collect());
    });
}

#[test]
fn load_json_reports_unknown_fields_with_the_closest_name_and_applies_nothing() {
    let _l = global_lock();
    let _r = Reset;
    let err = FakeConfig::load_json(r#"{"e_int": 5, "e_bol": false}"#).unwrap_err();
    assert_eq!(
        err,
        ConfigError::UnknownField {
            config: "FakeConfig",
            name: "e_bol".into(),
            suggestion: Some("e_bool".into()),
        }
    );
    assert!(err.to_string().contains("did you mean `e_bool`"), "{err}");
    assert_eq!(FakeConfig::read(|c| c.e_int), 1);
}

#[test]
fn load_json_reports_wrong_types_with_field_and_expected_type() {
    let _l = global_lock();
    let _r = Reset;
    let err = FakeConfig::load_json(r#"{"e_int": 5, "e_list": ["a"]}"#).unwrap_err();
    match &err {
        ConfigError::WrongType {
            field,
            expected,
            found,
        } => {
            assert_eq!(field, "e_list");
            assert_eq!(expected, "Vec<i64>");
            assert!(found.contains("[\"a\"]"), "{found}");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(FakeConfig::read(|c| c.e_int), 1);
}

#[test]
fn load_json_reports_where_malformed_json_breaks() {
    let _l = global_lock();
    let err = FakeConfig::load_json("{\n  \"e_int\": 5,\n  \"e_bool\" false\n}").unwrap_err();
    match &err {
        ConfigError::Json { line, column, .. } => assert_eq!((*line, *column), (3, 12)),
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().contains("line 3"), "{err}");
    let err = FakeConfig::load_json("[1, 2]").unwrap_err();
    assert!(err.to_string().contains("expected an object"), "{err}");
}

#[test]
fn spec_115_to_values_has_every_field() {
    let _l = global_lock();
    let v = FakeConfig::to_values();
    assert_eq!(v.len(), FakeConfig::fields().len());
    assert_eq!(v["e_ignored"], Value::Bool(true));
    assert_eq!(v["e_optional"], Value::Some(Box::new(Value::Bool(true))));
}

#[test]
fn changed_lists_env_driven_and_patched_fields() {
    let _l = global_lock();
    let _g = FakeConfig::patch(|c| c.e_bool = false);
    let changed: Vec<String> = FakeConfig::changed().into_keys().collect();
    assert_eq!(
        changed,
        [
            "e_bool",
            "e_env_default",
            "e_env_default_false",
            "e_env_default_str",
            "e_env_default_str_empty",
            "e_env_force"
        ]
    );
}

#[test]
fn spec_128_codegen_emits_changed_fields_except_skip_save_in_declaration_order() {
    let _l = global_lock();
    let _g = FakeConfig::patch(|c| {
        c.e_bool = false;
        c.e_ignored = false;
    });
    let expected = "#[allow(deprecated)]\nFakeConfig::set(|c| {\n    c.e_bool = false;\n    c.e_env_default = true;\n    c.e_env_default_false = false;\n    c.e_env_default_str = String::from(\"1234\");\n    c.e_env_default_str_empty = String::from(\"\");\n    c.e_env_force = true;\n});\n";
    assert_eq!(FakeConfig::codegen(), expected);
}

#[test]
fn spec_132_codegen_uses_dotted_paths_for_nested_fields() {
    let _l = global_lock();
    let _g = FakeConfig::patch(|c| c.nested.e_bool = false);
    assert!(FakeConfig::codegen().contains("    c.nested.e_bool = false;\n"));
}

#[test]
fn spec_131_values_equal_to_the_default_are_not_emitted() {
    let _l = global_lock();
    let _g = FakeConfig::patch(|c| {
        c.e_list = vec![1];
        c.e_dict.insert(1, 2);
    });
    let code = FakeConfig::codegen();
    assert!(
        !code.contains("e_list") && !code.contains("e_dict"),
        "{code}"
    );
}

#[test]
fn spec_142_143_145_hash_is_stable_and_follows_values() {
    let _l = global_lock();
    let base = FakeConfig::config_hash();
    assert_eq!(FakeConfig::config_hash(), base);
    {
        let _g = FakeConfig::patch(|c| c.e_bool = false);
        assert_ne!(FakeConfig::config_hash(), base);
        let _h = FakeConfig::patch(|c| c.e_bool = true);
        assert_eq!(FakeConfig::config_hash(), base);
    }
    assert_eq!(FakeConfig::config_hash(), base);
}

#[test]
fn spec_146_147_skip_hash_fields_are_left_out_and_skip_save_fields_are_in() {
    let _l = global_lock();
    let base = FakeConfig::config_hash();
    {
        let _g = FakeConfig::patch(|c| c.e_compile_ignored = false);
        assert_eq!(FakeConfig::config_hash(), base);
    }
    let _g = FakeConfig::patch(|c| c.e_ignored = false);
    assert_ne!(FakeConfig::config_hash(), base);
}

#[test]
fn hash_is_the_same_on_every_machine_and_release() {
    let _l = global_lock();
    // A golden value: it changes only if the canonical encoding or the
    // field set of FakeConfig changes, which would be a breaking change.
    let h = std::thread::spawn(FakeConfig::config_hash).join().unwrap();
    assert_eq!(h.to_string(), GOLDEN_HASH);
}

/// Computed independently of this crate, with a 10-line Python FNV-1a-128
/// over the sorted `name=json` lines of FakeConfig's effective values in the
/// test environment (everything but the skip_hash field `e_compile_ignored`).
const GOLDEN_HASH: &str = "c5814ec8593ac7b3fc6cf3bf53e6dc68";

#[test]
fn get_value_and_set_value_on_an_instance() {
    let _l = global_lock();
    let mut c = FakeConfig::defaults();
    c.set_value("nested.e_bool", &Value::Bool(false)).unwrap();
    assert!(!c.nested.e_bool);
    assert_eq!(
        c.get_value("e_tuple").unwrap(),
        Value::Tuple(vec![Value::Int(1)])
    );
    let err = c.set_value("e_int", &Value::Str("x".into())).unwrap_err();
    assert_eq!(
        err.to_string(),
        "field `e_int` has type `i64`, but the value given is string `\"x\"`"
    );
    let err = c.get_value("nested.e_boo").unwrap_err();
    assert!(
        err.to_string().contains("did you mean `nested.e_bool`"),
        "{err}"
    );
    let err = c.get_value("zzzzzz").unwrap_err();
    assert!(err.to_string().contains("fields()"), "{err}");
}
