//! The minimizer's cost: mean test runs to shrink a config of n toggled
//! `bool` fields, m of which are culprits (the test fails iff all m are
//! toggled), over 30 seeds, next to PyTorch's figures and the information
//! bound ⌈log2 C(n, m)⌉.
//!
//! `cargo run --release -p fake-config --example minimizer_table`

use fake_config::{Wide100, Wide20, Wide300};
use fuzzer_core::prelude::*;
use fuzzer_core::rng;

const SEEDS: u64 = 30;

/// PyTorch 2.15's mean runs (n=100 and n=300; not measured for n=20).
fn pytorch(n: usize, m: usize) -> Option<f64> {
    match (n, m) {
        (100, 1) => Some(10.7),
        (100, 2) => Some(22.5),
        (100, 3) => Some(37.4),
        (300, 1) => Some(13.2),
        (300, 2) => Some(27.4),
        (300, 3) => Some(45.7),
        _ => None,
    }
}

/// ⌈log2 C(n, m)⌉.
fn bound(n: usize, m: usize) -> u32 {
    let mut c = 1f64;
    for k in 0..m {
        c = c * (n - k) as f64 / (k + 1) as f64;
    }
    c.log2().ceil() as u32
}

/// Mean runs over the seeds; panics if any result is not exactly the culprits.
fn cell<C: FuzzableConfig>(m: usize) -> f64 {
    let names: Vec<String> = C::fields().iter().map(|f| f.name().to_string()).collect();
    let n = names.len();
    let all_off: ConfigDiff = names
        .iter()
        .map(|k| (k.clone(), Value::Bool(false)))
        .collect();
    let mut total = 0;
    for seed in 0..SEEDS {
        let mut r = rng(seed);
        let mut culprits: Vec<String> = Vec::new();
        while culprits.len() < m {
            let pick = names[r.below(n as u64) as usize].clone();
            if !culprits.contains(&pick) {
                culprits.push(pick);
            }
        }
        let test_culprits = culprits.clone();
        let fuzzer = ConfigFuzzer::<C>::new(
            move || {
                let c = C::current();
                !test_culprits
                    .iter()
                    .all(|k| c.get_value(k) == Ok(Value::Bool(false)))
            },
            seed,
        )
        .without_timeout()
        // The minimizer's own cost: no confirmation re-runs of failures.
        .confirm(0);
        let minimal = fuzzer.minimize(&all_off).expect("the full diff fails");
        let mut got: Vec<&String> = minimal.keys().collect();
        got.sort();
        culprits.sort();
        assert_eq!(
            got,
            culprits.iter().collect::<Vec<_>>(),
            "n={n} m={m} seed={seed}"
        );
        // The first run confirms that the full diff fails; the rest shrink it.
        total += fuzzer.num_runs() - 1;
    }
    total as f64 / SEEDS as f64
}

fn main() {
    println!("| n | m | mean runs (this crate) | bound ⌈log2 C(n,m)⌉ | bound + m | PyTorch 2.15 | ratio PyTorch / ours |");
    println!("|---|---|---|---|---|---|---|");
    for m in 1..=3 {
        for (n, mean) in [
            (20, cell::<Wide20>(m)),
            (100, cell::<Wide100>(m)),
            (300, cell::<Wide300>(m)),
        ] {
            let b = bound(n, m);
            let ok = mean <= f64::from(b) + m as f64;
            let (py, ratio) = match pytorch(n, m) {
                Some(p) => (format!("{p}"), format!("{:.2}×", p / mean)),
                None => ("—".into(), "—".into()),
            };
            println!(
                "| {n} | {m} | {mean:.2}{} | {b} | {} | {py} | {ratio} |",
                if ok { "" } else { " (over target)" },
                b as usize + m
            );
        }
    }
}
