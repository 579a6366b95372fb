//! Covering sweeps (`fuzz_covering`): the same answers as an exhaustive
//! `fuzz_n_tuple` in far fewer runs, culprits forbidden in later rows,
//! levels of every kind of field, pins and implications respected.

use fake_config::{ImplicationConfig, InductorConfig, Wide100, Wide50};
use fuzzer_core::prelude::*;
use fuzzer_core::FuzzRole;

/// Every combination of `t` of `names`, in lexicographic order.
fn combinations(names: &[&str], t: usize) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut combo: Vec<usize> = (0..t).collect();
    loop {
        out.push(combo.iter().map(|&i| names[i].to_string()).collect());
        let Some(i) = (0..t).rev().find(|&i| combo[i] < names.len() - t + i) else {
            return out;
        };
        combo[i] += 1;
        for j in i + 1..t {
            combo[j] = combo[j - 1] + 1;
        }
    }
}

/// The t-sets an exhaustive sweep saw fail (read from its entries: its
/// `lookup` scans them all, too slow for 19,600 t-sets), sorted.
fn failing_entries(results: &Results) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = results
        .failures()
        .map(|e| e.config.keys().cloned().collect())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The t-sets `lookup` reports failing.
fn failing(results: &Results, names: &[&str], t: usize) -> Vec<Vec<String>> {
    combinations(names, t)
        .into_iter()
        .filter(|c| results.lookup(c).is_some_and(Status::is_failing))
        .collect()
}

fn wide100_bugs() -> bool {
    Wide100::read(|c| c.f010 && !(!c.f020 && !c.f055) && !(!c.f070 && !c.f093))
}

#[test]
fn wide100_pairs_match_the_exhaustive_sweep_in_at_most_250_runs() {
    let names: Vec<&str> = Wide100::fields().iter().map(|f| f.name()).collect();
    let cover = ConfigFuzzer::<Wide100>::new(wide100_bugs, 11);
    let pairs = cover.fuzz_covering(2);
    let runs = cover.num_runs();
    assert!(runs <= 250, "{runs} runs");

    let exhaustive = ConfigFuzzer::<Wide100>::new(wide100_bugs, 11).fuzz_n_tuple(2, usize::MAX);
    assert_eq!(exhaustive.num_ran(), 4950);
    let expected = failing_entries(&exhaustive);
    // f010 with each of the 99 others, and the two planted pairs.
    assert_eq!(expected.len(), 99 + 2);
    assert_eq!(failing(&pairs, &names, 2), expected);
    // Every other pair passed in both.
    assert!(exhaustive
        .iter()
        .all(|(_, s)| s == Status::Passed || s == Status::FailedReturn));
    for c in combinations(&names, 2) {
        let want = if expected.contains(&c) {
            Status::FailedReturn
        } else {
            Status::Passed
        };
        assert_eq!(pairs.lookup(&c), Some(want), "{c:?}");
    }
    let mut culprits: Vec<Vec<&String>> =
        pairs.culprits().map(|(d, _)| d.keys().collect()).collect();
    culprits.sort();
    assert_eq!(
        culprits,
        vec![vec!["f010"], vec!["f020", "f055"], vec!["f070", "f093"]]
    );
    // Every culprit fails alone.
    let check = cover.verify(&pairs);
    assert_eq!(check.len(), 3);
    assert!(check.iter().all(|(_, s)| s == Status::FailedReturn));
}

#[test]
fn the_same_seed_gives_the_same_sweep() {
    let a = ConfigFuzzer::<Wide100>::new(wide100_bugs, 5).fuzz_covering(2);
    let b = ConfigFuzzer::<Wide100>::new(wide100_bugs, 5).fuzz_covering(2);
    let configs = |r: &Results| r.iter().map(|(c, s)| (c.clone(), s)).collect::<Vec<_>>();
    assert_eq!(configs(&a), configs(&b));
}

