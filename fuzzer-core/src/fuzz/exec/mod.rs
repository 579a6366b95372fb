//! Executors: where and how one run of the test happens.
//!
//! - [`thread`]: the candidate installed as a thread-local patch on a worker
//!   thread of this process (the caller's patches carried over first), with
//!   panics caught quietly and a deadline; a test that hangs is abandoned.
//! - [`process`]: the candidate handed to a child process that re-executes
//!   this program ([`child`] is the child's side), installed process-wide
//!   there; the parent kills the child's process group on timeout and
//!   classifies how it ended.
//!
//! Both run a batch of candidates on up to `jobs` workers at once and return
//! one [`RunRecord`] per candidate, in order.

pub(crate) mod child;
pub(crate) mod process;
pub(crate) mod thread;
pub(crate) mod wire;

use std::any::Any;
use std::cell::RefCell;
use std::fmt::Display;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Once};
use std::time::{Duration, Instant};

use super::results::Status;

/// Where each run of the test happens. See
/// [`ConfigFuzzer::isolation`](crate::ConfigFuzzer::isolation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Isolation {
    /// On a worker thread of this process, with the candidate installed as a
    /// thread-local patch (the caller's patches of every config type are
    /// carried over first). The fastest mode, about a microsecond per run.
    /// Threads the test spawns see the candidate only through
    /// [`Snapshot`](crate::Snapshot); a test that crashes the process
    /// (abort, a segfault, `exit`, a stack overflow) ends the campaign; a test
    /// that hangs is abandoned on its thread, keeping whatever it holds.
    #[default]
    Thread,
    /// In a child process that re-executes this program (a `cargo test` or
    /// `cargo nextest` test binary, or a plain `main`) and runs the test once
    /// with the candidate installed process-wide, so every thread of the
    /// program sees it. The child and everything it spawned are killed at
    /// the timeout (counted from the test's start), and when the campaign's
    /// process goes away (processes that moved into a session or process
    /// group of their own escape this); a crash is [`Status::FailedCrash`] with the signal or
    /// exit code and the tail of the child's stderr. Nothing the test does
    /// can stop the campaign. Costs a process start per run (about 1–3 ms).
    Process,
}

/// What a test returns; implemented for `bool`, `()` and `Result<(), E: Display>`.
///
/// Implement it for your own outcome type to choose the [`Status`] of each
/// failure (the error must be one of the `Failed*` statuses).
pub trait TestOutcome {
    /// `Ok(())` if the test passed, else the failure's status and message.
    fn into_outcome(self) -> Result<(), (Status, String)>;
}

impl TestOutcome for bool {
    fn into_outcome(self) -> Result<(), (Status, String)> {
        if self {
            Ok(())
        } else {
            Err((Status::FailedReturn, "the test returned false".into()))
        }
    }
}

impl TestOutcome for () {
    fn into_outcome(self) -> Result<(), (Status, String)> {
        Ok(())
    }
}

impl<E: Display> TestOutcome for Result<(), E> {
    fn into_outcome(self) -> Result<(), (Status, String)> {
        self.map_err(|e| (Status::FailedError, e.to_string()))
    }
}

/// The test, type-erased.
pub(crate) type TestFn = Arc<dyn Fn() -> Result<(), (Status, String)> + Send + Sync>;

/// The outcome of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RunRecord {
    pub(crate) status: Status,
    pub(crate) message: Option<String>,
    pub(crate) duration: Duration,
}

impl RunRecord {
    pub(crate) fn new(status: Status, message: Option<String>, duration: Duration) -> Self {
        RunRecord {
            status,
            message,
            duration,
        }
    }
}

/// The last panic the hook saw on a thread: its payload's text, and the
/// message to report (the text with the panic's location).
type Captured = (String, String);

thread_local! {
    /// `Some` while this thread runs a fuzzed test: the panic hook stores the
    /// latest panic here instead of printing it.
    static CAPTURE: RefCell<Option<Option<Captured>>> = const { RefCell::new(None) };
}

/// Installs, once per process, a panic hook that keeps quiet about panics
/// inside fuzzed tests (recording their message and location) and hands
/// every other panic to the hook that was there before.
fn install_quiet_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // `try_with`: a panic during thread teardown must not panic here.
            let captured = CAPTURE.try_with(|c| {
                let Ok(mut c) = c.try_borrow_mut() else {
                    return false;
                };
                match c.as_mut() {
                    Some(slot) => {
                        let msg = payload_text(info.payload());
                        let full = match info.location() {
                            Some(loc) => format!("panicked at {loc}: {msg}"),
                            None => format!("panicked: {msg}"),
                        };
                        *slot = Some((msg, full));
                        true
                    }
                    None => false,
                }
            });
            if !captured.unwrap_or(false) {
                previous(info);
            }
        }));
    });
}

fn payload_text(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-string payload".to_string()
    }
}

/// Runs `test` on the current thread (whatever config is installed there),
/// catching a panic quietly and keeping its message.
pub(crate) fn run_caught(test: &TestFn) -> RunRecord {
    install_quiet_hook();
    CAPTURE.with(|c| *c.borrow_mut() = Some(None));
    let start = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| test()));
    let duration = start.elapsed();
    let captured = CAPTURE.with(|c| c.borrow_mut().take()).flatten();
    match result {
        Ok(Ok(())) => RunRecord::new(Status::Passed, None, duration),
        Ok(Err((status, message))) => RunRecord::new(status, Some(message), duration),
        Err(payload) => {
            // The hook saw the last panic raised on this thread, but that
            // may be one the test caught before it ended with another
            // payload (`resume_unwind` calls no hook): its location is the
            // ending panic's only if its text is the ending payload's.
            let text = payload_text(&*payload);
            let message = match captured {
                Some((seen, full)) if seen == text => full,
                _ => format!("panicked: {text}"),
            };
            // A payload whose destructor panics must not escape, nor be
            // printed: drop it under its own guard, quietly.
            CAPTURE.with(|c| *c.borrow_mut() = Some(None));
            let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
            CAPTURE.with(|c| c.borrow_mut().take());
            RunRecord::new(Status::FailedPanic, Some(message), duration)
        }
    }
}
