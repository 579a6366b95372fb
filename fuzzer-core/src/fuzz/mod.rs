//! [`ConfigFuzzer`]: runs a test under sampled configs, shrinks failing ones
//! to the few fields that matter, sweeps n-tuples, and replays findings.
//!
//! The parts, one concern a file:
//!
//! - `candidate`: pins, sampled changes, memo keys, building configs;
//! - `memo`: what is known of configs already judged;
//! - `engine`: candidates to verdicts: memo, batches of `jobs` runs,
//!   confirmation, flakiness, progress;
//! - `exec`: where a run happens (a worker thread, or a child process);
//! - `campaign`: hunt, bisect, shrinking, n-tuples, replays;
//! - `minimize`: the shrinking algorithm itself;
//! - `results`, `hunt`: what campaigns return.

mod campaign;
mod candidate;
mod covering;
mod engine;
mod exec;
mod hunt;
mod levels;
mod memo;
mod minimize;
mod regressions;
mod replay;
mod results;
mod shard;
mod state;
mod value_shrink;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub use covering::NTupleDraw;
pub use engine::{Phase, Progress};
pub use exec::{Isolation, TestOutcome};
pub use hunt::{Finding, FuzzError, Hunt, ShrinkLimit};
pub use results::{Detail, Entry, Results, Status};
pub use state::Campaign;

use crate::config::FuzzableConfig;
use crate::error::ConfigError;
use crate::sample::SamplingMethod;
use crate::value::{ConfigDiff, Value};
use candidate::{borrowed, Buffers, Pins};
use engine::Exec;
use exec::process::{ChildTarget, ProcessExec};
use exec::thread::ThreadExec;
use exec::TestFn;
use memo::{KeyIdentity, Remembered};
use replay::Replay;

/// The timeout a fuzzer starts with. PyTorch's is an hour; five minutes
/// is long for one test of a flag combination and short enough that a hang
/// does not stall a campaign for long.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// The stack a thread-mode worker (and the test thread of a child process)
/// gets by default: the size of a main thread's on Linux, so a test that
/// runs from `main` also runs under the fuzzer.
pub const DEFAULT_STACK_SIZE: usize = 8 << 20;

/// How many times a failure is re-run by default before it is believed:
/// once, which costs a run per failing attempt (passing runs are never
/// repeated) and catches most flaky tests.
pub const DEFAULT_CONFIRM: usize = 1;

/// The runs a single shrink may make by default.
pub const DEFAULT_MAX_SHRINK_RUNS: usize = 500;

/// The time a single shrink may take by default.
pub const DEFAULT_MAX_SHRINK_TIME: Duration = Duration::from_secs(600);

type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;
type FindingFn = Arc<dyn Fn(&Finding) + Send + Sync>;

/// Every knob, with its default.
#[derive(Clone, Debug)]
struct Options {
    /// `None`: no deadline.
    timeout: Option<Duration>,
    isolation: Isolation,
    jobs: usize,
    confirm: usize,
    stack_size: usize,
    max_shrink_runs: usize,
    /// `None`: no limit.
    max_shrink_time: Option<Duration>,
    /// Shrink the values of a minimal failing config's fields.
    shrink_values: bool,
    n_tuple_draw: NTupleDraw,
    /// Keep later attempts of a hunt clear of the culprits found; `None`:
    /// on for `hunt`, off for `bisect`.
    forbid_found: Option<bool>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: Some(DEFAULT_TIMEOUT),
            isolation: Isolation::Thread,
            jobs: 1,
            confirm: DEFAULT_CONFIRM,
            stack_size: DEFAULT_STACK_SIZE,
            max_shrink_runs: DEFAULT_MAX_SHRINK_RUNS,
            max_shrink_time: Some(DEFAULT_MAX_SHRINK_TIME),
            shrink_values: true,
            n_tuple_draw: NTupleDraw::default(),
            forbid_found: None,
        }
    }
}

struct State<C> {
    /// The verdict on every config judged, by the memo key of its full
    /// config (field indices and values, pins included).
    memo: HashMap<u128, Remembered, BuildHasherDefault<KeyIdentity>>,
    runs: usize,
    buffers: Buffers<C>,
    /// Some config has been judged [`Status::Flaky`].
    flaky: bool,
    /// Fresh runs of the baseline made to tell a flaky test from a real
    /// failure: the failing statuses, and the number of runs.
    baseline: (Vec<Status>, usize),
}

