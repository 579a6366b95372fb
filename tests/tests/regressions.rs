//! `ConfigFuzzer::regressions`: minimal failing configs kept per config
//! type, replayed first by the next campaign (findings marked replayed),
//! entries the config no longer fits reported as warnings, not fatal.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use fuzzer_core::prelude::*;
use fuzzer_core::WarningKind;

/// Code generators.
#[derive(FuzzValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Triton.
    Triton,
    /// Halide.
    Halide,
}

/// Six knobs with two planted bugs.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Knobs {
    /// `fuse`.
    #[config(default = true)]
    pub fuse: bool,
    /// `unroll`.
    pub unroll: bool,
    /// `vectorize`.
    pub vectorize: bool,
    /// `backend`.
    #[config(default = Backend::Triton)]
    pub backend: Backend,
    /// `a`.
    pub a: bool,
    /// `b`.
    pub b: bool,
}

/// A second config type sharing the file.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Other {
    /// `x`.
    pub x: bool,
}

fn planted() -> Result<(), String> {
    let k = Knobs::current();
    if !k.fuse && k.unroll {
        return Err("miscompiled loop".into());
    }
    if k.backend == Backend::Halide && k.vectorize {
        return Err("halide cannot vectorize".into());
    }
    Ok(())
}

fn temp(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("regr-{}-{name}/Knobs.json", std::process::id()));
    let _ = std::fs::remove_dir_all(p.parent().unwrap());
    p
}

