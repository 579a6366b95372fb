//! `ConfigFuzzer::shard`: k of n disjoint slices of a campaign, merged
//! (`Hunt::merge`, `Results::merge`, through saved JSON) into the findings
//! of one unsharded run with the same seed; parts that do not belong
//! together are refused with the problem named.

use fake_config::FakeConfig;
use fuzzer_core::prelude::*;

/// Twelve flags with planted bugs of several kinds.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Knobs {
    /// `fuse`.
    #[config(default = true)]
    pub fuse: bool,
    /// `unroll`.
    pub unroll: bool,
    /// `vectorize`.
    pub vectorize: bool,
    /// `tile`.
    #[config(default = 8)]
    #[fuzz(values = [8, 16, 32])]
    pub tile: i64,
    /// `cache`.
    pub cache: Option<bool>,
    /// `a`.
    pub a: bool,
    /// `b`.
    pub b: bool,
    /// `c`.
    pub c: bool,
    /// `d`.
    pub d: bool,
    /// `e`.
    pub e: bool,
    /// `f`.
    pub f: bool,
    /// `g`.
    pub g: bool,
}

fn planted() -> Result<(), String> {
    let k = Knobs::current();
    assert!(!(k.a && k.b), "a and b");
    if !k.fuse && k.unroll {
        return Err("miscompiled loop".into());
    }
    if k.tile == 32 && k.vectorize {
        return Err("tile 32 does not vectorize".into());
    }
    if k.cache.is_some() && k.g {
        return Err("stale cache".into());
    }
    Ok(())
}

type Summary = Vec<(ConfigDiff, Status, usize)>;

/// Findings by their JSON form, as a merge of loaded shards has them.
fn summary(h: &Hunt) -> Summary {
    let h = Hunt::load_json(&h.save_json()).unwrap();
    h.findings()
        .iter()
        .map(|f| (f.config().clone(), f.status(), f.hits()))
        .collect()
}

/// Shards of a hunt with independent attempts (`forbid_found(false)`), so
/// that together they are one unsharded run; `tests/no_repeats.rs` has the
/// forbidding shards.
fn shard_hunts(seed: u64, n: usize, attempts: usize, p: f64) -> Vec<Hunt> {
    (1..=n)
        .map(|k| {
            let fuzzer = ConfigFuzzer::<Knobs>::new(planted, seed)
                .forbid_found(false)
                .shard(k, n)
                .unwrap();
            let hunt = fuzzer.hunt(attempts, p).unwrap();
            Hunt::load_json(&hunt.save_json()).unwrap()
        })
        .collect()
}

#[test]
fn three_shards_merged_equal_one_hunt_with_the_same_seed() {
    for seed in [1, 2, 3, 4] {
        let whole = ConfigFuzzer::<Knobs>::new(planted, seed)
            .forbid_found(false)
            .hunt(40, 0.3)
            .unwrap();
        assert!(whole.findings().len() >= 2, "seed {seed}: {whole}");
        let parts = shard_hunts(seed, 3, 40, 0.3);
        let attempts: Vec<usize> = parts.iter().map(Hunt::attempts).collect();
        assert_eq!(attempts, [14, 13, 13]);
        // Parts in any order.
        let mut reversed = parts.clone();
        reversed.reverse();
        let merged = Hunt::merge(reversed).unwrap();
        assert_eq!(
            summary(&merged),
            summary(&whole),
            "seed {seed}: merged\n{merged}\nwhole\n{whole}"
        );
        assert_eq!(merged.attempts(), 40);
        assert_eq!(merged.failing_attempts(), whole.failing_attempts());
        let campaign = merged.campaign().unwrap();
        assert_eq!(campaign.shard(), None);
        assert_eq!(Some(campaign), whole.campaign());
    }
}

#[test]
fn bisect_shards_together_return_what_one_bisect_does() {
    let whole = ConfigFuzzer::<Knobs>::new(planted, 5).bisect(30, 0.3);
    let mut sharded: Vec<ConfigDiff> = (1..=3)
        .flat_map(|k| {
            ConfigFuzzer::<Knobs>::new(planted, 5)
                .shard(k, 3)
                .unwrap()
                .bisect(30, 0.3)
        })
        .collect();
    let mut whole_sorted = whole.clone();
    whole_sorted.sort_by_key(|d| format!("{d:?}"));
    sharded.sort_by_key(|d| format!("{d:?}"));
    assert!(!whole.is_empty());
    assert_eq!(sharded, whole_sorted);
}