/// Hunts for configs that make a test fail.
///
/// ```
/// use fuzzer_core::prelude::*;
///
/// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
/// pub struct Flags {
///     #[config(default = true)]
///     pub fuse: bool,
///     pub unroll: bool,
///     #[config(default = Some(true))]
///     pub cache: Option<bool>,
/// }
///
/// // A planted bug: fails when fusion is off and the cache is unset.
/// let fuzzer = ConfigFuzzer::<Flags>::new(
///     || Flags::read(|c| c.fuse || c.cache.is_some()),
///     100,
/// );
/// let hunt = fuzzer.hunt(2, 1.0).unwrap();
/// assert_eq!(hunt.findings().len(), 1);
/// let f = &hunt.findings()[0];
/// assert_eq!(f.config().keys().collect::<Vec<_>>(), ["cache", "fuse"]);
/// assert_eq!(f.status(), Status::FailedReturn);
/// // The second attempt draws the same config, but a hunt keeps later
/// // attempts clear of what it found (see `forbid_found`): it passes.
/// assert_eq!(f.hits(), 1);
/// assert_eq!(hunt.failing_attempts(), 1);
/// ```
///
/// Every run starts from the declared defaults plus the pins
/// ([`pinned`](Self::pinned)), applies the candidate changes, and runs the
/// test with that config installed: as a thread-local patch on a worker
/// thread (over the caller's own patches of every config type), or
/// process-wide in a child process ([`isolation`](Self::isolation)).
/// Env-forced fields keep their forced values. The same seed gives the same
/// sequence of configs and the same results, whatever [`jobs`](Self::jobs)
/// is.
///
/// # Process isolation
///
/// With [`Isolation::Process`] each run happens in a child process that
/// re-executes the current program: under `cargo test` or `cargo nextest`,
/// the test binary with the current test selected (`--exact`); from a plain
/// `main`, the program with its own arguments. The child runs the program
/// up to the construction of this same fuzzer (same test closure type,
/// same config type, the same count of such fuzzers built before on the
/// thread), and there, instead of returning, runs the test once under the
/// candidate and exits. So:
///
/// - keep the code before `ConfigFuzzer::new` cheap and deterministic, and
///   under a test harness build the fuzzer on the test's own thread (one
///   built on a thread the test spawned is refused with
///   [`FuzzError::Process`]);
/// - campaigns of process-isolated fuzzers made earlier on the thread that
///   builds the fuzzer are not run again in the child: it gets their
///   answers back, replayed from the parent (such campaigns on other
///   threads stop the child with a message; thread-isolated ones run
///   again). Other code on the way does run again, so an assertion
///   there on a side effect of earlier runs (a counter, a file) sees the
///   child's view, not the parent's: make such checks after the last
///   fuzzer is built;
/// - patches of other configs that the test relies on belong before
///   `ConfigFuzzer::new`: the child makes the patches of the thread that
///   builds the fuzzer process-wide, but never runs what comes after it;
/// - a fuzzer inside the fuzzed test itself must use thread isolation;
/// - a test binary is recognised by cargo's naming (`<name>-<hash>`); one
///   renamed by a build system needs `CONFIG_FUZZ_LIBTEST=1` in the
///   environment, or each child runs the whole binary on its way.
pub struct ConfigFuzzer<C: FuzzableConfig> {
    seed: u64,
    sampling: SamplingMethod,
    pins: Pins,
    opts: Options,
    progress: Option<ProgressFn>,
    on_finding: Option<FindingFn>,
    test: TestFn,
    target: ChildTarget,
    exec: Exec<C>,
    state: Mutex<State<C>>,
    /// Where the campaign's runs are kept ([`ConfigFuzzer::state`]).
    state_path: Option<std::path::PathBuf>,
    /// The open state file while a campaign runs.
    journal: Mutex<Option<state::Journal>>,
    /// `(k, n)`, 1-based ([`ConfigFuzzer::shard`]).
    shard: Option<(usize, usize)>,
    /// The regressions file ([`ConfigFuzzer::regressions`]).
    regressions: Option<std::path::PathBuf>,
    _config: PhantomData<fn() -> C>,
}

impl<C: FuzzableConfig> std::fmt::Debug for ConfigFuzzer<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigFuzzer")
            .field("config", &C::__NAME)
            .field("seed", &self.seed)
            .field("sampling", &self.sampling)
            .field("options", &self.opts)
            .field("pinned", &self.pinned())
            .finish_non_exhaustive()
    }
}

/// Identifies a fuzzer across processes: its test's type and its config.
fn child_key<F: 'static, C: FuzzableConfig>() -> u64 {
    // `DefaultHasher::new()` has fixed keys: the same executable computes
    // the same key in every process.
    let mut h = std::hash::DefaultHasher::new();
    std::any::TypeId::of::<F>().hash(&mut h);
    C::__NAME.hash(&mut h);
    h.finish()
}

