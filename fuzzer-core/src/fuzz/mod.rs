//! [`ConfigFuzzer`]: runs a test under sampled configs, shrinks failing ones
//! to the few fields that matter, sweeps n-tuples, and replays findings.

mod memo;
mod minimize;
mod results;
mod runner;

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub use results::{Detail, Entry, Results, Status};
pub use runner::TestOutcome;

use crate::config::FuzzableConfig;
use crate::error::ConfigError;
use crate::field::FuzzRole;
use crate::sample::{rng, FuzzRng, SamplingMethod};
use crate::value::{ConfigDiff, Value};
use memo::{key_term, KeyIdentity, Remembered};
use runner::{RunRecord, Runner, TestFn};

/// The timeout a fuzzer starts with. PyTorch's is an hour; five minutes
/// is long for one test of a flag combination and short enough that a hang
/// does not stall a campaign for long.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// One field change, by field index.
type Change = (u32, Value);
/// A borrowed [`Change`].
type ChangeRef<'a> = (u32, &'a Value);

fn borrowed(changes: &[Change]) -> Vec<ChangeRef<'_>> {
    changes.iter().map(|(i, v)| (*i, v)).collect()
}

/// What the fuzzer reports while it works, for progress displays.
#[derive(Clone, Debug)]
pub struct Progress {
    /// What the fuzzer is doing: `"bisect"`, `"minimize"`, `"n-tuple"`,
    /// `"reproduce"`, `"test"`.
    pub phase: &'static str,
    /// Runs of the test so far (cached results not counted).
    pub runs: usize,
    /// For `bisect`: the attempt (1-based) and the number of attempts.
    pub attempt: Option<(usize, usize)>,
    /// Failing configs found so far in this call.
    pub failures: usize,
    /// The status of the run just made.
    pub last: Status,
}

type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

struct State<C> {
    runner: Runner<C>,
    /// Every run, by the memo key of its full config (field indices and
    /// values, pins included).
    memo: HashMap<u128, Remembered, BuildHasherDefault<KeyIdentity>>,
    runs: usize,
    /// Declared defaults with env force applied: where every run starts.
    base: C,
    /// The config of the last run and the fields it changed from `base`;
    /// reset and reused by the next run, so a run allocates little.
    scratch: Option<(Arc<C>, Vec<u32>)>,
    /// `marks[i] == stamp` when this run sets field `i`.
    marks: Vec<u32>,
    stamp: u32,
}

/// Hunts for configs that make a test fail.
///
/// ```
/// use fake_config::FakeConfig;
/// use fuzzer_core::prelude::*;
///
/// // A planted bug: fails when e_bool is off and e_optional is None.
/// let fuzzer = ConfigFuzzer::<FakeConfig>::new(
///     || FakeConfig::read(|c| c.e_bool || c.e_optional.is_some()),
///     100,
/// );
/// let found = fuzzer.bisect(2, 1.0);
/// assert_eq!(found.len(), 2);
/// for minimal in &found {
///     assert_eq!(minimal.keys().collect::<Vec<_>>(), ["e_bool", "e_optional"]);
///     assert_eq!(minimal["e_optional"], Value::None);
/// }
/// ```
///
/// Every run starts from the declared defaults plus the pins
/// ([`pinned`](Self::pinned)), applies the candidate changes, and runs the
/// test with that config installed as a thread-local patch on the thread
/// that runs it. Env-forced fields keep their forced values. The same seed
/// gives the same sequence of configs and the same results.
pub struct ConfigFuzzer<C: FuzzableConfig> {
    seed: u64,
    sampling: SamplingMethod,
    /// Explicit pins (`pin`, `keep_default`) by field index.
    explicit_pins: Vec<Option<Value>>,
    /// Every pin that differs from the declared default, sorted by index.
    active_pins: Vec<Change>,
    /// The key term of each active pin, by field index.
    pin_terms: Vec<Option<u128>>,
    /// The sum of the active pins' key terms.
    pins_key: u128,
    /// Each field's key terms for `false`, `true` and `None`, the commonest
    /// values, computed once.
    small_terms: Vec<[u128; 3]>,
    progress: Option<ProgressFn>,
    state: Mutex<State<C>>,
    _config: PhantomData<fn() -> C>,
}

impl<C: FuzzableConfig> std::fmt::Debug for ConfigFuzzer<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigFuzzer")
            .field("config", &C::__NAME)
            .field("seed", &self.seed)
            .field("sampling", &self.sampling)
            .field("pinned", &self.pinned())
            .finish_non_exhaustive()
    }
}