fn entries(r: &Results) -> Vec<(ConfigDiff, Status)> {
    let r = Results::load_json(&r.save_json()).unwrap();
    let mut all: Vec<(ConfigDiff, Status)> = r.iter().map(|(c, s)| (c.clone(), s)).collect();
    all.sort_by_key(|(c, _)| format!("{c:?}"));
    all
}

#[test]
fn three_n_tuple_shards_merged_equal_one_sweep() {
    // FakeConfig has skipped and pinned fields, so the sweep skips some
    // combinations; a limit stops it part way.
    for (n, max) in [(2, 1000), (2, 40), (3, 100)] {
        let whole = ConfigFuzzer::<FakeConfig>::new(|| true, 9).fuzz_n_tuple(n, max);
        let parts: Vec<Results> = (1..=3)
            .map(|k| {
                let r = ConfigFuzzer::<FakeConfig>::new(|| true, 9)
                    .shard(k, 3)
                    .unwrap()
                    .fuzz_n_tuple(n, max);
                Results::load_json(&r.save_json()).unwrap()
            })
            .collect();
        let ran: usize = parts.iter().map(Results::num_ran).sum();
        assert_eq!(ran, whole.num_ran(), "n {n}, max {max}");
        let merged = Results::merge(parts).unwrap();
        assert_eq!(entries(&merged), entries(&whole), "n {n}, max {max}");
        assert_eq!(merged.num_skipped(), whole.num_skipped());
        assert_eq!(merged.num_ran(), whole.num_ran());
        let names: Vec<&str> = FakeConfig::fields().iter().map(|f| f.name()).collect();
        for i in 0..names.len() {
            for j in i + 1..names.len() {
                let pair = [names[i], names[j]];
                assert_eq!(merged.lookup(&pair), whole.lookup(&pair), "{pair:?}");
            }
        }
    }
}

#[test]
fn n_tuple_shards_find_the_failing_pairs() {
    let whole = ConfigFuzzer::<Knobs>::new(planted, 0).fuzz_n_tuple(2, 1000);
    let parts: Vec<Results> = (1..=3)
        .map(|k| {
            ConfigFuzzer::<Knobs>::new(planted, 0)
                .shard(k, 3)
                .unwrap()
                .fuzz_n_tuple(2, 1000)
        })
        .collect();
    // Disjoint: no combination runs in two shards.
    let mut seen = std::collections::BTreeSet::new();
    for p in &parts {
        for (c, _) in p.iter() {
            assert!(seen.insert(format!("{c:?}")), "{c:?} ran twice");
        }
    }
    let merged = Results::merge(parts).unwrap();
    assert_eq!(entries(&merged), entries(&whole));
    assert_eq!(merged.lookup(&["a", "b"]), Some(Status::FailedPanic));
    assert_eq!(
        merged.lookup(&["fuse", "unroll"]),
        Some(Status::FailedError)
    );
}

#[test]
fn a_shard_out_of_range_is_an_error_that_says_how_to_count() {
    for (k, n) in [(0, 3), (4, 3), (1, 0)] {
        let err = ConfigFuzzer::<Knobs>::new(planted, 0)
            .shard(k, n)
            .unwrap_err();
        assert!(matches!(err, FuzzError::Shard { .. }));
        let text = err.to_string();
        assert!(
            text.contains(&format!("there is no shard {k}/{n}")),
            "{text}"
        );
        assert!(text.contains("counted from 1"), "{text}");
    }
    assert!(ConfigFuzzer::<Knobs>::new(planted, 0).shard(3, 3).is_ok());
}

fn merge_error(parts: Vec<Hunt>) -> String {
    match Hunt::merge(parts) {
        Err(e @ FuzzError::Shard { .. }) => e.to_string(),
        other => panic!("expected a shard error, got {other:?}"),
    }
}

