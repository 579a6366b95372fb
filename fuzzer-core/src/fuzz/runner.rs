//! Running one test under one config: install it on the thread that runs the
//! test, catch panics quietly, and give up on a test that hangs.
//!
//! With a timeout (the default), tests run on a worker thread that the
//! fuzzer keeps for the whole campaign; handing a run to it and back spins
//! briefly before parking, so a fast test costs well under a microsecond of
//! hand-off. A test that outlives its timeout is reported as
//! [`Status::FailedTimeout`] and its worker is abandoned: Rust cannot stop a
//! thread, so the hung thread stays blocked in the background (it ends when
//! the process does) and the next run gets a fresh worker.

use std::any::Any;
use std::cell::RefCell;
use std::fmt::Display;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

use super::results::Status;
use crate::config::FuzzableConfig;

/// What a test returns; implemented for `bool`, `()` and `Result<(), E: Display>`.
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
#[derive(Clone, Debug)]
pub(crate) struct RunRecord {
    pub(crate) status: Status,
    pub(crate) message: Option<String>,
    pub(crate) duration: Duration,
}

thread_local! {
    /// `Some` while this thread runs a fuzzed test: the panic hook stores the
    /// message here instead of printing it.
    static CAPTURE: RefCell<Option<Option<String>>> = const { RefCell::new(None) };
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
                        *slot = Some(match info.location() {
                            Some(loc) => format!("panicked at {loc}: {msg}"),
                            None => format!("panicked: {msg}"),
                        });
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

/// Runs `test` with `config` installed on the current thread.
fn run_here<C: FuzzableConfig>(test: &TestFn, config: Arc<C>) -> RunRecord {
    install_quiet_hook();
    let _guard = C::install(config);
    CAPTURE.with(|c| *c.borrow_mut() = Some(None));
    let start = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| test()));
    let duration = start.elapsed();
    let captured = CAPTURE.with(|c| c.borrow_mut().take()).flatten();
    match result {
        Ok(Ok(())) => RunRecord {
            status: Status::Passed,
            message: None,
            duration,
        },
        Ok(Err((status, message))) => RunRecord {
            status,
            message: Some(message),
            duration,
        },
        Err(payload) => RunRecord {
            status: Status::FailedPanic,
            message: Some(captured.unwrap_or_else(|| payload_text(&*payload))),
            duration,
        },
    }
}

/// How long each side spins before parking: long enough to cover the
/// fuzzer's own work between two fast runs.
const SPIN: Duration = Duration::from_micros(200);

/// A one-way, one-slot channel. Its sequence number and its slot share a
/// cache line, so a hand-off moves that line between cores once or twice
/// and nothing else.
#[repr(align(128))]
struct Mailbox<T> {
    /// Bumped by the sender after filling `slot`.
    seq: AtomicU64,
    slot: Mutex<Option<T>>,
    /// Set by the receiver while parked, so the sender unparks only then.
    parked: AtomicBool,
}

impl<T> Mailbox<T> {
    fn new() -> Self {
        Mailbox {
            seq: AtomicU64::new(0),
            slot: Mutex::new(None),
            parked: AtomicBool::new(false),
        }
    }

    /// Sends `value`; wakes the receiver (found by `receiver`) only if it
    /// is parked, so a spinning receiver costs the sender nothing more.
    fn send(&self, value: T, receiver: impl FnOnce() -> Thread) {
        *lock(&self.slot) = Some(value);
        self.seq.fetch_add(1, Ordering::SeqCst);
        if self.parked.load(Ordering::SeqCst) {
            receiver().unpark();
        }
    }