impl<C: FuzzableConfig> ConfigFuzzer<C> {
    /// A fuzzer for `test`, which returns `bool`, `()` or `Result<(), E>`;
    /// `false`, `Err`, a panic and a timeout are failures.
    pub fn new<F, O>(test: F, seed: u64) -> Self
    where
        F: Fn() -> O + Send + Sync + 'static,
        O: TestOutcome,
    {
        let test: TestFn = Arc::new(move || test().into_outcome());
        let registry = C::__registry();
        let mut fuzzer = ConfigFuzzer {
            seed,
            sampling: SamplingMethod::Toggle,
            explicit_pins: vec![None; C::__FIELD_COUNT],
            active_pins: Vec::new(),
            pin_terms: vec![None; C::__FIELD_COUNT],
            pins_key: 0,
            small_terms: (0..C::__FIELD_COUNT as u32)
                .map(|i| {
                    [
                        key_term(i, &Value::Bool(false)),
                        key_term(i, &Value::Bool(true)),
                        key_term(i, &Value::None),
                    ]
                })
                .collect(),
            progress: None,
            state: Mutex::new(State {
                runner: Runner::new(test, Some(DEFAULT_TIMEOUT)),
                memo: HashMap::default(),
                runs: 0,
                base: registry.declared_with_force(),
                scratch: None,
                marks: vec![0; C::__FIELD_COUNT],
                stamp: 0,
            }),
            _config: PhantomData,
        };
        fuzzer.refresh_pins();
        fuzzer
    }

    /// How fields are sampled (default [`SamplingMethod::Toggle`]).
    pub fn sampling(mut self, method: SamplingMethod) -> Self {
        self.sampling = method;
        self
    }

    /// How long one run may take before it counts as
    /// [`Status::FailedTimeout`] (default [`DEFAULT_TIMEOUT`]). A test that
    /// times out keeps running on an abandoned thread.
    pub fn timeout(self, timeout: Duration) -> Self {
        let mut st = self.lock();
        st.runner.set_timeout(Some(timeout));
        // Runs that timed out under the old limit deserve another try.
        st.memo.retain(|_, r| r.status != Status::FailedTimeout);
        drop(st);
        self
    }

    /// Runs tests on the calling thread with no timeout: slightly faster,
    /// but a hanging test hangs the campaign.
    pub fn without_timeout(self) -> Self {
        let mut st = self.lock();
        st.runner.set_timeout(None);
        st.memo.retain(|_, r| r.status != Status::FailedTimeout);
        drop(st);
        self
    }

