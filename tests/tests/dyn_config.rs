//! `DynConfig`: a config from a hand-written JSON Schema, driven by the same
//! registry and fuzzer as the equivalent derived config. One schema per
//! process: every test here uses [`SCHEMA`].

use fuzzer_core::prelude::*;
use fuzzer_core::{DynConfig, RunOutcome, Schema};
use serde_json::json;

/// The schema of [`Planted`], written by hand as another tool would.
const SCHEMA: &str = r#"{
    "title": "Planted",
    "type": "object",
    "properties": {
        "fast": {"type": "boolean", "default": false, "description": "Go fast."},
        "level": {"type": "integer", "default": 0, "description": "The level.", "minimum": 0, "maximum": 10},
        "limit": {"type": ["integer", "null"], "default": null, "description": "A limit."},
        "mode": {"description": "The mode.", "type": "string", "enum": ["Plain", "Tuned", "Wild"], "default": "Plain"},
        "ratio": {"type": "number", "default": 0.5, "description": "A ratio."},
        "cache": {"type": "object", "properties": {
            "enabled": {"type": "boolean", "default": true, "description": "Use the cache."},
            "dir": {"type": "string", "default": "/tmp", "description": "Where.", "x-fuzz": {"skip": "a path"}}
        }},
        "strict": {"type": "boolean", "default": false, "description": "Pinned on while fuzzing.", "x-fuzz": {"pin": true}}
    }
}"#;

/// The values of [`Planted::mode`].
#[derive(FuzzValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Plain.
    Plain,
    /// Tuned.
    Tuned,
    /// Wild.
    Wild,
}

/// The section of [`Planted`].
#[derive(ConfigSection, Clone, Debug, PartialEq)]
pub struct Cache {
    /// Use the cache.
    #[config(default = true)]
    pub enabled: bool,
    /// Where.
    #[config(default = String::from("/tmp"))]
    #[fuzz(skip = "a path")]
    pub dir: String,
}

/// The derived config [`SCHEMA`] describes.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Planted {
    /// Go fast.
    #[config(default = false)]
    pub fast: bool,
    /// The level.
    #[config(default = 0)]
    #[fuzz(range = 0..=10)]
    pub level: i64,
    /// A limit.
    #[config(default = None)]
    pub limit: Option<i64>,
    /// The mode.
    #[config(default = Mode::Plain)]
    pub mode: Mode,
    /// A ratio.
    #[config(default = 0.5)]
    pub ratio: f64,
    /// The cache.
    #[config(nested)]
    pub cache: Cache,
    /// Pinned on while fuzzing.
    #[config(default = false)]
    #[fuzz(pin = true)]
    pub strict: bool,
}

fn install() {
    DynConfig::install(Schema::parse(SCHEMA).unwrap()).unwrap();
}

/// The planted bug, in the derived config: `fast` with a `level` above 5
/// fails, and so does `mode = Wild` with the cache off (a crash).
fn derived_test() -> RunOutcome {
    let (fast, level, wild, cache) =
        Planted::read(|c| (c.fast, c.level, c.mode == Mode::Wild, c.cache.enabled));
    outcome(fast, level, wild, cache)
}

/// The same bug, read from the `DynConfig`.
fn dyn_test() -> RunOutcome {
    let (fast, level, wild, cache) = DynConfig::read(|c| {
        (
            c.get("fast") == Some(&json!(true)),
            c.get("level").and_then(|v| v.as_i64()).unwrap_or(0),
            c.get("mode") == Some(&json!("Wild")),
            c.get("cache.enabled") == Some(&json!(true)),
        )
    });
    outcome(fast, level, wild, cache)
}

fn outcome(fast: bool, level: i64, wild: bool, cache: bool) -> RunOutcome {
    if fast && level > 5 {
        RunOutcome::failed(
            Status::FailedError,
            format!("level {level} too high when fast"),
        )
    } else if wild && !cache {
        RunOutcome::failed(Status::FailedCrash, "killed by signal 11 (SIGSEGV)")
    } else {
        RunOutcome::passed()
    }
}

/// A diff as JSON text per field, so that an enum variant and its name
/// compare equal.
fn as_json(diff: &ConfigDiff) -> Vec<(String, String)> {
    diff.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()
}

