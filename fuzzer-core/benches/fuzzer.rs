#![allow(missing_docs)] // criterion_group! generates undocumented items
//! Fuzzer overhead per test: everything `test_config` does around a trivial
//! passing test (validate the diff, memo lookup, build the config, hand it
//! to the worker thread, install it, run, restore, record), with the default
//! settings (a timeout is on) and a distinct config each iteration so no
//! result comes from the memo.
//!
//! Also: rendering the HTML report of a full pair sweep of `Wide300`.
//!
//! Run: `cargo bench -p fuzzer-core --bench fuzzer`. Results: BENCHMARKS.md.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Bencher, Criterion};
use fake_config::{FakeConfig, InductorConfig, Wide300};
use fuzzer_core::prelude::*;
use fuzzer_core::{rng, FuzzRole};

/// A p = 0.5 toggled diff of the fuzzable fields, minus `vary`.
fn random_diff<C: FuzzableConfig>(seed: u64, vary: &str) -> ConfigDiff {
    let mut r = rng(seed);
    let mut diff = ConfigDiff::new();
    for f in C::fields() {
        if *f.fuzz_role() == FuzzRole::Fuzzed && f.name() != vary && r.chance(0.5) {
            diff.insert(
                f.name().to_string(),
                f.sample(SamplingMethod::Toggle, &mut r),
            );
        }
    }
    diff
}

/// The first fuzzable `i64` field: varied per iteration to keep configs distinct.
fn int_field<C: FuzzableConfig>() -> String {
    C::fields()
        .iter()
        .find(|f| *f.fuzz_role() == FuzzRole::Fuzzed && f.type_name() == "i64")
        .expect("an i64 field")
        .name()
        .to_string()
}

/// Times `test_config` cycling through `pool`, with `vary` set to a new
/// value each iteration so every config is distinct (set in place: a map
/// look-up, no allocation, a few tens of ns included in the figure).
fn distinct_runs<C: FuzzableConfig>(
    b: &mut Bencher<'_>,
    fuzzer: &ConfigFuzzer<C>,
    pool: &[ConfigDiff],
    vary: &str,
    n: &mut i128,
) {
    let mut pool: Vec<ConfigDiff> = pool.to_vec();
    for d in &mut pool {
        d.insert(vary.to_string(), Value::Int(0));
    }
    b.iter(|| {
        *n += 1;
        let k = (*n as usize) % pool.len();
        let diff = &mut pool[k];
        *diff.get_mut(vary).expect("inserted") = Value::Int(1_000_000 + *n);
        fuzzer.test_config(diff)
    })
}

fn overhead<C: FuzzableConfig>(c: &mut Criterion, label: &str) {
    let vary = int_field::<C>();
    let mut g = c.benchmark_group(format!("fuzzer overhead {label}"));
    let mut n = 0i128;
    let fuzzer = ConfigFuzzer::<C>::new(|| true, 0);
    let pins_only = [ConfigDiff::new()];
    g.bench_function("pins only (+1 distinct field)", |b| {
        distinct_runs(b, &fuzzer, &pins_only, &vary, &mut n)
    });
    // 8 different p = 0.5 diffs, so consecutive runs share little (a pool
    // this size stays in the L2 cache; see BENCHMARKS.md for 64).
    let random: Vec<ConfigDiff> = (0..8).map(|seed| random_diff::<C>(seed, &vary)).collect();
    let mean = random.iter().map(|d| d.len() + 1).sum::<usize>() / random.len();
    println!(
        "{label}: a p=0.5 diff has {mean} fields of {} on average",
        C::fields().len()
    );
    g.bench_function("p=0.5 random diff", |b| {
        distinct_runs(b, &fuzzer, &random, &vary, &mut n)
    });
    let quick = ConfigFuzzer::<C>::new(|| true, 0).without_timeout();
    g.bench_function("p=0.5 random diff, without_timeout", |b| {
        distinct_runs(b, &quick, &random, &vary, &mut n)
    });
    g.finish();
}

/// Rendering the HTML report of a full pair sweep of `Wide300` (44,850
/// pairs; one of them fails, so the page has its failure table too).
fn report(c: &mut Criterion) {
    let fuzzer = ConfigFuzzer::<Wide300>::new(|| Wide300::read(|c| c.f010 || c.f200), 0);
    let results = fuzzer.fuzz_n_tuple(2, usize::MAX);
    assert_eq!(results.num_ran(), 300 * 299 / 2);
    println!(
        "Wide300 pair sweep: the report is {:.1} MB",
        results.to_html().len() as f64 / 1e6
    );
    let mut g = c.benchmark_group("report");
    g.sample_size(10);
    g.bench_function("to_html, Wide300 pair sweep", |b| {
        b.iter(|| results.to_html())
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    overhead::<FakeConfig>(c, "FakeConfig");
    overhead::<InductorConfig>(c, "InductorConfig");
    report(c);
}

criterion_group! {
    name = fuzzer;
    config = Criterion::default().warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    targets = benches
}
criterion_main!(fuzzer);
