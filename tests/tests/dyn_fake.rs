//! `DynConfig` from `FakeConfig::json_schema()`: every kind of field type
//! (sets, tuples, maps with integer keys, options, enums, sections) keeps
//! its defaults, roles and draws.

use fake_config::FakeConfig;
use fuzzer_core::prelude::*;
use fuzzer_core::{DynConfig, Schema};

#[test]
fn fake_schema_as_a_dyn_config() {
    DynConfig::install(Schema::parse(&FakeConfig::json_schema()).unwrap()).unwrap();
    let ours = DynConfig::fields();
    let theirs = FakeConfig::fields();
    assert_eq!(ours.len(), theirs.len());
    let mut a = fuzzer_core::rng(5);
    let mut b = fuzzer_core::rng(5);
    for (d, p) in ours.iter().zip(theirs) {
        assert_eq!(d.name(), p.name());
        assert_eq!(
            d.default_value().to_json(),
            p.default_value().to_json(),
            "{}",
            d.name()
        );
        assert_eq!(d.fuzz_role(), p.fuzz_role(), "{}", d.name());
        for method in [SamplingMethod::Toggle, SamplingMethod::Random] {
            for _ in 0..50 {
                assert_eq!(
                    d.sample(method, &mut a).to_json(),
                    p.sample(method, &mut b).to_json(),
                    "{}",
                    d.name()
                );
            }
        }
    }
    assert!(DynConfig::read(|c| c.changed()).is_empty());
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
