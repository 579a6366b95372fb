//! `ConfigFuzzer::forbid_found`: a hunt keeps later attempts clear of the
//! culprits it has found (on by default for `hunt`, off for `bisect`), so
//! every bug of a planted set is found; the rescue of an attempt that held
//! two bugs; hits; validity of cleared samples under implications and
//! validators; jobs, state files and shards.

use std::sync::{Arc, Mutex};

use fake_config::{ImplicationConfig, Wide100};
use fuzzer_core::prelude::*;
use fuzzer_core::{Phase, Progress};

/// Four bugs over `Wide100` at fields drawn from `seed`: culprit sets of
/// 1, 2, 2 and 3 fields; a config fails when every field of one set is
/// toggled (off).
fn planted(seed: u64) -> Vec<Vec<usize>> {
    let mut rng = fuzzer_core::rng(seed ^ 0x5eed);
    let mut picked: Vec<usize> = Vec::new();
    while picked.len() < 8 {
        let f = rng.below(100) as usize;
        if !picked.contains(&f) {
            picked.push(f);
        }
    }
    vec![
        picked[0..1].to_vec(),
        picked[1..3].to_vec(),
        picked[3..5].to_vec(),
        picked[5..8].to_vec(),
    ]
}

fn name(f: usize) -> String {
    format!("f{f:03}")
}

/// The culprit config of a planted bug.
fn culprit(bug: &[usize]) -> ConfigDiff {
    bug.iter().map(|&f| (name(f), Value::Bool(false))).collect()
}

/// Whether `config` holds every change of `culprit`.
fn holds(config: &ConfigDiff, culprit: &ConfigDiff) -> bool {
    culprit.iter().all(|(k, v)| config.get(k) == Some(v))
}

fn wide_test(bugs: Vec<Vec<usize>>) -> impl Fn() -> bool + Send + Sync + Clone + 'static {
    move || {
        let changed = Wide100::changed();
        !bugs.iter().any(|bug| holds(&changed, &culprit(bug)))
    }
}

type Summary = Vec<(ConfigDiff, Status, usize)>;

fn summary(h: &Hunt) -> Summary {
    h.findings()
        .iter()
        .map(|f| (f.config().clone(), f.status(), f.hits()))
        .collect()
}

#[test]
fn a_hunt_finds_all_four_planted_bugs_in_every_seed() {
    for seed in 0..5 {
        let bugs = planted(seed);
        let hunt = ConfigFuzzer::<Wide100>::new(wide_test(bugs.clone()), seed)
            .hunt(30, 0.5)
            .unwrap();
        let found: Vec<&ConfigDiff> = hunt.findings().iter().map(|f| f.config()).collect();
        for bug in &bugs {
            assert!(
                found.contains(&&culprit(bug)),
                "seed {seed}: bug {bug:?} not found; found {found:?}"
            );
        }
        // Nothing else: every finding is one of the planted bugs.
        assert_eq!(found.len(), 4, "seed {seed}: {found:?}");
        assert!(hunt
            .findings()
            .iter()
            .all(|f| f.status() == Status::FailedReturn));
        // Each failing attempt counts once for each finding it led to (the
        // one it shrank to, and any its re-run without that one found), so
        // every finding has a hit, and the hits exceed the failing attempts
        // by at most the findings beyond each attempt's first.
        assert!(hunt.findings().iter().all(|f| f.hits() >= 1), "seed {seed}");
        let hits: usize = hunt.findings().iter().map(|f| f.hits()).sum();
        assert!(hits >= hunt.failing_attempts(), "seed {seed}");
        assert!(
            hits - hunt.failing_attempts() < hunt.findings().len(),
            "seed {seed}"
        );
    }
}

/// What a progress report said of a run: its phase and attempt.
type Reported = Option<(Phase, Option<usize>)>;

/// Every run the test saw, with its phase and attempt (from the progress
/// report that follows it), and the number of runs made when each finding
/// was reported.
#[derive(Default)]
struct Log {
    runs: Vec<(ConfigDiff, Reported)>,
    findings: Vec<(ConfigDiff, usize)>,
}

