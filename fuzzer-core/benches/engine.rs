#![allow(missing_docs)]
//! The campaign engine: what process isolation costs per run, and what
//! `jobs(2)` gains on two cores for a CPU-bound test.
//!
//! Run: `cargo bench -p fuzzer-core --bench engine`. Results: BENCHMARKS.md.
//!
//! Process isolation re-executes this benchmark binary for every run, and
//! the child serves the run where it builds the same fuzzer. So every
//! fuzzer is built first thing in `main`, before criterion measures
//! anything: a child gets there in a millisecond and never runs a
//! benchmark itself.

use std::time::{Duration, Instant};

use criterion::Criterion;
use fake_config::Wide20;
use fuzzer_core::prelude::*;

/// Busy for `ms` milliseconds of wall time on this thread: a CPU-bound test.
fn spin(ms: u64) -> bool {
    let end = Instant::now() + Duration::from_millis(ms);
    let mut x = 0u64;
    while Instant::now() < end {
        for i in 0..1000u64 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(i);
        }
    }
    std::hint::black_box(x) != 1
}

/// Sixteen distinct one-field configs: `reproduce` runs each afresh.
fn configs() -> Vec<ConfigDiff> {
    (0..16)
        .map(|i| ConfigDiff::from([(format!("f{i:03}"), Value::Bool(false))]))
        .collect()
}

struct Fuzzers {
    trivial_thread: ConfigFuzzer<Wide20>,
    trivial_process: ConfigFuzzer<Wide20>,
    busy: Vec<(&'static str, usize, ConfigFuzzer<Wide20>)>,
}

fn build() -> Fuzzers {
    let trivial =
        || ConfigFuzzer::<Wide20>::new(|| std::hint::black_box(Wide20::read(|c| c.f000)) | true, 0);
    let busy = |isolation, jobs| {
        ConfigFuzzer::<Wide20>::new(|| spin(5), 0)
            .isolation(isolation)
            .jobs(jobs)
    };
    Fuzzers {
        trivial_thread: trivial(),
        trivial_process: trivial().isolation(Isolation::Process),
        busy: vec![
            ("thread, jobs(1)", 1, busy(Isolation::Thread, 1)),
            ("thread, jobs(2)", 2, busy(Isolation::Thread, 2)),
            ("process, jobs(1)", 1, busy(Isolation::Process, 1)),
            ("process, jobs(2)", 2, busy(Isolation::Process, 2)),
        ],
    }
}

fn main() {
    let fuzzers = build();
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();

    let one = configs();
    let mut g = c.benchmark_group("per run, trivial test");
    let mut k = 0;
    for (label, fuzzer) in [
        ("thread", &fuzzers.trivial_thread),
        ("process", &fuzzers.trivial_process),
    ] {
        g.bench_function(label, |b| {
            b.iter(|| {
                k = (k + 1) % one.len();
                fuzzer.test_config(&one[k])
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("16 runs of a 5 ms CPU-bound test");
    g.sample_size(10);
    for (label, _, fuzzer) in &fuzzers.busy {
        g.bench_function(*label, |b| b.iter(|| fuzzer.reproduce(&one)));
    }
    g.finish();

    c.final_summary();
}
