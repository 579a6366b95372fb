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

/// The section whose fields the section aliases below stand for (PyTorch's
/// `alias_parent` of the `alias_fields_from` tests, spec §17 DIV).
#[derive(ConfigSection, Clone, Debug, PartialEq)]
pub struct AliasParent {
    /// A flag.
    #[config(default = true)]
    pub e_bool: bool,
    /// An int.
    #[config(default = 7)]
    pub e_config_int: i64,
    /// A string.
    #[config(default = String::from("annotated"))]
    pub e_annotated: String,
    /// An optional string.
    #[config(default = None)]
    pub e_annotated_config: Option<String>,
    /// A list.
    #[config(default = vec![1, 2])]
    pub e_list: Vec<i64>,
    /// The section's own alias of `e_config_int`.
    #[config(alias = "e_config_int")]
    pub old_int: Alias<i64>,
}

impl AliasParent {
    /// A method: not a field, so no alias is made of it (ALIAS-189).
    pub fn method_not_a_field(&self) -> bool {
        self.e_bool
    }
}

/// A section that defines `e_bool` itself and takes the parent's other
/// fields as aliases (PyTorch's `alias_child_override`).
#[derive(ConfigSection, Clone, Debug, PartialEq)]
pub struct AliasChildOverride {
    /// Its own flag, independent of `alias_parent.e_bool`.
    #[config(default = false)]
    pub e_bool: bool,
}

/// Aliases of a whole section: `alias_child` stands for every field of
/// `alias_parent`; `alias_child_override` defines `e_bool` and aliases the
/// rest; `child_flag` aliases one field through the section alias.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
#[config(env_prefix = "ALIAS_SECTION_")]
pub struct Sections {
    /// The parent.
    #[config(nested)]
    pub alias_parent: AliasParent,
    /// Another name of the whole `alias_parent` section.
    #[config(alias = "alias_parent")]
    pub alias_child: Alias<AliasParent>,
    /// Its own `e_bool`; every other field reads `alias_parent`'s.
    #[config(nested, alias_fields_from = "alias_parent")]
    pub alias_child_override: AliasChildOverride,
    /// One field, named through the section alias.
    #[config(alias = "alias_child.e_bool")]
    pub child_flag: Alias<bool>,
    /// Something else.
    #[config(default = 0)]
    pub other: i64,
}

/// ALIAS-189: a section alias makes an alias of each field of the section
/// (and of each of its aliases), and of nothing else: a method is not a
/// field, so there is no `alias_child.method_not_a_field`. `aliases()`
/// lists each `alias_child.<field>`, not the section alias itself.
#[test]
fn alias_189_a_section_alias_aliases_every_field_and_nothing_else() {
    let names: Vec<(&str, &str)> = Sections::aliases()
        .iter()
        .map(|a| (a.name(), a.target()))
        .collect();
    assert_eq!(
        names,
        [
            ("alias_child.e_bool", "alias_parent.e_bool"),
            ("alias_child.e_config_int", "alias_parent.e_config_int"),
            ("alias_child.e_annotated", "alias_parent.e_annotated"),
            (
                "alias_child.e_annotated_config",
                "alias_parent.e_annotated_config"
            ),
            ("alias_child.e_list", "alias_parent.e_list"),
            ("alias_child.old_int", "alias_parent.e_config_int"),
            ("child_flag", "alias_parent.e_bool"),
            (
                "alias_child_override.e_config_int",
                "alias_parent.e_config_int"
            ),
            (
                "alias_child_override.e_annotated",
                "alias_parent.e_annotated"
            ),
            (
                "alias_child_override.e_annotated_config",
                "alias_parent.e_annotated_config"
            ),
            ("alias_child_override.e_list", "alias_parent.e_list"),
            ("alias_child_override.old_int", "alias_parent.e_config_int"),
            ("alias_parent.old_int", "alias_parent.e_config_int"),
        ]
    );
    assert!(Sections::current()
        .get_value("alias_child.method_not_a_field")
        .is_err());
    assert!(Sections::field_index("alias_child").is_err());
    assert_eq!(
        Sections::aliases()[0].doc(),
        "Another name of the whole `alias_parent` section."
    );
    assert!(Sections::read(|c| c.alias_child().method_not_a_field()));
}

