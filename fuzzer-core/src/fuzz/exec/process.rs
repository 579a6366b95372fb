//! The process executor, parent side: each run in a child process that
//! re-executes this program, supervised until it ends.
//!
//! The child gets the candidate in a file and the run's identity in the
//! `CONFIG_FUZZ_CHILD` env var; it re-runs the program up to the
//! construction of the same fuzzer ([`super::child`]), installs the
//! candidate process-wide, runs the test once and writes the outcome to a
//! second file. It runs in its own process group, so that a timeout kills
//! it and everything it spawned, and so does its end (nothing it started
//! outlives the run). Its stderr is read as it comes, keeping only the
//! tail, so a chatty child can neither block nor fill the disk.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use super::child::{self, ChildReport};
use super::RunRecord;
use crate::fuzz::results::Status;

/// How a child run ended, as far as the parent can tell.
#[derive(Debug)]
pub(crate) enum ChildEnd {
    /// The child reached the test: its outcome (or the crash or timeout
    /// that ended it).
    Ran(RunRecord),
    /// The child ended, or was killed, before it reached the fuzzer: nothing
    /// about the candidate is known. The text says why and what to do.
    NotReached(String),
}

/// How the parent starts a child that reaches this fuzzer.
#[derive(Clone, Debug)]
pub(crate) struct ChildTarget {
    /// Identifies the fuzzer in the child: its test's type and config type.
    pub(crate) key: u64,
    /// How many fuzzers with the same key the constructing thread built
    /// before this one.
    pub(crate) ordinal: usize,
    pub(crate) program: Result<PathBuf, String>,
    pub(crate) args: Vec<OsString>,
    /// How deep in a chain of children a child of this fuzzer is: 1 for a
    /// child of a program that is not itself a child.
    pub(crate) depth: u32,
    /// What the process-isolated campaign calls made on this thread before
    /// the fuzzer was built returned: a child replays them on its way.
    pub(crate) prelude: Vec<std::sync::Arc<str>>,
    /// The name of the thread that built the fuzzer, where a child replays.
    pub(crate) thread: Option<String>,
}

/// Children of children of children are refused: a program whose children
/// never reach their fuzzer would otherwise multiply without end.
const MAX_DEPTH: u32 = 3;

impl ChildTarget {
    /// The command that brings a child back to the fuzzer being built on
    /// this thread: under a libtest harness (`cargo test`, `cargo nextest`),
    /// the test binary with this thread's test selected exactly; otherwise
    /// the program with the arguments it was started with.
    pub(crate) fn for_this_thread(key: u64, ordinal: usize) -> Self {
        let mut program = std::env::current_exe()
            .map_err(|e| format!("cannot find the running executable to re-run it: {e}"));
        let thread = std::thread::current();
        // A test binary renamed by a build system (Bazel, Buck) is named
        // so by `CONFIG_FUZZ_LIBTEST=1`.
        let harness = program.as_deref().is_ok_and(looks_like_test_binary)
            || std::env::var_os("CONFIG_FUZZ_LIBTEST").is_some_and(|v| v == "1");
        let depth = child::depth() + 1;
        if depth > MAX_DEPTH {
            program = Err(format!(
                "process isolation: this program is already a child process {} levels deep; \
                 a fuzzer in a child of a child does not start more children",
                depth - 1
            ));
        } else if child::serving() {
            program = Err(
                "process isolation: this fuzzer is built inside a test that itself runs \
                 in a child process of a process-isolated fuzzer; its children could not reach \
                 it. Use thread isolation for a fuzzer inside a fuzzed test"
                    .to_string(),
            );
        } else if harness && thread.name().is_none() {
            // Re-running a test binary with its own arguments would run all
            // its tests in every child.
            program = Err(
                "process isolation: under a test harness the fuzzer must be built on \
                 the test's own thread (this one was spawned by the test), so that a child \
                 process can run just that test; build it in the test function itself"
                    .to_string(),
            );
        }
        let test_name = thread.name().filter(|n| *n != "main").map(str::to_string);
        let args = match test_name {
            Some(name) if harness => [
                name.as_str(),
                "--exact",
                "--include-ignored",
                "--nocapture",
                "--test-threads=1",
                "-q",
            ]
            .iter()
            .map(OsString::from)
            .collect(),
            _ => std::env::args_os().skip(1).collect(),
        };
        ChildTarget {
            key,
            ordinal,
            program,
            args,
            depth,
            prelude: crate::fuzz::replay::log_so_far(),
            thread: thread.name().map(str::to_string),
        }
    }

