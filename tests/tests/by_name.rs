//! By-name tools: `unset`, `field_type`, and `load_json_lenient`.

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

/// RW-44, RW-45: `unset` drops one field's process-wide override (PyTorch's
/// `del config.k`, without hiding the field): the field shows its env value
/// or declared default again, on every thread; other overrides, patches and
/// the hash follow.
#[test]
fn spec_044_unset_drops_one_process_wide_override() {
    let _l = global_lock();
    let _r = Reset;
    let hash = FakeConfig::config_hash();
    FakeConfig::set(|c| {
        c.e_int = 42;
        c.e_bool = false;
        c.e_env_default = false; // ENV_TRUE=1 gives `true`
    });
    assert_ne!(FakeConfig::config_hash(), hash);
    FakeConfig::unset("e_int").unwrap();
    FakeConfig::unset("e_env_default").unwrap();
    assert_eq!(
        FakeConfig::read(|c| (c.e_int, c.e_bool, c.e_env_default)),
        (1, false, true)
    );
    assert_eq!(
        std::thread::spawn(|| FakeConfig::read(|c| c.e_int))
            .join()
            .unwrap(),
        1
    );
    // A patch is not a process-wide override: it stays.
    let _g = FakeConfig::patch(|c| c.e_bool = true);
    FakeConfig::unset("e_bool").unwrap();
    assert!(FakeConfig::read(|c| c.e_bool));
    drop(_g);
    assert!(FakeConfig::read(|c| c.e_bool));
    // Unsetting a field with no override changes nothing.
    FakeConfig::unset("e_int").unwrap();
    assert_eq!(FakeConfig::config_hash(), hash);
    assert!(FakeConfig::changed().keys().all(|k| k.starts_with("e_env")));
}

/// RW-46: an unknown name is an error naming the closest field (PyTorch
/// raises `KeyError` after marking its caches dirty); nothing changes.
#[test]
fn spec_046_unset_of_an_unknown_field_is_an_error_with_the_closest_name() {
    let _l = global_lock();
    let _r = Reset;
    FakeConfig::set(|c| c.e_int = 7);
    let err = FakeConfig::unset("e_itn").unwrap_err();
    assert!(
        matches!(&err, ConfigError::UnknownField { suggestion: Some(s), .. } if s == "e_int"),
        "{err:?}"
    );
    assert!(FakeConfig::unset("nested").is_err());
    assert_eq!(FakeConfig::read(|c| c.e_int), 7);
}

/// INST-5, INST-8: `field_type` gives the field's Rust type (PyTorch's
/// `get_type`: `bool | None` is `Option<bool>`); an unknown name is an error.
#[test]
fn spec_005_008_field_type_by_name() {
    assert_eq!(
        FakeConfig::field_type("e_optional").unwrap(),
        "Option<bool>"
    );
    assert_eq!(FakeConfig::field_type("e_none").unwrap(), "Option<bool>");
    assert_eq!(
        FakeConfig::field_type("e_dict").unwrap(),
        "BTreeMap<i64, i64>"
    );
    assert_eq!(FakeConfig::field_type("nested.e_bool").unwrap(), "bool");
    let err = FakeConfig::field_type("unknown").unwrap_err();
    assert!(matches!(err, ConfigError::UnknownField { .. }), "{err:?}");
    assert!(FakeConfig::field_type("e_optionl")
        .unwrap_err()
        .to_string()
        .contains("did you mean `e_optional`"));
}

/// SAVE-104: keys naming no field are skipped and returned (PyTorch warns
/// "key .. is not understood by this config" and goes on); the known ones
/// are applied, dotted or as a section object.
#[test]
fn spec_104_lenient_load_applies_known_keys_and_returns_unknown_ones() {
    let _l = global_lock();
    let _r = Reset;
    let unknown = FakeConfig::load_json_lenient(
        r#"{"old_flag": 1, "e_int": 5, "nested": {"e_bool": false, "gone": true}, "nested.also_gone": 2}"#,
    )
    .unwrap();
    assert_eq!(unknown, ["old_flag", "nested.gone", "nested.also_gone"]);
    assert_eq!(FakeConfig::read(|c| (c.e_int, c.nested.e_bool)), (5, false));
    // The strict form refuses the same text and applies nothing.
    FakeConfig::reset();
    assert!(FakeConfig::load_json(r#"{"old_flag": 1, "e_int": 5}"#).is_err());
    assert_eq!(FakeConfig::read(|c| c.e_int), 1);
    // Nothing unknown: an empty list.
    assert!(FakeConfig::load_json_lenient(r#"{"e_int": 6}"#)
        .unwrap()
        .is_empty());
    assert_eq!(FakeConfig::read(|c| c.e_int), 6);
}

/// SAVE-104: a wrong type for a known field, malformed JSON or a key given
/// twice is still an error, and nothing is applied.
#[test]
fn spec_104_lenient_load_is_still_atomic_for_known_keys() {
    let _l = global_lock();
    let _r = Reset;
    let err = FakeConfig::load_json_lenient(r#"{"e_int": 9, "e_bool": "no", "x": 1}"#).unwrap_err();
    assert!(
        matches!(&err, ConfigError::WrongType { field, .. } if field == "e_bool"),
        "{err:?}"
    );
    assert!(matches!(
        FakeConfig::load_json_lenient(r#"{"e_int": 9"#),
        Err(ConfigError::Json { .. })
    ));
    assert!(FakeConfig::load_json_lenient(r#"{"e_int": 9, "e_int": 8}"#).is_err());
    assert_eq!(FakeConfig::read(|c| (c.e_int, c.e_bool)), (1, true));
}