/// ALIAS-192: the type of a section alias's field is the section field's.
#[test]
fn alias_192_field_types_come_from_the_section() {
    for (name, ty) in [
        ("alias_child.e_config_int", "i64"),
        ("alias_child.e_annotated", "String"),
        ("alias_child.e_annotated_config", "Option<String>"),
        ("alias_child_override.e_annotated_config", "Option<String>"),
        ("alias_child.old_int", "i64"),
        ("child_flag", "bool"),
    ] {
        assert_eq!(Sections::field_type(name).unwrap(), ty, "{name}");
    }
}

/// ALIAS-193: a section alias reads the section; a patch of the section
/// shows through it, and a write through it (by name or through
/// `alias_child_mut()`) changes the section, as seen by every other alias.
#[test]
fn alias_193_a_section_alias_reads_and_writes_through() {
    Sections::read(|c| {
        assert_eq!(c.alias_child(), &c.alias_parent);
        assert_eq!(c.alias_child().e_bool, c.alias_parent.e_bool);
        assert!(c.child_flag());
    });
    {
        let _g = Sections::patch(|c| c.alias_parent.e_config_int = 123);
        assert_eq!(Sections::read(|c| c.alias_child().e_config_int), 123);
        assert_eq!(
            Sections::current()
                .get_value("alias_child.e_config_int")
                .unwrap(),
            Value::Int(123)
        );
    }
    {
        let _g = Sections::patch_values([("alias_child.e_config_int", Value::Int(456))]).unwrap();
        assert_eq!(Sections::read(|c| c.alias_parent.e_config_int), 456);
        let current = Sections::current();
        for name in [
            "alias_child_override.e_config_int",
            "alias_child.old_int",
            "alias_parent.old_int",
        ] {
            assert_eq!(current.get_value(name).unwrap(), Value::Int(456), "{name}");
        }
    }
    {
        let _g = Sections::patch(|c| {
            c.alias_child_mut().e_config_int = 9;
            c.set_child_flag(false);
        });
        assert_eq!(
            Sections::read(|c| (c.alias_parent.e_config_int, c.alias_parent.e_bool)),
            (9, false)
        );
    }
    {
        let mut replaced = Sections::defaults().alias_parent;
        replaced.e_annotated = String::from("replaced");
        let _g = Sections::patch(move |c| c.set_alias_child(replaced.clone()));
        assert_eq!(
            Sections::read(|c| c.alias_parent.e_annotated.clone()),
            "replaced"
        );
    }
    assert_eq!(
        Sections::read(|c| c.alias_parent.clone()),
        Sections::defaults().alias_parent
    );
    let mut c = Sections::defaults();
    c.set_value(
        "alias_child.e_annotated_config",
        &Value::Some(Box::new(Value::Str("x".into()))),
    )
    .unwrap();
    assert_eq!(c.alias_parent.e_annotated_config.as_deref(), Some("x"));
    assert!(c
        .set_value("alias_child.e_config_int", &Value::Bool(true))
        .is_err());
    assert_eq!(c.alias_parent.e_config_int, 7);
}

/// ALIAS-194: the alias and the section are one value, not two copies: the
/// list the alias borrows is the section's, and a push through the alias
/// shows in the section.
#[test]
fn alias_194_a_section_alias_shares_the_sections_values() {
    Sections::read(|c| {
        assert!(std::ptr::eq(
            &c.alias_child().e_list,
            &c.alias_parent.e_list
        ))
    });
    let _g = Sections::patch(|c| c.alias_child_mut().e_list.push(99));
    assert_eq!(
        Sections::read(|c| c.alias_parent.e_list.clone()),
        [1, 2, 99]
    );
    assert_eq!(
        Sections::current().get_value("alias_child.e_list").unwrap(),
        Value::List(vec![Value::Int(1), Value::Int(2), Value::Int(99)])
    );
}