    /// Waits until `seq` passes `seen`, spinning first, then parking, for at
    /// most `timeout` (counted from the first time check, a few hundred
    /// nanoseconds in: a fast hand-off never reads the clock). `None` on
    /// timeout or when `stop` says so.
    fn recv(&self, seen: u64, timeout: Option<Duration>, stop: &AtomicBool) -> Option<T> {
        let mut start: Option<Instant> = None;
        let mut spins = 0u32;
        loop {
            if self.seq.load(Ordering::Acquire) != seen {
                return lock(&self.slot).take();
            }
            spins = spins.wrapping_add(1);
            if spins % 128 != 0 {
                std::hint::spin_loop();
                continue;
            }
            if stop.load(Ordering::Acquire) {
                return None;
            }
            let now = Instant::now();
            let waited = now - *start.get_or_insert(now);
            let left = timeout.map(|t| t.saturating_sub(waited));
            if left == Some(Duration::ZERO) {
                return None;
            }
            if waited > SPIN {
                self.parked.store(true, Ordering::SeqCst);
                // Re-check after announcing, so a send in between is not missed.
                if self.seq.load(Ordering::SeqCst) == seen {
                    let nap = left.map_or(Duration::from_millis(50), |l| {
                        l.min(Duration::from_millis(50))
                    });
                    thread::park_timeout(nap);
                }
                self.parked.store(false, Ordering::SeqCst);
            }
        }
    }
}

struct Shared<C> {
    jobs: Mailbox<Arc<C>>,
    done: Mailbox<RunRecord>,
    /// The thread waiting on `done`.
    waiter: Mutex<Thread>,
    abandoned: AtomicBool,
}

struct Worker<C> {
    shared: Arc<Shared<C>>,
    thread: Thread,
    /// Jobs sent so far.
    sent: u64,
    /// The thread in `shared.waiter`, kept here so that checking it does not
    /// write to memory the worker reads.
    waiter: thread::ThreadId,
}

impl<C: FuzzableConfig> Worker<C> {
    fn spawn(test: TestFn) -> Self {
        let shared = Arc::new(Shared {
            jobs: Mailbox::new(),
            done: Mailbox::new(),
            waiter: Mutex::new(thread::current()),
            abandoned: AtomicBool::new(false),
        });
        let inner = Arc::clone(&shared);
        let handle = thread::Builder::new()
            .name("config-fuzzer-worker".into())
            .spawn(move || worker_loop(&inner, &test))
            .expect("the OS refused to start a fuzzer worker thread");
        Worker {
            shared,
            thread: handle.thread().clone(),
            sent: 0,
            waiter: thread::current().id(),
        }
    }
}

fn worker_loop<C: FuzzableConfig>(shared: &Shared<C>, test: &TestFn) {
    let mut seen = 0;
    loop {
        let Some(config) = shared.jobs.recv(seen, None, &shared.abandoned) else {
            return;
        };
        seen += 1;
        let record = run_here(test, config);
        shared.done.send(record, || lock(&shared.waiter).clone());
        if shared.abandoned.load(Ordering::Acquire) {
            return;
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs tests, on a worker thread when a timeout is set.
pub(crate) struct Runner<C> {
    test: TestFn,
    timeout: Option<Duration>,
    worker: Option<Worker<C>>,
}

impl<C: FuzzableConfig> Runner<C> {
    pub(crate) fn new(test: TestFn, timeout: Option<Duration>) -> Self {
        Runner {
            test,
            timeout,
            worker: None,
        }
    }

    pub(crate) fn set_timeout(&mut self, timeout: Option<Duration>) {
        self.timeout = timeout;
    }

    pub(crate) fn run(&mut self, config: Arc<C>) -> RunRecord {
        let Some(timeout) = self.timeout else {
            return run_here(&self.test, config);
        };
        let test = Arc::clone(&self.test);
        let worker = self.worker.get_or_insert_with(|| Worker::spawn(test));
        let shared = &worker.shared;
        let me = thread::current().id();
        if worker.waiter != me {
            *lock(&shared.waiter) = thread::current();
            worker.waiter = me;
        }
        let seen = worker.sent;
        shared.jobs.send(config, || worker.thread.clone());
        worker.sent += 1;
        let never = AtomicBool::new(false);
        if let Some(record) = shared.done.recv(seen, Some(timeout), &never) {
            return record;
        }
        // Timed out: leave the worker to its fate and use a new one next time.
        if let Some(w) = self.worker.take() {
            w.shared.abandoned.store(true, Ordering::Release);
        }
        RunRecord {
            status: Status::FailedTimeout,
            message: Some(format!(
                "the test did not finish within {timeout:?}; its thread was abandoned and keeps running in the background"
            )),
            duration: timeout,
        }
    }
}

impl<C> Drop for Runner<C> {
    fn drop(&mut self) {
        if let Some(w) = self.worker.take() {
            w.shared.abandoned.store(true, Ordering::Release);
            w.thread.unpark();
        }
    }
}
