//! The thread executor: each run on a worker thread of this process, with
//! the caller's config state and then the candidate installed as
//! thread-local patches, panics caught quietly, and a deadline.
//!
//! Workers are kept for the life of the fuzzer; handing a run to one and
//! back spins briefly before parking, so a fast test costs well under a
//! microsecond of hand-off. `jobs` workers run a batch at once. A test that
//! outlives its timeout is reported as [`Status::FailedTimeout`] and its
//! worker is abandoned: Rust cannot stop a thread, so the hung thread stays
//! in the background (until the process ends) with whatever it holds, and
//! the next run gets a fresh worker. Process isolation has none of these
//! limits.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

use super::{run_caught, RunRecord, TestFn};
use crate::config::FuzzableConfig;
use crate::fuzz::results::Status;
use crate::registry::Snapshot;

/// A run for a worker: the caller's config state, then the candidate.
struct Job<C> {
    snapshot: Snapshot,
    config: Arc<C>,
}

/// Runs `job` on the current thread.
fn run_job<C: FuzzableConfig>(test: &TestFn, job: Job<C>) -> RunRecord {
    let Job { snapshot, config } = job;
    snapshot.enter(|| {
        let _candidate = C::install(config);
        run_caught(test)
    })
}

/// How long each side spins before parking: long enough to cover the
/// fuzzer's own work between two fast runs.
const SPIN: Duration = Duration::from_micros(200);

/// After this long spinning, each check also yields the core, so that a
/// hand-off on a loaded machine does not wait out both sides' spinning.
const YIELD_AFTER: Duration = Duration::from_micros(10);

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
            if waited > YIELD_AFTER && waited <= SPIN {
                // Past a fast hand-off: if the cores are busy (the other
                // side may be waiting for this one), let it run.
                thread::yield_now();
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
    jobs: Mailbox<Job<C>>,
    done: Mailbox<RunRecord>,
    /// The thread waiting on `done`.
    waiter: Mutex<Thread>,
    abandoned: AtomicBool,
}

struct Worker<C> {
    shared: Arc<Shared<C>>,
    thread: Thread,
    /// Joined when the executor goes, so an idle worker is gone by then.
    handle: Option<thread::JoinHandle<()>>,
    /// Jobs sent so far.
    sent: u64,
    /// The thread in `shared.waiter`, kept here so that checking it does not
    /// write to memory the worker reads.
    waiter: thread::ThreadId,
}

impl<C: FuzzableConfig> Worker<C> {
    fn spawn(test: TestFn, stack_size: usize) -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            jobs: Mailbox::new(),
            done: Mailbox::new(),
            waiter: Mutex::new(thread::current()),
            abandoned: AtomicBool::new(false),
        });
        let inner = Arc::clone(&shared);
        let handle = thread::Builder::new()
            .name("config-fuzzer-worker".into())
            .stack_size(stack_size)
            .spawn(move || worker_loop(&inner, &test))?;
        Ok(Worker {
            shared,
            thread: handle.thread().clone(),
            handle: Some(handle),
            sent: 0,
            waiter: thread::current().id(),
        })
    }

    /// Hands `job` to the worker; returns what to pass to [`Worker::wait`].
    fn start(&mut self, job: Job<C>) -> u64 {
        let me = thread::current().id();
        if self.waiter != me {
            *lock(&self.shared.waiter) = thread::current();
            self.waiter = me;
        }
        let seen = self.sent;
        let worker = &self.thread;
        self.shared.jobs.send(job, || worker.clone());
        self.sent += 1;
        seen
    }

    /// The record of the job started at `seen`, or `None` if it is not done
    /// by `deadline`.
    fn wait(&self, seen: u64, deadline: Option<Instant>) -> Option<RunRecord> {
        let never = AtomicBool::new(false);
        let timeout = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        self.shared.done.recv(seen, timeout, &never)
    }

    fn abandon(self) {
        self.shared.abandoned.store(true, Ordering::Release);
        self.thread.unpark();
    }
}

