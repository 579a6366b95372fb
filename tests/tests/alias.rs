//! Aliases (spec §17, ALIAS): `#[config(alias = "target")]` on an
//! `Alias<T>` field reads and writes its target everywhere, and is left out
//! of every snapshot and of the fuzzer. Compile-time rules (ALIAS-175,
//! unknown targets, cycles) are in `tests/ui/fail/alias-*.rs`.

use std::sync::atomic::{AtomicUsize, Ordering};

use fake_config::FakeConfig;
use fuzzer_core::prelude::*;
use fuzzer_core::ConfigError;
use tests::global_lock;

/// A section with an alias of its own field.
#[derive(ConfigSection, Clone, Debug, PartialEq)]
pub struct Cache {
    /// The cache size.
    #[config(default = 8)]
    pub size_mb: i64,
    /// The old name of `size_mb`.
    #[config(alias = "size_mb")]
    pub megabytes: Alias<i64>,
}

/// A config with a chain of aliases, an alias of a section's field, and a
/// section with an alias.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
#[config(env_prefix = "ALIAS_TEST_")]
pub struct Knobs {
    /// Worker threads.
    #[config(default = 4)]
    pub threads: i64,
    /// The old name of `threads`.
    #[config(alias = "threads")]
    pub workers: Alias<i64>,
    /// An alias of an alias: reads `threads`.
    #[config(alias = "workers")]
    pub jobs: Alias<i64>,
    /// The cache section.
    #[config(nested)]
    pub cache: Cache,
    /// An alias of a section's field.
    #[config(alias = "cache.size_mb")]
    pub cache_size: Alias<i64>,
    /// Chatty output.
    #[config(default = false)]
    pub verbose: bool,
}

/// ALIAS-172, ALIAS-184: an alias reads its target, also a section's field;
/// a chain of aliases ends at the field.
#[test]
#[allow(deprecated)]
fn alias_172_184_an_alias_reads_its_target() {
    assert_eq!(
        FakeConfig::read(|c| (c.e_deprecated_alias(), c.e_not_deprecated)),
        (false, false)
    );
    assert!(FakeConfig::read(|c| c.e_nested_alias_bool()));
    Knobs::read(|c| {
        assert_eq!((c.threads, c.workers(), c.jobs()), (4, 4, 4));
        assert_eq!(
            (c.cache.size_mb, c.cache.megabytes(), c.cache_size()),
            (8, 8, 8)
        );
    });
    let aliases: Vec<(&str, &str)> = Knobs::aliases()
        .iter()
        .map(|a| (a.name(), a.target()))
        .collect();
    assert_eq!(
        aliases,
        [
            ("workers", "threads"),
            ("jobs", "threads"),
            ("cache_size", "cache.size_mb"),
            ("cache.megabytes", "cache.size_mb"),
        ]
    );
    for a in Knobs::aliases() {
        assert_eq!(Knobs::fields()[a.target_index()].name(), a.target());
    }
    assert_eq!(Knobs::aliases()[0].doc(), "The old name of `threads`.");
}

/// ALIAS-173, ALIAS-185: a patch of the target shows through the alias, by
/// accessor and by name.
#[test]
fn alias_173_185_target_patches_show_through_the_alias() {
    let _g = FakeConfig::patch(|c| c.nested.e_bool = false);
    assert!(!FakeConfig::read(|c| c.e_nested_alias_bool()));
    assert_eq!(
        FakeConfig::current()
            .get_value("e_nested_alias_bool")
            .unwrap(),
        Value::Bool(false)
    );
    let _k = Knobs::patch(|c| c.cache.size_mb = 64);
    Knobs::read(|c| assert_eq!((c.cache.megabytes(), c.cache_size()), (64, 64)));
}

/// ALIAS-174, ALIAS-185, ALIAS-186: writes through an alias (accessor,
/// `patch_values`, `set_value`) change the target, and dropping the guard
/// restores both.
#[test]
fn alias_174_185_186_writes_go_to_the_target_and_guards_restore_it() {
    {
        let _g = FakeConfig::patch(|c| c.set_e_nested_alias_bool(false));
        assert!(!FakeConfig::read(|c| c.nested.e_bool));
    }
    assert!(FakeConfig::read(
        |c| c.nested.e_bool && c.e_nested_alias_bool()
    ));
    {
        let _g = Knobs::patch_values([("jobs", Value::Int(3))]).unwrap();
        assert_eq!(Knobs::read(|c| (c.threads, c.workers())), (3, 3));
        let _h = Knobs::patch_values([("cache.megabytes", Value::Int(2))]).unwrap();
        assert_eq!(Knobs::read(|c| (c.cache.size_mb, c.cache_size())), (2, 2));
    }
    assert_eq!(Knobs::read(|c| (c.threads, c.cache.size_mb)), (4, 8));
    let mut c = Knobs::defaults();
    c.set_value("cache_size", &Value::Int(16)).unwrap();
    assert_eq!(c.cache.size_mb, 16);
    assert_eq!(c.get_value("cache_size").unwrap(), Value::Int(16));
    assert!(c.set_value("workers", &Value::Bool(true)).is_err());
    assert_eq!(c.threads, 4);
}