#[test]
fn jobs_give_the_same_sweep_as_one_job() {
    let configs = |r: &Results| {
        r.entries()
            .iter()
            .map(|e| (e.config.clone(), e.status))
            .collect::<Vec<_>>()
    };
    for seed in [5, 8] {
        let one = ConfigFuzzer::<Wide100>::new(wide100_bugs, seed).fuzz_covering(2);
        let four = ConfigFuzzer::<Wide100>::new(wide100_bugs, seed)
            .jobs(4)
            .fuzz_covering(2);
        assert_eq!(configs(&one), configs(&four), "seed {seed}");
        assert_eq!(four.culprits().count(), 3);
    }
    // Triples, rows that must be repaired or skipped, enums and ranges.
    let one = ConfigFuzzer::<Wide50>::new(wide50_bugs, 3).fuzz_covering(3);
    let three = ConfigFuzzer::<Wide50>::new(wide50_bugs, 3)
        .jobs(3)
        .fuzz_covering(3);
    assert_eq!(configs(&one), configs(&three));
    let one = ConfigFuzzer::<ImplicationConfig>::new(|| true, 0).fuzz_covering(2);
    let two = ConfigFuzzer::<ImplicationConfig>::new(|| true, 0)
        .jobs(2)
        .fuzz_covering(2);
    assert_eq!(configs(&one), configs(&two));
    let one = ConfigFuzzer::<Image>::new(image_bugs, 1).fuzz_covering(2);
    let two = ConfigFuzzer::<Image>::new(image_bugs, 1)
        .jobs(2)
        .fuzz_covering(2);
    assert_eq!(configs(&one), configs(&two));
    // Over an always-passing test nothing is planned twice: the same runs.
    let one = ConfigFuzzer::<Wide100>::new(|| true, 0);
    let four = ConfigFuzzer::<Wide100>::new(|| true, 0).jobs(4);
    assert_eq!(
        configs(&one.fuzz_covering(2)),
        configs(&four.fuzz_covering(2))
    );
    assert_eq!(one.num_runs(), four.num_runs());
}

#[test]
fn no_row_after_a_culprit_contains_it() {
    let pairs = ConfigFuzzer::<Wide100>::new(wide100_bugs, 2).fuzz_covering(2);
    let culprits: Vec<ConfigDiff> = pairs.culprits().map(|(d, _)| d.clone()).collect();
    // Each culprit is recorded right after the failing row it was shrunk
    // from; no config recorded after that contains it.
    assert_eq!(culprits.len(), 3);
    let entries: Vec<&ConfigDiff> = pairs.iter().map(|(c, _)| c).collect();
    for culprit in &culprits {
        let found = entries.iter().position(|c| *c == culprit).unwrap();
        let row = entries[found - 1];
        assert!(culprit.iter().all(|(k, v)| row.get(k) == Some(v)));
        for later in &entries[found + 1..] {
            assert!(
                !culprit.iter().all(|(k, v)| later.get(k) == Some(v)),
                "{culprit:?} is in the later config {later:?}"
            );
        }
    }
}

fn wide50_bugs() -> bool {
    Wide50::read(|c| c.f007 && !(!c.f012 && !c.f033) && !(!c.f020 && !c.f021 && !c.f044))
}

#[test]
fn wide50_triples_match_the_exhaustive_sweep_in_at_most_600_runs() {
    let names: Vec<&str> = Wide50::fields().iter().map(|f| f.name()).collect();
    let cover = ConfigFuzzer::<Wide50>::new(wide50_bugs, 3);
    let triples = cover.fuzz_covering(3);
    let runs = cover.num_runs();
    assert!(runs <= 600, "{runs} runs");
    let exhaustive = ConfigFuzzer::<Wide50>::new(wide50_bugs, 3).fuzz_n_tuple(3, usize::MAX);
    assert_eq!(exhaustive.num_ran(), 19_600);
    let expected = failing_entries(&exhaustive);
    // f007 with each of the 1,176 pairs of the others; (f012, f033) with
    // each of the 48 others (one of them f007, counted already); the triple.
    assert_eq!(expected.len(), 1176 + 47 + 1);
    assert_eq!(failing(&triples, &names, 3), expected);
}

