//! The process executor, child side: a re-executed copy of the program that
//! serves one run when it builds the fuzzer the parent named.
//!
//! Every `ConfigFuzzer::new` counts, per thread, the fuzzers built with the
//! same key (its test closure's type and its config type). In a child, the
//! one whose key and count match the parent's request takes over: it reads
//! the candidate, installs it process-wide (with the config state of the
//! thread that built it), runs the test once on a thread with the
//! configured stack, writes the outcome and ends the process. The rest of
//! the program never runs.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::{json, Value as Json};

use super::process::ChildTarget;
use super::{run_caught, wire, RunRecord, TestFn};
use crate::config::FuzzableConfig;
use crate::fuzz::results::Status;
use crate::registry::Snapshot;

/// The env var that makes a process a child, and says which run it serves.
pub(crate) const ENV: &str = "CONFIG_FUZZ_CHILD";
/// The format of [`ENV`]'s value.
const VERSION: &str = "4";

/// The files of one child run, in the executor's private directory.
#[derive(Debug)]
pub(crate) struct RunFiles {
    id: u64,
    candidate: PathBuf,
    started: PathBuf,
    outcome: PathBuf,
}

/// What a child left behind.
pub(crate) enum ChildReport {
    /// It ran the test to the end.
    Done(RunRecord),
    /// It started the test (this long ago, as far as the files tell) and
    /// did not finish it.
    Started(Duration),
}

impl RunFiles {
    pub(crate) fn new(dir: &Path, id: u64) -> Self {
        RunFiles {
            id,
            candidate: dir.join(format!("{id}.in")),
            started: dir.join(format!("{id}.started")),
            outcome: dir.join(format!("{id}.out")),
        }
    }

    pub(crate) fn write_candidate(&self, text: &str) -> std::io::Result<()> {
        std::fs::write(&self.candidate, text)
    }

    pub(crate) fn read_report(&self) -> Option<ChildReport> {
        if let Ok(text) = std::fs::read_to_string(&self.outcome) {
            if let Some(record) = parse_outcome(&text) {
                return Some(ChildReport::Done(record));
            }
        }
        let started = std::fs::metadata(&self.started).ok()?;
        let elapsed = started
            .modified()
            .ok()
            .and_then(|t| t.elapsed().ok())
            .unwrap_or_default();
        Some(ChildReport::Started(elapsed))
    }