#[test]
fn fields_defaults_and_domains_match_the_derived_config() {
    install();
    let ours = DynConfig::fields();
    let theirs = Planted::fields();
    assert_eq!(ours.len(), theirs.len());
    for (d, p) in ours.iter().zip(theirs) {
        assert_eq!(d.name(), p.name());
        assert_eq!(d.default_value().to_json(), p.default_value().to_json());
        assert_eq!(d.fuzz_role(), p.fuzz_role(), "{}", d.name());
        assert_eq!(d.doc(), p.doc(), "{}", d.name());
        // Same domain: the same draws from the same seed.
        for method in [SamplingMethod::Toggle, SamplingMethod::Random] {
            let (mut a, mut b) = (fuzzer_core::rng(3), fuzzer_core::rng(3));
            for _ in 0..100 {
                assert_eq!(
                    d.sample(method, &mut a).to_json(),
                    p.sample(method, &mut b).to_json(),
                    "{}",
                    d.name()
                );
            }
        }
    }
}

#[test]
fn install_twice() {
    install();
    // The same schema again is fine; another one is refused.
    DynConfig::install(Schema::parse(SCHEMA).unwrap()).unwrap();
    let other =
        Schema::parse(r#"{"properties": {"x": {"type": "boolean", "default": true}}}"#).unwrap();
    let err = DynConfig::install(other).unwrap_err();
    assert!(
        err.to_string().contains("already has a different schema"),
        "{err}"
    );
    assert_eq!(DynConfig::schema().map(|s| s.field_names().len()), Some(8));
}

#[test]
fn read_patch_changed_get() {
    install();
    assert!(DynConfig::read(|c| c.changed()).is_empty());
    {
        let _g = DynConfig::patch_values([
            ("level", Value::Int(7)),
            ("mode", Value::Str("Tuned".into())),
            ("limit", Value::Int(3)),
        ])
        .unwrap();
        assert_eq!(
            DynConfig::read(|c| c.changed()),
            [
                ("level".to_string(), json!(7)),
                ("limit".to_string(), json!(3)),
                ("mode".to_string(), json!("Tuned")),
            ]
        );
        assert_eq!(
            DynConfig::read(|c| c.get("cache.dir").cloned()),
            Some(json!("/tmp"))
        );
        assert_eq!(DynConfig::read(|c| c.get("nope").cloned()), None);
        // No Rust struct to assign: `codegen()` is the JSON of `changed()`.
        assert_eq!(
            DynConfig::codegen(),
            r#"{"level":7,"limit":3,"mode":"Tuned"}"#
        );
        let names: Vec<&str> = DynConfig::read(|c| c.values().map(|(n, _)| n).collect());
        assert_eq!(
            names,
            [
                "fast",
                "level",
                "limit",
                "mode",
                "ratio",
                "cache.enabled",
                "cache.dir",
                "strict"
            ]
        );
    }
    assert!(DynConfig::read(|c| c.changed()).is_empty());
    assert_eq!(DynConfig::codegen(), "{}");
}

#[test]
fn bad_values_are_errors_naming_the_field() {
    install();
    let err = DynConfig::patch_values([("mode", Value::Str("Fast".into()))]).unwrap_err();
    assert!(err.to_string().contains("mode"), "{err}");
    assert!(
        err.to_string().contains("one of Plain, Tuned, Wild"),
        "{err}"
    );
    let err = DynConfig::patch_values([("levl", Value::Int(1))]).unwrap_err();
    assert!(err.to_string().contains("did you mean `level`"), "{err}");
    let err = DynConfig::patch_values([("level", Value::Bool(true))]).unwrap_err();
    assert!(err.to_string().contains("integer"), "{err}");
    assert!(DynConfig::read(|c| c.changed()).is_empty());
}

#[test]
fn hunt_finds_the_planted_bugs_as_the_derived_config_does() {
    install();
    let derived = ConfigFuzzer::<Planted>::new(derived_test, 7)
        .hunt(40, 0.5)
        .unwrap();
    let dynamic = ConfigFuzzer::<DynConfig>::new(dyn_test, 7)
        .hunt(40, 0.5)
        .unwrap();
    assert!(!dynamic.findings().is_empty());
    assert_eq!(derived.runs(), dynamic.runs());
    assert_eq!(derived.failing_attempts(), dynamic.failing_attempts());
    let summary = |h: &Hunt| -> Vec<_> {
        h.findings()
            .iter()
            .map(|f| {
                (
                    as_json(f.config()),
                    f.status(),
                    f.hits(),
                    f.detail().message.clone(),
                )
            })
            .collect()
    };
    assert_eq!(summary(&derived), summary(&dynamic));
    // The 2-field bug, shrunk to its two fields.
    let two = dynamic
        .findings()
        .iter()
        .find(|f| f.status() == Status::FailedError)
        .expect("the fast/level bug");
    assert_eq!(two.config().keys().collect::<Vec<_>>(), ["fast", "level"]);
    // A DynConfig's reproduction is the JSON of the config.
    let snippet: serde_json::Value = serde_json::from_str(two.repro_snippet()).unwrap();
    assert_eq!(snippet["fast"], json!(true));
    assert!(snippet["level"].as_i64().unwrap() > 5);
    // Value shrinking works on the schema's values too: `level` is
    // reported at the boundary.
    assert_eq!(snippet["level"], json!(6));
}

#[test]
fn crash_detail_reaches_results() {
    install();
    let fuzzer = ConfigFuzzer::<DynConfig>::new(dyn_test, 0);
    let diff = ConfigDiff::from([
        ("mode".to_string(), Value::Str("Wild".into())),
        ("cache.enabled".to_string(), Value::Bool(false)),
    ]);
    assert_eq!(fuzzer.test_config(&diff), Status::FailedCrash);
    let results = fuzzer.reproduce(std::slice::from_ref(&diff));
    let (_, status) = results.iter().next().unwrap();
    assert_eq!(status, Status::FailedCrash);
    assert_eq!(
        fuzzer.minimize(&diff).map(|d| as_json(&d)),
        Some(as_json(&diff))
    );
}

#[test]
fn n_tuple_pins_and_keep_default_by_name() {
    install();
    let fuzzer = ConfigFuzzer::<DynConfig>::new(dyn_test, 1)
        .pin("level", Value::Int(9))
        .unwrap()
        .keep_default("ratio")
        .unwrap();
    assert_eq!(
        as_json(&fuzzer.pinned()),
        [
            ("cache.dir".to_string(), "\"/tmp\"".to_string()),
            ("level".to_string(), "9".to_string()),
            ("ratio".to_string(), "0.5".to_string()),
            ("strict".to_string(), "true".to_string())
        ]
    );
    // With level pinned at 9, turning `fast` on alone fails.
    let results = fuzzer.fuzz_n_tuple(1, 100);
    assert_eq!(results.lookup(&["fast"]), Some(Status::FailedError));
    assert!(ConfigFuzzer::<DynConfig>::new(dyn_test, 1)
        .pin("level", Value::Str("high".into()))
        .is_err());
    assert!(ConfigFuzzer::<DynConfig>::new(dyn_test, 1)
        .pin("levle", Value::Int(1))
        .is_err());
}

#[test]
fn n_tuple_agrees_with_the_derived_config() {
    install();
    let derived = ConfigFuzzer::<Planted>::new(derived_test, 5).fuzz_n_tuple(2, 200);
    let dynamic = ConfigFuzzer::<DynConfig>::new(dyn_test, 5).fuzz_n_tuple(2, 200);
    let rows = |r: &Results| -> Vec<_> { r.iter().map(|(d, s)| (as_json(d), s)).collect() };
    assert_eq!(rows(&derived), rows(&dynamic));
    assert_eq!(
        dynamic.lookup(&["mode", "cache.enabled"]),
        Some(Status::FailedCrash)
    );
}

#[test]
fn run_outcome_statuses() {
    use fuzzer_core::TestOutcome;
    assert_eq!(RunOutcome::passed().into_outcome(), Ok(()));
    assert_eq!(
        RunOutcome::failed(Status::FailedTimeout, "no answer in 60s").into_outcome(),
        Err((Status::FailedTimeout, "no answer in 60s".to_string()))
    );
    let (status, detail) = RunOutcome::failed(Status::Flaky, "x")
        .into_outcome()
        .unwrap_err();
    assert_eq!(status, Status::FailedError);
    assert!(detail.contains("not the outcome of one run"), "{detail}");
}
