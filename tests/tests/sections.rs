//! Sections (`#[derive(ConfigSection)]`): a nested struct has no singleton of
//! its own, so its values have one source of truth, the root that nests it.
//! That `Section::read` does not compile is checked by the UI test
//! `tests/ui/fail/section-read-directly.rs`.

use fake_config::{FakeConfig, Nested};
use fuzzer_core::prelude::*;

/// A section with its own env names: `env = ..` and an `env_prefix`.
#[derive(ConfigSection, Clone, Debug, PartialEq)]
#[config(env_prefix = "SECTIONS_CACHE_")]
struct Cache {
    /// Cache size.
    #[config(default = 16, env = "SECTIONS_CACHE_SIZE_OVERRIDE")]
    #[fuzz(range = 1..=64)]
    size: i64,
    #[config(nested)]
    disk: Disk,
}

/// A section nested in a section.
#[derive(ConfigSection, Clone, Debug, PartialEq)]
struct Disk {
    #[config(default = true)]
    enabled: bool,
}

/// The root: only it has a singleton.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
#[config(env_prefix = "SECTIONS_")]
struct App {
    #[config(default = 1)]
    level: i64,
    #[config(nested)]
    cache: Cache,
}

#[test]
fn a_section_is_read_and_patched_through_its_root() {
    let _g = FakeConfig::patch(|c| c.nested.e_bool = false);
    assert!(!FakeConfig::read(|c| c.nested.e_bool));
    assert!(!FakeConfig::current().nested.e_bool);
    assert_eq!(
        FakeConfig::changed().get("nested.e_bool"),
        Some(&Value::Bool(false))
    );
    // The section's own declared defaults are untouched by the root's patch.
    assert!(Nested::defaults().e_bool);
}

#[test]
fn a_fuzzer_over_the_root_reaches_code_reading_the_section() {
    // The test reads the section through the root, the only way there is, so
    // the fuzzer finds the section's field.
    let f = ConfigFuzzer::<FakeConfig>::new(|| FakeConfig::read(|c| c.nested.e_bool), 0);
    let found = f.bisect(3, 1.0);
    assert!(!found.is_empty());
    for diff in &found {
        assert_eq!(
            diff.get("nested.e_bool"),
            Some(&Value::Bool(false)),
            "{diff:?}"
        );
    }
}

#[test]
fn section_fields_are_dotted_in_the_root_and_relative_in_the_section() {
    let root: Vec<&str> = App::fields().iter().map(|f| f.name()).collect();
    assert_eq!(root, ["level", "cache.size", "cache.disk.enabled"]);
    let own: Vec<&str> = Cache::fields().iter().map(|f| f.name()).collect();
    assert_eq!(own, ["size", "disk.enabled"]);
    assert_eq!(Cache::fields()[0].doc(), "Cache size.");
    assert_eq!(Cache::fields()[0].default_value(), 16i64.to_value());
}

#[test]
fn a_sections_own_env_names_come_before_the_roots() {
    let size = &App::fields()[App::field_index("cache.size").unwrap()];
    assert_eq!(
        size.env_names(),
        [
            "SECTIONS_CACHE_SIZE_OVERRIDE",
            "SECTIONS_CACHE_SIZE",
            "SECTIONS_CACHE__SIZE"
        ]
    );
    let enabled = &App::fields()[App::field_index("cache.disk.enabled").unwrap()];
    assert_eq!(
        enabled.env_names(),
        [
            "SECTIONS_CACHE_DISK__ENABLED",
            "SECTIONS_CACHE__DISK__ENABLED"
        ]
    );
}

#[test]
fn errors_name_section_fields_by_their_dotted_names() {
    let err = App::patch_values([("cache.sise", 3i64.to_value())]).unwrap_err();
    assert!(err.to_string().contains("cache.size"), "{err}");
    let err = App::patch_values([("cache.size", Value::Bool(true))]).unwrap_err();
    assert!(err.to_string().contains("cache.size"), "{err}");
    let _g = App::patch_values([("cache.disk.enabled", Value::Bool(false))]).unwrap();
    assert!(!App::read(|c| c.cache.disk.enabled));
}

#[test]
fn section_fields_keep_their_fuzz_attributes_in_the_root() {
    let size = &App::fields()[App::field_index("cache.size").unwrap()];
    assert_eq!(
        *size.domain(),
        fuzzer_core::Domain::Range {
            lo: 1i64.to_value(),
            hi: 64i64.to_value()
        }
    );
}
