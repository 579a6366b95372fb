//! `ConfigFuzzer::state`: a campaign's runs kept in a state file, answered
//! from it when the same campaign runs again; a file of another campaign
//! (config, pins, seed, kind, options, shard) refused with what differs; a
//! torn last line tolerated. The kill -9 test is in `tests/process`.

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use fuzzer_core::prelude::*;

/// Six flags with two planted bugs.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Knobs {
    /// `fuse`.
    #[config(default = true)]
    pub fuse: bool,
    /// `unroll`.
    pub unroll: bool,
    /// `vectorize`.
    pub vectorize: bool,
    /// `cache`.
    pub cache: Option<bool>,
    /// `a`.
    pub a: bool,
    /// `b`.
    pub b: bool,
}

/// The same fields with another default: another config, as far as a
/// state file goes.
pub mod changed {
    use fuzzer_core::prelude::*;

    /// `Knobs` with another default of `unroll`.
    #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    pub struct Knobs {
        /// `fuse`.
        #[config(default = true)]
        pub fuse: bool,
        /// `unroll`.
        #[config(default = true)]
        pub unroll: bool,
        /// `vectorize`.
        pub vectorize: bool,
        /// `cache`.
        pub cache: Option<bool>,
        /// `a`.
        pub a: bool,
        /// `b`.
        pub b: bool,
    }
}

fn planted() -> Result<(), String> {
    let k = Knobs::current();
    if !k.fuse && k.unroll {
        return Err("miscompiled loop".into());
    }
    if k.a && k.b && k.cache.is_none() {
        return Err("a, b and no cache".into());
    }
    Ok(())
}

