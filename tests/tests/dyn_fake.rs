//! `DynConfig` from `FakeConfig::json_schema()`: every kind of field type
//! (sets, tuples, maps with integer keys, options, enums, sections) keeps
//! its defaults, roles and draws.

use fake_config::FakeConfig;
use fuzzer_core::prelude::*;
use fuzzer_core::DynConfig;

#[test]
fn fake_schema_as_a_dyn_config() {
    tests::dyn_schema::assert_schema_is_the_config::<FakeConfig>(5, 50);
    // An integer-keyed map takes its keys as JSON object keys.
    let _g =
        DynConfig::patch_values([("e_dict", Value::parse_json(r#"{"3": 4, "-1": 0}"#).unwrap())])
            .unwrap();
    assert_eq!(
        DynConfig::read(|c| c.get("e_dict").cloned()),
        Some(serde_json::json!({"-1": 0, "3": 4}))
    );
    assert!(
        DynConfig::patch_values([("e_dict", Value::parse_json(r#"{"x": 4}"#).unwrap())]).is_err()
    );
}
