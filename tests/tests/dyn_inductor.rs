//! `DynConfig` from `InductorConfig::json_schema()`: the 666 fields, their
//! defaults, roles and draws are those of the derived config.

use fake_config::InductorConfig;
use fuzzer_core::prelude::*;
use fuzzer_core::{DynConfig, Schema};

#[test]
fn inductor_schema_as_a_dyn_config() {
    DynConfig::install(Schema::parse(&InductorConfig::json_schema()).unwrap()).unwrap();
    let ours = DynConfig::fields();
    let theirs = InductorConfig::fields();
    assert_eq!(ours.len(), theirs.len());
    let mut a = fuzzer_core::rng(11);
    let mut b = fuzzer_core::rng(11);
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
            for _ in 0..20 {
                assert_eq!(
                    d.sample(method, &mut a).to_json(),
                    p.sample(method, &mut b).to_json(),
                    "{}",
                    d.name()
                );
            }
        }
    }
    // Every default reads back: nothing differs from the schema's defaults.
    assert!(DynConfig::read(|c| c.changed()).is_empty());
}