    /// Calls `report` after every run, for progress displays.
    pub fn on_progress(mut self, report: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(report));
        self
    }

    /// Holds the field `name` at `value` in every run, including while
    /// shrinking.
    pub fn pin(mut self, name: &str, value: Value) -> Result<Self, ConfigError> {
        let i = C::field_index(name)?;
        let mut check = C::__registry().declared().clone();
        check
            .__set_index(i, &value)
            .map_err(|e| e.for_field(name))?;
        self.explicit_pins[i] = Some(value);
        self.refresh_pins();
        Ok(self)
    }

    /// Keeps the field `name` at its declared default in every run.
    pub fn keep_default(self, name: &str) -> Result<Self, ConfigError> {
        let i = C::field_index(name)?;
        let value = C::fields()[i].default_value();
        self.pin(name, value)
    }

    /// The values every run starts from: `#[fuzz(pin = ..)]` fields,
    /// `#[fuzz(skip)]` fields at their declared default, and the pins set
    /// with [`pin`](Self::pin) and [`keep_default`](Self::keep_default).
    pub fn pinned(&self) -> ConfigDiff {
        C::fields()
            .iter()
            .filter_map(|f| {
                self.pin_of(f.index())
                    .map(|v| (f.name().to_string(), v.clone()))
            })
            .collect()
    }

    /// Runs of the test so far (cached results are not runs).
    pub fn num_runs(&self) -> usize {
        self.lock().runs
    }

    /// Runs the test under the pins plus `diff` (memoized by names and
    /// values). A `diff` naming an unknown field, or with a value of the wrong
    /// type, is not run: it is [`Status::Skipped`].
    pub fn test_config(&self, diff: &ConfigDiff) -> Status {
        match self
            .changes(diff)
            .and_then(|changes| self.try_run(&changes, "test", None, 0))
        {
            Ok(record) => record.status,
            Err(_) => Status::Skipped,
        }
    }

    /// Shrinks a failing config to a 1-minimal one: it fails the same way
    /// (same [`Status`]), and dropping any one of its fields makes that
    /// failure go away. Pins hold in every run. `None` if `diff` does not
    /// fail or is not a valid config.
    pub fn minimize(&self, diff: &ConfigDiff) -> Option<ConfigDiff> {
        let changes = self.changes(diff).ok()?;
        let status = self.try_run(&changes, "minimize", None, 0).ok()?.status;
        if !status.is_failing() {
            return None;
        }
        Some(self.to_diff(&self.shrink(&changes, status, 0)))
    }

    /// PyTorch's `bisect`: `num_attempts` times, sample each fuzzable field
    /// with probability `p`, run, and shrink every failing config. Returns
    /// one minimal config per failing attempt. A failing config that contains
    /// a minimal config already found, failing the same way, reports that one
    /// without shrinking again.
    ///
    /// It runs the pins alone first; if the test already fails there, it
    /// says so on stderr and returns nothing, since every config would fail.
    pub fn bisect(&self, num_attempts: usize, p: f64) -> Vec<ConfigDiff> {
        let mut rng = rng(self.seed);
        let baseline = self.run(&[], "bisect", None, 0);
        if baseline.status.is_failing() {
            eprintln!(
                "config fuzzer: the test already fails at the default config with the pins ({}{}); fix that before fuzzing",
                baseline.status,
                baseline.message.map(|m| format!(": {m}")).unwrap_or_default()
            );
            return Vec::new();
        }
        let mut found = Vec::new();
        // Minimal configs found so far, with how they fail.
        let mut known: Vec<(Status, Vec<Change>)> = Vec::new();
        for attempt in 1..=num_attempts {
            let owned = self.sample(&mut rng, p);
            let changes = borrowed(&owned);
            let record = self.run(
                &changes,
                "bisect",
                Some((attempt, num_attempts)),
                found.len(),
            );
            if !record.status.is_failing() {
                continue;
            }
            // A failing config that contains a known minimal config failing the
            // same way has that one as a 1-minimal failing subset: no need to
            // shrink again.
            let reuse = known.iter().find(|(status, minimal)| {
                *status == record.status
                    && minimal.iter().all(|m| {
                        owned
                            .binary_search_by_key(&m.0, |c| c.0)
                            .is_ok_and(|k| owned[k].1 == m.1)
                    })
            });
            let minimal: Vec<Change> = match reuse {
                Some((_, minimal)) => minimal.clone(),
                None => {
                    let shrunk: Vec<Change> = self
                        .shrink(&changes, record.status, found.len())
                        .into_iter()
                        .map(|(i, v)| (i, v.clone()))
                        .collect();
                    known.push((record.status, shrunk.clone()));
                    shrunk
                }
            };
            found.push(self.to_diff(&borrowed(&minimal)));
        }
        found
    }

    /// PyTorch's `fuzz_n_tuple`: every combination of `n` fields in
    /// declaration order, each field sampled, until `max_combinations`
    /// combinations have run. A combination with a field the fuzzer must not
    /// change (skipped or pinned) is recorded as [`Status::Skipped`] and does
    /// not count.
    pub fn fuzz_n_tuple(&self, n: usize, max_combinations: usize) -> Results {
        let mut rng = rng(self.seed);
        let mut results = Results::new();
        let fields = C::fields();
        let count = fields.len();
        if n == 0 || n > count {
            return results;
        }
        let mut combo: Vec<usize> = (0..n).collect();
        let mut ran = 0;
        let mut failures = 0;
        while ran < max_combinations {
            if combo.iter().any(|&i| !self.fuzzable(i)) {
                let config = combo
                    .iter()
                    .map(|&i| (fields[i].name().to_string(), fields[i].default_value()))
                    .collect();
                results.record(Entry {
                    config,
                    status: Status::Skipped,
                    detail: Detail {
                        message: Some("touches a field the fuzzer must not change".into()),
                        duration: Duration::ZERO,
                    },
                });
            } else {
                let owned: Vec<Change> = combo
                    .iter()
                    .map(|&i| (i as u32, fields[i].sample(self.sampling, &mut rng)))
                    .collect();
                let changes = borrowed(&owned);
                let record = self.run(&changes, "n-tuple", None, failures);
                failures += usize::from(record.status.is_failing());
                results.record(self.entry(&changes, record));
                ran += 1;
            }
            if !next_combination(&mut combo, count) {
                break;
            }
        }
        results
    }

    /// Runs each config (pins plus the config) and records it under its own
    /// names and values. An invalid config is recorded as
    /// [`Status::Skipped`] with the reason.
    pub fn reproduce(&self, configs: &[ConfigDiff]) -> Results {
        let mut results = Results::new();
        let mut failures = 0;
        for diff in configs {
            let run = self.changes(diff).and_then(|changes| {
                let record = self.try_run(&changes, "reproduce", None, failures)?;
                Ok((changes, record))
            });
            match run {
                Ok((changes, record)) => {
                    failures += usize::from(record.status.is_failing());
                    let mut entry = self.entry(&changes, record);
                    entry.config = diff.clone();
                    results.record(entry);
                }
                Err(e) => results.record(Entry {
                    config: diff.clone(),
                    status: Status::Skipped,
                    detail: Detail {
                        message: Some(e.to_string()),
                        duration: Duration::ZERO,
                    },
                }),
            }
        }
        results
    }

    /// A Rust snippet that installs the pins plus `diff` as a patch.
    /// Pins left at their declared default are left out, since they change
    /// nothing.
    pub fn repro_snippet(&self, diff: &ConfigDiff) -> String {
        let mut full = self.to_diff(&borrowed(&self.active_pins));
        full.extend(diff.iter().map(|(k, v)| (k.clone(), v.clone())));
        crate::repro::repro_snippet::<C>(&full)
    }

    // ---- internals ----

    fn lock(&self) -> MutexGuard<'_, State<C>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn refresh_pins(&mut self) {
        let fields = C::fields();
        self.active_pins = (0..fields.len())
            .filter_map(|i| {
                self.pin_of(i)
                    .filter(|v| *v != fields[i].default_ref())
                    .map(|v| (i as u32, v.clone()))
            })
            .collect();
        self.pin_terms = vec![None; C::__FIELD_COUNT];
        self.pins_key = 0;
        for (i, v) in &self.active_pins {
            let t = key_term(*i, v);
            self.pin_terms[*i as usize] = Some(t);
            self.pins_key = self.pins_key.wrapping_add(t);
        }
    }

    fn pin_of(&self, i: usize) -> Option<&Value> {
        if let Some(v) = &self.explicit_pins[i] {
            return Some(v);
        }
        let f = &C::fields()[i];
        match f.fuzz_role() {
            FuzzRole::Pin(v) => Some(v),
            FuzzRole::Skip { .. } => Some(f.default_ref()),
            FuzzRole::Fuzzed => None,
        }
    }

    fn fuzzable(&self, i: usize) -> bool {
        self.pin_of(i).is_none()
    }

    /// Resolves a diff's names into changes (in name order). Value types
    /// are checked when a run builds its config.
    fn changes<'a>(&self, diff: &'a ConfigDiff) -> Result<Vec<ChangeRef<'a>>, ConfigError> {
        diff.iter()
            .map(|(name, value)| Ok((C::field_index(name)? as u32, value)))
            .collect()
    }

    fn to_diff(&self, changes: &[ChangeRef<'_>]) -> ConfigDiff {
        let fields = C::fields();
        changes
            .iter()
            .map(|(i, v)| (fields[*i as usize].name().to_string(), (*v).clone()))
            .collect()
    }

    fn entry(&self, changes: &[ChangeRef<'_>], record: RunRecord) -> Entry {
        Entry {
            config: self.to_diff(changes),
            status: record.status,
            detail: Detail {
                message: record.message,
                duration: record.duration,
            },
        }
    }

    /// Samples each fuzzable field with probability `p`; values equal to the
    /// declared default are left out, since they change nothing.
    fn sample(&self, rng: &mut FuzzRng, p: f64) -> Vec<Change> {
        let mut out = Vec::new();
        for f in C::fields() {
            if !self.fuzzable(f.index()) || !rng.chance(p) {
                continue;
            }
            let v = f.sample(self.sampling, rng);
            if &v != f.default_ref() {
                out.push((f.index() as u32, v));
            }
        }
        out
    }

    /// Runs changes the fuzzer made itself, which always type-check.
    fn run(
        &self,
        changes: &[ChangeRef<'_>],
        phase: &'static str,
        attempt: Option<(usize, usize)>,
        failures: usize,
    ) -> RunRecord {
        self.try_run(changes, phase, attempt, failures)
            .unwrap_or_else(|e| RunRecord {
                status: Status::Skipped,
                message: Some(e.to_string()),
                duration: Duration::ZERO,
            })
    }

    /// Runs the pins plus `changes`, or returns the memoized record of the
    /// same config. Fails, running nothing, if a value has the wrong type.
    fn try_run(
        &self,
        changes: &[ChangeRef<'_>],
        phase: &'static str,
        attempt: Option<(usize, usize)>,
        failures: usize,
    ) -> Result<RunRecord, ConfigError> {
        // The key of the full config (pins overridden by `changes`): a sum of
        // per-field terms, so it needs no sorting.
        let mut key = self.pins_key;
        for &(i, v) in changes {
            if let Some(t) = self.pin_terms[i as usize] {
                key = key.wrapping_sub(t);
            }
            let term = match v {
                Value::Bool(b) => self.small_terms[i as usize][usize::from(*b)],
                Value::None => self.small_terms[i as usize][2],
                other => key_term(i, other),
            };
            key = key.wrapping_add(term);
        }
        let mut guard = self.lock();
        if let Some(hit) = guard.memo.get(&key) {
            return Ok(hit.record());
        }
        let st = &mut *guard;
        // Reuse the last run's config when nothing else holds it: reset the
        // fields it changed that this run does not set, then apply this run's.
        st.stamp = st.stamp.wrapping_add(1);
        let stamp = st.stamp;
        for (i, _) in &self.active_pins {
            st.marks[*i as usize] = stamp;
        }
        for (i, _) in changes {
            st.marks[*i as usize] = stamp;
        }
        let (reused, mut touched) = match st.scratch.take() {
            Some((mut arc, mut changed)) => match Arc::get_mut(&mut arc) {
                Some(c) => {
                    for &i in &changed {
                        if st.marks[i as usize] != stamp {
                            c.__copy_field(&st.base, i as usize);
                        }
                    }
                    changed.clear();
                    (Some(arc), changed)
                }
                None => (None, changed),
            },
            None => (None, Vec::new()),
        };
        // Every field this run sets, or that kept an older value because it
        // was about to be set: the next run resets these.
        touched.clear();
        touched.extend(self.active_pins.iter().map(|(i, _)| *i));
        touched.extend(changes.iter().map(|(i, _)| *i));
        let mut config = reused.unwrap_or_else(|| Arc::new(st.base.clone()));
        let c = Arc::get_mut(&mut config).expect("fresh or checked unique");
        let built = self
            .active_pins
            .iter()
            .map(|(i, v)| (*i, v))
            .chain(changes.iter().copied())
            .try_for_each(|(i, v)| {
                c.__set_index(i as usize, v)
                    .map_err(|e| e.for_field(C::fields()[i as usize].name()))
            });
        if let Err(e) = built {
            st.scratch = Some((config, touched));
            return Err(e);
        }
        let record = st.runner.run(Arc::clone(&config));
        st.scratch = Some((config, touched));
        st.runs += 1;
        st.memo.insert(key, Remembered::new(&record));
        let runs = st.runs;
        drop(guard);
        // Outside the lock, so the callback may query the fuzzer.
        if let Some(report) = &self.progress {
            report(&Progress {
                phase,
                runs,
                attempt,
                failures: failures + usize::from(record.status.is_failing()),
                last: record.status,
            });
        }
        Ok(record)
    }

    /// Shrinks failing `changes` (known to end in `status`) to a 1-minimal
    /// subset that ends in the same status.
    fn shrink<'a>(
        &self,
        changes: &[ChangeRef<'a>],
        status: Status,
        failures: usize,
    ) -> Vec<ChangeRef<'a>> {
        let mut probe = |subset: &[ChangeRef<'a>]| {
            self.run(subset, "minimize", None, failures).status == status
        };
        minimize::minimize(changes, &mut probe).0
    }
}

/// Advances `combo` (sorted indices below `n`) to the next combination in
/// lexicographic order; `false` after the last.
fn next_combination(combo: &mut [usize], n: usize) -> bool {
    let k = combo.len();
    let mut i = k;
    while i > 0 {
        i -= 1;
        if combo[i] < n - k + i {
            combo[i] += 1;
            for j in i + 1..k {
                combo[j] = combo[j - 1] + 1;
            }
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combinations_in_lexicographic_order() {
        let mut c = vec![0, 1];
        let mut all = vec![c.clone()];
        while next_combination(&mut c, 4) {
            all.push(c.clone());
        }
        assert_eq!(
            all,
            vec![
                vec![0, 1],
                vec![0, 2],
                vec![0, 3],
                vec![1, 2],
                vec![1, 3],
                vec![2, 3]
            ]
        );
    }
}
