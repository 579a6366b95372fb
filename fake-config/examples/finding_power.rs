//! The finding-power table of `BENCHMARKS.md`: covering-array sizes against
//! exhaustive sweeps, and what a covering campaign spends to find planted
//! bugs. Run it in release mode (it is CPU heavy):
//!
//! ```sh
//! cargo run --release -p fake-config --example finding_power
//! ```
//!
//! Sizes: `fuzz_covering(t)` over a test that always passes, so every row
//! is a covering row (the first run is the pins alone). "t-sets" is what
//! `fuzz_n_tuple(t)` runs, one config per t-set; "interactions" counts
//! every combination of levels of every t-set. 666 fields is
//! `InductorConfig` (mixed types, so more levels per field); the others are
//! the `bool`-only `WideN` fixtures. t = 3 at 666 fields is left out: its
//! 49 million t-sets do not fit the generator's bookkeeping in memory;
//! Wide300 at t = 3 runs only when asked for (`Wide300:3`). "Best known" is
//! the smallest published binary covering array CAN(t, k, 2) for the
//! `WideN` rows (exact for t = 2; Colbourn's tables for t = 3); none is
//! given for `InductorConfig`, whose fields have up to eleven levels.
//!
//! Arguments pick parts: `sizes` and `covering-campaigns` pick sections,
//! `config:t` pairs (`Wide50:3`, `InductorConfig:2`) pick size rows:
//!
//! ```sh
//! cargo run --release -p fake-config --example finding_power -- sizes Wide100:2
//! ```
//!
//! Campaigns: bugs planted at fields chosen per seed, `fuzz_covering`
//! against `fuzz_n_tuple` (all t-sets), runs counted by
//! `ConfigFuzzer::num_runs` (shrinking and confirmation included).

use std::time::Instant;

use fake_config::{InductorConfig, Wide100, Wide20, Wide300, Wide50};
use fuzzer_core::prelude::*;

/// `C(n, k)`.
fn binomial(n: u128, k: u128) -> u128 {
    (0..k).fold(1, |c, i| c * (n - i) / (i + 1))
}

/// Rows of a covering sweep of `C` over an always-passing test, and the
/// time it took.
fn size<C: FuzzableConfig>(t: usize) -> (usize, f64) {
    let started = Instant::now();
    let fuzzer = ConfigFuzzer::<C>::new(|| true, 0);
    let results = fuzzer.fuzz_covering(t);
    (results.num_ran() - 1, started.elapsed().as_secs_f64())
}

/// The best known size of a binary covering array of strength `t` over
/// `k` factors, CAN(t, k, 2) (an upper bound where not known exactly):
/// strength 2 is exact (Kleitman and Spencer 1973, Katona 1973); strength
/// 3 is from Colbourn's covering array tables (snapshot of November 2024).
fn best_known(t: usize, k: usize) -> Option<usize> {
    match (t, k) {
        (2, 20) => Some(8),
        (2, 50) => Some(9),
        (2, 100) => Some(10),
        (2, 300) => Some(12),
        (3, 20) => Some(18),
        (3, 50) => Some(28),
        (3, 100) => Some(33),
        (3, 300) => Some(49),
        _ => None,
    }
}

fn size_row<C: FuzzableConfig>(name: &str, t: usize) {
    let k = C::fields()
        .iter()
        .filter(|f| matches!(f.fuzz_role(), fuzzer_core::FuzzRole::Fuzzed))
        .count() as u128;
    let (rows, secs) = size::<C>(t);
    // Only the bool-only fixtures compare with binary covering arrays.
    let best = if name.starts_with("Wide") {
        best_known(t, k as usize)
    } else {
        None
    };
    let (best, ratio) = match best {
        Some(n) => (n.to_string(), format!("{:.2}", rows as f64 / n as f64)),
        None => ("—".to_string(), "—".to_string()),
    };
    println!(
        "| {name} | {k} | {t} | {} | **{rows}** | {best} | {ratio} | {:.0}× | {secs:.2} s |",
        binomial(k, t as u128),
        binomial(k, t as u128) as f64 / rows.max(1) as f64
    );
}