#[test]
fn inductor_pairs_complete() {
    let fuzzer = ConfigFuzzer::<InductorConfig>::new(|| true, 0);
    let pairs = fuzzer.fuzz_covering(2);
    assert_eq!(pairs.culprits().count(), 0);
    let fields = InductorConfig::fields();
    let fuzzed: Vec<&str> = fields
        .iter()
        .filter(|f| matches!(f.fuzz_role(), FuzzRole::Fuzzed))
        .map(|f| f.name())
        .collect();
    let t_sets = fuzzed.len() * (fuzzed.len() - 1) / 2;
    assert!(t_sets > 150_000, "{t_sets} pairs");
    // Far fewer rows than pairs: the fields with the most levels (ten or
    // so) need about a hundred rows for their pairs alone.
    let rows: Vec<&ConfigDiff> = pairs
        .iter()
        .filter(|(_, s)| *s == Status::Passed)
        .map(|(c, _)| c)
        .collect();
    assert_eq!(rows.len(), pairs.num_ran());
    assert!(rows.len() > 1 && rows.len() < 1_000, "{} rows", rows.len());
    // Every pair of fields of a sample holds every combination of the
    // values each takes in some row (a missing key is the default).
    let sample: Vec<&str> = fuzzed.iter().copied().step_by(9).collect();
    assert!(sample.len() > 60);
    let values = |name: &str| -> Vec<Option<&Value>> {
        let mut seen: Vec<Option<&Value>> = Vec::new();
        for row in &rows {
            let v = row.get(name);
            if !seen.contains(&v) {
                seen.push(v);
            }
        }
        seen
    };
    for (i, a) in sample.iter().enumerate() {
        let va = values(a);
        assert!(va.len() >= 2, "{a} never changes");
        for b in &sample[i + 1..] {
            let vb = values(b);
            let mut both: Vec<(Option<&Value>, Option<&Value>)> = Vec::new();
            for row in &rows {
                let pair = (row.get(*a), row.get(*b));
                if !both.contains(&pair) {
                    both.push(pair);
                }
            }
            assert_eq!(both.len(), va.len() * vb.len(), "({a}, {b})");
            assert_eq!(pairs.lookup(&[a, b]), Some(Status::Passed));
        }
    }
    // A pair with a skipped field is skipped.
    if let Some(skipped) = fields
        .iter()
        .find(|f| !matches!(f.fuzz_role(), FuzzRole::Fuzzed))
    {
        assert_eq!(
            pairs.lookup(&[fuzzed[0], skipped.name()]),
            Some(Status::Skipped)
        );
    }
}

#[test]
fn unsupported_strength_and_failing_baseline_are_errors() {
    let fuzzer = ConfigFuzzer::<Wide50>::new(|| true, 0);
    let err = fuzzer.try_fuzz_covering(4).unwrap_err();
    assert!(err.to_string().contains("t = 2"), "{err}");
    assert!(fuzzer.try_fuzz_covering(0).is_err());
    let failing = ConfigFuzzer::<Wide50>::new(|| false, 0);
    assert!(matches!(
        failing.try_fuzz_covering(2),
        Err(FuzzError::FailsAtBaseline { .. })
    ));
}

#[test]
fn pinned_fields_are_held_and_their_t_sets_skipped() {
    let fuzzer = ConfigFuzzer::<Wide50>::new(|| Wide50::read(|c| c.f001), 0)
        .pin("f001", Value::Bool(true))
        .unwrap();
    let pairs = fuzzer.fuzz_covering(2);
    assert_eq!(pairs.culprits().count(), 0);
    assert!(pairs.iter().all(|(c, _)| !c.contains_key("f001")));
    assert_eq!(pairs.lookup(&["f001", "f002"]), Some(Status::Skipped));
    assert_eq!(pairs.lookup(&["f003", "f002"]), Some(Status::Passed));
}