fn temp(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("state-{}-{name}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&p);
    p
}

type Summary = Vec<(ConfigDiff, Status, usize)>;

fn summary(h: &Hunt) -> Summary {
    h.findings()
        .iter()
        .map(|f| (f.config().clone(), f.status(), f.hits()))
        .collect()
}

/// A test that counts its runs.
fn counted() -> (
    Arc<AtomicUsize>,
    impl Fn() -> Result<(), String> + Clone + Send + Sync,
) {
    let runs = Arc::new(AtomicUsize::new(0));
    let r = Arc::clone(&runs);
    (runs, move || {
        r.fetch_add(1, Ordering::Relaxed);
        planted()
    })
}

#[test]
fn a_rerun_answers_every_run_from_the_file_and_finds_the_same() {
    let path = temp("rerun");
    // Independent attempts: then `jobs` changes nothing that runs (with
    // `forbid_found` on, a batch may run an attempt again once an earlier
    // one of the batch finds a culprit; see `tests/no_repeats.rs`).
    let whole = ConfigFuzzer::<Knobs>::new(planted, 4)
        .forbid_found(false)
        .hunt(25, 0.5)
        .unwrap();
    let (runs, test) = counted();
    let first = ConfigFuzzer::<Knobs>::new(test.clone(), 4)
        .forbid_found(false)
        .state(&path)
        .hunt(25, 0.5)
        .unwrap();
    assert_eq!(summary(&first), summary(&whole));
    assert_eq!(first.resumed_runs(), 0);
    let ran = runs.load(Ordering::Relaxed);
    assert_eq!(ran, first.runs());
    // jobs may change between runs: it does not change what runs.
    let again = ConfigFuzzer::<Knobs>::new(test, 4)
        .forbid_found(false)
        .jobs(3)
        .state(&path)
        .hunt(25, 0.5)
        .unwrap();
    assert_eq!(summary(&again), summary(&whole));
    assert_eq!(runs.load(Ordering::Relaxed), ran, "nothing ran again");
    assert_eq!(again.resumed_runs(), again.runs());
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_file_cut_anywhere_resumes_to_the_same_findings() {
    let path = temp("cut");
    let whole = ConfigFuzzer::<Knobs>::new(planted, 4)
        .state(&path)
        .hunt(25, 0.5)
        .unwrap();
    let full = std::fs::read(&path).unwrap();
    let line_ends = tests::line_ends(&full);
    assert!(line_ends.len() > 10);
    // Cut after each whole line, and in the middle of the next (a torn
    // line, as a kill leaves it).
    for &end in line_ends.iter().step_by(3) {
        for cut in [end, (end + 7).min(full.len())] {
            std::fs::write(&path, &full[..cut]).unwrap();
            let (runs, test) = counted();
            let resumed = ConfigFuzzer::<Knobs>::new(test, 4)
                .state(&path)
                .hunt(25, 0.5)
                .unwrap();
            assert_eq!(summary(&resumed), summary(&whole), "cut at byte {cut}");
            assert_eq!(
                runs.load(Ordering::Relaxed),
                resumed.runs() - resumed.resumed_runs()
            );
            assert_eq!(resumed.runs(), whole.runs(), "cut at byte {cut}");
            // The torn line was cut off: the file reads back whole.
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(text.ends_with('\n'));
            for line in text.lines() {
                serde_json::from_str::<serde_json::Value>(line)
                    .unwrap_or_else(|e| panic!("cut at {cut}: a bad line {line:?}: {e}"));
            }
        }
    }
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_torn_last_line_is_ignored() {
    let path = temp("torn");
    let whole = ConfigFuzzer::<Knobs>::new(planted, 4)
        .state(&path)
        .hunt(10, 0.5)
        .unwrap();
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    f.write_all(br#"{"run":"{\"config\":\"Knobs\",\"val"#)
        .unwrap();
    drop(f);
    let again = ConfigFuzzer::<Knobs>::new(planted, 4)
        .state(&path)
        .hunt(10, 0.5)
        .unwrap();
    assert_eq!(summary(&again), summary(&whole));
    assert_eq!(again.resumed_runs(), again.runs());
    std::fs::remove_file(&path).unwrap();
}

fn refused(result: Result<Hunt, FuzzError>, what: &[&str]) {
    match result {
        Err(e @ FuzzError::State { .. }) => {
            let text = e.to_string();
            for w in what {
                assert!(text.contains(w), "{w:?} not in: {text}");
            }
            assert!(text.contains("belongs to another campaign"), "{text}");
            assert!(text.contains("delete it"), "{text}");
        }
        other => panic!("expected a state error, got {other:?}"),
    }
}

#[test]
fn a_state_file_of_another_campaign_is_refused_with_what_differs() {
    let path = temp("other");
    let fuzzer = || ConfigFuzzer::<Knobs>::new(planted, 4).state(&path);
    fuzzer().hunt(10, 0.5).unwrap();
    let before = std::fs::read(&path).unwrap();
    refused(
        ConfigFuzzer::<Knobs>::new(planted, 5)
            .state(&path)
            .hunt(10, 0.5),
        &["its seed is 4, this campaign's is 5"],
    );
    refused(
        fuzzer().hunt(11, 0.5),
        &["`attempts` is 10, this campaign's is 11"],
    );
    refused(
        fuzzer().hunt(10, 0.25),
        &["`p` is 0.5, this campaign's is 0.25"],
    );
    refused(fuzzer().confirm(0).hunt(10, 0.5), &["`confirm` is 1"]);
    refused(
        fuzzer().sampling(SamplingMethod::Random).hunt(10, 0.5),
        &["`sampling`"],
    );
    refused(
        fuzzer().pin("b", Value::Bool(true)).unwrap().hunt(10, 0.5),
        &[
            "fields or pins differ",
            "field `b`: it was not pinned, is now pinned at true",
        ],
    );
    refused(
        fuzzer().shard(1, 2).unwrap().hunt(10, 0.5),
        &["it is the whole campaign, this is shard 1/2"],
    );
    refused(
        ConfigFuzzer::<changed::Knobs>::new(|| true, 4)
            .state(&path)
            .hunt(10, 0.5),
        &[
            "fields or pins differ",
            "field `unroll`: the default was false, is now true",
        ],
    );
    // An n-tuple sweep is another kind of campaign; it panics as
    // `fuzz_n_tuple` does on every error, with the same message.
    let sweep = std::panic::catch_unwind(|| fuzzer().fuzz_n_tuple(2, 10));
    let message = sweep.unwrap_err();
    let message = message
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(
        message.contains("it is a campaign of kind `hunt`, this one is of kind `n-tuple`"),
        "{message}"
    );
    assert!(message.contains("delete it"), "{message}");
    // Nothing refused touched the file.
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // What is allowed to change: jobs, isolation, timeout.
    fuzzer()
        .jobs(2)
        .timeout(std::time::Duration::from_secs(60))
        .hunt(10, 0.5)
        .unwrap();
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_file_that_is_not_a_state_file_is_refused() {
    let path = temp("garbage");
    std::fs::write(&path, "not json\n{}\n").unwrap();
    let err = ConfigFuzzer::<Knobs>::new(planted, 4)
        .state(&path)
        .hunt(10, 0.5)
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, FuzzError::State { .. }));
    assert!(text.contains("is not a state file"), "{text}");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn an_n_tuple_sweep_resumes_from_its_state_file() {
    let path = temp("sweep");
    let whole = ConfigFuzzer::<Knobs>::new(planted, 2).fuzz_n_tuple(2, 100);
    let first = ConfigFuzzer::<Knobs>::new(planted, 2)
        .state(&path)
        .fuzz_n_tuple(2, 100);
    let (runs, test) = counted();
    let again = ConfigFuzzer::<Knobs>::new(test, 2)
        .state(&path)
        .fuzz_n_tuple(2, 100);
    assert_eq!(runs.load(Ordering::Relaxed), 0);
    let view = |r: &Results| r.iter().map(|(c, s)| (c.clone(), s)).collect::<Vec<_>>();
    assert_eq!(view(&first), view(&whole));
    assert_eq!(view(&again), view(&whole));
    assert_eq!(again.lookup(&["fuse", "unroll"]), Some(Status::FailedError));
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn findings_are_written_as_they_are_confirmed() {
    let path = temp("findings");
    let hunt = ConfigFuzzer::<Knobs>::new(planted, 4)
        .state(&path)
        .hunt(25, 0.5)
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let on_file: Vec<serde_json::Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|j| j.get("finding").cloned())
        .collect();
    assert_eq!(on_file.len(), hunt.findings().len());
    for (j, f) in on_file.iter().zip(hunt.findings()) {
        assert_eq!(j["status"], f.status().as_str());
        assert_eq!(j["config"], serde_json::to_value(f.config()).unwrap());
    }
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_shard_with_a_state_file_resumes_as_that_shard() {
    let path = temp("shard");
    let shard = || {
        ConfigFuzzer::<Knobs>::new(planted, 4)
            .shard(2, 3)
            .unwrap()
            .state(&path)
    };
    let first = shard().hunt(30, 0.5).unwrap();
    let (runs, test) = counted();
    let again = ConfigFuzzer::<Knobs>::new(test, 4)
        .shard(2, 3)
        .unwrap()
        .state(&path)
        .hunt(30, 0.5)
        .unwrap();
    assert_eq!(runs.load(Ordering::Relaxed), 0);
    assert_eq!(summary(&again), summary(&first));
    assert_eq!(again.attempts(), 10);
    // Another shard of the same campaign is another campaign for the file.
    refused(
        ConfigFuzzer::<Knobs>::new(planted, 4)
            .shard(3, 3)
            .unwrap()
            .state(&path)
            .hunt(30, 0.5),
        &["it is shard 2/3, this is shard 3/3"],
    );
    std::fs::remove_file(&path).unwrap();
}

/// A fuzz range as the state file knew it, and as it is now.
pub mod tiles {
    /// Before: `tile_size` fuzzed over `1..=64`.
    pub mod before {
        use fuzzer_core::prelude::*;

        /// One ranged knob.
        #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
        pub struct Tiles {
            /// `tile_size`.
            #[config(default = 16)]
            #[fuzz(range = 1..=64)]
            pub tile_size: i64,
        }
    }

    /// After: `tile_size` fuzzed over `1..=128`.
    pub mod after {
        use fuzzer_core::prelude::*;

        /// One ranged knob, with a wider range.
        #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
        pub struct Tiles {
            /// `tile_size`.
            #[config(default = 16)]
            #[fuzz(range = 1..=128)]
            pub tile_size: i64,
        }
    }
}

#[test]
fn a_changed_fuzz_range_is_refused_in_plain_words() {
    let path = temp("tiles");
    ConfigFuzzer::<tiles::before::Tiles>::new(|| true, 1)
        .state(&path)
        .hunt(3, 0.5)
        .unwrap();
    let result = ConfigFuzzer::<tiles::after::Tiles>::new(|| true, 1)
        .state(&path)
        .hunt(3, 0.5);
    refused(
        result,
        &["field `tile_size`: the fuzz range was 1..=64, is now 1..=128"],
    );
    let text = ConfigFuzzer::<tiles::after::Tiles>::new(|| true, 1)
        .state(&path)
        .hunt(3, 0.5)
        .unwrap_err()
        .to_string();
    assert!(!text.contains("Range {"), "{text}");
    assert!(!text.contains("Int("), "{text}");
    std::fs::remove_file(&path).unwrap();
}
