//! The main job: a fuzz campaign over the 666-field `InductorConfig` against
//! a toy compiler with planted interaction bugs of mixed kinds and sizes,
//! two of which (an abort and a runaway recursion) kill the process that
//! runs them. The campaign runs in process isolation on two jobs, so it
//! survives them.
//!
//! `cargo run --release -p fake-config --example hunt`
//!
//! It shows progress (a bar on a terminal, a line every few seconds in a
//! log), prints each finding as soon as it is confirmed, then each distinct
//! minimal failing config with a Rust snippet that reproduces it, writes
//! the campaign's report to `results.html`, and checks that every planted
//! bug was found (exit status 1 if not).
//!
//! In process isolation every run re-executes this program, which gets as
//! far as `ConfigFuzzer::new` and runs one test there; so nothing with side
//! effects happens before the fuzzer is built.

use std::time::Duration;

use fake_config::inductor::CpuBackend;
use fake_config::InductorConfig;
use fuzzer_core::prelude::*;
use fuzzer_core::{ProgressReporter, Report, TestOutcome};

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
    (
        &["allow_buffer_reuse", "memory_planning"],
        "abort (2 fields)",
    ),
    (&["online_softmax"], "stack overflow (1 field)"),
];

/// A rewrite that never reaches its fixed point: recursion without end.
#[allow(unconditional_recursion)] // the planted bug
fn rewrite_softmax(depth: u64) -> u64 {
    let frame = [depth; 64];
    std::hint::black_box(&frame);
    rewrite_softmax(depth + 1).wrapping_add(frame[3])
}

/// Compiles and runs a toy program under the current config.
fn toy_compiler() -> Outcome {
    let c = InductorConfig::current();
    if c.memory_planning && !c.allow_buffer_reuse {
        eprintln!("memory planner: buffer freed twice");
        std::process::abort();
    }
    if !c.online_softmax {
        std::hint::black_box(rewrite_softmax(0));
    }
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
    let attempts = 200;
    // A bar on a terminal, a line every few seconds in a log; findings are
    // printed as soon as they are confirmed.
    let progress = ProgressReporter::auto();
    let fuzzer = ConfigFuzzer::<InductorConfig>::new(toy_compiler, 2024)
        .isolation(Isolation::Process)
        .jobs(2)
        .timeout(Duration::from_millis(500))
        .progress(progress.clone());
    println!(
        "Hunting in InductorConfig ({} fields, {} pinned) with {attempts} attempts at p = 0.35, seed 2024, \
         process isolation, 2 jobs...",
        InductorConfig::fields().len(),
        fuzzer.pinned().len()
    );
    let hunt = match fuzzer.hunt(attempts, 0.35) {
        Ok(hunt) => hunt,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    progress.finish_hunt(&hunt);

    println!(
        "\n{} of {} attempts failed and shrank to {} distinct minimal configs:\n",
        hunt.failing_attempts(),
        hunt.attempts(),
        hunt.findings().len()
    );
    for f in hunt.findings() {
        match f.hits() {
            // Found by running a failing attempt again without the bug it
            // shrank to (see `ConfigFuzzer::forbid_found`).
            0 => println!(
                "== {} (hidden behind another bug in its attempt)",
                f.status()
            ),
            1 => println!("== {} (from 1 attempt)", f.status()),
            n => println!("== {} (from {n} attempts)", f.status()),
        }
        if let Some(msg) = &f.detail().message {
            for line in msg.lines().take(6) {
                println!("   {line}");
            }
        }
        for line in f.repro_snippet().lines() {
            println!("   {line}");
        }
        println!();
    }

    // The campaign's page: findings first, each with its Rust snippet.
    Report::from_hunt(&hunt)
        .campaign(
            "command",
            "cargo run --release -p fake-config --example hunt",
        )
        .campaign("test", "toy_compiler (fake-config/examples/hunt.rs)")
        .campaign("p", "0.35")
        .settings_of(&fuzzer)
        .write_html("results.html")
        .expect("cannot write results.html");
    println!(
        "{} test runs in {:.1?}; the report is in results.html",
        hunt.runs(),
        hunt.elapsed()
    );

    let mut missed = 0;
    for (fields, kind) in PLANTED {
        let hit = hunt.failures().any(|f| {
            f.config().len() == fields.len() && fields.iter().all(|n| f.config().contains_key(*n))
        });
        println!(
            "  planted {kind:<26} {:<60} {}",
            fields.join(" + "),
            if hit { "found" } else { "MISSED" }
        );
        missed += usize::from(!hit);
    }
    if missed > 0 {
        std::process::exit(1);
    }
}