/// A test over `Wide100` failing on field `single` off, or on both fields
/// of either pair off.
fn planted_wide100(seed: u64) -> (impl Fn() -> bool + Send + Sync + 'static, Vec<Vec<usize>>) {
    let mut rng = fuzzer_core::rng(seed);
    let mut picked: Vec<usize> = Vec::new();
    while picked.len() < 5 {
        let f = rng.below(100) as usize;
        if !picked.contains(&f) {
            picked.push(f);
        }
    }
    let bugs = vec![
        vec![picked[0]],
        vec![picked[1], picked[2]],
        vec![picked[3], picked[4]],
    ];
    let planted = bugs.clone();
    let test = move || {
        let values = Wide100::to_values();
        !planted.iter().any(|bug| {
            bug.iter()
                .all(|&f| values[&format!("f{f:03}")] == Value::Bool(false))
        })
    };
    (test, bugs)
}

/// A test over `Wide50` with a single-field, a pair and a triple bug.
fn planted_wide50(seed: u64) -> (impl Fn() -> bool + Send + Sync + 'static, Vec<Vec<usize>>) {
    let mut rng = fuzzer_core::rng(seed);
    let mut picked: Vec<usize> = Vec::new();
    while picked.len() < 6 {
        let f = rng.below(50) as usize;
        if !picked.contains(&f) {
            picked.push(f);
        }
    }
    let bugs = vec![
        vec![picked[0]],
        vec![picked[1], picked[2]],
        vec![picked[3], picked[4], picked[5]],
    ];
    let planted = bugs.clone();
    let test = move || {
        let values = Wide50::to_values();
        !planted.iter().any(|bug| {
            bug.iter()
                .all(|&f| values[&format!("f{f:03}")] == Value::Bool(false))
        })
    };
    (test, bugs)
}

/// How many of the planted bugs are among the culprits.
fn found(results: &Results, bugs: &[Vec<usize>]) -> usize {
    bugs.iter()
        .filter(|bug| {
            results.culprits().any(|(c, _)| {
                c.len() == bug.len()
                    && bug
                        .iter()
                        .all(|f| c.get(&format!("f{f:03}")) == Some(&Value::Bool(false)))
            })
        })
        .count()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let only = |section: &str| args.is_empty() || args.iter().any(|a| a == section);
    if only("sizes") {
        covering_sizes(&args);
    }
    if only("covering-campaigns") {
        covering_campaigns();
    }
}

/// The covering sizes table; `config:t` arguments (`Wide50:3`) pick rows.
fn covering_sizes(args: &[String]) {
    let picked: Vec<&String> = args.iter().filter(|a| a.contains(':')).collect();
    let want = |name: &str, t: usize| {
        picked.is_empty() || picked.iter().any(|a| **a == format!("{name}:{t}"))
    };
    println!("## Covering sizes (no bugs)\n");
    println!(
        "| config | fields | t | t-sets (`fuzz_n_tuple`) | covering rows | best known | rows / best known | fewer runs | time |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for t in [2, 3] {
        if want("Wide20", t) {
            size_row::<Wide20>("Wide20", t);
        }
        if want("Wide50", t) {
            size_row::<Wide50>("Wide50", t);
        }
        if want("Wide100", t) {
            size_row::<Wide100>("Wide100", t);
        }
        // Wide300 at t = 3 (4.5 million t-sets) only when asked for.
        if want("Wide300", t) && (t == 2 || !picked.is_empty()) {
            size_row::<Wide300>("Wide300", t);
        }
        if t == 2 && want("InductorConfig", t) {
            size_row::<InductorConfig>("InductorConfig", t);
        }
    }
}

/// Covering campaigns against planted bugs.
fn covering_campaigns() {
    println!("\n## Campaigns with planted bugs\n");
    println!("| campaign | seed | bugs planted | bugs found | runs | exhaustive runs |");
    println!("|---|---|---|---|---|---|");
    for seed in 0..5 {
        let (test, bugs) = planted_wide100(seed);
        let fuzzer = ConfigFuzzer::<Wide100>::new(test, seed);
        let results = fuzzer.fuzz_covering(2);
        println!(
            "| Wide100, t = 2, bugs of 1, 2, 2 fields | {seed} | {} | {} | {} | 4,950 |",
            bugs.len(),
            found(&results, &bugs),
            fuzzer.num_runs()
        );
    }
    for seed in 0..5 {
        let (test, bugs) = planted_wide50(seed);
        let fuzzer = ConfigFuzzer::<Wide50>::new(test, seed);
        let results = fuzzer.fuzz_covering(3);
        println!(
            "| Wide50, t = 3, bugs of 1, 2, 3 fields | {seed} | {} | {} | {} | 19,600 |",
            bugs.len(),
            found(&results, &bugs),
            fuzzer.num_runs()
        );
    }
}
