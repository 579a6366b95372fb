//! The finding-power table of `BENCHMARKS.md`: covering-array sizes against
//! exhaustive sweeps, and what a covering campaign spends to find planted
//! bugs. Run it in release mode (it is CPU heavy):
//!
//! ```sh
//! cargo run --release -p fake-config --example finding_power
//! cargo run --release -p fake-config --example finding_power -- hunts       # only "Hunts that do not repeat"
//! cargo run --release -p fake-config --example finding_power -- hunts 200   # the same campaigns over 200 seeds, summed up
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
//! Arguments pick parts: `sizes`, `covering-campaigns` and `hunts` (with
//! an optional number of seeds after it) pick sections, `config:t` pairs (`Wide50:3`, `InductorConfig:2`) pick size rows:
//!
//! ```sh
//! cargo run --release -p fake-config --example finding_power -- sizes Wide100:2
//! ```
//!
//! Campaigns: bugs planted at fields chosen per seed, `fuzz_covering`
//! against `fuzz_n_tuple` (all t-sets), runs counted by
//! `ConfigFuzzer::num_runs` (shrinking and confirmation included).
//!
//! Hunts (`-- hunts`): four bugs planted in `Wide100` per seed (culprit
//! sets of 1, 2, 2 and 3 fields), `hunt(30, 0.5)` keeping later attempts
//! clear of found culprits (the default) and with independent attempts
//! (`forbid_found(false)`), and `bisect(30, 0.5)` (PyTorch's shape), each
//! with the default `confirm(1)` and with `confirm(0)` as PyTorch runs.

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

/// A test over `C` (a `WideN` fixture: `bool` fields `f000`, `f001`, ..)
/// with one planted bug per entry of `sizes`, a culprit set of that many
/// fields drawn from `seed`: it fails when every field of any set is off
/// (toggled), as in PyTorch's measurement. Returns the test and the sets.
fn planted<C: FuzzableConfig>(
    seed: u64,
    sizes: &[usize],
) -> (impl Fn() -> bool + Send + Sync + 'static, Vec<Vec<usize>>) {
    let width = C::fields().len() as u64;
    let mut rng = fuzzer_core::rng(seed);
    let mut picked: Vec<usize> = Vec::new();
    while picked.len() < sizes.iter().sum() {
        let f = rng.below(width) as usize;
        if !picked.contains(&f) {
            picked.push(f);
        }
    }
    let mut rest = picked.as_slice();
    let bugs: Vec<Vec<usize>> = sizes
        .iter()
        .map(|&n| {
            let (bug, after) = rest.split_at(n);
            rest = after;
            bug.to_vec()
        })
        .collect();
    let planted = bugs.clone();
    let test = move || {
        let values = C::to_values();
        !planted.iter().any(|bug| {
            bug.iter()
                .all(|&f| values[&format!("f{f:03}")] == Value::Bool(false))
        })
    };
    (test, bugs)
}