    pub(crate) fn remove(&self) {
        for p in [&self.candidate, &self.started, &self.outcome] {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// The run a child serves, from [`ENV`].
#[derive(Debug, PartialEq)]
pub(crate) struct Request {
    key: u64,
    ordinal: usize,
    depth: u32,
    stack_size: usize,
    /// The test's time limit, counted from its start in the child.
    timeout: Option<Duration>,
    /// The parent's process id: when this child's parent is no longer that
    /// process, the parent is gone.
    parent: u32,
    dir: PathBuf,
    id: u64,
}

/// How deep this process is in a chain of child processes: 0 for a process
/// that is not a child.
pub(crate) fn depth() -> u32 {
    Request::get().map_or(0, |r| r.depth)
}

impl Request {
    /// The value of [`ENV`] for a run.
    pub(crate) fn env_value(
        target: &ChildTarget,
        stack_size: usize,
        timeout: Option<Duration>,
        files: &RunFiles,
    ) -> String {
        let timeout = timeout.map_or(0, |t| {
            u64::try_from(t.as_nanos()).unwrap_or(u64::MAX).max(1)
        });
        let dir = files
            .candidate
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        format!(
            "{VERSION};{:016x};{};{};{stack_size};{timeout};{};{};{dir}",
            target.key,
            target.ordinal,
            target.depth,
            std::process::id(),
            files.id
        )
    }

    fn parse(text: &str) -> Option<Request> {
        let mut parts = text.splitn(9, ';');
        if parts.next()? != VERSION {
            return None;
        }
        let key = u64::from_str_radix(parts.next()?, 16).ok()?;
        let ordinal = parts.next()?.parse().ok()?;
        let depth = parts.next()?.parse().ok()?;
        let stack_size = parts.next()?.parse().ok()?;
        let timeout = match parts.next()?.parse().ok()? {
            0 => None,
            ns => Some(Duration::from_nanos(ns)),
        };
        let parent = parts.next()?.parse().ok()?;
        let id = parts.next()?.parse().ok()?;
        let dir = PathBuf::from(parts.next()?);
        Some(Request {
            key,
            ordinal,
            depth,
            stack_size,
            timeout,
            parent,
            dir,
            id,
        })
    }

    /// This process's request, if it is a child. The first look (at the
    /// first fuzzer the child builds) starts watching the parent.
    fn get() -> Option<&'static Request> {
        static REQUEST: OnceLock<Option<Request>> = OnceLock::new();
        REQUEST
            .get_or_init(|| {
                let req = std::env::var(ENV).ok().and_then(|v| Request::parse(&v));
                if let Some(r) = &req {
                    watch_parent(r.parent);
                }
                req
            })
            .as_ref()
    }
}

/// Whether this process is a child of a process-isolated fuzzer.
pub(crate) fn is_child() -> bool {
    Request::get().is_some()
}

/// Set while this child runs its test.
static SERVING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether this process is a child running its test (so a fuzzer built now
/// is inside the fuzzed test).
pub(crate) fn serving() -> bool {
    SERVING.load(std::sync::atomic::Ordering::Relaxed)
}

/// The file of logged answers a child replays.
fn prelude_path(dir: &Path) -> PathBuf {
    dir.join("prelude.json")
}

/// Writes the answers children of a fuzzer replay on their way to it: the
/// calls made on `thread` (the thread that built the fuzzer, by name).
pub(crate) fn write_prelude(
    dir: &Path,
    thread: Option<&str>,
    prelude: &[std::sync::Arc<str>],
) -> std::io::Result<()> {
    let entries: Vec<&str> = prelude.iter().map(|e| &**e).collect();
    std::fs::write(
        prelude_path(dir),
        json!({ "thread": thread, "entries": entries }).to_string(),
    )
}

/// The next logged answer: the answer and the fuzzer's run count after it,
/// or why there is none ("that the parent did not make at this point").
pub(crate) fn replay_next<T: crate::fuzz::replay::Replay>() -> Result<(T, usize), String> {
    struct Prelude {
        thread: Option<String>,
        entries: std::collections::VecDeque<String>,
    }
    static PRELUDE: OnceLock<std::sync::Mutex<Prelude>> = OnceLock::new();
    let prelude = PRELUDE.get_or_init(|| {
        let j: Json = Request::get()
            .and_then(|r| std::fs::read_to_string(prelude_path(&r.dir)).ok())
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or(Json::Null);
        let thread = j.get("thread").and_then(Json::as_str).map(str::to_string);
        let entries = j
            .get("entries")
            .and_then(Json::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|e| e.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        std::sync::Mutex::new(Prelude { thread, entries })
    });
    let mut prelude = prelude.lock().unwrap_or_else(|e| e.into_inner());
    let here = std::thread::current().name().map(str::to_string);
    if here != prelude.thread {
        return Err(format!(
            "on thread {here:?}, not on the thread that builds the fuzzer ({:?}); in process \
             isolation, make earlier campaigns on the thread that builds the fuzzer",
            prelude.thread
        ));
    }
    let Some(next) = prelude.entries.pop_front() else {
        return Err(
            "that the parent did not make at this point; the code before \
             `ConfigFuzzer::new` must take the same path in every run"
                .into(),
        );
    };
    crate::fuzz::replay::decode_entry(&next).ok_or_else(|| {
        "whose logged answer has another type (the parent made a different call here); the \
         code before `ConfigFuzzer::new` must take the same path in every run"
            .into()
    })
}

thread_local! {
    /// Fuzzers built on this thread so far, by key.
    static BUILT: RefCell<HashMap<u64, usize>> = RefCell::new(HashMap::new());
}

/// Counts a fuzzer with `key` built on this thread and returns its ordinal.
/// If this process is a child waiting for exactly this fuzzer, serves the
/// run and ends the process instead of returning.
pub(crate) fn register<C: FuzzableConfig>(key: u64, test: &TestFn) -> usize {
    let ordinal = BUILT.with(|b| {
        let mut b = b.borrow_mut();
        let n = b.entry(key).or_insert(0);
        let ordinal = *n;
        *n += 1;
        ordinal
    });
    if let Some(req) = Request::get() {
        if req.key == key && req.ordinal == ordinal {
            serve::<C>(req, test);
        }
    }
    ordinal
}

/// The candidate, encoded for a child: every field that differs from the
/// declared defaults (env force included), by index.
pub(crate) fn encode_candidate<C: FuzzableConfig>(config: &C) -> String {
    let declared = C::__registry().declared();
    let values: Vec<Json> = (0..C::__field_count())
        .filter(|&i| !config.__field_eq(declared, i))
        .map(|i| json!([i, wire::encode(&config.__get_index(i))]))
        .collect();
    json!({ "config": C::__NAME, "values": values }).to_string()
}

fn decode_candidate<C: FuzzableConfig>(text: &str) -> Result<C, String> {
    let j: Json = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut c = C::__registry().declared().clone();
    let values = j
        .get("values")
        .and_then(Json::as_array)
        .ok_or("no `values` in the candidate")?;
    for pair in values {
        let (i, v) = match pair.as_array().map(Vec::as_slice) {
            Some([i, v]) => (
                i.as_u64().ok_or("bad field index")? as usize,
                wire::decode(v)?,
            ),
            _ => return Err("bad candidate entry".into()),
        };
        if i >= C::__field_count() {
            return Err(format!("field index {i} out of range"));
        }
        c.__set_index(i, &v).map_err(|e| e.to_string())?;
    }
    Ok(c)
}

fn outcome_json(record: &RunRecord) -> String {
    json!({
        "status": record.status.as_str(),
        "message": record.message,
        "duration_ns": u64::try_from(record.duration.as_nanos()).unwrap_or(u64::MAX),
    })
    .to_string()
}

fn parse_outcome(text: &str) -> Option<RunRecord> {
    let j: Json = serde_json::from_str(text).ok()?;
    let status: Status = j.get("status")?.as_str()?.parse().ok()?;
    let message = j.get("message").and_then(Json::as_str).map(str::to_string);
    let nanos = j.get("duration_ns").and_then(Json::as_u64).unwrap_or(0);
    Some(RunRecord::new(status, message, Duration::from_nanos(nanos)))
}

/// Serves the run `req` names and ends the process.
fn serve<C: FuzzableConfig>(req: &Request, test: &TestFn) -> ! {
    let files = RunFiles::new(&req.dir, req.id);
    let record = match std::fs::read_to_string(&files.candidate)
        .map_err(|e| format!("cannot read the candidate: {e}"))
        .and_then(|text| decode_candidate::<C>(&text))
    {
        Ok(config) => run_installed(req, &files, config, test),
        Err(e) => {
            let _ = std::fs::write(&files.started, b"");
            RunRecord::new(
                Status::FailedCrash,
                Some(format!("the child could not read its candidate: {e}")),
                Duration::ZERO,
            )
        }
    };
    report_once(&files, &record);
    std::process::exit(0)
}

/// Set by whoever reports this child's outcome first: the test's end, or
/// the watchdog at the deadline.
static REPORTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Writes the outcome unless it was written already; `true` if this call
/// wrote it.
fn report_once(files: &RunFiles, record: &RunRecord) -> bool {
    if REPORTED.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return false;
    }
    let _ = std::fs::write(&files.outcome, outcome_json(record));
    true
}

/// Kills this child's process group: the child and everything it started
/// (but what escaped into a session or group of its own).
#[cfg(unix)]
fn end_group() -> ! {
    use rustix::process::{getpgrp, kill_process_group, Signal};
    let _ = kill_process_group(getpgrp(), Signal::KILL);
    std::process::exit(1)
}

/// Watches, from a thread of its own, that the parent is still there; when
/// it is gone (killed, interrupted), ends this child's group, so no child
/// outlives its campaign, also one still on its way to its fuzzer.
#[cfg(unix)]
fn watch_parent(parent: u32) {
    let spawned = std::thread::Builder::new()
        .name("config-fuzzer-parent-watch".into())
        .spawn(move || loop {
            if std::os::unix::process::parent_id() != parent {
                end_group();
            }
            std::thread::sleep(Duration::from_millis(50));
        });
    drop(spawned);
}

#[cfg(not(unix))]
fn watch_parent(_parent: u32) {}

/// Watches the running test from a thread of its own: at the deadline it
/// reports a timeout and ends this child's process group (the child and
/// everything it started).
#[cfg(unix)]
fn watch(files: RunFiles, timeout: Option<Duration>) {
    let start = Instant::now();
    let deadline = timeout.and_then(|t| start.checked_add(t));
    let spawned = std::thread::Builder::new()
        .name("config-fuzzer-watchdog".into())
        .spawn(move || loop {
            let now = Instant::now();
            let nap = deadline.map_or(Duration::from_millis(50), |d| {
                d.saturating_duration_since(now).min(Duration::from_millis(50))
            });
            std::thread::sleep(nap);
            if deadline.is_some_and(|d| Instant::now() >= d) {
                let t = timeout.unwrap_or_default();
                let record = RunRecord::new(
                    Status::FailedTimeout,
                    Some(format!(
                        "the test did not finish within {t:?}; the child process and everything it started were killed"
                    )),
                    t,
                );
                if report_once(&files, &record) {
                    end_group();
                }
                return;
            }
        });
    // Without a watchdog the parent's own deadline still applies.
    drop(spawned);
}

#[cfg(not(unix))]
fn watch(_files: RunFiles, _timeout: Option<Duration>) {}

fn run_installed<C: FuzzableConfig>(
    req: &Request,
    files: &RunFiles,
    config: C,
    test: &TestFn,
) -> RunRecord {
    // Everything this thread had patched becomes process-wide, then the
    // candidate over it: every thread of the program sees the same.
    Snapshot::capture().install_process_wide();
    if let Err(e) = C::__registry().set_fields(&config, 0..C::__field_count()) {
        // The parent checked the candidate against the implications and
        // validators; only this process's own state can break it.
        panic!("{e}");
    }
    SERVING.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = std::fs::write(&files.started, b"");
    watch(RunFiles::new(&req.dir, req.id), req.timeout);
    let start = Instant::now();
    let test = TestFn::clone(test);
    let runner = std::thread::Builder::new()
        .name("config-fuzzer-child".into())
        .stack_size(req.stack_size)
        .spawn(move || run_caught(&test));
    match runner.map(|h| h.join()) {
        Ok(Ok(record)) => record,
        Ok(Err(_)) => RunRecord::new(
            Status::FailedPanic,
            Some("the test's thread panicked outside the test".into()),
            start.elapsed(),
        ),
        Err(e) => RunRecord::new(
            Status::FailedCrash,
            Some(format!(
                "the child could not start a thread for the test: {e}"
            )),
            start.elapsed(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_trip_through_the_env_value() {
        let target = ChildTarget {
            key: 0xdead_beef,
            ordinal: 2,
            program: Ok(PathBuf::from("/bin/x")),
            args: Vec::new(),
            depth: 2,
            prelude: Vec::new(),
            thread: None,
        };
        let files = RunFiles::new(Path::new("/tmp/a;b dir"), 7);
        let v = Request::env_value(&target, 8 << 20, Some(Duration::from_millis(250)), &files);
        assert_eq!(
            Request::parse(&v),
            Some(Request {
                key: 0xdead_beef,
                ordinal: 2,
                depth: 2,
                stack_size: 8 << 20,
                timeout: Some(Duration::from_millis(250)),
                parent: std::process::id(),
                dir: PathBuf::from("/tmp/a;b dir"),
                id: 7,
            })
        );
        // Another version of the format is not ours to read.
        assert_eq!(Request::parse("1;0;0;0;0;/x"), None);
        let none = Request::env_value(&target, 1, None, &files);
        assert_eq!(Request::parse(&none).map(|r| r.timeout), Some(None));
        assert_eq!(Request::parse("garbage"), None);
    }

    #[test]
    fn outcomes_round_trip() {
        let r = RunRecord::new(
            Status::FailedPanic,
            Some("boom".into()),
            Duration::from_micros(5),
        );
        assert_eq!(parse_outcome(&outcome_json(&r)), Some(r));
    }
}