fn worker_loop<C: FuzzableConfig>(shared: &Shared<C>, test: &TestFn) {
    let mut seen = 0;
    loop {
        let Some(job) = shared.jobs.recv(seen, None, &shared.abandoned) else {
            return;
        };
        seen += 1;
        let record = run_job(test, job);
        shared.done.send(record, || lock(&shared.waiter).clone());
        if shared.abandoned.load(Ordering::Acquire) {
            return;
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The record of a run whose worker was abandoned at its deadline.
fn timed_out(timeout: Option<Duration>) -> RunRecord {
    let timeout = timeout.unwrap_or_default();
    RunRecord::new(
        Status::FailedTimeout,
        Some(format!(
            "the test did not finish within {timeout:?}; its thread was abandoned and keeps running in the background (process isolation kills it instead)"
        )),
        timeout,
    )
}

/// Idle workers kept beyond this many are let go.
const MAX_IDLE: usize = 64;

/// Runs tests on worker threads of this process.
pub(crate) struct ThreadExec<C> {
    test: TestFn,
    stack_size: usize,
    /// Workers waiting for a job. A batch takes what it needs (starting new
    /// ones if too few are idle, e.g. for a test that calls the fuzzer from
    /// inside itself) and gives back those that did not time out.
    idle: Mutex<Vec<Worker<C>>>,
}

impl<C: FuzzableConfig> ThreadExec<C> {
    pub(crate) fn new(test: TestFn, stack_size: usize) -> Self {
        ThreadExec {
            test,
            stack_size,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// A new worker, or the record of every run it was to make.
    fn spawn(&self) -> Result<Worker<C>, RunRecord> {
        Worker::spawn(Arc::clone(&self.test), self.stack_size).map_err(|e| {
            RunRecord::new(
                Status::FailedCrash,
                Some(format!(
                    "could not start a thread for the test with a stack of {} bytes: {e}",
                    self.stack_size
                )),
                Duration::ZERO,
            )
        })
    }

    /// Runs one config on an idle worker: [`run_batch`](Self::run_batch)
    /// for one, without its bookkeeping (the hot path of a campaign).
    pub(crate) fn run_one(
        &self,
        config: Arc<C>,
        snapshot: &Snapshot,
        timeout: Option<Duration>,
    ) -> RunRecord {
        let idle = lock(&self.idle).pop();
        let mut w = match idle.map_or_else(|| self.spawn(), Ok) {
            Ok(w) => w,
            Err(record) => return record,
        };
        let seen = w.start(Job {
            snapshot: snapshot.clone(),
            config,
        });
        let never = AtomicBool::new(false);
        // The clock is read only once the hand-off has spun a while.
        match w.shared.done.recv(seen, timeout, &never) {
            Some(record) => {
                lock(&self.idle).push(w);
                record
            }
            None => {
                w.abandon();
                timed_out(timeout)
            }
        }
    }

    /// Runs every config (each on its own worker, all at once), with the
    /// caller's `snapshot` installed under the candidate. `timeout: None`
    /// waits as long as it takes.
    pub(crate) fn run_batch(
        &self,
        configs: Vec<Arc<C>>,
        snapshot: &Snapshot,
        timeout: Option<Duration>,
    ) -> Vec<RunRecord> {
        let n = configs.len();
        let mut workers: Vec<Worker<C>> = {
            let mut idle = lock(&self.idle);
            let keep = idle.len().saturating_sub(n);
            idle.drain(keep..).collect()
        };
        while workers.len() < n {
            match self.spawn() {
                Ok(w) => workers.push(w),
                Err(record) => {
                    let mut idle = lock(&self.idle);
                    idle.extend(workers);
                    return vec![record; n];
                }
            }
        }
        let started: Vec<(u64, Instant)> = workers
            .iter_mut()
            .zip(configs)
            .map(|(w, config)| {
                let seen = w.start(Job {
                    snapshot: snapshot.clone(),
                    config,
                });
                (seen, Instant::now())
            })
            .collect();
        let mut records = Vec::with_capacity(n);
        let mut back = Vec::with_capacity(n);
        for (w, (seen, start)) in workers.into_iter().zip(started) {
            let deadline = timeout.and_then(|t| start.checked_add(t));
            match w.wait(seen, deadline) {
                Some(record) => {
                    records.push(record);
                    back.push(w);
                }
                None => {
                    // Timed out: leave the worker to its fate.
                    w.abandon();
                    records.push(timed_out(timeout));
                }
            }
        }
        let mut idle = lock(&self.idle);
        idle.extend(back);
        if idle.len() > MAX_IDLE {
            for w in idle.drain(MAX_IDLE..) {
                w.abandon();
            }
        }
        records
    }
}

impl<C> Drop for ThreadExec<C> {
    fn drop(&mut self) {
        let idle: Vec<Worker<C>> = lock(&self.idle).drain(..).collect();
        for w in &idle {
            w.shared.abandoned.store(true, Ordering::Release);
            w.thread.unpark();
        }
        // Idle workers are parked or spinning, never in a test: they end
        // at once. (Workers abandoned at a timeout are not waited for.)
        let me = thread::current().id();
        for mut w in idle {
            if let Some(h) = w.handle.take() {
                // A test may drop the last handle to its own fuzzer.
                if h.thread().id() != me {
                    let _ = h.join();
                }
            }
        }
    }
}