#[test]
fn rows_never_break_an_implication_or_a_validator() {
    let fuzzer = ConfigFuzzer::<ImplicationConfig>::new(|| true, 0);
    let pairs = fuzzer.fuzz_covering(2);
    // Every row that ran is a config the fuzzer may run.
    for (config, status) in pairs.iter() {
        if status == Status::Skipped {
            continue;
        }
        assert_eq!(
            fuzzer.try_test_config(config).ok(),
            Some(Status::Passed),
            "{config:?}"
        );
    }
    assert!(pairs.num_ran() > 1);
}

#[derive(FuzzValue, Clone, Copy, Debug, PartialEq, Eq)]
enum Dither {
    Off,
    Ordered,
    Diffusion,
}

#[derive(FuzzValue, Clone, Copy, Debug, PartialEq, Eq)]
enum ColorSpace {
    Srgb,
    Linear,
    P3,
    Cmyk,
}

/// Settings of an image pipeline: enums, a range, an option.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
struct Image {
    #[config(default = Dither::Off)]
    dither: Dither,
    #[config(default = ColorSpace::Srgb)]
    color_space: ColorSpace,
    #[config(default = 8)]
    #[fuzz(range = 1..=64)]
    threads: i64,
    sharpen: bool,
    #[config(default = None)]
    quality: Option<u8>,
    label: String,
}

fn image_bugs() -> bool {
    Image::read(|c| {
        let dither_bug = c.dither == Dither::Diffusion && c.color_space == ColorSpace::Cmyk;
        let threads_bug = c.threads == 64 && c.sharpen;
        !dither_bug && !threads_bug && c.quality != Some(255)
    })
}

#[test]
fn small_domain_pairs_are_answered_at_every_combination_of_levels() {
    // Each bug needs one value of a field with many: a single draw per
    // pair misses them; the covering sweep holds every combination.
    for seed in 0..4 {
        let fuzzer = ConfigFuzzer::<Image>::new(image_bugs, seed);
        let pairs = fuzzer.fuzz_covering(2);
        assert_eq!(
            pairs.lookup(&["dither", "color_space"]),
            Some(Status::FailedReturn),
            "seed {seed}"
        );
        assert_eq!(
            pairs.lookup(&["threads", "sharpen"]),
            Some(Status::FailedReturn),
            "seed {seed}"
        );
        assert_eq!(
            pairs.lookup(&["quality", "label"]),
            Some(Status::FailedReturn),
            "seed {seed}"
        );
        assert_eq!(pairs.lookup(&["dither", "threads"]), Some(Status::Passed));
        assert_eq!(pairs.lookup(&["label", "sharpen"]), Some(Status::Passed));
        let mut culprits: Vec<ConfigDiff> = pairs.culprits().map(|(d, _)| d.clone()).collect();
        culprits.sort_by_key(|d| d.keys().cloned().collect::<Vec<_>>());
        assert_eq!(culprits.len(), 3, "{culprits:?}");
        assert_eq!(culprits[2]["threads"], Value::Int(64));
    }
}

#[test]
fn results_round_trip_through_json() {
    let pairs = ConfigFuzzer::<Wide100>::new(wide100_bugs, 1).fuzz_covering(2);
    let back = Results::load_json(&pairs.save_json()).unwrap();
    assert_eq!(back.lookup(&["f010", "f000"]), Some(Status::FailedReturn));
    assert_eq!(back.lookup(&["f020", "f055"]), Some(Status::FailedReturn));
    assert_eq!(back.lookup(&["f020", "f056"]), Some(Status::Passed));
    assert_eq!(back.culprits().count(), 3);
}
