//! n-tuple sweeps at scale: skipped combinations are counted, not stored,
//! `lookup` still answers them, and the HTML report stays linear.

use std::collections::BTreeSet;

use fake_config::{FakeConfig, InductorConfig, Wide100};
use fuzzer_core::prelude::*;
use fuzzer_core::NTupleDraw;

/// What `lookup` must say for each combination of `n` fields of `C`, as
/// the sweep defines it: in lexicographic order of field index, a
/// combination holding a pinned field is skipped, the others run, until
/// `max` have run; later ones were never reached. Returns the expected
/// answers of the combinations reached (the rest are `None`) and the
/// number skipped.
fn model<C: FuzzableConfig>(
    pinned: &BTreeSet<String>,
    n: usize,
    max: usize,
) -> (Vec<(Vec<usize>, bool)>, usize) {
    let fields = C::fields();
    let count = fields.len();
    let fixed: Vec<bool> = fields.iter().map(|f| pinned.contains(f.name())).collect();
    let mut combo: Vec<usize> = (0..n).collect();
    let mut reached = Vec::new();
    let (mut ran, mut skipped) = (0, 0);
    while ran < max {
        let skip = combo.iter().any(|&i| fixed[i]);
        reached.push((combo.clone(), skip));
        if skip {
            skipped += 1;
        } else {
            ran += 1;
        }
        // Next combination in lexicographic order.
        let Some(i) = (0..n).rev().find(|&i| combo[i] < count - n + i) else {
            break;
        };
        combo[i] += 1;
        for j in i + 1..n {
            combo[j] = combo[j - 1] + 1;
        }
    }
    (reached, skipped)
}

fn names<C: FuzzableConfig>(combo: &[usize]) -> Vec<&'static str> {
    combo.iter().map(|&i| C::fields()[i].name()).collect()
}

#[test]
fn inductor_triples_store_only_the_combinations_run() {
    // InductorConfig n = 3, max 10: 218,130 skipped combinations come
    // before the tenth that runs (220,780 before its 4 aliases left
    // `fields()`). They used to be an entry each (+269 MB).
    // One config per combination (the storage this test is about).
    let fuzzer = ConfigFuzzer::<InductorConfig>::new(|| true, 0).n_tuple_draw(NTupleDraw::Single);
    let pinned: BTreeSet<String> = fuzzer.pinned().into_keys().collect();
    let results = fuzzer.fuzz_n_tuple(3, 10);
    let (reached, skipped) = model::<InductorConfig>(&pinned, 3, 10);
    assert_eq!(skipped, 218_130);
    assert_eq!(results.len(), 10);
    assert_eq!(results.num_ran(), 10);
    assert_eq!(results.iter().count(), 10);
    assert_eq!(results.num_skipped(), skipped);
    assert_eq!(
        results.to_string().lines().next(),
        Some("218140 configs, 10 ran, 0 failed")
    );
    // Every combination reached answers as it did when each was stored.
    for (combo, skip) in reached.iter().step_by(997).chain(reached.last()) {
        let expected = if *skip {
            Status::Skipped
        } else {
            Status::Passed
        };
        assert_eq!(
            results.lookup(&names::<InductorConfig>(combo)),
            Some(expected),
            "{combo:?}"
        );
    }
    // The first combination not reached, and a pair, are not in the results.
    let (last, _) = reached.last().unwrap();
    let mut after = last.clone();
    after[2] += 1;
    assert_eq!(results.lookup(&names::<InductorConfig>(&after)), None);
    assert_eq!(results.lookup(&names::<InductorConfig>(&last[..2])), None);
}

#[test]
fn inductor_quadruples_count_their_skipped_combinations() {
    // n = 4 used to abort on allocation: about 48 million skipped
    // combinations come before the tenth that runs.
    // One config per combination (the storage this test is about).
    let fuzzer = ConfigFuzzer::<InductorConfig>::new(|| true, 0).n_tuple_draw(NTupleDraw::Single);
    let pinned: BTreeSet<String> = fuzzer.pinned().into_keys().collect();
    let results = fuzzer.fuzz_n_tuple(4, 10);
    assert_eq!(results.len(), 10);
    assert!(
        results.num_skipped() > 10_000_000,
        "{}",
        results.num_skipped()
    );
    let fields = InductorConfig::fields();
    let first_pinned = fields
        .iter()
        .position(|f| pinned.contains(f.name()))
        .unwrap();
    let free: Vec<usize> = (0..fields.len())
        .filter(|i| !pinned.contains(fields[*i].name()))
        .take(3)
        .collect();
    // A combination of the first free fields and the first pinned one
    // comes early in the order: skipped.
    let mut combo = free.clone();
    combo.push(first_pinned);
    combo.sort_unstable();
    assert_eq!(
        results.lookup(&names::<InductorConfig>(&combo)),
        Some(Status::Skipped)
    );
    for (config, status) in results.iter() {
        assert_eq!(status, Status::Passed);
        assert!(config.keys().all(|k| !pinned.contains(k)));
    }
}

