//! [`ConfigFuzzer`]: runs a test under sampled configs, shrinks failing ones
//! to the few fields that matter, sweeps n-tuples, and replays findings.

mod minimize;
mod results;
mod runner;

use std::collections::HashMap;
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
use runner::{RunRecord, Runner, TestFn};

/// The timeout a fuzzer starts with. PyTorch's is an hour; five minutes
/// is long for one test of a flag combination and short enough that a hang
/// does not stall a campaign for long.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// One field change, by field index.
type Change = (u32, Value);

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
    /// Every run by (names, values) of the full config, pins included.
    memo: HashMap<u128, RunRecord>,
    runs: usize,
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
        ConfigFuzzer {
            seed,
            sampling: SamplingMethod::Toggle,
            explicit_pins: vec![None; C::__FIELD_COUNT],
            progress: None,
            state: Mutex::new(State {
                runner: Runner::new(test, Some(DEFAULT_TIMEOUT)),
                memo: HashMap::new(),
                runs: 0,
            }),
            _config: PhantomData,
        }
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
        self.lock().runner.set_timeout(Some(timeout));
        self
    }

    /// Runs tests on the calling thread with no timeout: slightly faster,
    /// but a hanging test hangs the campaign.
    pub fn without_timeout(self) -> Self {
        self.lock().runner.set_timeout(None);
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
        let mut probe = C::__registry().declared().clone();
        probe.__set_index(i, &value).map_err(|e| e.for_field(name))?;
        self.explicit_pins[i] = Some(value);
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
            .filter_map(|f| self.pin_of(f.index()).map(|v| (f.name().to_string(), v.clone())))
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
        match self.changes(diff) {
            Ok(changes) => self.run(&changes, "test", None, 0).status,
            Err(_) => Status::Skipped,
        }
    }

    /// Shrinks a failing config to a 1-minimal one: it fails the same way
    /// (same [`Status`]), and dropping any one of its fields makes that
    /// failure go away. Pins hold in every run. `None` if `diff` does not
    /// fail or is not a valid config.
    pub fn minimize(&self, diff: &ConfigDiff) -> Option<ConfigDiff> {
        let changes = self.changes(diff).ok()?;
        let status = self.run(&changes, "minimize", None, 0).status;
        if !status.is_failing() {
            return None;
        }
        Some(self.to_diff(&self.shrink(&changes, status, 0)))
    }

    /// PyTorch's `bisect`: `num_attempts` times, sample each fuzzable field
    /// with probability `p`, run, and shrink every failing config. Returns
    /// one minimal config per failing attempt.
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
        for attempt in 1..=num_attempts {
            let changes = self.sample(&mut rng, p);
            let record = self.run(&changes, "bisect", Some((attempt, num_attempts)), found.len());
            if record.status.is_failing() {
                found.push(self.to_diff(&self.shrink(&changes, record.status, found.len())));
            }
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
                let changes: Vec<Change> = combo
                    .iter()
                    .map(|&i| (i as u32, fields[i].sample(self.sampling, &mut rng)))
                    .collect();
                let record = self.run(&changes, "n-tuple", None, results.failures().count());
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
        for diff in configs {
            match self.changes(diff) {
                Ok(changes) => {
                    let record = self.run(&changes, "reproduce", None, results.failures().count());
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
    pub fn repro_snippet(&self, diff: &ConfigDiff) -> String {
        let mut full = self.pinned();
        full.retain(|name, v| C::fields()[C::field_index(name).unwrap_or(0)].default_ref() != v);
        full.extend(diff.iter().map(|(k, v)| (k.clone(), v.clone())));
        crate::repro::repro_snippet::<C>(&full)
    }

    // ---- internals ----

    fn lock(&self) -> MutexGuard<'_, State<C>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
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

    /// Validates a diff into changes sorted by field index.
    fn changes(&self, diff: &ConfigDiff) -> Result<Vec<Change>, ConfigError> {
        let mut probe = C::__registry().declared().clone();
        let mut out = Vec::with_capacity(diff.len());
        for (name, value) in diff {
            let i = C::field_index(name)?;
            probe.__set_index(i, value).map_err(|e| e.for_field(name))?;
            out.push((i as u32, value.clone()));
        }
        out.sort_by_key(|c| c.0);
        Ok(out)
    }

    fn to_diff(&self, changes: &[Change]) -> ConfigDiff {
        let fields = C::fields();
        changes
            .iter()
            .map(|(i, v)| (fields[*i as usize].name().to_string(), v.clone()))
            .collect()
    }

    fn entry(&self, changes: &[Change], record: RunRecord) -> Entry {
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

    /// The full config of a run: pins that differ from the declared default,
    /// overridden by `changes`.
    fn full(&self, changes: &[Change]) -> Vec<Change> {
        let fields = C::fields();
        let mut full: Vec<Change> = (0..fields.len())
            .filter_map(|i| {
                self.pin_of(i)
                    .filter(|v| *v != fields[i].default_ref())
                    .map(|v| (i as u32, v.clone()))
            })
            .filter(|(i, _)| changes.binary_search_by_key(i, |c| c.0).is_err())
            .collect();
        full.extend(changes.iter().cloned());
        full.sort_by_key(|c| c.0);
        full
    }

    fn run(&self, changes: &[Change], phase: &'static str, attempt: Option<(usize, usize)>, failures: usize) -> RunRecord {
        let full = self.full(changes);
        let key = key_of(&full);
        if let Some(hit) = self.lock().memo.get(&key) {
            return hit.clone();
        }
        let mut config = C::__registry().declared().clone();
        for (i, v) in &full {
            // Validated when the change was made.
            let _ = config.__set_index(*i as usize, v);
        }
        let (record, runs) = {
            let mut st = self.lock();
            let record = st.runner.run(Arc::new(config));
            st.runs += 1;
            st.memo.insert(key, record.clone());
            (record, st.runs)
        };
        if let Some(report) = &self.progress {
            report(&Progress {
                phase,
                runs,
                attempt,
                failures: failures + usize::from(record.status.is_failing()),
                last: record.status,
            });
        }
        record
    }

    /// Shrinks failing `changes` (known to end in `status`) to a 1-minimal
    /// subset that ends in the same status.
    fn shrink(&self, changes: &[Change], status: Status, failures: usize) -> Vec<Change> {
        let mut probe = |subset: &[Change]| self.run(subset, "minimize", None, failures).status == status;
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

/// A 128-bit key for a full config: two independent 64-bit multiply-xor
/// lanes over a tagged encoding of (field index, value). Collisions between
/// distinct configs are astronomically unlikely for a campaign's few million
/// runs.
fn key_of(changes: &[Change]) -> u128 {
    let mut h = KeyHasher::default();
    for (i, v) in changes {
        h.word(u64::from(*i) | 0xFF00_0000_0000_0000);
        h.value(v);
    }
    h.finish()
}

#[derive(Default)]
struct KeyHasher {
    a: u64,
    b: u64,
}

impl KeyHasher {
    fn word(&mut self, w: u64) {
        self.a = (self.a ^ w).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
        self.b = (self.b ^ w.rotate_left(17)).wrapping_mul(0xC2B2_AE3D_27D4_EB4F).rotate_left(31);
    }

    fn bytes(&mut self, bytes: &[u8]) {
        self.word(bytes.len() as u64);
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.word(u64::from_le_bytes(w));
        }
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::None => self.word(1),
            Value::Some(inner) => {
                self.word(2);
                self.value(inner);
            }
            Value::Bool(b) => self.word(3 + u64::from(*b)),
            Value::Int(i) => {
                self.word(5);
                self.word(*i as u64);
                self.word((*i >> 64) as u64);
            }
            Value::UInt(u) => {
                self.word(6);
                self.word(*u as u64);
                self.word((*u >> 64) as u64);
            }
            Value::Float(f) => {
                self.word(7);
                self.word(f.to_bits());
            }
            Value::Str(s) => {
                self.word(8);
                self.bytes(s.as_bytes());
            }
            Value::Enum { ty, variant } => {
                self.word(9);
                self.bytes(ty.as_bytes());
                self.bytes(variant.as_bytes());
            }
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                self.word(10 + matches!(v, Value::Set(_)) as u64 + 2 * matches!(v, Value::Tuple(_)) as u64);
                self.word(items.len() as u64);
                items.iter().for_each(|x| self.value(x));
            }
            Value::Map(pairs) => {
                self.word(13);
                self.word(pairs.len() as u64);
                for (k, x) in pairs {
                    self.value(k);
                    self.value(x);
                }
            }
        }
    }

    fn finish(&self) -> u128 {
        // A final avalanche on each lane.
        let mix = |mut z: u64| {
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        (u128::from(mix(self.a)) << 64) | u128::from(mix(self.b))
    }
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
        assert_eq!(all, vec![vec![0, 1], vec![0, 2], vec![0, 3], vec![1, 2], vec![1, 3], vec![2, 3]]);
    }

    #[test]
    fn keys_tell_values_apart() {
        let a = key_of(&[(0, Value::Bool(true))]);
        let b = key_of(&[(0, Value::Bool(false))]);
        let c = key_of(&[(1, Value::Bool(true))]);
        let d = key_of(&[(0, Value::Some(Box::new(Value::Bool(true))))]);
        assert!(a != b && a != c && b != c && a != d);
        assert_eq!(a, key_of(&[(0, Value::Bool(true))]));
        assert_ne!(key_of(&[(0, Value::List(vec![]))]), key_of(&[(0, Value::Set(vec![]))]));
    }
}