fn diff(pairs: &[(&str, Value)]) -> ConfigDiff {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn halide() -> Value {
    Backend::Halide.to_value()
}

#[test]
fn findings_are_kept_and_replayed_first_by_the_next_campaign() {
    let path = temp("kept");
    let first = ConfigFuzzer::<Knobs>::new(planted, 1)
        .regressions(&path)
        .hunt(30, 0.5)
        .unwrap();
    assert_eq!(first.findings().len(), 2, "{first}");
    assert!(first.findings().iter().all(|f| !f.replayed()));
    // The file holds each minimal config, one a line, under the type's name.
    let text = std::fs::read_to_string(&path).unwrap();
    let j: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(j["Knobs"].as_array().unwrap().len(), 2, "{text}");
    assert!(
        text.contains(r#""config":{"fuse":false,"unroll":true}"#),
        "{text}"
    );

    // Another seed, no attempts: only the replay can find them.
    let next = ConfigFuzzer::<Knobs>::new(planted, 2)
        .regressions(&path)
        .hunt(0, 0.5)
        .unwrap();
    let mut replayed: Vec<(ConfigDiff, Status, usize, bool)> = next
        .findings()
        .iter()
        .map(|f| (f.config().clone(), f.status(), f.hits(), f.replayed()))
        .collect();
    replayed.sort_by_key(|r| format!("{r:?}"));
    let mut expected = vec![
        (
            diff(&[("fuse", Value::Bool(false)), ("unroll", Value::Bool(true))]),
            Status::FailedError,
            0,
            true,
        ),
        (
            diff(&[("backend", halide()), ("vectorize", Value::Bool(true))]),
            Status::FailedError,
            0,
            true,
        ),
    ];
    expected.sort_by_key(|r| format!("{r:?}"));
    assert_eq!(replayed, expected);
    // The summary says where they came from.
    let shown = next.to_string();
    assert_eq!(
        shown.matches("[from the regressions file]").count(),
        2,
        "{shown}"
    );
    // Values come back typed: the snippet names the enum variant.
    assert!(next
        .findings()
        .iter()
        .any(|f| f.repro_snippet().contains("Backend::Halide")));

    // With attempts, those that hold a replayed failure count as its hits
    // (no new shrinking), and the file does not grow.
    let more = ConfigFuzzer::<Knobs>::new(planted, 3)
        .regressions(&path)
        .hunt(30, 0.5)
        .unwrap();
    assert!(more.findings().iter().all(Finding::replayed), "{more}");
    let hits: usize = more.findings().iter().map(Finding::hits).sum();
    assert_eq!(hits, more.failing_attempts());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[test]
fn fixed_failures_are_not_findings() {
    let path = temp("fixed");
    ConfigFuzzer::<Knobs>::new(planted, 1)
        .regressions(&path)
        .hunt(30, 0.5)
        .unwrap();
    // The bug is fixed: the replay passes, nothing is reported.
    let fixed = ConfigFuzzer::<Knobs>::new(|| true, 1)
        .regressions(&path)
        .hunt(0, 0.5)
        .unwrap();
    assert!(fixed.findings().is_empty(), "{fixed}");
    assert!(fixed.regression_warnings().is_empty());
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[test]
fn stale_entries_are_warnings_not_errors() {
    let path = temp("stale");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        &path,
        r#"{
  "Knobs": [
    {"config": {"fuse": false, "unrol": true}, "status": "failed_error"},
    {"config": {"backend": "Cuda", "vectorize": true}, "status": "failed_error"},
    {"config": {"unroll": 3}, "status": "failed_error"},
    {"config": {"fuse": false, "unroll": true}, "status": "failed_error"},
    {"what": 1}
  ],
  "Other": [
    {"config": {"x": true}, "status": "failed_return"}
  ]
}
"#,
    )
    .unwrap();
    let seen: Arc<Mutex<Vec<(WarningKind, String, String)>>> = Arc::default();
    let sink = Arc::clone(&seen);
    // Other tests of this binary warn too, at the same time: keep this
    // file's warnings only.
    let mine = path.display().to_string();
    fuzzer_core::set_warning_handler(move |w| {
        if w.kind() == WarningKind::Regression && w.to_string().contains(&mine) {
            sink.lock()
                .unwrap()
                .push((w.kind(), w.field().to_string(), w.to_string()));
        }
    });
    let hunt = ConfigFuzzer::<Knobs>::new(planted, 1)
        .regressions(&path)
        .hunt(0, 0.5)
        .unwrap();
    fuzzer_core::set_warning_handler(|w| eprintln!("warning: {w}"));
    // The good entry still fails and is reported.
    assert_eq!(hunt.findings().len(), 1, "{hunt}");
    assert!(hunt.findings()[0].replayed());
    // The other four are warned about, each saying which and why.
    let warnings = hunt.regression_warnings();
    assert_eq!(warnings.len(), 4, "{warnings:#?}");
    assert_eq!(
        hunt.to_string()
            .matches("  warning: regressions file")
            .count(),
        4
    );
    assert!(
        warnings[0].contains("entry 1 of `Knobs`"),
        "{}",
        warnings[0]
    );
    assert!(
        warnings[0].contains("no field `unrol`; did you mean `unroll`?"),
        "{}",
        warnings[0]
    );
    assert!(
        warnings[0].contains("fix it or remove it"),
        "{}",
        warnings[0]
    );
    assert!(
        warnings[1].contains("entry 2") && warnings[1].contains("backend"),
        "{}",
        warnings[1]
    );
    assert!(
        warnings[2].contains("entry 3") && warnings[2].contains("unroll"),
        "{}",
        warnings[2]
    );
    assert!(warnings[3].contains("entry 5"), "{}", warnings[3]);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 4);
    assert_eq!(seen[0].1, "unrol");
    assert_eq!(seen[2].1, "unroll");
    assert_eq!(
        seen.iter().map(|s| s.2.clone()).collect::<Vec<_>>(),
        warnings.to_vec()
    );
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[test]
fn one_file_serves_several_config_types() {
    let path = temp("shared");
    ConfigFuzzer::<Other>::new(|| Other::read(|c| !c.x), 0)
        .regressions(&path)
        .hunt(5, 1.0)
        .unwrap();
    ConfigFuzzer::<Knobs>::new(planted, 1)
        .regressions(&path)
        .hunt(30, 0.5)
        .unwrap();
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(j["Other"].as_array().unwrap().len(), 1);
    assert_eq!(j["Knobs"].as_array().unwrap().len(), 2);
    // Each type replays only its own.
    let other = ConfigFuzzer::<Other>::new(|| Other::read(|c| !c.x), 0)
        .regressions(&path)
        .hunt(0, 1.0)
        .unwrap();
    assert_eq!(other.findings().len(), 1);
    assert_eq!(
        other.findings()[0].config(),
        &diff(&[("x", Value::Bool(true))])
    );
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[test]
fn an_unreadable_file_is_a_warning_and_is_not_overwritten() {
    let path = temp("broken");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "[not, a regressions file").unwrap();
    let hunt = ConfigFuzzer::<Knobs>::new(planted, 1)
        .regressions(&path)
        .hunt(30, 0.5)
        .unwrap();
    assert_eq!(hunt.findings().len(), 2);
    assert_eq!(hunt.regression_warnings().len(), 1);
    assert!(
        hunt.regression_warnings()[0].contains("not a regressions file"),
        "{:?}",
        hunt.regression_warnings()
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "[not, a regressions file"
    );
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[test]
fn bisect_replays_the_file_too() {
    let path = temp("bisect");
    ConfigFuzzer::<Knobs>::new(planted, 1)
        .regressions(&path)
        .hunt(30, 0.5)
        .unwrap();
    // Every attempt that fails holds a replayed failure: it is returned
    // without shrinking anew.
    let minimal = ConfigFuzzer::<Knobs>::new(planted, 9)
        .regressions(&path)
        .bisect(20, 0.5);
    assert!(!minimal.is_empty());
    for m in &minimal {
        assert!(
            *m == diff(&[("fuse", Value::Bool(false)), ("unroll", Value::Bool(true))])
                || *m == diff(&[("backend", halide()), ("vectorize", Value::Bool(true))]),
            "{m:?}"
        );
    }
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}