/// A hunt over `Wide100` with the bugs of `seed`, logged.
fn logged_hunt(seed: u64, forbid: bool) -> (Hunt, Log) {
    let log: Arc<Mutex<Log>> = Arc::default();
    let bugs = planted(seed);
    let test = {
        let log = Arc::clone(&log);
        let inner = wide_test(bugs);
        move || {
            log.lock().unwrap().runs.push((Wide100::changed(), None));
            inner()
        }
    };
    let on_progress = {
        let log = Arc::clone(&log);
        move |p: &Progress| {
            let mut log = log.lock().unwrap();
            let last = log
                .runs
                .last_mut()
                .expect("a progress report follows a run");
            assert!(last.1.is_none(), "one progress report per run");
            last.1 = Some((p.phase, p.attempt.map(|(a, _)| a)));
        }
    };
    let on_finding = {
        let log = Arc::clone(&log);
        move |f: &Finding| {
            let mut log = log.lock().unwrap();
            let at = log.runs.len();
            log.findings.push((f.config().clone(), at));
        }
    };
    let hunt = ConfigFuzzer::<Wide100>::new(test, seed)
        .forbid_found(forbid)
        .on_progress(on_progress)
        .on_finding(on_finding)
        .hunt(30, 0.5)
        .unwrap();
    let log = Arc::try_unwrap(log)
        .unwrap_or_else(|_| panic!("the fuzzer is gone"))
        .into_inner()
        .unwrap();
    (hunt, log)
}

/// Attempt runs (by attempt number) that held a culprit found before they
/// ran.
fn repeats(log: &Log) -> Vec<(usize, ConfigDiff)> {
    let mut out = Vec::new();
    for (at, (config, phase)) in log.runs.iter().enumerate() {
        let Some((Phase::Attempt, Some(attempt))) = phase else {
            continue;
        };
        for (culprit, found_at) in &log.findings {
            if *found_at <= at && holds(config, culprit) {
                out.push((*attempt, culprit.clone()));
            }
        }
    }
    out
}

#[test]
fn no_attempt_runs_a_config_that_holds_a_culprit_found_before() {
    for seed in 0..3 {
        let (hunt, log) = logged_hunt(seed, true);
        assert!(
            log.runs.iter().all(|(_, p)| p.is_some()),
            "every run was reported"
        );
        assert!(hunt.findings().len() >= 3, "seed {seed}");
        assert_eq!(log.findings.len(), hunt.findings().len());
        assert_eq!(repeats(&log), vec![], "seed {seed}");
        // Attempts did run after the findings: the check was not empty.
        let first_found = log.findings.iter().map(|(_, at)| *at).min().unwrap();
        assert!(log.runs[first_found..]
            .iter()
            .any(|(_, p)| matches!(p, Some((Phase::Attempt, _)))));
    }
}

#[test]
fn without_forbidding_attempts_run_into_the_bugs_found_again() {
    // The observable of the test above sees repeats when they happen.
    let (hunt, log) = logged_hunt(0, false);
    assert!(!repeats(&log).is_empty());
    assert!(hunt.findings().iter().any(|f| f.hits() > 1));
}

/// Three flags with two bugs: `fuse` off alone, and `unroll` with
/// `vectorize`.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Flags {
    /// `fuse`.
    #[config(default = true)]
    pub fuse: bool,
    /// `unroll`.
    pub unroll: bool,
    /// `vectorize`.
    pub vectorize: bool,
}

fn two_bugs() -> bool {
    Flags::read(|c| c.fuse && !(c.unroll && c.vectorize))
}

fn flags(entries: &[(&str, bool)]) -> ConfigDiff {
    entries
        .iter()
        .map(|(k, v)| (k.to_string(), Value::Bool(*v)))
        .collect()
}

#[test]
fn a_failing_attempt_is_run_again_without_its_culprit_and_finds_the_masked_bug() {
    // One attempt with every field toggled holds both bugs; it shrinks to
    // one, and its sample run again without that one finds the other.
    let hunt = ConfigFuzzer::<Flags>::new(two_bugs, 0)
        .hunt(1, 1.0)
        .unwrap();
    let configs: Vec<&ConfigDiff> = hunt.findings().iter().map(|f| f.config()).collect();
    assert_eq!(configs.len(), 2);
    assert!(configs.contains(&&flags(&[("fuse", false)])));
    assert!(configs.contains(&&flags(&[("unroll", true), ("vectorize", true)])));
    assert_eq!(hunt.failing_attempts(), 1);
    // The one attempt led to both findings: it counts for each.
    let hits: Vec<usize> = hunt.findings().iter().map(|f| f.hits()).collect();
    assert_eq!(hits, vec![1, 1]);
    // Without forbidding there is no rescue: one bug, one hit.
    let plain = ConfigFuzzer::<Flags>::new(two_bugs, 0)
        .forbid_found(false)
        .hunt(1, 1.0)
        .unwrap();
    assert_eq!(plain.findings().len(), 1);
    assert_eq!(plain.findings()[0].hits(), 1);
}