/// ALIAS-174: `set_values` and `is_default` by an alias's name.
#[test]
fn alias_174_set_values_and_is_default_by_alias() {
    let _l = global_lock();
    assert!(Knobs::is_default("workers").unwrap());
    Knobs::set_values([("workers", Value::Int(9))]).unwrap();
    assert_eq!(Knobs::read(|c| c.threads), 9);
    assert!(!Knobs::is_default("workers").unwrap());
    assert!(!Knobs::is_default("threads").unwrap());
    Knobs::reset();
    assert!(Knobs::is_default("jobs").unwrap());
}

/// ALIAS-178: aliases are in no snapshot: not in `fields()`, `to_values`,
/// `changed`, `save_json`, `codegen`; the hash is the target's.
#[test]
fn alias_178_aliases_are_left_out_of_every_snapshot() {
    let names = ["e_deprecated_alias", "e_nested_alias_bool"];
    assert!(FakeConfig::fields()
        .iter()
        .all(|f| !names.contains(&f.name())));
    let _g = FakeConfig::patch(|c| {
        c.set_e_nested_alias_bool(false);
        c.e_not_deprecated = true;
    });
    for n in names {
        assert!(!FakeConfig::to_values().contains_key(n));
        assert!(!FakeConfig::changed().contains_key(n));
        assert!(!FakeConfig::save_json().contains(n));
        assert!(!FakeConfig::codegen().contains(n));
    }
    assert_eq!(FakeConfig::changed()["nested.e_bool"], Value::Bool(false));
    let hash = FakeConfig::config_hash();
    drop(_g);
    let _h = FakeConfig::patch(|c| {
        c.nested.e_bool = false;
        c.e_not_deprecated = true;
    });
    assert_eq!(FakeConfig::config_hash(), hash);
}

