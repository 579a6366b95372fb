//! The check that a derived config's `json_schema()`, installed as the
//! `DynConfig`, is that config again: `dyn_fake.rs` and `dyn_inductor.rs`
//! run it over their fixtures (one fixture a test binary, since a process
//! installs one schema).

use fuzzer_core::prelude::*;
use fuzzer_core::{DynConfig, Schema};

/// Installs `C::json_schema()` as the `DynConfig` and checks that its
/// fields are `C`'s, in order, with the same names, defaults and fuzz
/// roles, and that both draw the same values: `draws` samples a field per
/// sampling method (`Toggle`, `Random`), from two generators seeded with
/// `seed`. Then checks that nothing differs from the schema's defaults.
/// Panics, naming the field, on the first difference.
pub fn assert_schema_is_the_config<C: FuzzableConfig>(seed: u64, draws: usize) {
    DynConfig::install(Schema::parse(&C::json_schema()).unwrap()).unwrap();
    let ours = DynConfig::fields();
    let theirs = C::fields();
    assert_eq!(ours.len(), theirs.len());
    let mut a = fuzzer_core::rng(seed);
    let mut b = fuzzer_core::rng(seed);
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
            for _ in 0..draws {
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