impl<C: FuzzableConfig> ConfigFuzzer<C> {
    /// A fuzzer for `test`, which returns `bool`, `()` or `Result<(), E>`;
    /// `false`, `Err`, a panic, a timeout and (in process mode) a crash are
    /// failures.
    ///
    /// In a child process of a process-mode fuzzer, building the fuzzer the
    /// parent asked for runs the parent's candidate and ends the process:
    /// see [Process isolation](Self#process-isolation).
    pub fn new<F, O>(test: F, seed: u64) -> Self
    where
        F: Fn() -> O + Send + Sync + 'static,
        O: TestOutcome,
    {
        let test: TestFn = Arc::new(move || test().into_outcome());
        let key = child_key::<F, C>();
        let ordinal = exec::child::register::<C>(key, &test);
        let opts = Options::default();
        ConfigFuzzer {
            seed,
            sampling: SamplingMethod::Toggle,
            pins: Pins::new::<C>(),
            exec: Exec::Thread(ThreadExec::new(Arc::clone(&test), opts.stack_size)),
            opts,
            progress: None,
            on_finding: None,
            test,
            target: ChildTarget::for_this_thread(key, ordinal),
            state: Mutex::new(State {
                memo: HashMap::default(),
                runs: 0,
                buffers: Buffers::new(),
                flaky: false,
                baseline: (Vec::new(), 0),
            }),
            state_path: None,
            journal: Mutex::new(None),
            shard: None,
            regressions: None,
            _config: PhantomData,
        }
    }

    fn rebuild_exec(&mut self) {
        self.exec = match self.opts.isolation {
            Isolation::Thread => Exec::Thread(ThreadExec::new(
                Arc::clone(&self.test),
                self.opts.stack_size,
            )),
            Isolation::Process => {
                Exec::Process(ProcessExec::new(self.target.clone(), self.opts.stack_size))
            }
        };
    }

    /// How fields are sampled (default [`SamplingMethod::Toggle`]).
    pub fn sampling(mut self, method: SamplingMethod) -> Self {
        self.sampling = method;
        self
    }

    /// Where each run happens (default [`Isolation::Thread`]): see
    /// [`Isolation`]. Use [`Isolation::Process`] when the test may crash,
    /// hang while holding something, or spawn threads it does not control
    /// (a rayon pool, a runtime): there the candidate is installed
    /// process-wide, so every thread sees it.
    pub fn isolation(mut self, isolation: Isolation) -> Self {
        self.opts.isolation = isolation;
        self.rebuild_exec();
        self
    }

    /// Runs up to `jobs` tests at once (default 1; 0 counts as 1): attempts
    /// of a hunt, n-tuple combinations, replays and confirmation re-runs go
    /// to `jobs` workers (threads or child processes). The same seed gives
    /// the same findings and results as `jobs(1)` for a test whose outcome
    /// depends only on the config.
    pub fn jobs(mut self, jobs: usize) -> Self {
        self.opts.jobs = jobs.max(1);
        self
    }

    /// Re-runs every failure `k` more times before shrinking or reporting
    /// it (default [`DEFAULT_CONFIRM`], 1; 0 believes every failure at
    /// once, as PyTorch does). A failure that does not come back every time is
    /// [`Status::Flaky`], with the counts in its detail, and is never
    /// shrunk; once the test has shown flakiness, every probe while
    /// shrinking runs `max(k, 1) + 1` times.
    pub fn confirm(mut self, k: usize) -> Self {
        self.opts.confirm = k;
        self
    }

    /// The stack size of the thread that runs the test (default
    /// [`DEFAULT_STACK_SIZE`], 8 MiB), in both modes.
    pub fn stack_size(mut self, bytes: usize) -> Self {
        self.opts.stack_size = bytes;
        self.rebuild_exec();
        self
    }

    /// The most runs shrinking one failure may make (default
    /// [`DEFAULT_MAX_SHRINK_RUNS`]). A finding whose shrinking stopped at a
    /// limit says so ([`Finding::shrink_limit`]).
    pub fn max_shrink_runs(mut self, runs: usize) -> Self {
        self.opts.max_shrink_runs = runs;
        self
    }

    /// The longest shrinking one failure may take (default
    /// [`DEFAULT_MAX_SHRINK_TIME`]); `Duration::MAX` for no limit. Shrinking
    /// a hang waits out the timeout on every probe that hangs, so this is
    /// what bounds it.
    pub fn max_shrink_time(mut self, time: Duration) -> Self {
        self.opts.max_shrink_time = (time != Duration::MAX).then_some(time);
        self
    }

