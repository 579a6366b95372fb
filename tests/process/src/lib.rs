//! Fixtures for the isolation tests: a small config and programs under test
//! that misbehave in every way a real one can.

use std::time::Duration;

use fuzzer_core::prelude::*;

/// Eight independent flags, all off by default.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Flags {
    /// a
    pub a: bool,
    /// b
    pub b: bool,
    /// c
    pub c: bool,
    /// d
    pub d: bool,
    /// e
    pub e: bool,
    /// f
    pub f: bool,
    /// g
    pub g: bool,
    /// h
    pub h: bool,
}

/// A second config type, to check that the caller's patches of other
/// configs reach the test.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Other {
    /// A level the caller patches.
    #[config(default = 1)]
    pub level: i64,
}

/// Writes through a null pointer: SIGSEGV.
#[allow(unsafe_code)]
pub fn write_null() {
    let p: *mut u32 = std::ptr::null_mut();
    // SAFETY: none; this is the crash under test.
    unsafe { std::ptr::write_volatile(p, 1) };
}

/// Recursion that uses about `kib` KiB of stack.
pub fn deep(kib: u64) -> u64 {
    fn go(n: u64) -> u64 {
        let buf = [n as u8; 1000];
        if n == 0 {
            u64::from(std::hint::black_box(buf)[0])
        } else {
            go(n - 1).wrapping_add(u64::from(std::hint::black_box(buf)[7]))
        }
    }
    go(kib)
}

/// Sleeps forever.
pub fn hang() -> ! {
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

/// This process's thread count, from `/proc`.
pub fn threads() -> usize {
    let s = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    s.lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("a Threads: line")
}

/// CPU time this process has used (user + system), in clock ticks.
pub fn cpu_ticks() -> u64 {
    let s = std::fs::read_to_string("/proc/self/stat").expect("Linux /proc");
    let rest = &s[s.rfind(')').expect("a comm field") + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    f[11].parse::<u64>().unwrap_or(0) + f[12].parse::<u64>().unwrap_or(0)
}