/// ALIAS-195: with `alias_fields_from`, a field the section defines itself
/// is its own (independent, saved), and the fields it does not define are
/// aliases of the parent's.
#[test]
fn alias_195_alias_fields_from_keeps_the_sections_own_fields() {
    let _l = global_lock();
    {
        let _g = Sections::patch_values([
            ("alias_parent.e_bool", Value::Bool(false)),
            ("alias_child_override.e_bool", Value::Bool(true)),
        ])
        .unwrap();
        assert_eq!(
            Sections::read(|c| (c.alias_parent.e_bool, c.alias_child_override.e_bool)),
            (false, true)
        );
    }
    assert!(Sections::save_json().contains(r#""alias_child_override.e_bool": false"#));
    assert!(Sections::fields()
        .iter()
        .any(|f| f.name() == "alias_child_override.e_bool"));
    let _g = Sections::patch(|c| c.alias_parent.e_config_int = 42);
    assert_eq!(
        Sections::current()
            .get_value("alias_child_override.e_config_int")
            .unwrap(),
        Value::Int(42)
    );
    drop(_g);
    Sections::set_values([("alias_child_override.e_list", Value::List(vec![]))]).unwrap();
    assert!(Sections::read(|c| c.alias_parent.e_list.is_empty()));
    assert!(!Sections::is_default("alias_child_override.e_list").unwrap());
    assert!(Sections::is_default("alias_child_override.e_bool").unwrap());
    Sections::unset("alias_child.e_list").unwrap();
    assert_eq!(Sections::read(|c| c.alias_parent.e_list.clone()), [1, 2]);
    Sections::reset();
}

/// ALIAS-178 for section aliases: no field of `fields()`, `to_values`,
/// `changed`, `save_json`, `save_json_portable` or `codegen` is named after
/// a section alias, and the hash is the target's.
#[test]
fn alias_178_section_aliases_are_in_no_snapshot() {
    let _l = global_lock();
    let names: Vec<&str> = Sections::fields().iter().map(|f| f.name()).collect();
    assert_eq!(
        names,
        [
            "alias_parent.e_bool",
            "alias_parent.e_config_int",
            "alias_parent.e_annotated",
            "alias_parent.e_annotated_config",
            "alias_parent.e_list",
            "alias_child_override.e_bool",
            "other",
        ]
    );
    let _g = Sections::patch_values([("alias_child.e_config_int", Value::Int(1))]).unwrap();
    let hash = Sections::config_hash();
    let texts = [
        Sections::save_json(),
        Sections::save_json_portable(),
        Sections::codegen(),
        format!("{:?}", Sections::changed()),
        format!("{:?}", Sections::to_values()),
    ];
    for text in &texts {
        assert!(!text.contains("alias_child."), "{text}");
        assert!(!text.contains("child_flag"), "{text}");
    }
    assert_eq!(
        Sections::changed().keys().collect::<Vec<_>>(),
        ["alias_parent.e_config_int"]
    );
    drop(_g);
    let _h = Sections::patch(|c| c.alias_parent.e_config_int = 1);
    assert_eq!(Sections::config_hash(), hash);
}

/// A saved config that names fields through a section alias still loads,
/// in dotted and in section form, strictly and leniently; env vars named
/// after a section alias's fields feed the section's.
#[test]
fn section_aliases_load_from_json_and_env() {
    let _l = global_lock();
    Sections::load_json(r#"{"alias_child": {"e_config_int": 3, "old_int": 3}}"#).unwrap_err();
    assert_eq!(Sections::read(|c| c.alias_parent.e_config_int), 7);
    Sections::load_json(r#"{"alias_child": {"e_config_int": 3}, "alias_child.e_bool": false}"#)
        .unwrap();
    assert_eq!(
        Sections::read(|c| (c.alias_parent.e_config_int, c.alias_parent.e_bool)),
        (3, false)
    );
    Sections::reset();
    let unknown = Sections::load_json_lenient(
        r#"{"alias_child": {"e_list": [5], "gone": 1}, "alias_child_override.e_bool": true}"#,
    )
    .unwrap();
    assert_eq!(unknown, ["alias_child.gone"]);
    assert_eq!(
        Sections::read(|c| (c.alias_parent.e_list.clone(), c.alias_child_override.e_bool)),
        (vec![5], true)
    );
    Sections::reset();

    let i = Sections::field_index("alias_parent.e_config_int").unwrap();
    assert_eq!(
        Sections::fields()[i].env_names(),
        [
            "ALIAS_SECTION_ALIAS_PARENT__E_CONFIG_INT",
            "ALIAS_SECTION_ALIAS_CHILD__E_CONFIG_INT",
            "ALIAS_SECTION_ALIAS_CHILD__OLD_INT",
            "ALIAS_SECTION_ALIAS_CHILD_OVERRIDE__E_CONFIG_INT",
            "ALIAS_SECTION_ALIAS_CHILD_OVERRIDE__OLD_INT",
            "ALIAS_SECTION_ALIAS_PARENT__OLD_INT",
        ]
    );
    // `alias_child_override.e_bool` is a field of its own: its env name
    // feeds it, not `alias_parent.e_bool`.
    let own = Sections::field_index("alias_child_override.e_bool").unwrap();
    let parent = Sections::field_index("alias_parent.e_bool").unwrap();
    assert_eq!(
        Sections::fields()[own].env_names(),
        ["ALIAS_SECTION_ALIAS_CHILD_OVERRIDE__E_BOOL"]
    );
    assert_eq!(
        Sections::fields()[parent].env_names(),
        [
            "ALIAS_SECTION_ALIAS_PARENT__E_BOOL",
            "ALIAS_SECTION_ALIAS_CHILD__E_BOOL",
            "ALIAS_SECTION_CHILD_FLAG",
        ]
    );
    std::env::set_var("ALIAS_SECTION_ALIAS_CHILD__E_CONFIG_INT", "11");
    std::env::set_var("ALIAS_SECTION_ALIAS_CHILD_OVERRIDE__E_BOOL", "1");
    Sections::reload_env().unwrap();
    assert_eq!(
        Sections::read(|c| (
            c.alias_parent.e_config_int,
            c.alias_child_override.e_bool,
            c.alias_parent.e_bool
        )),
        (11, true, true)
    );
    std::env::remove_var("ALIAS_SECTION_ALIAS_CHILD__E_CONFIG_INT");
    std::env::remove_var("ALIAS_SECTION_ALIAS_CHILD_OVERRIDE__E_BOOL");
    Sections::reload_env().unwrap();
    assert_eq!(Sections::read(|c| c.alias_parent.e_config_int), 7);
}

/// The fuzzer samples the section once, never its aliases: every config it
/// runs names only fields, and the test sees the alias and the section
/// agree.
#[test]
fn the_fuzzer_never_sees_a_section_alias() {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let fuzzer = ConfigFuzzer::<Sections>::new(
        || {
            RUNS.fetch_add(1, Ordering::Relaxed);
            Sections::read(|c| {
                c.alias_child() == &c.alias_parent && c.child_flag() == c.alias_parent.e_bool
            })
        },
        11,
    );
    let results = fuzzer.fuzz_n_tuple(2, 60);
    assert!(RUNS.load(Ordering::Relaxed) > 0);
    for (diff, status) in results.iter() {
        assert!(
            diff.keys().all(|k| !k.starts_with("alias_child.")),
            "{diff:?}"
        );
        assert_ne!(status, Status::FailedReturn, "{diff:?}");
    }
}

/// A section inside a section, for [`Outer`]'s alias of it.
#[derive(ConfigSection, Clone, Debug, PartialEq)]
pub struct Inner {
    /// A depth.
    #[config(default = 3)]
    pub depth: i64,
}

/// A section with an alias of its own section.
#[derive(ConfigSection, Clone, Debug, PartialEq)]
pub struct Outer {
    /// The inner section.
    #[config(nested)]
    pub inner: Inner,
    /// Its old name.
    #[config(alias = "inner")]
    pub old_inner: Alias<Inner>,
}

/// A root holding [`Outer`].
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
#[config(env_prefix = "ALIAS_OUTER_")]
pub struct Nest {
    /// The outer section.
    #[config(nested)]
    pub outer: Outer,
}

/// An alias of a whole section declared in a section is the root's under
/// dotted names, with the root's env names, and its accessors work on the
/// section.
#[test]
fn a_section_alias_in_a_section_is_nested_like_any_alias() {
    let a = &Nest::aliases()[0];
    assert_eq!(
        (a.name(), a.target(), a.env_names()),
        (
            "outer.old_inner.depth",
            "outer.inner.depth",
            &["ALIAS_OUTER_OUTER__OLD_INNER__DEPTH".to_string()][..]
        )
    );
    let _g = Nest::patch(|c| c.outer.old_inner_mut().depth = 5);
    assert_eq!(
        Nest::read(|c| (c.outer.inner.depth, c.outer.old_inner().depth)),
        (5, 5)
    );
    let _h = Nest::patch_values([("outer.old_inner.depth", Value::Int(6))]).unwrap();
    assert_eq!(Nest::read(|c| c.outer.inner.depth), 6);
}