/// A pool whose bug is any thread count above 32.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Pool {
    /// Worker threads.
    #[config(default = 4)]
    #[fuzz(range = 1..=256)]
    pub threads: i64,
}

#[test]
fn hits_count_the_failing_attempts_that_shrank_to_a_finding() {
    // The finding is `threads = 33` (shrunk); later attempts draw other
    // counts above 32, which hold no culprit as found, fail, and shrink to
    // it: each is a hit.
    let hunt = ConfigFuzzer::<Pool>::new(|| Pool::read(|c| c.threads <= 32), 1)
        .hunt(10, 1.0)
        .unwrap();
    assert_eq!(hunt.findings().len(), 1);
    let f = &hunt.findings()[0];
    assert_eq!(f.config()["threads"], Value::Int(33));
    assert!(hunt.failing_attempts() > 1);
    assert_eq!(f.hits(), hunt.failing_attempts());
}

#[test]
fn bisect_keeps_one_result_per_failing_attempt() {
    let test = || Flags::read(|c| c.fuse || !c.unroll);
    let culprit = flags(&[("fuse", false), ("unroll", true)]);
    let minimal = ConfigFuzzer::<Flags>::new(test, 7).bisect(3, 1.0);
    assert_eq!(minimal, vec![culprit.clone(); 3]);
    // The same as with forbidding off, and as a hunt with it off.
    let off = ConfigFuzzer::<Flags>::new(test, 7)
        .forbid_found(false)
        .bisect(3, 1.0);
    assert_eq!(off, minimal);
    let hunt = ConfigFuzzer::<Flags>::new(test, 7)
        .forbid_found(false)
        .hunt(3, 1.0)
        .unwrap();
    assert_eq!(
        summary(&hunt),
        vec![(culprit.clone(), Status::FailedReturn, 3)]
    );
    // Asked for, forbidding applies to bisect too: later attempts pass.
    let on = ConfigFuzzer::<Flags>::new(test, 7)
        .forbid_found(true)
        .bisect(3, 1.0);
    assert_eq!(on, vec![culprit]);
}

#[test]
fn bisect_over_planted_bugs_is_unchanged_by_the_default() {
    for seed in 0..3 {
        let bugs = planted(seed);
        let default = ConfigFuzzer::<Wide100>::new(wide_test(bugs.clone()), seed).bisect(30, 0.5);
        let off = ConfigFuzzer::<Wide100>::new(wide_test(bugs), seed)
            .forbid_found(false)
            .bisect(30, 0.5);
        assert_eq!(default, off, "seed {seed}");
    }
}

#[test]
fn jobs_do_not_change_a_hunt_that_forbids() {
    for seed in 0..3 {
        let bugs = planted(seed);
        let one = ConfigFuzzer::<Wide100>::new(wide_test(bugs.clone()), seed)
            .hunt(30, 0.5)
            .unwrap();
        let three = ConfigFuzzer::<Wide100>::new(wide_test(bugs), seed)
            .jobs(3)
            .hunt(30, 0.5)
            .unwrap();
        assert_eq!(summary(&three), summary(&one), "seed {seed}");
        assert_eq!(three.failing_attempts(), one.failing_attempts());
    }
}

/// What every run of a hunt over `ImplicationConfig` saw: whether its
/// effective config passed the validator and kept every implication.
fn implication_test() -> impl Fn() -> Result<(), String> + Send + Sync + Clone + 'static {
    || {
        let c = ImplicationConfig::current();
        fake_config::check_budget(&c).map_err(|e| format!("invalid config ran: {e}"))?;
        if c.mode == fake_config::ImplicationMode::Strict && !(c.enabled && c.nested.enabled) {
            return Err("an implication did not hold".into());
        }
        // The planted bugs.
        if c.unrelated == 0 {
            return Err("no budget left".into());
        }
        if c.enabled && c.unrelated > 5 {
            return Err("enabled with a large budget".into());
        }
        Ok(())
    }
}

