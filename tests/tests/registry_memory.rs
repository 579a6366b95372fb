//! Memory stays bounded under any number of process-wide writes: a
//! registry that kept every distinct config would grow by tens of MB here.
//! Its own test binary, so nothing else moves the process's RSS meanwhile.

use fuzzer_core::prelude::*;

/// Only this test uses it.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
struct Knobs {
    n: i64,
    name: String,
    on: bool,
}

/// Resident set size of this process, in kB.
#[cfg(target_os = "linux")]
fn rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("procfs");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("a VmRSS line")
}

/// One process-wide write of a config not seen before (a `set`, or now and
/// then a `load_json` or a `reset`), read back.
fn distinct_write(k: i64) {
    match k % 100 {
        0 => Knobs::reset(),
        1 => Knobs::load_json(&format!(r#"{{"n": {k}, "name": "json-{k}"}}"#)).unwrap(),
        _ => Knobs::set(|c| c.n = k),
    }
    let n = Knobs::read(|c| c.n);
    assert!(n == k || n == 0, "wrote {k}, read {n}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_million_distinct_sets_grow_rss_by_less_than_2_mb() {
    // A thread that read once and then sleeps keeps its view of that
    // config, and no more than that, until it reads again.
    let (wake, woken) = std::sync::mpsc::channel::<()>();
    let idle = std::thread::spawn(move || {
        Knobs::read(|c| c.n);
        woken.recv().unwrap();
        Knobs::read(|c| c.n)
    });
    // Let the allocator reach its steady state first.
    for k in 0..20_000 {
        distinct_write(k);
    }
    let before = rss_kb();
    for k in 20_000..1_020_000 {
        distinct_write(k);
    }
    let grown = rss_kb().saturating_sub(before);
    eprintln!("RSS growth over 10^6 distinct process-wide writes: {grown} kB");
    wake.send(()).unwrap();
    assert_eq!(idle.join().unwrap(), Knobs::read(|c| c.n));
    assert!(
        grown < 2 * 1024,
        "10^6 distinct process-wide writes grew RSS by {grown} kB"
    );
    Knobs::reset();
}