/// ALIAS-178 (load): a saved config that names the old field still loads,
/// in dotted and in section form.
#[test]
fn alias_178_load_json_accepts_an_alias_name() {
    let _l = global_lock();
    Knobs::load_json(r#"{"workers": 6, "cache": {"megabytes": 32}}"#).unwrap();
    assert_eq!(Knobs::read(|c| (c.threads, c.cache.size_mb)), (6, 32));
    Knobs::reset();
    Knobs::load_json(r#"{"cache_size": 1}"#).unwrap();
    assert_eq!(Knobs::read(|c| c.cache.size_mb), 1);
    Knobs::reset();
}

/// An alias and its target (or two aliases of one field) in one call are
/// an error that names both, and nothing is applied.
#[test]
fn alias_and_target_in_one_call_are_an_error() {
    let _l = global_lock();
    let err =
        Knobs::set_values([("threads", Value::Int(1)), ("workers", Value::Int(2))]).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, ConfigError::Invalid { .. }), "{msg}");
    assert!(
        msg.contains("`threads`") && msg.contains("`workers`"),
        "{msg}"
    );
    assert!(Knobs::patch_values([("jobs", Value::Int(1)), ("workers", Value::Int(1))]).is_err());
    assert!(Knobs::load_json(r#"{"threads": 1, "jobs": 1}"#).is_err());
    assert_eq!(Knobs::read(|c| c.threads), 4);
}

/// A misspelt alias name suggests the alias.
#[test]
fn unknown_names_suggest_aliases_too() {
    match Knobs::patch_values([("workres", Value::Int(1))]) {
        Err(ConfigError::UnknownField { suggestion, .. }) => {
            assert_eq!(suggestion.as_deref(), Some("workers"));
        }
        other => panic!("expected an unknown-field error, got {:?}", other.err()),
    }
}

/// Env vars named after an alias (`<PREFIX><ALIAS>`) feed the target, after
/// the target's own name.
#[test]
fn env_named_after_an_alias_feeds_the_target() {
    let _l = global_lock();
    assert_eq!(
        Knobs::fields()[Knobs::field_index("threads").unwrap()].env_names(),
        [
            "ALIAS_TEST_THREADS",
            "ALIAS_TEST_WORKERS",
            "ALIAS_TEST_JOBS"
        ]
    );
    std::env::set_var("ALIAS_TEST_WORKERS", "5");
    std::env::set_var("ALIAS_TEST_CACHE__MEGABYTES", "12");
    Knobs::reload_env().unwrap();
    assert_eq!(Knobs::read(|c| (c.threads, c.cache.size_mb)), (5, 12));
    std::env::set_var("ALIAS_TEST_THREADS", "7");
    Knobs::reload_env().unwrap();
    assert_eq!(Knobs::read(|c| c.threads), 7);
    for k in [
        "ALIAS_TEST_WORKERS",
        "ALIAS_TEST_THREADS",
        "ALIAS_TEST_CACHE__MEGABYTES",
    ] {
        std::env::remove_var(k);
    }
    Knobs::reload_env().unwrap();
    assert_eq!(Knobs::read(|c| c.threads), 4);
}

/// The fuzzer never samples, pins or reports an alias: every config it
/// runs names only fields, and the test always sees alias and target agree.
#[test]
fn the_fuzzer_never_sees_an_alias() {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let fuzzer = ConfigFuzzer::<Knobs>::new(
        || {
            RUNS.fetch_add(1, Ordering::Relaxed);
            Knobs::read(|c| {
                c.workers() == c.threads && c.cache_size() == c.cache.size_mb && !c.verbose
            })
        },
        7,
    );
    let results = fuzzer.fuzz_n_tuple(2, 100);
    assert!(RUNS.load(Ordering::Relaxed) > 0);
    let aliases: Vec<&str> = Knobs::aliases().iter().map(|a| a.name()).collect();
    for (diff, _) in results.iter() {
        assert!(
            diff.keys().all(|k| !aliases.contains(&k.as_str())),
            "{diff:?}"
        );
    }
    // The only failure is `verbose`, never an alias/target disagreement.
    assert_eq!(
        results.lookup(&["threads", "verbose"]),
        Some(Status::FailedReturn)
    );
    assert_eq!(
        results.lookup(&["threads", "cache.size_mb"]),
        Some(Status::Passed)
    );
}

/// A fuzzer option may name a field by its alias: it pins the target.
#[test]
fn fuzzer_pins_by_alias_name_pin_the_target() {
    let fuzzer = ConfigFuzzer::<Knobs>::new(|| true, 1)
        .pin("workers", Value::Int(2))
        .unwrap();
    assert_eq!(fuzzer.pinned().get("threads"), Some(&Value::Int(2)));
    assert!(!fuzzer.pinned().contains_key("workers"));
}

/// ALIAS-182, ALIAS-187 (PyTorch's `delattr` on an alias resets the
/// target): `unset` by an alias name drops the target's process-wide
/// override, for an alias of a field, of a section's field, in a section
/// and through a chain; other overrides stay.
#[test]
fn alias_182_187_unset_by_an_alias_name_unsets_the_target() {
    let _l = global_lock();
    // `verbose` stays false: the fuzzer test reads it without the lock.
    Knobs::set(|c| {
        c.threads = 9;
        c.cache.size_mb = 16;
    });
    Knobs::unset("jobs").unwrap();
    assert_eq!(Knobs::read(|c| (c.threads, c.cache.size_mb)), (4, 16));
    Knobs::unset("cache.megabytes").unwrap();
    assert_eq!(Knobs::read(|c| c.cache.size_mb), 8);
    Knobs::set(|c| {
        c.threads = 9;
        c.cache.size_mb = 16;
    });
    Knobs::unset("cache_size").unwrap();
    assert_eq!(Knobs::read(|c| (c.threads, c.cache.size_mb)), (9, 8));
    assert!(Knobs::unset("cache.megabyte").is_err());
    Knobs::reset();
}

/// ALIAS-184: `field_type` of an alias is its target's type, for an alias
/// of a section's field and one inside a section too.
#[test]
fn alias_184_field_type_of_an_alias_is_the_targets() {
    for name in ["workers", "jobs", "cache_size", "cache.megabytes"] {
        assert_eq!(Knobs::field_type(name).unwrap(), "i64", "{name}");
    }
    assert_eq!(
        FakeConfig::field_type("e_nested_alias_bool").unwrap(),
        "bool"
    );
}

/// ALIAS-178 (lenient load): `load_json_lenient` knows alias names (they
/// load into their targets and are not returned as unknown); an alias and
/// its target together are still an error that applies nothing.
#[test]
fn alias_178_load_json_lenient_knows_alias_names() {
    let _l = global_lock();
    let unknown = Knobs::load_json_lenient(
        r#"{"workers": 3, "cache": {"megabytes": 2, "gone": 1}, "old": 1}"#,
    )
    .unwrap();
    assert_eq!(unknown, ["cache.gone", "old"]);
    assert_eq!(Knobs::read(|c| (c.threads, c.cache.size_mb)), (3, 2));
    Knobs::reset();
    assert!(Knobs::load_json_lenient(r#"{"threads": 1, "jobs": 2, "old": 1}"#).is_err());
    assert_eq!(Knobs::read(|c| c.threads), 4);
}

/// ALIAS-178 (portable save, PORT): `save_json_portable` leaves aliases
/// out, and what it writes loads back.
#[test]
fn alias_178_save_json_portable_leaves_aliases_out() {
    let _l = global_lock();
    let _g = Knobs::patch(|c| {
        c.set_workers(7);
        c.set_cache_size(5);
    });
    let json = Knobs::save_json_portable();
    for name in ["workers", "jobs", "cache_size", "megabytes"] {
        assert!(!json.contains(name), "{name} in {json}");
    }
    let saved = Knobs::to_values();
    drop(_g);
    Knobs::load_json(&json).unwrap();
    assert_eq!(Knobs::to_values(), saved);
    Knobs::reset();
}

/// Aliases of an implication's source and target.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Rules {
    /// Turns `level` to 3.
    #[config(default = false, implies(true => { level = 3 }))]
    pub strict: bool,
    /// The old name of `strict`.
    #[config(alias = "strict")]
    pub old_strict: Alias<bool>,
    /// The level.
    #[config(default = 0)]
    pub level: i64,
    /// The old name of `level`.
    #[config(alias = "level")]
    pub old_level: Alias<i64>,
    /// Something else.
    #[config(default = 0)]
    pub other: i64,
}

/// Aliases meet implications (ALIAS-174 with IMPL-205, IMPL-208): writing
/// a source by its alias activates the rule; an alias of the target reads
/// the implied value; a target written by its alias while the rule is
/// active keeps the stored value, which shows once the rule is off.
#[test]
fn alias_174_impl_205_208_aliases_of_implication_sources_and_targets() {
    let _on = Rules::patch_values([("old_strict", Value::Bool(true))]).unwrap();
    assert_eq!(Rules::read(|c| (c.level, c.old_level())), (3, 3));
    assert_eq!(
        Rules::current().get_value("old_level").unwrap(),
        Value::Int(3)
    );
    let _five = Rules::patch_values([("old_level", Value::Int(5))]).unwrap();
    assert_eq!(Rules::read(|c| c.old_level()), 3);
    drop(_on);
    assert_eq!(Rules::read(|c| (c.strict, c.old_level())), (false, 5));
}

/// The fuzzer and aliases meet implications (IMPL-205, IMPL-206): a diff
/// naming a source by its alias runs with the implied value; one that sets
/// an overridden target by its alias is skipped, as by the target's own
/// name; a pin by an alias of a target keeps the fuzzer from sampling the
/// source that would override it, so no run sees another value.
#[test]
fn the_fuzzer_treats_alias_names_of_rule_fields_as_the_fields() {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    static WRONG: AtomicUsize = AtomicUsize::new(0);
    let fuzzer = ConfigFuzzer::<Rules>::new(|| Rules::read(|c| c.level == 3), 3);
    let by_alias: ConfigDiff = [("old_strict".to_string(), Value::Bool(true))].into();
    assert_eq!(fuzzer.test_config(&by_alias), Status::Passed);
    let overridden: ConfigDiff = [
        ("old_strict".to_string(), Value::Bool(true)),
        ("old_level".to_string(), Value::Int(4)),
    ]
    .into();
    let by_target: ConfigDiff = [
        ("strict".to_string(), Value::Bool(true)),
        ("level".to_string(), Value::Int(4)),
    ]
    .into();
    assert_eq!(fuzzer.test_config(&by_target), Status::Skipped);
    assert_eq!(fuzzer.test_config(&overridden), Status::Skipped);

    let pinned = ConfigFuzzer::<Rules>::new(
        || {
            RUNS.fetch_add(1, Ordering::Relaxed);
            if Rules::read(|c| c.level != 4) {
                WRONG.fetch_add(1, Ordering::Relaxed);
            }
            true
        },
        5,
    )
    .pin("old_level", Value::Int(4))
    .unwrap();
    assert_eq!(pinned.test_config(&by_alias), Status::Skipped);
    let _ = pinned.bisect(40, 0.5);
    let _ = pinned.fuzz_n_tuple(2, 20);
    assert!(RUNS.load(Ordering::Relaxed) > 0);
    assert_eq!(WRONG.load(Ordering::Relaxed), 0);
    // Pins that an implication would override are an error at `pin`.
    let Err(err) = ConfigFuzzer::<Rules>::new(|| true, 0)
        .pin("old_strict", Value::Bool(true))
        .unwrap()
        .pin("old_level", Value::Int(4))
    else {
        panic!("an overridden pin is an error");
    };
    let text = err.to_string();
    assert!(
        text.contains("`level`") && text.contains("strict == true"),
        "{text}"
    );
}
