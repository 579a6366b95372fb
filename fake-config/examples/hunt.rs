//! The main job: a fuzz campaign over the 666-field `InductorConfig` against
//! a toy compiler with planted interaction bugs of mixed kinds and sizes.
//!
//! `cargo run --release -p fake-config --example hunt`
//!
//! It shows progress, prints each distinct minimal failing config with a
//! Rust snippet that reproduces it, writes `results.html`, and checks that
//! every planted bug was found (exit status 1 if not).

use std::collections::BTreeMap;
use std::io::{IsTerminal as _, Write as _};
use std::time::{Duration, Instant};

use fake_config::inductor::CpuBackend;
use fake_config::InductorConfig;
use fuzzer_core::prelude::*;
use fuzzer_core::TestOutcome;

/// What the toy compiler's check can end in.
enum Outcome {
    Ok,
    /// The compiled program computed a different result than eager mode.
    WrongResult(&'static str),
    /// Compilation reported an error.
    Error(&'static str),
}

impl TestOutcome for Outcome {
    fn into_outcome(self) -> Result<(), (Status, String)> {
        match self {
            Outcome::Ok => Ok(()),
            Outcome::WrongResult(why) => Err((Status::FailedReturn, why.to_string())),
            Outcome::Error(why) => Err((Status::FailedError, why.to_string())),
        }
    }
}

/// The planted bugs: (the fields that must all be changed, how it fails).
const PLANTED: &[(&[&str], &str)] = &[
    (
        &["freezing", "pattern_matcher", "triton.cudagraphs"],
        "error (3 fields)",
    ),
    (&["cpu_backend", "epilogue_fusion"], "panic (2 fields)"),
    (
        &["coordinate_descent_tuning", "reorder_for_locality"],
        "hang (2 fields)",
    ),
    (&["fallback_random"], "wrong result (1 field)"),
];

/// Compiles and runs a toy program under the current config.
fn toy_compiler() -> Outcome {
    let c = InductorConfig::current();
    if c.freezing && !c.pattern_matcher && c.triton.cudagraphs {
        return Outcome::Error(
            "cudagraph capture of a frozen graph without pattern rewrites aliases an output",
        );
    }
    if c.cpu_backend == CpuBackend::Halide && !c.epilogue_fusion {
        panic!("halide codegen: an unfused epilogue leaves a dangling store");
    }
    if c.coordinate_descent_tuning && !c.reorder_for_locality {
        // The tuner never converges without locality reordering.
        loop {
            std::thread::sleep(Duration::from_secs(3600));
        }
    }
    if c.fallback_random {
        return Outcome::WrongResult("fallback RNG draws a different stream than eager");
    }
    Outcome::Ok
}

fn main() {
    let started = Instant::now();
    let attempts = 300;
    let fuzzer = ConfigFuzzer::<InductorConfig>::new(toy_compiler, 2024)
        .timeout(Duration::from_millis(250))
        .on_progress(move |p| {
            if let Some((attempt, of)) = p.attempt {
                eprint!(
                    "\r  attempt {attempt:>3}/{of} · {:>5} runs · {} failing attempts",
                    p.runs, p.failures
                );
                let _ = std::io::stderr().flush();
            }
        });
    println!(
        "Hunting in InductorConfig ({} fields, {} pinned) with {attempts} attempts at p = 0.35, seed 2024...",
        InductorConfig::fields().len(),
        fuzzer.pinned().len()
    );
    let found = fuzzer.bisect(attempts, 0.35);
    if std::io::stderr().is_terminal() {
        eprintln!();
    }

    // Distinct minimal configs, with how many attempts shrank to each.
    let mut distinct: BTreeMap<String, (ConfigDiff, usize)> = BTreeMap::new();
    for m in &found {
        let key = format!("{m:?}");
        distinct.entry(key).or_insert_with(|| (m.clone(), 0)).1 += 1;
    }
    let configs: Vec<ConfigDiff> = distinct.values().map(|(m, _)| m.clone()).collect();
    let results = fuzzer.reproduce(&configs);

    println!(
        "\n{} failing attempts shrank to {} distinct minimal configs:\n",
        found.len(),
        distinct.len()
    );
    for (m, hits) in distinct.values() {
        let entry = results.get(m).expect("just reproduced");
        println!("== {} (from {hits} attempts)", entry.status);
        if let Some(msg) = &entry.detail.message {
            println!("   {msg}");
        }
        for line in fuzzer.repro_snippet(m).lines() {
            println!("   {line}");
        }
        println!();
    }

    std::fs::write("results.html", results.to_html()).expect("cannot write results.html");
    println!(
        "{} test runs in {:.1?}; results written to results.html",
        fuzzer.num_runs(),
        started.elapsed()
    );

    let mut missed = 0;
    for (fields, kind) in PLANTED {
        let hit = distinct
            .values()
            .any(|(m, _)| m.len() == fields.len() && fields.iter().all(|f| m.contains_key(*f)));
        println!(
            "  planted {kind:<24} {:<60} {}",
            fields.join(" + "),
            if hit { "found" } else { "MISSED" }
        );
        missed += usize::from(!hit);
    }
    if missed > 0 {
        std::process::exit(1);
    }
}