#[test]
fn cleared_samples_keep_implications_and_validators() {
    for seed in 0..6 {
        let fuzzer =
            ConfigFuzzer::<ImplicationConfig>::new(implication_test(), seed).shrink_values(false);
        let hunt = fuzzer.hunt(40, 0.7).unwrap();
        assert!(!hunt.findings().is_empty(), "seed {seed}");
        for f in hunt.findings() {
            let message = f.detail().message.clone().unwrap_or_default();
            assert!(
                !message.contains("invalid config ran") && !message.contains("implication"),
                "seed {seed}: {message}"
            );
        }
    }
}

fn layered_rules(c: &Layered) -> Result<(), String> {
    if c.extra && !c.base {
        return Err("`extra` needs `base`; turn `base` on too".into());
    }
    Ok(())
}

/// A validator that leaving a field out can break: `extra` needs `base`.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
#[config(validate = layered_rules)]
pub struct Layered {
    /// The base layer.
    pub base: bool,
    /// Needs `base`.
    pub extra: bool,
    /// Unrelated.
    pub other: bool,
}

#[test]
fn a_field_whose_removal_breaks_a_validator_is_left_out_with_what_needs_it() {
    // The bug is `base` on. Every attempt (p = 1) draws all three on;
    // clearing `base` alone would leave `extra` without it, so `extra`
    // goes too (and only it), and every later attempt runs a valid config
    // that passes.
    let seen: Arc<Mutex<Vec<Layered>>> = Arc::default();
    let test = {
        let seen = Arc::clone(&seen);
        move || {
            let c = Layered::current();
            seen.lock().unwrap().push((*c).clone());
            !c.base
        }
    };
    let hunt = ConfigFuzzer::<Layered>::new(test, 0).hunt(4, 1.0).unwrap();
    assert_eq!(
        summary(&hunt),
        vec![(
            ConfigDiff::from([("base".to_string(), Value::Bool(true))]),
            Status::FailedReturn,
            1
        )]
    );
    assert_eq!(hunt.failing_attempts(), 1);
    let seen = seen.lock().unwrap();
    assert!(seen.iter().all(|c| layered_rules(c).is_ok()));
    assert!(seen.iter().any(|c| !c.base && !c.extra && c.other));
}