    /// Whether a failure's values are shrunk once its fields are (default
    /// `true`). Field minimization keeps the values the failing attempt
    /// drew (`threads = 50`); value shrinking then moves each remaining
    /// field toward the simplest value that still fails with the same
    /// [`Status`]: an integer to the boundary next to its default by binary
    /// search (`threads = 33` when the bug is `threads > 32`), a float
    /// likewise in a bounded number of steps, strings, vecs, sets and maps
    /// shorter, an option to `None` (else its inner value shrunk), an enum
    /// or a `values = [..]` field to the earliest failing variant or value
    /// in declaration order. It never picks the default (the field would
    /// not be needed) or a value an implication or validator forbids. Its
    /// runs count toward [`max_shrink_runs`](Self::max_shrink_runs) and
    /// [`max_shrink_time`](Self::max_shrink_time), and the shrunk config is
    /// confirmed like any finding: if its failure does not hold up, the
    /// finding keeps the drawn values.
    ///
    /// Turn it off when the exact drawn values matter, e.g. to compare
    /// findings with PyTorch's fuzzer, which reports them as drawn.
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Pool {
    ///     #[config(default = 4)]
    ///     #[fuzz(range = 1..=256)]
    ///     pub threads: i64,
    /// }
    ///
    /// let test = || Pool::read(|c| c.threads <= 32);
    /// let hunt = ConfigFuzzer::<Pool>::new(test, 3).hunt(10, 1.0).unwrap();
    /// let f = &hunt.findings()[0];
    /// assert_eq!(f.config()["threads"], Value::Int(33));
    ///
    /// let raw = ConfigFuzzer::<Pool>::new(test, 3).shrink_values(false).hunt(10, 1.0).unwrap();
    /// assert!(raw.findings().iter().all(|f| f.config()["threads"] != Value::Int(33)));
    /// ```
    pub fn shrink_values(mut self, on: bool) -> Self {
        self.opts.shrink_values = on;
        self
    }

    /// How long one run may take before it counts as
    /// [`Status::FailedTimeout`] (default [`DEFAULT_TIMEOUT`]). In thread
    /// mode a test that times out keeps running on an abandoned thread; in
    /// process mode the child counts the time from the test's start (its
    /// start-up does not count) and its process group is killed at the
    /// deadline. A timeout of a few milliseconds is at the mercy of the
    /// scheduler: a busy machine can make a fast test miss it, and
    /// `confirm` then reports it as flaky.
    ///
    /// ```
    /// use std::time::Duration;
    /// use fuzzer_core::prelude::*;
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Solver {
    ///     pub exhaustive: bool,
    /// }
    ///
    /// // Hangs when `exhaustive` is on.
    /// fn solve() -> bool {
    ///     while Solver::read(|c| c.exhaustive) {
    ///         std::thread::sleep(Duration::from_millis(10));
    ///     }
    ///     true
    /// }
    ///
    /// let fuzzer = ConfigFuzzer::<Solver>::new(solve, 0).timeout(Duration::from_millis(200));
    /// let hang = ConfigDiff::from([("exhaustive".to_string(), Value::Bool(true))]);
    /// assert_eq!(fuzzer.test_config(&hang), Status::FailedTimeout);
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        // A timeout too large to add to an instant means no deadline.
        self.opts.timeout = std::time::Instant::now()
            .checked_add(timeout)
            .map(|_| timeout);
        // Runs that timed out under the old limit deserve another try.
        self.lock()
            .memo
            .retain(|_, r| r.status != Status::FailedTimeout);
        self
    }

    /// No deadline: a hanging test hangs the campaign.
    pub fn without_timeout(mut self) -> Self {
        self.opts.timeout = None;
        self.lock()
            .memo
            .retain(|_, r| r.status != Status::FailedTimeout);
        self
    }

    /// Calls `report` after every run, for progress displays.
    pub fn on_progress(mut self, report: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(report));
        self
    }

    /// Calls `report` with each distinct finding of a [`hunt`](Self::hunt)
    /// as soon as it is confirmed, so an interrupted campaign keeps what it
    /// found (write it to a file, print it).
    pub fn on_finding(mut self, report: impl Fn(&Finding) + Send + Sync + 'static) -> Self {
        self.on_finding = Some(Arc::new(report));
        self
    }

