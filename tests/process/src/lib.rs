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
    // One KiB-ish frame per level in debug and release builds alike: the
    // buffer is kept in memory through a reference (passing it to
    // `black_box` by value would copy it, several KiB a frame in debug).
    fn go(n: u64) -> u64 {
        let buf = [n as u8; 1000];
        let buf = std::hint::black_box(&buf);
        if n == 0 {
            u64::from(buf[0])
        } else {
            go(n - 1).wrapping_add(u64::from(buf[7]))
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

/// The diff that turns on the named flags of [`Flags`].
pub fn flags(names: &[&str]) -> ConfigDiff {
    names
        .iter()
        .map(|n| ((*n).to_string(), Value::Bool(true)))
        .collect()
}

/// The field names of a config diff, in order.
pub fn keys(diff: &ConfigDiff) -> Vec<&str> {
    diff.keys().map(String::as_str).collect()
}

/// A fair coin, fresh on every call, in every thread and process: a
/// counter hashed with the randomly keyed `RandomState` (its keys come from
/// the OS on each thread's first use, so a re-executed child does not
/// repeat its parent's or a sibling's draws).
pub fn coin() -> bool {
    use std::hash::BuildHasher as _;
    use std::sync::atomic::{AtomicU64, Ordering};
    static DRAWS: AtomicU64 = AtomicU64::new(0);
    let n = DRAWS.fetch_add(1, Ordering::Relaxed);
    std::collections::hash_map::RandomState::new().hash_one(n) & 1 == 0
}

/// Counts runs of a test across processes: each run appends a byte to a
/// file that a process-mode campaign's parent and its children share (the
/// file is named after a tag and the parent's process id; a child, which
/// the fuzzer starts directly, finds it through its parent's id).
#[derive(Debug)]
pub struct RunLog {
    path: std::path::PathBuf,
    owner: bool,
}

impl RunLog {
    /// The log for `tag` (unique per test) of this campaign; the parent
    /// starts it empty.
    pub fn new(tag: &str) -> Self {
        // Set by the fuzzer in the children it starts.
        let owner = std::env::var_os("CONFIG_FUZZ_CHILD").is_none();
        let pid = if owner {
            std::process::id()
        } else {
            std::os::unix::process::parent_id()
        };
        let path = std::env::temp_dir().join(format!("process-tests-{tag}-{pid}.runs"));
        if owner {
            std::fs::write(&path, b"").expect("a writable temp dir");
        }
        RunLog { path, owner }
    }

    /// Records one run.
    pub fn record(&self) {
        use std::io::Write as _;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&self.path)
            .expect("the run log opens");
        f.write_all(b".").expect("the run log is writable");
    }

    /// Runs recorded so far.
    pub fn count(&self) -> usize {
        std::fs::metadata(&self.path).map_or(0, |m| m.len() as usize)
    }
}

impl Drop for RunLog {
    fn drop(&mut self) {
        if self.owner {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