#[test]
fn lookup_answers_every_combination_as_the_sweep_defines_it() {
    // The model has one config per combination: the single-draw shape.
    let fuzzer = ConfigFuzzer::<FakeConfig>::new(|| true, 3).n_tuple_draw(NTupleDraw::Single);
    let pinned: BTreeSet<String> = fuzzer.pinned().into_keys().collect();
    let count = FakeConfig::fields().len();
    for (n, max) in [(1, 100), (2, 40), (2, 10_000), (3, 300)] {
        let results = fuzzer.fuzz_n_tuple(n, max);
        let (reached, skipped) = model::<FakeConfig>(&pinned, n, max);
        assert_eq!(results.num_skipped(), skipped, "n = {n}, max = {max}");
        assert_eq!(results.len(), reached.len() - skipped);
        let answers: std::collections::HashMap<Vec<usize>, bool> = reached.into_iter().collect();
        // Every combination of n fields.
        let mut combo: Vec<usize> = (0..n).collect();
        loop {
            let expected = answers.get(&combo).map(|skip| {
                if *skip {
                    Status::Skipped
                } else {
                    Status::Passed
                }
            });
            let mut shuffled = names::<FakeConfig>(&combo);
            shuffled.reverse();
            assert_eq!(results.lookup(&shuffled), expected, "{combo:?}");
            let Some(i) = (0..n).rev().find(|&i| combo[i] < count - n + i) else {
                break;
            };
            combo[i] += 1;
            for j in i + 1..n {
                combo[j] = combo[j - 1] + 1;
            }
        }
    }
}

#[test]
fn saved_sweep_results_answer_lookup_as_before_once_loaded() {
    let fuzzer = ConfigFuzzer::<FakeConfig>::new(|| FakeConfig::read(|c| c.e_bool), 3);
    let pinned: Vec<String> = fuzzer.pinned().into_keys().collect();
    let results = fuzzer.fuzz_n_tuple(2, 40);
    assert!(results.num_skipped() > 0);
    let loaded = Results::load_json(&results.save_json()).unwrap();
    assert_eq!(loaded, results);
    assert_eq!(loaded.num_skipped(), results.num_skipped());
    let free = FakeConfig::fields()
        .iter()
        .find(|f| !pinned.iter().any(|p| p == f.name()))
        .unwrap()
        .name();
    let skipped = [free, pinned[0].as_str()];
    assert_eq!(results.lookup(&skipped), Some(Status::Skipped));
    assert_eq!(loaded.lookup(&skipped), Some(Status::Skipped));
    // Results with nothing skipped stay a plain array of entries.
    let plain = fuzzer.reproduce(&[ConfigDiff::new()]);
    assert!(plain.save_json().starts_with('['));
    // The skipped rule is checked like the entries.
    let broken = results.save_json().replace("\"skipped\"", "\"skiped\"");
    let err = Results::load_json(&broken).unwrap_err().to_string();
    assert!(err.contains("skiped"), "{err}");
}

#[test]
fn the_pair_report_draws_only_failing_fields_failures_first() {
    let fuzzer = ConfigFuzzer::<Wide100>::new(|| Wide100::read(|c| c.f003 || c.f007), 0);
    let results = fuzzer.fuzz_n_tuple(2, 1_000_000);
    assert_eq!(results.num_ran(), 4950);
    let html = results.to_html();
    // The grid covers the two fields of the one failing pair: one cell,
    // in the upper triangle, showing its values.
    assert_eq!(html.matches("<td class=\"passed\"").count(), 0);
    assert_eq!(html.matches("<td class=\"failed\"").count(), 1);
    assert_eq!(html.matches("<th class=\"col\">").count(), 1);
    assert_eq!(html.matches("<th class=\"row\">").count(), 1);
    assert!(html.contains("<tr><th class=\"row\">f003</th><td class=\"failed\""));
    assert!(html.contains(">R<span class=\"v\">false</span><span class=\"v\">false</span></td>"));
    // The headline first: the failing config comes before the grid.
    let failing = html.find("<section id=\"findings\">").unwrap();
    let grid = html.find("<section id=\"grid\">").unwrap();
    assert!(failing < grid);
    assert!(html.contains("4950 configs, 4950 ran, 0 skipped, 1 failed."));
    // Small: the 4949 passing pairs are counted, not drawn.
    assert!(html.len() < 20_000, "{}", html.len());
}