    /// Holds the field `name` at `value` in every run, including while
    /// shrinking.
    ///
    /// An env-forced field (`#[config(env_force = ..)]` with its variable
    /// set) is already pinned at its forced value: pinning it at that
    /// value changes nothing, at any other is a [`ConfigError::Invalid`].
    ///
    /// So is a pin that, with the pins before it, breaks an implication
    /// (`#[config(implies(..))]` would override a pinned value, or two
    /// rules would conflict) or a validator: no run could hold them all.
    /// A pinned value is never overridden by a sampled one either: the
    /// fuzzer samples again or leaves out a change whose implication would.
    ///
    /// An unknown name, or a value that does not fit the field's type, is
    /// an error too:
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Flags {
    ///     #[config(default = true)]
    ///     pub fuse: bool,
    ///     #[config(default = 8)]
    ///     pub tile: i64,
    /// }
    ///
    /// let fuzzer = ConfigFuzzer::<Flags>::new(|| Flags::read(|c| c.tile == 16), 0)
    ///     .pin("tile", Value::Int(16))
    ///     .unwrap();
    /// assert_eq!(fuzzer.pinned(), ConfigDiff::from([("tile".to_string(), Value::Int(16))]));
    /// assert!(fuzzer.hunt(10, 1.0).unwrap().findings().is_empty()); // `tile` stays 16
    ///
    /// let fuzzer = ConfigFuzzer::<Flags>::new(|| true, 0);
    /// let err = fuzzer.pin("tiles", Value::Int(16)).unwrap_err();
    /// assert_eq!(err.to_string(), "`Flags` has no field `tiles`; did you mean `tile`?");
    /// let fuzzer = ConfigFuzzer::<Flags>::new(|| true, 0);
    /// assert!(fuzzer.pin("tile", Value::Bool(true)).is_err());
    /// ```
    pub fn pin(mut self, name: &str, value: Value) -> Result<Self, ConfigError> {
        let i = C::field_index(name)?;
        let mut check = C::__registry().declared().clone();
        check
            .__set_index(i, &value)
            .map_err(|e| e.for_field(name))?;
        if let Some(forced) = self.pins.forced(i) {
            if check.__get_index(i) != forced.value {
                return Err(candidate::forced_error(name, forced, &value));
            }
        }
        self.pins.set::<C>(i, value);
        // Pins that break an implication (one overrides another) or a
        // validator would leave no valid config to run.
        if crate::constraint::constrained::<C>() {
            let base = C::__registry().declared_with_force();
            candidate::check_changes(&base, &self.pins.active, &[])?;
        }
        Ok(self)
    }

    /// Keeps the field `name` at its declared default in every run.
    pub fn keep_default(self, name: &str) -> Result<Self, ConfigError> {
        let i = C::field_index(name)?;
        let value = C::fields()[i].default_value();
        self.pin(name, value)
    }

    /// The values every run starts from: `#[fuzz(pin = ..)]` fields,
    /// `#[fuzz(skip)]` fields at their declared default, the pins set
    /// with [`pin`](Self::pin) and [`keep_default`](Self::keep_default),
    /// and env-forced fields at their forced values.
    ///
    /// # Env-forced fields
    ///
    /// A field with `#[config(env_force = "VAR")]` whose variable is set
    /// when the fuzzer is built holds its forced value in every run, so
    /// the fuzzer treats it as a pin: it is never sampled or shrunk, an
    /// n-tuple combination with it is [`Status::Skipped`], and findings,
    /// results of campaigns and [`repro_snippet`](Self::repro_snippet)s
    /// leave it out (a snippet notes the forced value in a comment). A
    /// config given to [`reproduce`](Self::reproduce),
    /// [`test_config`](Self::test_config) or [`minimize`](Self::minimize)
    /// may name it at its forced value; at any other value the test would
    /// never run with it, so that config is a [`ConfigError::Invalid`]
    /// ([`FuzzError::Config`] from the `try_` forms, [`Status::Skipped`]
    /// with the reason from `reproduce` and `test_config`).
    pub fn pinned(&self) -> ConfigDiff {
        C::fields()
            .iter()
            .filter_map(|f| {
                self.pins
                    .pin_of::<C>(f.index())
                    .map(|v| (f.name().to_string(), v.clone()))
            })
            .collect()
    }

    /// Runs of the test so far (memoized answers are not runs; confirmation
    /// re-runs are).
    pub fn num_runs(&self) -> usize {
        self.lock().runs
    }

    /// The campaign: `num_attempts` times, sample each fuzzable field with
    /// probability `p` and run; shrink each failure to a 1-minimal config
    /// that fails the same way, and group the results into distinct
    /// findings (fields, values and status) with their hit counts and
    /// reproduce snippets. Later attempts are kept clear of the culprits
    /// found so far, so each failing attempt goes toward a bug not found
    /// yet, and a failing attempt runs again without the bug it shrank to,
    /// in case that one hid another: see
    /// [`forbid_found`](Self::forbid_found), which turns it off.
    ///
    /// It runs the pins alone first and returns
    /// [`FuzzError::FailsAtBaseline`] if they already fail;
    /// [`FuzzError::Config`] if `p` is not a probability (from 0 to 1).
    /// Prints nothing;
    /// see [`on_progress`](Self::on_progress) and
    /// [`on_finding`](Self::on_finding) to follow it.
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Flags {
    ///     #[config(default = true)]
    ///     pub fuse: bool,
    ///     pub unroll: bool,
    ///     pub vectorize: bool,
    /// }
    ///
    /// // Breaks when fusion is off and unrolling on.
    /// fn check() -> Result<(), String> {
    ///     let (fuse, unroll) = Flags::read(|c| (c.fuse, c.unroll));
    ///     if !fuse && unroll { Err("miscompiled loop".into()) } else { Ok(()) }
    /// }
    ///
    /// let fuzzer = ConfigFuzzer::<Flags>::new(check, 3);
    /// let hunt = fuzzer.hunt(10, 0.5).unwrap();
    /// let f = &hunt.findings()[0];
    /// assert_eq!(f.config().keys().collect::<Vec<_>>(), ["fuse", "unroll"]);
    /// assert_eq!(f.status(), Status::FailedError);
    /// println!("{}", f.repro_snippet()); // `let _config = Flags::patch(|c| { .. });`
    ///
    /// // A test that fails with nothing changed is an error, not a finding.
    /// let broken = ConfigFuzzer::<Flags>::new(|| false, 3);
    /// assert!(matches!(
    ///     broken.hunt(5, 0.5),
    ///     Err(FuzzError::FailsAtBaseline { status: Status::FailedReturn, .. })
    /// ));
    /// ```
    pub fn hunt(&self, num_attempts: usize, p: f64) -> Result<Hunt, FuzzError> {
        if !(0.0..=1.0).contains(&p) {
            return Err(FuzzError::Config(ConfigError::Invalid {
                message: format!(
                    "hunt: p = {p} is not a probability; give the chance that each field is \
                     sampled, from 0 to 1 (0.5 is a good start)"
                ),
            }));
        }
        let forbid = self.opts.forbid_found.unwrap_or(true);
        self.logged("hunt", || {
            Ok(self.hunt_attempts(num_attempts, p, forbid)?.0)
        })
    }

    /// PyTorch's `bisect`: `num_attempts` times, sample each fuzzable field
    /// with probability `p`, run, and shrink every failing config. Returns
    /// one minimal config per failing attempt (the same one for attempts
    /// that shrink to it); flaky failures (see [`confirm`](Self::confirm))
    /// are left out. Its attempts are independent, as PyTorch's, unless
    /// [`forbid_found(true)`](Self::forbid_found) asks otherwise. A thin
    /// view of [`hunt`](Self::hunt), which says more.
    ///
    /// If the test already fails with the pins alone, it returns nothing,
    /// since every config would fail; `hunt` says so as an error.
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Flags {
    ///     #[config(default = true)]
    ///     pub fuse: bool,
    ///     pub unroll: bool,
    ///     #[config(default = 8)]
    ///     pub tile: i64,
    /// }
    ///
    /// let fuzzer = ConfigFuzzer::<Flags>::new(|| Flags::read(|c| c.fuse || !c.unroll), 7);
    /// let minimal = fuzzer.bisect(3, 1.0); // every field sampled in each attempt
    /// assert_eq!(minimal.len(), 3);        // each attempt failed and shrank
    /// let culprits = ConfigDiff::from([
    ///     ("fuse".to_string(), Value::Bool(false)),
    ///     ("unroll".to_string(), Value::Bool(true)),
    /// ]);
    /// assert!(minimal.iter().all(|m| *m == culprits));
    /// ```
    ///
    /// # Panics
    ///
    /// If process isolation cannot bring a child to the test (the message
    /// says why); `hunt` returns that as [`FuzzError::Process`].
    pub fn bisect(&self, num_attempts: usize, p: f64) -> Vec<ConfigDiff> {
        self.logged("bisect", || self.bisect_now(num_attempts, p))
    }

    fn bisect_now(&self, num_attempts: usize, p: f64) -> Vec<ConfigDiff> {
        let forbid = self.opts.forbid_found.unwrap_or(false);
        match self.hunt_attempts(num_attempts, p, forbid) {
            Ok((hunt, ends)) => ends
                .into_iter()
                .flatten()
                .filter(|&i| hunt.findings[i].status != Status::Flaky)
                .map(|i| hunt.findings[i].config.clone())
                .collect(),
            Err(FuzzError::FailsAtBaseline { .. }) => Vec::new(),
            Err(e) => panic!("{e}"),
        }
    }

    /// PyTorch's `fuzz_n_tuple`: every combination of `n` fields in
    /// declaration order, until `max_combinations` combinations have run;
    /// each combination runs at every combination of its fields'
    /// non-default levels (see [`NTupleDraw::AllLevels`]; for `bool`s that
    /// is one config, all toggled), or, with
    /// [`n_tuple_draw(NTupleDraw::Single)`](Self::n_tuple_draw), once with
    /// each field sampled, as PyTorch does. A combination with a field the fuzzer must not
    /// change (skipped or pinned) is recorded as [`Status::Skipped`] and does
    /// not count. `max_combinations = 0` runs none.
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Flags {
    ///     #[config(default = true)]
    ///     pub fuse: bool,
    ///     pub unroll: bool,
    ///     #[config(default = 8)]
    ///     #[fuzz(skip = "tuned per machine")]
    ///     pub tile: i64,
    /// }
    ///
    /// let fuzzer = ConfigFuzzer::<Flags>::new(|| Flags::read(|c| c.fuse || !c.unroll), 0);
    /// let pairs = fuzzer.fuzz_n_tuple(2, 100);
    /// assert_eq!(pairs.num_ran(), 1);        // (fuse, unroll); the pairs with `tile` are skipped
    /// assert_eq!(pairs.num_skipped(), 2);
    /// assert_eq!(pairs.lookup(&["unroll", "fuse"]), Some(Status::FailedReturn));
    /// assert_eq!(pairs.lookup(&["fuse", "tile"]), Some(Status::Skipped));
    /// ```
    ///
    /// # Panics
    ///
    /// If process isolation cannot bring a child to the test.
    pub fn fuzz_n_tuple(&self, n: usize, max_combinations: usize) -> Results {
        self.logged("fuzz_n_tuple", || {
            self.n_tuple(n, max_combinations)
                .unwrap_or_else(|e| panic!("{e}"))
        })
    }

    /// Runs each config (pins plus the config), always afresh, and records
    /// it under its own names and values. An invalid config is recorded as
    /// [`Status::Skipped`] with the reason. With [`confirm`](Self::confirm),
    /// failures are re-run; a config that fails only sometimes, or that
    /// now ends differently than it did before in this fuzzer, is
    /// [`Status::Flaky`].
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Flags {
    ///     #[config(default = true)]
    ///     pub fuse: bool,
    ///     pub unroll: bool,
    /// }
    ///
    /// let fuzzer = ConfigFuzzer::<Flags>::new(|| Flags::read(|c| c.fuse || !c.unroll), 0);
    /// // Findings saved by an earlier campaign (see `Results::save_json`):
    /// let saved = [
    ///     ConfigDiff::from([("fuse".to_string(), Value::Bool(false)), ("unroll".to_string(), Value::Bool(true))]),
    ///     ConfigDiff::from([("unroll".to_string(), Value::Bool(true))]),
    ///     ConfigDiff::from([("unrol".to_string(), Value::Bool(true))]),
    /// ];
    /// let replay = fuzzer.reproduce(&saved);
    /// assert_eq!(replay.lookup(&["fuse", "unroll"]), Some(Status::FailedReturn)); // still fails
    /// assert_eq!(replay.lookup(&["unroll"]), Some(Status::Passed));
    /// assert_eq!(replay.lookup(&["unrol"]), Some(Status::Skipped));                // not a field
    /// ```
    ///
    /// # Panics
    ///
    /// If process isolation cannot bring a child to the test.
    pub fn reproduce(&self, configs: &[ConfigDiff]) -> Results {
        self.logged("reproduce", || {
            self.reproduce_all(configs)
                .unwrap_or_else(|e| panic!("{e}"))
        })
    }

    /// Runs the test under the pins plus `diff`, always afresh (see
    /// [`reproduce`](Self::reproduce) for flakiness). A `diff` naming an
    /// unknown field, or with a value of the wrong type, is not run: it is
    /// [`Status::Skipped`]; [`try_test_config`](Self::try_test_config) says
    /// why.
    ///
    /// # Panics
    ///
    /// If process isolation cannot bring a child to the test.
    pub fn test_config(&self, diff: &ConfigDiff) -> Status {
        self.logged("test_config", || match self.test_diff(diff) {
            Ok(status) => status,
            Err(FuzzError::Config(_)) => Status::Skipped,
            Err(e) => panic!("{e}"),
        })
    }

    /// [`test_config`](Self::test_config), with a bad name or value as
    /// [`FuzzError::Config`].
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Flags {
    ///     #[config(default = true)]
    ///     pub fuse: bool,
    /// }
    ///
    /// let fuzzer = ConfigFuzzer::<Flags>::new(|| Flags::read(|c| c.fuse), 0);
    /// let off = ConfigDiff::from([("fuse".to_string(), Value::Bool(false))]);
    /// assert_eq!(fuzzer.try_test_config(&off).unwrap(), Status::FailedReturn);
    /// let typo = ConfigDiff::from([("fuze".to_string(), Value::Bool(false))]);
    /// let err = fuzzer.try_test_config(&typo).unwrap_err();
    /// assert!(err.to_string().contains("did you mean `fuse`"));
    /// ```
    pub fn try_test_config(&self, diff: &ConfigDiff) -> Result<Status, FuzzError> {
        self.logged("try_test_config", || self.test_diff(diff))
    }

    /// Shrinks a failing config to a 1-minimal one: it fails the same way
    /// (same [`Status`]), and dropping any one of its fields makes that
    /// failure go away; then its values are shrunk while it fails the same
    /// way (see [`shrink_values`](Self::shrink_values)). Pins hold in every run. `None` if `diff` does not
    /// fail (or fails only sometimes), or is not a valid config.
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Flags {
    ///     #[config(default = true)]
    ///     pub fuse: bool,
    ///     pub unroll: bool,
    ///     #[config(default = 8)]
    ///     pub tile: i64,
    /// }
    ///
    /// let fuzzer = ConfigFuzzer::<Flags>::new(|| Flags::read(|c| c.tile < 100), 0);
    /// let failing = ConfigDiff::from([
    ///     ("fuse".to_string(), Value::Bool(false)),
    ///     ("unroll".to_string(), Value::Bool(true)),
    ///     ("tile".to_string(), Value::Int(512)),
    /// ]);
    /// let minimal = fuzzer.minimize(&failing).unwrap();
    /// // `tile` is then shrunk from 512 to the boundary of the failure.
    /// assert_eq!(minimal, ConfigDiff::from([("tile".to_string(), Value::Int(100))]));
    ///
    /// let passing = ConfigDiff::from([("fuse".to_string(), Value::Bool(false))]);
    /// assert_eq!(fuzzer.minimize(&passing), None);
    /// ```
    ///
    /// # Panics
    ///
    /// If process isolation cannot bring a child to the test.
    pub fn minimize(&self, diff: &ConfigDiff) -> Option<ConfigDiff> {
        self.logged("minimize", || match self.minimize_diff(diff) {
            Ok(found) => found
                .filter(|f| f.status != Status::Flaky)
                .map(|f| f.config),
            Err(FuzzError::Config(_)) => None,
            Err(e) => panic!("{e}"),
        })
    }

    /// [`minimize`](Self::minimize) with errors, and the whole
    /// [`Finding`]: `Ok(None)` if `diff` passes.
    pub fn try_minimize(&self, diff: &ConfigDiff) -> Result<Option<Finding>, FuzzError> {
        self.logged("try_minimize", || self.minimize_diff(diff))
    }

    /// A Rust snippet that installs the pins plus `diff` as a patch.
    /// Pins left at their declared default are left out, since they change
    /// nothing. Env-forced fields are left out too, since a patch cannot
    /// change them; a comment before the patch says what the environment
    /// forced, to set it the same way where the snippet runs.
    pub fn repro_snippet(&self, diff: &ConfigDiff) -> String {
        let mut full = candidate::to_diff::<C>(&borrowed(&self.pins.active));
        full.extend(diff.iter().map(|(k, v)| (k.clone(), v.clone())));
        let mut notes = String::new();
        for f in C::fields() {
            if let Some(forced) = self.pins.forced(f.index()) {
                full.remove(f.name());
                let var = if forced.var.is_empty() {
                    String::new()
                } else {
                    format!(" by {}", forced.var)
                };
                notes.push_str(&format!(
                    "// env-forced{var} while fuzzing: {} = {}\n",
                    f.name(),
                    forced.value
                ));
            }
        }
        notes + &crate::repro::repro_snippet::<C>(&full)
    }

    /// Runs a campaign call. In process isolation its answer is logged, so
    /// that children of fuzzers built later on this thread, which re-run
    /// the program up to their fuzzer, replay it instead of running it
    /// again; in such a child, this is where the replay happens.
    fn logged<T: Replay>(&self, what: &str, run: impl FnOnce() -> T) -> T {
        if self.opts.isolation != Isolation::Process {
            return run();
        }
        // Inside the test a child serves, nothing is replayed: a fuzzer
        // there reports that it cannot start children of its own.
        if exec::child::is_child() && !exec::child::serving() {
            match exec::child::replay_next::<T>() {
                Ok((answer, runs)) => {
                    self.lock().runs = runs;
                    return answer;
                }
                Err(why) => panic!(
                    "process isolation: a child process re-running this program to reach its \
                     fuzzer met a call to `{what}` of another process-isolated fuzzer {why}"
                ),
            }
        }
        let answer = run();
        replay::record(&answer, self.num_runs());
        answer
    }

    fn lock(&self) -> MutexGuard<'_, State<C>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl<C: FuzzableConfig> ConfigFuzzer<C> {
    /// The settings a campaign report shows: config type, seed, sampling,
    /// isolation, jobs, timeout, confirmation, pins.
    pub(crate) fn report_settings(&self) -> Vec<(String, String)> {
        let pins: Vec<String> = self
            .pinned()
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect();
        vec![
            ("config".to_string(), C::__NAME.to_string()),
            ("seed".to_string(), self.seed.to_string()),
            ("sampling".to_string(), format!("{:?}", self.sampling)),
            (
                "isolation".to_string(),
                format!("{:?}", self.opts.isolation),
            ),
            ("jobs".to_string(), self.opts.jobs.to_string()),
            (
                "timeout".to_string(),
                self.opts
                    .timeout
                    .map_or_else(|| "none".to_string(), |t| format!("{t:?}")),
            ),
            ("confirm".to_string(), self.opts.confirm.to_string()),
            (
                "pins".to_string(),
                if pins.is_empty() {
                    "none".to_string()
                } else {
                    format!(
                        "{} field{}: {}",
                        pins.len(),
                        if pins.len() == 1 { "" } else { "s" },
                        pins.join(", ")
                    )
                },
            ),
        ]
    }
}