/// How many of the planted bugs are among the culprits.
fn found(results: &Results, bugs: &[Vec<usize>]) -> usize {
    let culprits: Vec<&ConfigDiff> = results.culprits().map(|(c, _)| c).collect();
    bugs_among(culprits.into_iter(), bugs)
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
    if only("hunts") {
        hunts_section(&args);
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
        let (test, bugs) = planted::<Wide100>(seed, &[1, 2, 2]);
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
        let (test, bugs) = planted::<Wide50>(seed, &[1, 2, 3]);
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

/// How many of the planted bugs some config in `configs` is exactly.
fn bugs_among<'a>(
    configs: impl Iterator<Item = &'a ConfigDiff> + Clone,
    bugs: &[Vec<usize>],
) -> usize {
    bugs.iter()
        .filter(|bug| {
            configs.clone().any(|c| {
                c.len() == bug.len()
                    && bug
                        .iter()
                        .all(|f| c.get(&format!("f{f:03}")) == Some(&Value::Bool(false)))
            })
        })
        .count()
}

/// One campaign over the four planted bugs of `seed` (`how` is one of
/// [`HUNT_KINDS`]): runs, bugs found, failing attempts.
fn hunt_campaign(seed: u64, how: &str) -> (usize, usize, usize) {
    let (test, bugs) = planted::<Wide100>(seed, &[1, 2, 2, 3]);
    let mut fuzzer = ConfigFuzzer::<Wide100>::new(test, seed);
    if how.contains("confirm(0)") {
        // PyTorch believes every failure at once.
        fuzzer = fuzzer.confirm(0);
    }
    if how.contains("forbid_found(false)") {
        fuzzer = fuzzer.forbid_found(false);
    }
    if how.starts_with("bisect") {
        let minimal = fuzzer.bisect(30, 0.5);
        return (
            fuzzer.num_runs(),
            bugs_among(minimal.iter(), &bugs),
            minimal.len(),
        );
    }
    let hunt = fuzzer.hunt(30, 0.5).unwrap();
    let found = bugs_among(hunt.findings().iter().map(|f| f.config()), &bugs);
    (hunt.runs(), found, hunt.failing_attempts())
}

/// The campaigns compared: `hunt` (forbidding found culprits by default),
/// `hunt` with independent attempts, and `bisect` (PyTorch's shape), each
/// with the default confirmation and with none, as PyTorch runs.
const HUNT_KINDS: [&str; 6] = [
    "hunt",
    "hunt, forbid_found(false)",
    "bisect",
    "hunt, confirm(0)",
    "hunt, confirm(0), forbid_found(false)",
    "bisect, confirm(0)",
];

/// `hunts`, or `hunts SEEDS`: the table of "Hunts that do not repeat", or
/// the same campaigns summed up over `SEEDS` seeds.
fn hunts_section(args: &[String]) {
    let after = args
        .iter()
        .position(|a| a == "hunts")
        .and_then(|i| args.get(i + 1))
        .filter(|a| !["sizes", "covering-campaigns"].contains(&a.as_str()));
    match after.map(|n| n.parse::<u64>()) {
        None => hunts(),
        Some(Ok(n)) if n > 0 => hunts_over_seeds(n),
        Some(_) => {
            eprintln!("usage: finding_power hunts [SEEDS]: SEEDS is a positive number of seeds");
            std::process::exit(2);
        }
    }
}

/// The table of "Hunts that do not repeat": `hunt(30, 0.5)` with and
/// without forbidding found culprits, and `bisect(30, 0.5)`, over the four
/// planted bugs of `Wide100`, seeds 0 to 4.
fn hunts() {
    println!("## Hunts that do not repeat\n");
    println!(
        "Wide100, four planted bugs (culprit sets of 1, 2, 2, 3 fields), 30 attempts, p = 0.5.\n"
    );
    println!("| campaign | seed | runs | bugs found (of 4) | failing attempts |");
    println!("|---|---|---|---|---|");
    for how in HUNT_KINDS {
        let mut total = (0, 0, 0);
        for seed in 0..5 {
            let (runs, found, failing) = hunt_campaign(seed, how);
            println!("| `{how}` | {seed} | {runs} | {found} | {failing} |");
            total = (total.0 + runs, total.1 + found, total.2 + failing);
        }
        println!(
            "| `{how}` | **mean** | **{:.1}** | **{:.1}** | {:.1} |",
            total.0 as f64 / 5.0,
            total.1 as f64 / 5.0,
            total.2 as f64 / 5.0
        );
    }
}

/// The same campaigns over `n` seeds, summed up: mean runs, mean bugs
/// found, and the share of seeds that found all four.
fn hunts_over_seeds(n: u64) {
    println!("| campaign | seeds | mean runs | mean bugs found | seeds with all 4 found |");
    println!("|---|---|---|---|---|");
    for how in HUNT_KINDS {
        let (mut runs, mut found, mut all) = (0, 0, 0);
        for seed in 0..n {
            let (r, f, _) = hunt_campaign(seed, how);
            runs += r;
            found += f;
            all += usize::from(f == 4);
        }
        println!(
            "| `{how}` | {n} | {:.1} | {:.2} | {all} ({:.1} %) |",
            runs as f64 / n as f64,
            found as f64 / n as f64,
            100.0 * all as f64 / n as f64
        );
    }
}
