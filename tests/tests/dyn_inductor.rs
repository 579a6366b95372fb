//! `DynConfig` from `InductorConfig::json_schema()`: the 666 fields, their
//! defaults, roles and draws are those of the derived config.

use fake_config::InductorConfig;

#[test]
fn inductor_schema_as_a_dyn_config() {
    tests::dyn_schema::assert_schema_is_the_config::<InductorConfig>(11, 20);
}