#[test]
fn parts_of_other_campaigns_or_missing_shards_are_refused() {
    let parts = shard_hunts(1, 3, 9, 0.3);
    // Another seed.
    let other_seed = shard_hunts(2, 3, 9, 0.3);
    let m = merge_error(vec![
        parts[0].clone(),
        other_seed[1].clone(),
        parts[2].clone(),
    ]);
    assert!(
        m.contains("part 2 is from another campaign than part 1"),
        "{m}"
    );
    assert!(m.contains("seed"), "{m}");
    // Other options.
    let other_p = shard_hunts(1, 3, 9, 0.5);
    let m = merge_error(vec![parts[0].clone(), parts[1].clone(), other_p[2].clone()]);
    assert!(
        m.contains("part 3 is from another campaign") && m.contains("`p`"),
        "{m}"
    );
    // Other pins: another config, as far as the campaign goes.
    let pinned = ConfigFuzzer::<Knobs>::new(planted, 1)
        .forbid_found(false)
        .pin("g", Value::Bool(true))
        .unwrap()
        .shard(2, 3)
        .unwrap()
        .hunt(9, 0.3)
        .unwrap();
    let m = merge_error(vec![parts[0].clone(), pinned, parts[2].clone()]);
    assert!(
        m.contains("fields or pins differ") && m.contains("pinned at true"),
        "{m}"
    );
    // Missing and duplicate shards.
    let m = merge_error(vec![parts[0].clone(), parts[2].clone()]);
    assert!(m.contains("shard 2/3 is missing"), "{m}");
    let m = merge_error(vec![parts[0].clone(), parts[1].clone(), parts[1].clone()]);
    assert!(
        m.contains("shard 2/3 is given twice (parts 2 and 3)"),
        "{m}"
    );
    // A whole campaign is not a shard.
    let whole = ConfigFuzzer::<Knobs>::new(planted, 1)
        .forbid_found(false)
        .hunt(9, 0.3)
        .unwrap();
    let m = merge_error(vec![whole]);
    assert!(m.contains("not a shard"), "{m}");
    // A hunt saved without its campaign.
    let bare = Hunt::load_json(r#"{"findings": []}"#).unwrap();
    let m = merge_error(vec![bare]);
    assert!(m.contains("has no campaign"), "{m}");
}

#[test]
fn results_of_different_sweeps_are_refused() {
    let a = ConfigFuzzer::<Knobs>::new(planted, 0)
        .shard(1, 2)
        .unwrap()
        .fuzz_n_tuple(2, 10);
    let b = ConfigFuzzer::<Knobs>::new(planted, 0)
        .shard(2, 2)
        .unwrap()
        .fuzz_n_tuple(3, 10);
    let err = Results::merge([a, b]).unwrap_err().to_string();
    assert!(
        err.contains("part 2 is from another campaign") && err.contains("`n`"),
        "{err}"
    );
    let plain = ConfigFuzzer::<Knobs>::new(planted, 0).reproduce(&[ConfigDiff::new()]);
    let err = Results::merge([plain]).unwrap_err().to_string();
    assert!(err.contains("has no campaign"), "{err}");
}

#[test]
fn a_hunt_survives_json_with_its_campaign() {
    let hunt = ConfigFuzzer::<Knobs>::new(planted, 1)
        .shard(1, 2)
        .unwrap()
        .hunt(10, 0.3)
        .unwrap();
    let back = Hunt::load_json(&hunt.save_json()).unwrap();
    assert_eq!(back.campaign(), hunt.campaign());
    assert_eq!(back.attempts(), hunt.attempts());
    assert_eq!(back.runs(), hunt.runs());
    for (a, b) in back.findings().iter().zip(hunt.findings()) {
        assert_eq!(a.status(), b.status());
        assert_eq!(a.hits(), b.hits());
        assert_eq!(a.detail().message, b.detail().message);
        assert_eq!(a.repro_snippet(), b.repro_snippet());
    }
    // The shape outside tools read: `findings[].config/status/hits`.
    let j: serde_json::Value = serde_json::from_str(&hunt.save_json()).unwrap();
    let f = &j["findings"][0];
    assert!(
        f["config"].is_object() && f["status"].is_string() && f["hits"].is_u64(),
        "{j}"
    );
    let err = Hunt::load_json(r#"{"findings": [], "extra": 1}"#).unwrap_err();
    assert!(err.to_string().contains("extra"), "{err}");
}