#[test]
fn a_state_file_resumes_a_forbidding_hunt_exactly() {
    let path = std::env::temp_dir().join(format!("no-repeats-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let bugs = planted(3);
    let whole = ConfigFuzzer::<Wide100>::new(wide_test(bugs.clone()), 3)
        .state(&path)
        .hunt(30, 0.5)
        .unwrap();
    let full = std::fs::read(&path).unwrap();
    let line_ends = tests::line_ends(&full);
    assert!(line_ends.len() > 20);
    for &cut in line_ends.iter().skip(1).step_by(line_ends.len() / 6) {
        std::fs::write(&path, &full[..cut]).unwrap();
        let resumed = ConfigFuzzer::<Wide100>::new(wide_test(bugs.clone()), 3)
            .state(&path)
            .hunt(30, 0.5)
            .unwrap();
        assert_eq!(summary(&resumed), summary(&whole), "cut at byte {cut}");
        assert_eq!(resumed.runs(), whole.runs(), "cut at byte {cut}");
        assert!(resumed.resumed_runs() > 0);
    }
    // The setting is part of the campaign: a file of the other is refused.
    let other = ConfigFuzzer::<Wide100>::new(wide_test(bugs), 3)
        .forbid_found(false)
        .state(&path)
        .hunt(30, 0.5);
    match other {
        Err(FuzzError::State { message, .. }) => {
            assert!(message.contains("forbid_found"), "{message}");
        }
        other => panic!("not refused: {other:?}"),
    }
    std::fs::remove_file(&path).unwrap();
}

fn sharded(seed: u64, forbid: bool) -> Vec<Hunt> {
    (1..=3)
        .map(|k| {
            let json = ConfigFuzzer::<Wide100>::new(wide_test(planted(seed)), seed)
                .forbid_found(forbid)
                .shard(k, 3)
                .unwrap()
                .hunt(30, 0.5)
                .unwrap()
                .save_json();
            Hunt::load_json(&json).unwrap()
        })
        .collect()
}

#[test]
fn forbidding_shards_merge_to_the_same_real_findings_every_time() {
    for seed in 0..2 {
        let merged = Hunt::merge(sharded(seed, true)).unwrap();
        let again = Hunt::merge(sharded(seed, true).into_iter().rev()).unwrap();
        assert_eq!(summary(&again), summary(&merged), "seed {seed}");
        assert_eq!(merged.attempts(), 30);
        assert!(merged.findings().iter().all(|f| f.hits() >= 1));
        let hits: usize = merged.findings().iter().map(|f| f.hits()).sum();
        assert!(hits >= merged.failing_attempts());
        // Every merged finding is a planted bug, and fails as reported.
        let bugs: Vec<ConfigDiff> = planted(seed).iter().map(|b| culprit(b)).collect();
        let check = ConfigFuzzer::<Wide100>::new(wide_test(planted(seed)), seed);
        for f in merged.findings() {
            assert!(bugs.contains(f.config()), "seed {seed}: {:?}", f.config());
            assert_eq!(check.test_config(f.config()), f.status());
        }
    }
}

#[test]
fn shards_without_forbidding_merge_to_the_unsharded_hunt() {
    for seed in 0..2 {
        let whole = ConfigFuzzer::<Wide100>::new(wide_test(planted(seed)), seed)
            .forbid_found(false)
            .hunt(30, 0.5)
            .unwrap();
        let whole = Hunt::load_json(&whole.save_json()).unwrap();
        let merged = Hunt::merge(sharded(seed, false)).unwrap();
        assert_eq!(summary(&merged), summary(&whole), "seed {seed}");
        assert_eq!(merged.failing_attempts(), whole.failing_attempts());
    }
}

#[test]
fn shards_of_both_settings_do_not_merge() {
    let mut parts = sharded(0, true);
    parts[1] = sharded(0, false).swap_remove(1);
    match Hunt::merge(parts) {
        Err(FuzzError::Shard { message }) => assert!(message.contains("forbid_found"), "{message}"),
        other => panic!("merged: {:?}", other.map(|h| summary(&h))),
    }
}

#[test]
fn culprits_replayed_from_the_regressions_file_are_forbidden_too() {
    let path = std::env::temp_dir().join(format!("no-repeats-regr-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&path);
    // An earlier campaign found `fuse = false` and kept it.
    let earlier = ConfigFuzzer::<Flags>::new(|| Flags::read(|c| c.fuse), 0)
        .regressions(&path)
        .hunt(1, 1.0)
        .unwrap();
    assert_eq!(
        summary(&earlier),
        vec![(flags(&[("fuse", false)]), Status::FailedReturn, 1)]
    );
    // Now both bugs are there. Without forbidding, the attempt (every
    // field toggled) holds the replayed culprit and counts for it: the
    // other bug stays hidden.
    let plain = ConfigFuzzer::<Flags>::new(two_bugs, 0)
        .regressions(&path)
        .forbid_found(false)
        .hunt(1, 1.0)
        .unwrap();
    assert_eq!(
        summary(&plain),
        vec![(flags(&[("fuse", false)]), Status::FailedReturn, 1)]
    );
    // With it, the replayed one still fails, and the attempt is kept clear
    // of it and finds the other.
    let hunt = ConfigFuzzer::<Flags>::new(two_bugs, 0)
        .regressions(&path)
        .hunt(1, 1.0)
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(
        summary(&hunt),
        vec![
            (flags(&[("fuse", false)]), Status::FailedReturn, 0),
            (
                flags(&[("unroll", true), ("vectorize", true)]),
                Status::FailedReturn,
                1
            ),
        ]
    );
    assert!(hunt.findings()[0].replayed());
}

#[test]
fn a_forbidding_hunt_resumed_with_other_jobs_finds_the_same() {
    let path = std::env::temp_dir().join(format!("no-repeats-jobs-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let bugs = planted(1);
    let first = ConfigFuzzer::<Wide100>::new(wide_test(bugs.clone()), 1)
        .state(&path)
        .hunt(30, 0.5)
        .unwrap();
    // The same jobs: every run answered from the file.
    let again = ConfigFuzzer::<Wide100>::new(wide_test(bugs.clone()), 1)
        .state(&path)
        .hunt(30, 0.5)
        .unwrap();
    assert_eq!(summary(&again), summary(&first));
    assert_eq!(again.resumed_runs(), again.runs());
    // Other jobs: the same findings; attempts run alongside one that
    // finds a culprit may be run again without it, afresh.
    let three = ConfigFuzzer::<Wide100>::new(wide_test(bugs), 1)
        .jobs(3)
        .state(&path)
        .hunt(30, 0.5)
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(summary(&three), summary(&first));
    assert_eq!(three.failing_attempts(), first.failing_attempts());
}
