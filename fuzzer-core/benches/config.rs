#![allow(missing_docs)] // criterion_group! generates undocumented items
//! The config runtime's hot paths, against a naive `RwLock<Arc<_>>` baseline.
//!
//! Run: `cargo bench -p fuzzer-core --bench config`. Results: BENCHMARKS.md.

use std::hint::black_box;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use fake_config::{FakeConfig, Wide300};
use fuzzer_core::prelude::*;
use fuzzer_core::PatchGuard;
use parking_lot::RwLock;

/// Runs `per_thread(iters)` on `threads` threads started together and
/// returns the wall time of the slowest, so the figure is per-operation
/// latency while all threads run at once.
fn on_threads(threads: usize, iters: u64, per_thread: fn(u64)) -> Duration {
    let barrier = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                per_thread(1000); // warm the thread's state
                barrier.wait();
                let start = Instant::now();
                per_thread(iters);
                start.elapsed()
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|h| h.join().unwrap())
        .max()
        .unwrap()
}

static BASELINE: std::sync::LazyLock<RwLock<Arc<FakeConfig>>> =
    std::sync::LazyLock::new(|| RwLock::new(Arc::new(FakeConfig::defaults())));

fn read_loop(iters: u64) {
    for _ in 0..iters {
        black_box(FakeConfig::read(|c| black_box(c.e_bool)));
    }
}

fn baseline_loop(iters: u64) {
    for _ in 0..iters {
        black_box(BASELINE.read().e_bool);
    }
}

fn patched_read_loop(iters: u64) {
    let _p = FakeConfig::patch(|c| c.e_bool = false);
    read_loop(iters);
}

/// Every read figure comes from the same tight loop (`on_threads`), so that
/// criterion's own per-iteration cost (about half a nanosecond here) is not
/// part of a figure that is itself about a nanosecond.
fn reads(c: &mut Criterion) {
    let mut g = c.benchmark_group("read");
    g.bench_function("read, no patch", |b| {
        b.iter_custom(|iters| on_threads(1, iters, read_loop))
    });
    g.bench_function("baseline RwLock<Arc<_>> read", |b| {
        b.iter_custom(|iters| on_threads(1, iters, baseline_loop))
    });
    g.bench_function("read, inside a patch", |b| {
        b.iter_custom(|iters| on_threads(1, iters, patched_read_loop))
    });
    g.bench_function("read, 2 threads at once", |b| {
        b.iter_custom(|iters| on_threads(2, iters, read_loop))
    });
    g.bench_function("baseline read, 2 threads at once", |b| {
        b.iter_custom(|iters| on_threads(2, iters, baseline_loop))
    });
    // Last in the group: it leaves a million process-wide configs behind
    // (which a registry that keeps them all would pay for on every read).
    for k in 0..1_000_000 {
        FakeConfig::set(|c| c.e_int = k + 2);
    }
    g.bench_function("read, after 10^6 distinct set", |b| {
        b.iter_custom(|iters| on_threads(1, iters, read_loop))
    });
    FakeConfig::reset();
    g.finish();
}

fn writes(c: &mut Criterion) {
    let mut g = c.benchmark_group("patch");
    g.bench_function("patch enter+exit, one field", |b| {
        b.iter(|| {
            let g = FakeConfig::patch(|c| c.e_int = black_box(7));
            drop(black_box(g));
        })
    });
    g.bench_function("patch_values enter+exit, one field", |b| {
        b.iter(|| {
            drop(black_box(
                FakeConfig::patch_values([("e_int", Value::Int(7))]).unwrap(),
            ))
        })
    });
    g.bench_function("current()", |b| b.iter(|| black_box(FakeConfig::current())));
    g.finish();
}

/// `n` guards, each patching the same field.
fn stacked_guards(n: usize) -> Vec<PatchGuard<FakeConfig>> {
    (0..n)
        .map(|k| FakeConfig::patch(|c| c.e_int = k as i64 + 2))
        .collect()
}

/// Dropping 1000 guards with a read after each drop, in three orders: the
/// cost should not depend on the order.
fn drop_orders(c: &mut Criterion) {
    const N: usize = 1000;
    let mut g = c.benchmark_group("drop 1000 guards, a read after each");
    g.sample_size(10);
    let read_after = |g: PatchGuard<FakeConfig>| {
        drop(g);
        black_box(FakeConfig::read(|c| black_box(c.e_int)));
    };
    g.bench_function("innermost first", |b| {
        b.iter_batched(
            || stacked_guards(N),
            |guards| guards.into_iter().rev().for_each(read_after),
            BatchSize::PerIteration,
        )
    });
    g.bench_function("outermost first", |b| {
        b.iter_batched(
            || stacked_guards(N),
            |guards| guards.into_iter().for_each(read_after),
            BatchSize::PerIteration,
        )
    });
    g.bench_function("shuffled", |b| {
        b.iter_batched(
            || {
                let mut guards: Vec<_> = stacked_guards(N).into_iter().map(Some).collect();
                let mut r = fuzzer_core::rng(7);
                let mut order: Vec<usize> = (0..N).collect();
                for i in (1..N).rev() {
                    order.swap(i, r.below(i as u64 + 1) as usize);
                }
                order
                    .into_iter()
                    .map(|i| guards[i].take().expect("each index once"))
                    .collect::<Vec<_>>()
            },
            |guards| guards.into_iter().for_each(read_after),
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn persistence(c: &mut Criterion) {
    let mut g = c.benchmark_group("persist");
    let _p = FakeConfig::patch(|c| {
        c.e_bool = false;
        c.nested.e_bool = false;
    });
    g.bench_function("save_json FakeConfig", |b| {
        b.iter(|| black_box(FakeConfig::save_json()))
    });
    g.bench_function("codegen FakeConfig", |b| {
        b.iter(|| black_box(FakeConfig::codegen()))
    });
    g.bench_function("config_hash FakeConfig", |b| {
        b.iter(|| black_box(FakeConfig::config_hash()))
    });
    let _q = Wide300::patch(|c| {
        c.f000 = false;
        c.f299 = false;
    });
    g.bench_function("save_json Wide300", |b| {
        b.iter(|| black_box(Wide300::save_json()))
    });
    g.bench_function("codegen Wide300", |b| {
        b.iter(|| black_box(Wide300::codegen()))
    });
    g.bench_function("config_hash Wide300", |b| {
        b.iter(|| black_box(Wide300::config_hash()))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2));
    targets = reads, writes, drop_orders, persistence
}
criterion_main!(benches);