    fn describe(&self) -> String {
        let mut s = match &self.program {
            Ok(p) => p.display().to_string(),
            Err(e) => e.clone(),
        };
        for a in &self.args {
            s.push(' ');
            s.push_str(&a.to_string_lossy());
        }
        s
    }
}

/// Cargo names test binaries `<name>-<16 hex digits>` (nextest runs the same
/// binaries).
fn looks_like_test_binary(path: &Path) -> bool {
    let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
        return false;
    };
    stem.rsplit_once('-').is_some_and(|(name, hash)| {
        !name.is_empty() && hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// A private directory for the run files, removed when the executor goes.
#[derive(Debug)]
struct RunDir(PathBuf);

impl RunDir {
    /// A fresh directory `<tmp>/config-fuzz-<user>/<pid>-<n>`. The first one
    /// a process makes also removes those of processes that are gone
    /// (killed, or children that ended with `exit`, which runs no
    /// destructors).
    fn create() -> std::io::Result<RunDir> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        static SWEPT: std::sync::Once = std::sync::Once::new();
        let base = runs_folder();
        std::fs::create_dir_all(&base)?;
        SWEPT.call_once(|| sweep(&base));
        loop {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path = base.join(format!("{}-{n}", std::process::id()));
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(RunDir(path)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

/// Where run directories go.
fn runs_folder() -> PathBuf {
    #[cfg(unix)]
    let user = rustix::process::getuid().as_raw().to_string();
    #[cfg(not(unix))]
    let user = std::env::var("USERNAME").unwrap_or_default();
    std::env::temp_dir().join(format!("config-fuzz-{user}"))
}

/// Removes the run directories of processes that no longer exist.
fn sweep(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !alive(pid) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

#[cfg(unix)]
fn alive(pid: u32) -> bool {
    use rustix::process::{test_kill_process, Pid};
    let Some(pid) = i32::try_from(pid).ok().and_then(Pid::from_raw) else {
        return false;
    };
    // EPERM: it exists, under another user.
    !matches!(test_kill_process(pid), Err(rustix::io::Errno::SRCH))
}

#[cfg(not(unix))]
fn alive(_pid: u32) -> bool {
    true
}

impl Drop for RunDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs tests in child processes.
#[derive(Debug)]
pub(crate) struct ProcessExec {
    target: ChildTarget,
    stack_size: usize,
    dir: Mutex<Option<RunDir>>,
    next: AtomicU64,
}

impl ProcessExec {
    pub(crate) fn new(target: ChildTarget, stack_size: usize) -> Self {
        ProcessExec {
            target,
            stack_size,
            dir: Mutex::new(None),
            next: AtomicU64::new(0),
        }
    }

    fn dir(&self) -> Result<PathBuf, String> {
        let mut dir = self.dir.lock().unwrap_or_else(|e| e.into_inner());
        if dir.is_none() {
            let created = RunDir::create().and_then(|d| {
                child::write_prelude(&d.0, self.target.thread.as_deref(), &self.target.prelude)?;
                Ok(d)
            });
            *dir = Some(created.map_err(|e| {
                format!(
                    "cannot create a directory for child runs in {}: {e}",
                    std::env::temp_dir().display()
                )
            })?);
        }
        Ok(dir.as_ref().expect("just created").0.clone())
    }

    /// Runs each candidate (its encoded form, see [`child::encode_candidate`])
    /// in its own child, all at once; one end per candidate, in order.
    pub(crate) fn run_batch(
        &self,
        candidates: &[String],
        timeout: Option<Duration>,
    ) -> Vec<ChildEnd> {
        let dir = match self.dir() {
            Ok(d) => d,
            Err(e) => {
                return candidates
                    .iter()
                    .map(|_| ChildEnd::NotReached(e.clone()))
                    .collect()
            }
        };
        let ids: Vec<u64> = candidates
            .iter()
            .map(|_| self.next.fetch_add(1, Ordering::Relaxed))
            .collect();
        let files: Vec<child::RunFiles> = ids
            .iter()
            .map(|&id| child::RunFiles::new(&dir, id))
            .collect();
        let ends = supervise::run(self, &files, candidates, timeout);
        for f in &files {
            f.remove();
        }
        ends
    }

    /// Classifies a finished child from its report files, its exit, and
    /// its stderr's tail.
    fn classify(
        &self,
        files: &child::RunFiles,
        exit: Exit,
        stderr: &str,
        timeout: Option<Duration>,
    ) -> ChildEnd {
        let tail = if stderr.trim().is_empty() {
            String::new()
        } else {
            format!("\n--- last lines of the child's stderr ---\n{stderr}")
        };
        match files.read_report() {
            Some(ChildReport::Done(record)) => return ChildEnd::Ran(record),
            Some(ChildReport::Started(elapsed)) => {
                let record = match exit {
                    Exit::TimedOut => RunRecord::new(
                        Status::FailedTimeout,
                        Some(format!(
                            "the test did not finish within {:?} and the child process did not stop it; it was killed with everything it started{tail}",
                            timeout.unwrap_or_default()
                        )),
                        timeout.unwrap_or_default(),
                    ),
                    Exit::Ended(how) => RunRecord::new(
                        Status::FailedCrash,
                        Some(format!("the child process {how} while running the test{tail}")),
                        elapsed,
                    ),
                };
                return ChildEnd::Ran(record);
            }
            None => {}
        }
        let how = match exit {
            Exit::TimedOut => format!(
                "did not reach the fuzzer within {:?} and was killed",
                timeout
                    .map(|t| t.saturating_add(startup_grace(t)))
                    .unwrap_or_default()
            ),
            Exit::Ended(how) => how,
        };
        ChildEnd::NotReached(format!(
            "process isolation: the child process `{}` {how} before it reached this fuzzer. \
             The child re-runs the program (or the test) from its start and serves the run \
             when it builds the same fuzzer (same test closure and config type, built as the \
             same one on its thread); make sure the code before `ConfigFuzzer::new` takes the \
             same path every time, and under a test harness build the fuzzer on the test's \
             own thread{tail}",
            self.target.describe()
        ))
    }
}

/// How long past the timeout the parent waits before killing a child
/// itself: the child counts the timeout from the test's start and ends
/// itself then; this leaves room for its start-up.
fn startup_grace(timeout: Duration) -> Duration {
    timeout.max(Duration::from_secs(10))
}

/// How a child ended.
enum Exit {
    /// Killed by the parent at its deadline.
    TimedOut,
    /// Exited or was killed by a signal: "exited with code 3", "was killed
    /// by signal SIGABRT (core dumped)".
    Ended(String),
}

#[cfg(unix)]
fn describe_exit(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt as _;
    if let Some(code) = status.code() {
        return format!("exited with code {code}");
    }
    match status.signal() {
        Some(sig) => format!(
            "was killed by signal {}{}",
            signal_name(sig),
            if status.core_dumped() {
                " (core dumped)"
            } else {
                ""
            }
        ),
        None => format!("ended ({status})"),
    }
}

/// `SIGABRT (6)` for the signals a test can die of; the number otherwise.
#[cfg(unix)]
fn signal_name(sig: i32) -> String {
    match crate::signals::signal_abbrev(sig) {
        Some(name) => format!("{name} ({sig})"),
        None => format!("{sig}"),
    }
}

/// The last bytes a child wrote, bounded.
struct Tail {
    bytes: Vec<u8>,
}

/// How much of a child's stderr is kept, and how many lines of it shown.
const TAIL_BYTES: usize = 16 * 1024;
const TAIL_LINES: usize = 30;

impl Tail {
    fn push(&mut self, data: &[u8]) {
        self.bytes.extend_from_slice(data);
        if self.bytes.len() > 2 * TAIL_BYTES {
            let cut = self.bytes.len() - TAIL_BYTES;
            self.bytes.drain(..cut);
        }
    }

    /// The last lines; if a panic message scrolled out of them (behind a
    /// backtrace), its first lines come first.
    fn text(&self) -> String {
        let start = self.bytes.len().saturating_sub(TAIL_BYTES);
        let text = String::from_utf8_lossy(&self.bytes[start..]);
        let lines: Vec<&str> = text.trim_end().lines().collect();
        let from = lines.len().saturating_sub(TAIL_LINES);
        let mut out = Vec::new();
        if let Some(p) = lines[..from]
            .iter()
            .rposition(|l| l.contains("panicked at"))
        {
            out.extend_from_slice(&lines[p..(p + 3).min(from)]);
            out.push("...");
        }
        out.extend_from_slice(&lines[from..]);
        out.join("\n")
    }
}

#[cfg(unix)]
mod supervise {
    //! Starting children and waiting for all of them at once: one `poll`
    //! over each child's pidfd (readable when it exits) and stderr pipe,
    //! with the nearest deadline as the timeout.

    use std::io::Read as _;
    use std::os::fd::OwnedFd;
    use std::os::unix::process::CommandExt as _;
    use std::process::{Child, ChildStderr, Command, Stdio};
    use std::time::{Duration, Instant};

    use rustix::event::{poll, PollFd, PollFlags, Timespec};
    use rustix::process::{kill_process_group, pidfd_open, Pid, PidfdFlags, Signal};

    use super::{child, describe_exit, startup_grace, ChildEnd, Exit, ProcessExec, Tail};

    struct Running {
        child: Option<Child>,
        /// The child's process group (its own pid).
        pgid: Option<Pid>,
        pidfd: Option<OwnedFd>,
        stderr: Option<ChildStderr>,
        tail: Tail,
        deadline: Option<Instant>,
        exit: Option<Exit>,
    }

    impl Running {
        /// Kills the child's whole process group. A group id is not reused
        /// while any member lives, so this reaches only what the child left.
        fn kill_group(&self) {
            if let Some(pgid) = self.pgid {
                let _ = kill_process_group(pgid, Signal::KILL);
            }
        }

        fn read_stderr(&mut self) {
            let Some(err) = self.stderr.as_mut() else {
                return;
            };
            let mut buf = [0u8; 8192];
            match err.read(&mut buf) {
                Ok(0) | Err(_) => self.stderr = None,
                Ok(n) => self.tail.push(&buf[..n]),
            }
        }

        /// Reaps the child if it has ended (killing what it left behind).
        fn try_reap(&mut self) {
            let Some(child) = self.child.as_mut() else {
                return;
            };
            if let Ok(Some(status)) = child.try_wait() {
                // Whatever it started dies with it (on the pidfd path this
                // was done before reaping).
                if self.pidfd.is_none() {
                    self.kill_group();
                }
                self.exit = Some(Exit::Ended(describe_exit(status)));
                self.child = None;
            }
        }
    }

    pub(super) fn run(
        exec: &ProcessExec,
        files: &[child::RunFiles],
        candidates: &[String],
        timeout: Option<Duration>,
    ) -> Vec<ChildEnd> {
        let mut runs: Vec<Result<Running, String>> = files
            .iter()
            .zip(candidates)
            .map(|(f, cand)| start(exec, f, cand, timeout))
            .collect();
        loop {
            let now = Instant::now();
            // Deadlines first.
            for r in runs.iter_mut().flatten() {
                if r.exit.is_none() && r.deadline.is_some_and(|d| d <= now) {
                    r.kill_group();
                    if let Some(mut c) = r.child.take() {
                        let _ = c.kill();
                        let _ = c.wait();
                    }
                    r.exit = Some(Exit::TimedOut);
                }
            }
            let active: Vec<usize> = runs
                .iter()
                .enumerate()
                .filter(|(_, r)| r.as_ref().is_ok_and(|r| r.exit.is_none()))
                .map(|(i, _)| i)
                .collect();
            if active.is_empty() {
                break;
            }
            let mut wait = active
                .iter()
                .filter_map(|&i| runs[i].as_ref().ok().and_then(|r| r.deadline))
                .min()
                .map(|d| d.saturating_duration_since(now));
            if active
                .iter()
                .any(|&i| runs[i].as_ref().is_ok_and(|r| r.pidfd.is_none()))
            {
                // No pidfd (an old kernel): look again soon.
                wait = Some(wait.map_or(Duration::from_millis(2), |w| {
                    w.min(Duration::from_millis(2))
                }));
            }
            let mut slots: Vec<(usize, bool)> = Vec::new();
            {
                let mut fds: Vec<PollFd<'_>> = Vec::new();
                for &i in &active {
                    let r = runs[i].as_ref().expect("active runs started");
                    if let Some(fd) = &r.pidfd {
                        fds.push(PollFd::new(fd, PollFlags::IN));
                        slots.push((i, true));
                    }
                    if let Some(err) = &r.stderr {
                        fds.push(PollFd::new(err, PollFlags::IN));
                        slots.push((i, false));
                    }
                }
                let ts = wait.map(|w| Timespec {
                    tv_sec: w.as_secs().min(i64::MAX as u64) as i64,
                    tv_nsec: i64::from(w.subsec_nanos()),
                });
                match poll(&mut fds, ts.as_ref()) {
                    Ok(_) => {}
                    Err(rustix::io::Errno::INTR) => continue,
                    Err(_) => std::thread::sleep(Duration::from_millis(1)),
                }
                let ready: Vec<bool> = fds.iter().map(|f| !f.revents().is_empty()).collect();
                slots = slots
                    .into_iter()
                    .zip(ready)
                    .filter(|(_, ready)| *ready)
                    .map(|(s, _)| s)
                    .collect();
            }
            for (i, is_pidfd) in slots {
                let r = runs[i].as_mut().expect("active runs started");
                if is_pidfd {
                    // Exited, not yet reaped: its group id cannot have been
                    // reused, so kill what it left behind first.
                    r.kill_group();
                    r.try_reap();
                } else {
                    r.read_stderr();
                }
            }
            for &i in &active {
                let r = runs[i].as_mut().expect("active runs started");
                if r.pidfd.is_none() && r.exit.is_none() {
                    r.try_reap();
                }
            }
        }
        // Whatever is still in the pipes (a straggler holding one open is
        // dead by now: its group was killed).
        let grace = Instant::now() + Duration::from_millis(200);
        for r in runs.iter_mut().flatten() {
            while r.stderr.is_some() && Instant::now() < grace {
                let err = r.stderr.as_ref().expect("checked");
                let mut fds = [PollFd::new(err, PollFlags::IN)];
                let left = grace.saturating_duration_since(Instant::now());
                let ts = Timespec {
                    tv_sec: 0,
                    tv_nsec: i64::from(left.subsec_nanos()),
                };
                match poll(&mut fds, Some(&ts)) {
                    Ok(0) => break,
                    Ok(_) => r.read_stderr(),
                    Err(_) => break,
                }
            }
        }
        runs.into_iter()
            .zip(files)
            .map(|(r, f)| match r {
                Err(e) => ChildEnd::NotReached(e),
                Ok(r) => {
                    let exit = r.exit.unwrap_or(Exit::Ended("ended".into()));
                    exec.classify(f, exit, &r.tail.text(), timeout)
                }
            })
            .collect()
    }

    fn start(
        exec: &ProcessExec,
        files: &child::RunFiles,
        candidate: &str,
        timeout: Option<Duration>,
    ) -> Result<Running, String> {
        let program = exec.target.program.clone()?;
        files
            .write_candidate(candidate)
            .map_err(|e| format!("cannot write the candidate for a child run: {e}"))?;
        let mut cmd = Command::new(&program);
        cmd.args(&exec.target.args)
            .env(
                child::ENV,
                child::Request::env_value(&exec.target, exec.stack_size, timeout, files),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .process_group(0);
        let mut child = cmd.spawn().map_err(|e| {
            format!(
                "cannot start the child process `{}`: {e}",
                program.display()
            )
        })?;
        let start = Instant::now();
        let pidfd = Pid::from_raw(child.id() as i32)
            .and_then(|pid| pidfd_open(pid, PidfdFlags::empty()).ok());
        let stderr = child.stderr.take();
        Ok(Running {
            pgid: Pid::from_raw(child.id() as i32),
            child: Some(child),
            pidfd,
            stderr,
            tail: Tail { bytes: Vec::new() },
            // The child enforces the timeout from the test's start; this
            // is the backstop, with room for the child to get there.
            deadline: timeout.and_then(|t| start.checked_add(t.saturating_add(startup_grace(t)))),
            exit: None,
        })
    }
}

#[cfg(not(unix))]
mod supervise {
    use std::time::Duration;

    use super::{child, ChildEnd, ProcessExec};

    pub(super) fn run(
        _exec: &ProcessExec,
        files: &[child::RunFiles],
        _candidates: &[String],
        _timeout: Option<Duration>,
    ) -> Vec<ChildEnd> {
        files
            .iter()
            .map(|_| {
                ChildEnd::NotReached(
                    "process isolation needs a Unix system (process groups, pidfds); use Isolation::Thread here".into(),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_test_binaries_are_recognised() {
        assert!(looks_like_test_binary(Path::new(
            "/t/debug/deps/fuzzer-0123456789abcdef"
        )));
        assert!(looks_like_test_binary(Path::new(
            "/t/deps/my-crate-0123456789abcdef"
        )));
        assert!(!looks_like_test_binary(Path::new("/t/release/hunt")));
        assert!(!looks_like_test_binary(Path::new("/t/release/my-tool")));
        assert!(!looks_like_test_binary(Path::new(
            "/t/debug/-0123456789abcdef"
        )));
    }

    #[test]
    fn sweeping_removes_the_run_directories_of_dead_processes_only() {
        let base =
            std::env::temp_dir().join(format!("config-fuzz-sweep-test-{}", std::process::id()));
        let dead = base.join("999999999-0");
        let mine = base.join(format!("{}-7", std::process::id()));
        let other = base.join("not-a-run");
        for d in [&dead, &mine, &other] {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::write(dead.join("0.in"), "{}").unwrap();
        sweep(&base);
        assert!(!dead.exists());
        assert!(mine.exists());
        assert!(other.exists());
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn the_tail_keeps_a_panic_message_behind_a_backtrace() {
        let mut t = Tail { bytes: Vec::new() };
        t.push(b"thread 'x' panicked at src/a.rs:1:2:\nthe message\nstack backtrace:\n");
        for i in 0..100 {
            t.push(format!("  {i}: frame\n").as_bytes());
        }
        let text = t.text();
        assert!(
            text.starts_with("thread 'x' panicked at src/a.rs:1:2:\nthe message\n"),
            "{text}"
        );
        assert!(text.ends_with("99: frame"), "{text}");
    }

    #[test]
    fn the_tail_keeps_the_last_lines() {
        let mut t = Tail { bytes: Vec::new() };
        for i in 0..10_000 {
            t.push(format!("line {i}\n").as_bytes());
        }
        let text = t.text();
        assert_eq!(text.lines().count(), TAIL_LINES);
        assert!(text.ends_with("line 9999"));
        assert!(t.bytes.len() <= 2 * TAIL_BYTES);
    }
}
