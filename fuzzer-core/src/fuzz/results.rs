//! [`Status`] of a run and [`Results`] of a campaign.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::time::Duration;

use crate::error::ConfigError;
use crate::field::FieldMeta;
use crate::value::ConfigDiff;

/// How a test run ended (or, for [`Status::Flaky`], how repeated runs of
/// one config disagreed).
///
/// New statuses may be added, so a `match` needs a `_` arm. Serde reads and
/// writes a status as its [`as_str`](Status::as_str) name.
///
/// ```
/// use fuzzer_core::prelude::*;
///
/// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
/// pub struct Flags {
///     pub a: bool,
///     pub b: bool,
/// }
///
/// // Each way a test can end has its own status.
/// let fuzzer = ConfigFuzzer::<Flags>::new(
///     || -> Result<(), String> {
///         let (a, b) = Flags::read(|c| (c.a, c.b));
///         assert!(!a, "a panics");
///         if b { return Err("b is an error".into()) }
///         Ok(())
///     },
///     0,
/// );
/// let with = |name: &str| ConfigDiff::from([(name.to_string(), Value::Bool(true))]);
/// assert_eq!(fuzzer.test_config(&ConfigDiff::new()), Status::Passed);
/// assert_eq!(fuzzer.test_config(&with("a")), Status::FailedPanic);
/// assert_eq!(fuzzer.test_config(&with("b")), Status::FailedError);
/// assert_eq!(fuzzer.test_config(&with("nope")), Status::Skipped); // not a field
///
/// let status = fuzzer.test_config(&with("b"));
/// assert!(status.is_failing());
/// match status {
///     Status::Passed | Status::Skipped => println!("fine"),
///     Status::FailedTimeout => println!("hangs"),
///     other => println!("fails: {}", other.as_str()),
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Status {
    /// The test passed.
    Passed,
    /// Not run: the config touches a field the fuzzer must not change.
    Skipped,
    /// The test returned `false`.
    FailedReturn,
    /// The test returned `Err(..)`.
    FailedError,
    /// The test panicked.
    FailedPanic,
    /// The test did not finish within the fuzzer's timeout.
    FailedTimeout,
    /// The process running the test died: a signal (abort, segfault, stack
    /// overflow) or an exit code, in the detail with the tail of its stderr.
    /// Only process isolation observes this; in thread mode a crash ends
    /// the whole program.
    FailedCrash,
    /// The config failed on some runs and passed (or failed differently) on
    /// others: the detail has the counts. Re-runs come from
    /// `ConfigFuzzer::confirm`; a flaky config is never shrunk or reported as
    /// a minimal failing config.
    Flaky,
}

impl Status {
    /// `true` for every `Failed*` status and for [`Status::Flaky`] (it did
    /// fail, only not every time).
    pub fn is_failing(self) -> bool {
        !matches!(self, Status::Passed | Status::Skipped)
    }

    /// One character for grids: `O` passed, `-` skipped, `R` returned false,
    /// `E` error, `P` panic, `T` timeout, `C` crash, `F` flaky.
    pub fn symbol(self) -> char {
        match self {
            Status::Passed => 'O',
            Status::Skipped => '-',
            Status::FailedReturn => 'R',
            Status::FailedError => 'E',
            Status::FailedPanic => 'P',
            Status::FailedTimeout => 'T',
            Status::FailedCrash => 'C',
            Status::Flaky => 'F',
        }
    }
}

impl Status {
    /// Every status, in declaration order.
    pub const ALL: [Status; 8] = [
        Status::Passed,
        Status::Skipped,
        Status::FailedReturn,
        Status::FailedError,
        Status::FailedPanic,
        Status::FailedTimeout,
        Status::FailedCrash,
        Status::Flaky,
    ];

    /// The stable name used in saved results: `passed`, `failed_return`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Skipped => "skipped",
            Status::FailedReturn => "failed_return",
            Status::FailedError => "failed_error",
            Status::FailedPanic => "failed_panic",
            Status::FailedTimeout => "failed_timeout",
            Status::FailedCrash => "failed_crash",
            Status::Flaky => "flaky",
        }
    }
}

impl std::str::FromStr for Status {
    type Err = ConfigError;

    /// Parses a name written by [`Status::as_str`].
    fn from_str(s: &str) -> Result<Self, ConfigError> {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| ConfigError::Invalid {
                message: format!(
                    "unknown status `{}`; expected one of {}",
                    crate::error::preview(s, crate::error::VALUE_BYTES),
                    Status::ALL.map(Status::as_str).join(", ")
                ),
            })
    }
}

impl serde::Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Status {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(d)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Passed => "passed",
            Status::Skipped => "skipped",
            Status::FailedReturn => "failed: returned false",
            Status::FailedError => "failed: returned an error",
            Status::FailedPanic => "failed: panicked",
            Status::FailedTimeout => "failed: timed out",
            Status::FailedCrash => "failed: crashed",
            Status::Flaky => "flaky: failed on some runs only",
        })
    }
}

/// What is known about one tested config besides its status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Detail {
    /// The error text, panic message (with its location) or timeout note.
    pub message: Option<String>,
    /// How long the test ran.
    pub duration: Duration,
}

/// One tested config.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The config, without the fuzzer's pins.
    pub config: ConfigDiff,
    /// How the run ended.
    pub status: Status,
    /// Message and duration.
    pub detail: Detail,
}

/// The results of `fuzz_n_tuple` or `reproduce`: one entry per tested
/// config, keyed by its fields *and* values (pins left out), in the order
/// they were tested.
///
/// The combinations an n-tuple sweep skips (those holding a field the
/// fuzzer must not change) are counted, not stored, so memory grows with
/// the combinations run only: [`num_skipped`](Self::num_skipped) counts
/// them and [`lookup`](Self::lookup) answers [`Status::Skipped`] for each,
/// but they have no entry ([`len`](Self::len), [`iter`](Self::iter),
/// [`entries`](Self::entries) and [`get`](Self::get) leave them out);
/// [`save_json`](Self::save_json) keeps the rule that skipped them, so
/// loaded results answer `lookup` the same. A config
/// `reproduce` could not run is an entry, with the reason.
#[derive(Clone, Debug, Default)]
pub struct Results {
    entries: Vec<Entry>,
    /// Entry position by the config's canonical JSON, so recording stays
    /// constant-time on sweeps of hundreds of thousands of configs.
    index: HashMap<String, usize>,
    /// The combinations an n-tuple sweep skipped, as the rule that made
    /// them.
    pub(crate) sweep: Option<SweepSkips>,
    /// The campaign that made them (an n-tuple sweep's).
    pub(crate) campaign: Option<super::state::Campaign>,
    /// How a covering sweep answers `lookup` for its t-sets.
    pub(crate) cover: Option<CoverRule>,
}

/// The combinations of `n` fields, in lexicographic order of field index,
/// that an n-tuple sweep passed over because they hold a fixed field.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SweepSkips {
    /// The config's field names, in order, to resolve the names `lookup`
    /// is given.
    pub(crate) names: Vec<String>,
    /// The fields the fuzzer could not change, by index.
    fixed: Vec<bool>,
    /// Fields per combination.
    n: usize,
    /// The first combination the sweep did not reach; `None` if it reached
    /// every one.
    end: Option<Vec<usize>>,
    /// How many it skipped (saturating).
    count: usize,
}

impl SweepSkips {
    /// Whether the combination of `names` was reached and skipped.
    fn skipped(&self, names: &BTreeSet<&str>) -> bool {
        if names.len() != self.n {
            return false;
        }
        let mut combo = Vec::with_capacity(self.n);
        for name in names {
            match self.names.iter().position(|f| f == name) {
                Some(i) => combo.push(i),
                None => return false,
            }
        }
        combo.sort_unstable();
        combo.iter().any(|&i| self.fixed[i]) && self.end.as_ref().is_none_or(|end| combo < *end)
    }
}

/// A terminal summary: the counts, then each failing config with its status
/// and message.
///
/// ```text
/// 30 configs, 25 ran, 1 failed
///   failed: returned false  e_bool = false, e_optional = None
///       the test returned false
/// ```
impl fmt::Display for Results {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let failures: Vec<&Entry> = self.failures().collect();
        writeln!(
            f,
            "{} configs, {} ran, {} failed",
            self.num_ran().saturating_add(self.num_skipped()),
            self.num_ran(),
            failures.len()
        )?;
        for e in failures {
            let config: Vec<String> = e.config.iter().map(|(k, v)| format!("{k} = {v}")).collect();
            writeln!(f, "  {}  {}", e.status, config.join(", "))?;
            if let Some(m) = &e.detail.message {
                writeln!(f, "      {m}")?;
            }
        }
        Ok(())
    }
}

/// Equal when the entries are, in order, as `save_json` writes them:
/// configs compared by their JSON form and durations to the microsecond, so
/// results read back by `load_json` (whose values are untyped, a string for
/// an enum variant) equal the results that were saved.
impl PartialEq for Results {
    fn eq(&self, other: &Self) -> bool {
        self.sweep == other.sweep
            && self.cover == other.cover
            && self.entries.len() == other.entries.len()
            && self.entries.iter().zip(&other.entries).all(|(a, b)| {
                a.status == b.status
                    && a.detail.message == b.detail.message
                    && a.detail.duration.as_micros() == b.detail.duration.as_micros()
                    && a.config.len() == b.config.len()
                    && canonical(&a.config) == canonical(&b.config)
            })
    }
}

fn canonical(config: &ConfigDiff) -> String {
    let mut out = String::new();
    for (k, v) in config {
        out.push_str(k);
        out.push('=');
        out.push_str(&v.to_json());
        out.push('\n');
    }
    out
}

/// One entry as `Results::save_json` writes it.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an entry: an object with `config`, `status`, `message` and `duration_us`"
)]
struct SavedEntry {
    #[serde(deserialize_with = "unique_config")]
    config: ConfigDiff,
    status: Status,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    duration_us: u64,
}

/// A config object, a field named twice being an error.
fn unique_config<'de, D: serde::Deserializer<'de>>(d: D) -> Result<ConfigDiff, D::Error> {
    Ok(crate::json::unique_object(d)?.into_iter().collect())
}

impl From<&Entry> for SavedEntry {
    fn from(e: &Entry) -> Self {
        SavedEntry {
            config: e.config.clone(),
            status: e.status,
            message: e.detail.message.clone(),
            duration_us: u64::try_from(e.detail.duration.as_micros()).unwrap_or(u64::MAX),
        }
    }
}

/// Results are a JSON array of entries, one an object `{"config": {..},
/// "status": "failed_return", "message": "..", "duration_us": 12}` (values
/// in the form documented on [`Value`](crate::Value)); what
/// [`save_json`](Results::save_json) writes. Results of an n-tuple sweep
/// that skipped combinations are an object `{"entries": [..], "skipped":
/// {..}}`, the second part being the rule that says which combinations
/// were skipped (field names, which fields were fixed, the tuple size,
/// where the sweep stopped, and the count), so loaded results answer
/// [`lookup`](Results::lookup) as the saved ones did. Results of an
/// n-tuple sweep also carry their `campaign` ([`Campaign`](crate::Campaign)),
/// so that [`Results::merge`] joins only shards of one sweep.
impl serde::Serialize for Results {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        struct AllEntries<'a>(&'a [Entry]);
        impl serde::Serialize for AllEntries<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(self.0.iter().map(SavedEntry::from))
            }
        }
        if self.sweep.is_none() && self.campaign.is_none() && self.cover.is_none() {
            return AllEntries(&self.entries).serialize(s);
        }
        let mut st = s.serialize_struct("Results", 4)?;
        if let Some(campaign) = &self.campaign {
            st.serialize_field("campaign", campaign)?;
        }
        st.serialize_field("entries", &AllEntries(&self.entries))?;
        if let Some(sweep) = &self.sweep {
            st.serialize_field("skipped", sweep)?;
        }
        if let Some(cover) = &self.cover {
            st.serialize_field("covering", cover)?;
        }
        st.end()
    }
}

/// Reads what the `Serialize` impl writes. Every part must be well formed:
/// an entry with an unknown status or key, a config that is not an object,
/// a missing `config` or `status`, a field named twice in a config, or two
/// entries for one config is an error.
impl<'de> serde::Deserialize<'de> for Results {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> serde::de::Visitor<'de> for Entries {
            type Value = Results;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "an array of entries, or an object with `entries` and `skipped`, as `Results::save_json` writes",
                )
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Results, A::Error> {
                let mut results = Results::new();
                while let Some(e) = seq.next_element::<SavedEntry>()? {
                    results.record_saved::<A::Error>(e)?;
                }
                Ok(results)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Results, A::Error> {
                let mut results: Option<Results> = None;
                let mut sweep: Option<SweepSkips> = None;
                let mut campaign: Option<super::state::Campaign> = None;
                let mut cover: Option<CoverRule> = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "entries" if results.is_none() => {
                            results = Some(map.next_value_seed(EntriesSeed)?);
                        }
                        "skipped" if sweep.is_none() => sweep = Some(map.next_value()?),
                        "campaign" if campaign.is_none() => campaign = Some(map.next_value()?),
                        "covering" if cover.is_none() => cover = Some(map.next_value()?),
                        "entries" | "skipped" | "campaign" | "covering" => {
                            return Err(serde::de::Error::custom(format_args!(
                                "`{key}` is given twice; keep one"
                            )))
                        }
                        other => {
                            return Err(serde::de::Error::unknown_field(
                                other,
                                &["entries", "skipped", "campaign", "covering"],
                            ))
                        }
                    }
                }
                let mut results =
                    results.ok_or_else(|| serde::de::Error::missing_field("entries"))?;
                results.sweep = sweep;
                results.campaign = campaign;
                results.cover = cover;
                Ok(results)
            }
        }
        struct EntriesSeed;
        impl<'de> serde::de::DeserializeSeed<'de> for EntriesSeed {
            type Value = Results;
            fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Results, D::Error> {
                d.deserialize_seq(Entries)
            }
        }
        d.deserialize_any(Entries)
    }
}

impl Results {
    /// Records an entry read from saved results; a second entry for the
    /// same config is an error.
    fn record_saved<E: serde::de::Error>(&mut self, e: SavedEntry) -> Result<(), E> {
        let entry = Entry {
            config: e.config,
            status: e.status,
            detail: Detail {
                message: e.message,
                duration: Duration::from_micros(e.duration_us),
            },
        };
        if let Some(first) = self.index.get(&canonical(&entry.config)) {
            return Err(E::custom(format_args!(
                "entry {} is for the same config as entry {} (counting from 1); keep one",
                self.len() + 1,
                first + 1
            )));
        }
        self.record(entry);
        Ok(())
    }

    /// An empty set of results.
    pub fn new() -> Self {
        Results::default()
    }

    /// Records an entry; a config seen before keeps one entry, updated.
    pub(crate) fn record(&mut self, entry: Entry) {
        match self.index.entry(canonical(&entry.config)) {
            std::collections::hash_map::Entry::Occupied(at) => self.entries[*at.get()] = entry,
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(self.entries.len());
                self.entries.push(entry);
            }
        }
    }

    /// Starts the record of an n-tuple sweep's skipped combinations: those
    /// of `n` of `fields` holding a field marked in `fixed`.
    pub(crate) fn begin_sweep(&mut self, fields: &[FieldMeta], fixed: Vec<bool>, n: usize) {
        self.sweep = Some(SweepSkips {
            names: fields.iter().map(|f| f.name().to_string()).collect(),
            fixed,
            n,
            end: None,
            count: 0,
        });
    }

    /// Counts `count` more combinations the sweep skipped.
    pub(crate) fn count_skipped(&mut self, count: usize) {
        if let Some(sweep) = &mut self.sweep {
            sweep.count = sweep.count.saturating_add(count);
        }
    }

    /// Ends the sweep before `end`, the first combination it did not reach
    /// (`None`: it reached them all).
    pub(crate) fn end_sweep(&mut self, end: Option<Vec<usize>>) {
        if let Some(sweep) = &mut self.sweep {
            sweep.end = end;
        }
    }

    /// The sweep's skipped combinations as JSON (`null` if none), for
    /// replaying results in a child process.
    pub(crate) fn sweep_to_json(&self) -> serde_json::Value {
        serde_json::to_value(&self.sweep).unwrap_or(serde_json::Value::Null)
    }

    /// Restores what [`sweep_to_json`](Self::sweep_to_json) wrote.
    pub(crate) fn sweep_from_json(&mut self, j: &serde_json::Value) -> Option<()> {
        self.sweep = serde_json::from_value(j.clone()).ok()?;
        Some(())
    }

    /// Number of configs recorded: every config run, and every config
    /// `reproduce` could not run. Combinations an n-tuple sweep skipped are
    /// not entries (see [`num_skipped`](Self::num_skipped)).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// `true` if nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Number of configs that actually ran (not skipped).
    pub fn num_ran(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| e.status != Status::Skipped)
            .count()
    }

    /// Number of configs not run: the combinations an n-tuple sweep
    /// skipped (counted, not stored; saturating at `usize::MAX`) and the
    /// configs `reproduce` could not run.
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Flags {
    ///     pub a: bool,
    ///     pub b: bool,
    ///     pub c: bool,
    ///     #[fuzz(skip)]
    ///     pub d: bool,
    /// }
    ///
    /// let fuzzer = ConfigFuzzer::<Flags>::new(|| true, 0);
    /// let pairs = fuzzer.fuzz_n_tuple(2, 50);
    /// assert_eq!(pairs.num_ran(), 3);
    /// assert_eq!(pairs.len(), 3);
    /// // Pairs with a field the fuzzer must not change were passed over.
    /// assert_eq!(pairs.num_skipped(), 3);
    /// assert_eq!(pairs.lookup(&["a", "d"]), Some(Status::Skipped));
    /// ```
    pub fn num_skipped(&self) -> usize {
        let stored = self
            .entries
            .iter()
            .filter(|e| e.status == Status::Skipped)
            .count();
        stored.saturating_add(self.sweep.as_ref().map_or(0, |s| s.count))
    }

    /// The status of the config with exactly these field names, in any order.
    /// If several value sets share the names, a failing one is reported
    /// first, then one that ran (so a combination an all-levels n-tuple
    /// sweep ran at some of its levels and skipped at others reports how
    /// it ran).
    /// A combination an n-tuple sweep skipped is [`Status::Skipped`]; one
    /// it did not reach, or never tested, is `None`.
    ///
    /// ```
    /// # use fuzzer_core::{Results, Status};
    /// let r = Results::new();
    /// assert_eq!(r.lookup(&["e_bool", "e_optional"]), None);
    /// ```
    pub fn lookup<S: AsRef<str>>(&self, names: &[S]) -> Option<Status> {
        let want: BTreeSet<&str> = names.iter().map(AsRef::as_ref).collect();
        if let Some(answer) = self.cover.as_ref().and_then(|c| c.answer(&want)) {
            return Some(answer);
        }
        let mut matching = self.entries.iter().filter(|e| {
            e.config.len() == want.len() && e.config.keys().all(|k| want.contains(k.as_str()))
        });
        let Some(first) = matching.next() else {
            let skipped = self.sweep.as_ref().is_some_and(|s| s.skipped(&want));
            return skipped.then_some(Status::Skipped);
        };
        if first.status.is_failing() {
            return Some(first.status);
        }
        // No failing one: one that ran (passed or flaky) says more than
        // one that was skipped.
        let mut best = first.status;
        for e in matching {
            if e.status.is_failing() {
                return Some(e.status);
            }
            if best == Status::Skipped {
                best = e.status;
            }
        }
        Some(best)
    }

    /// The entry for exactly this config (names and values), if tested
    /// (a combination an n-tuple sweep skipped has none).
    pub fn get(&self, config: &ConfigDiff) -> Option<&Entry> {
        self.index
            .get(&canonical(config))
            .map(|&i| &self.entries[i])
    }

    /// Every (config, status), in the order tested (without the
    /// combinations an n-tuple sweep skipped).
    pub fn iter(&self) -> impl Iterator<Item = (&ConfigDiff, Status)> + '_ {
        self.entries.iter().map(|e| (&e.config, e.status))
    }

    /// Every entry with its detail.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The failing entries.
    pub fn failures(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.entries.iter().filter(|e| e.status.is_failing())
    }

    /// The results as JSON, to keep findings and replay them later with
    /// [`load_json`](Self::load_json) and `ConfigFuzzer::reproduce`:
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
    /// let found = fuzzer.reproduce(&[ConfigDiff::from([("fuse".into(), Value::Bool(false))])]);
    /// let saved = found.save_json();
    /// // ... in a later session:
    /// let loaded = Results::load_json(&saved).unwrap();
    /// let failing: Vec<ConfigDiff> = loaded.failures().map(|e| e.config.clone()).collect();
    /// assert_eq!(fuzzer.reproduce(&failing).lookup(&["fuse"]), Some(Status::FailedReturn));
    /// ```
    pub fn save_json(&self) -> String {
        crate::json::to_string_entry_per_line(self)
    }

    /// Reads results written by [`save_json`](Self::save_json). Values come
    /// back in their JSON form (a tuple as a list, an enum variant as a
    /// string); `ConfigFuzzer::reproduce`, `test_config` and
    /// `repro_snippet` read them as each field's type. Anything malformed is
    /// an error, with its line and column: an unknown status or key, a
    /// config that is not an object, a missing `config` or `status`, a
    /// field named twice, two entries for one config.
    ///
    /// ```
    /// use fuzzer_core::Results;
    /// assert!(Results::load_json(r#"[{"config": {}, "status": "FAILED"}]"#).is_err());
    /// assert!(Results::load_json(r#"[{"config": [], "status": "passed"}]"#).is_err());
    /// ```
    pub fn load_json(json: &str) -> Result<Results, ConfigError> {
        serde_json::from_str(json).map_err(|e| ConfigError::json(&e))
    }

    /// A self-contained HTML page: the campaign report
    /// ([`Report`](crate::Report)) of these results, whatever their config
    /// type: the failing configs first (status, detail, the config as JSON
    /// with a copy button), the counts, and for an n-tuple sweep of pairs
    /// the grid of failing pairs (as PyTorch's `visualize_results` draws
    /// it, over the fields involved in a failure only). For Rust snippets,
    /// the fuzzer's settings and forms of your own, build the page with
    /// [`Report::from_results`](crate::Report::from_results).
    pub fn to_html(&self) -> String {
        crate::report::results_html(self)
    }
}

/// What campaign reports need to know of an n-tuple sweep.
impl Results {
    /// The sweep's tuple size and the config's field names in declaration
    /// order; `None` unless these are results of an n-tuple sweep.
    pub(crate) fn sweep_shape(&self) -> Option<(usize, &[String])> {
        self.sweep.as_ref().map(|s| (s.n, s.names.as_slice()))
    }

    /// Whether the sweep reached and skipped the combination of `names`.
    pub(crate) fn sweep_skipped(&self, names: &BTreeSet<&str>) -> bool {
        self.sweep.as_ref().is_some_and(|s| s.skipped(names))
    }
}

/// How the results of a covering sweep
/// ([`ConfigFuzzer::fuzz_covering`](crate::ConfigFuzzer::fuzz_covering))
/// answer [`Results::lookup`] for a set of `t` field names: skipped if it
/// holds a field the fuzzer must not change or if no config holding it
/// (at its non-default levels) could run, failing (as the culprit failed)
/// if it contains a culprit the sweep found, else passed.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CoverRule {
    /// The config's field names, in order.
    names: Vec<String>,
    /// The fields the fuzzer could not change, by index.
    fixed: Vec<bool>,
    /// The strength: fields per t-set.
    t: usize,
    /// The minimal failing configs the sweep found, with their status.
    pub(crate) culprits: Vec<(ConfigDiff, Status)>,
    /// The t-sets no config could hold (each broke an implication or a
    /// validator at every level, or at every combination of its
    /// non-default levels).
    pub(crate) not_coverable: Vec<BTreeSet<String>>,
}

impl CoverRule {
    pub(crate) fn new(fields: &[FieldMeta], fixed: Vec<bool>, t: usize) -> Self {
        CoverRule {
            names: fields.iter().map(|f| f.name().to_string()).collect(),
            fixed,
            t,
            culprits: Vec::new(),
            not_coverable: Vec::new(),
        }
    }

    /// The answer for the t-set `want`; `None` if it is not a t-set of the
    /// config's fields.
    fn answer(&self, want: &BTreeSet<&str>) -> Option<Status> {
        if want.len() != self.t {
            return None;
        }
        let mut fixed = false;
        for name in want {
            let i = self.names.iter().position(|f| f == name)?;
            fixed |= self.fixed[i];
        }
        if fixed {
            return Some(Status::Skipped);
        }
        // A t-set no config could hold is skipped, as `fuzz_n_tuple`
        // records it, whatever culprit its fields hold.
        if self
            .not_coverable
            .iter()
            .any(|n| n.iter().map(String::as_str).eq(want.iter().copied()))
        {
            return Some(Status::Skipped);
        }
        let mut flaky = None;
        for (culprit, status) in &self.culprits {
            if culprit.keys().all(|k| want.contains(k.as_str())) {
                if *status != Status::Flaky {
                    return Some(*status);
                }
                flaky = Some(*status);
            }
        }
        if flaky.is_some() {
            return flaky;
        }
        Some(Status::Passed)
    }
}

impl Results {
    /// The culprits of a covering sweep
    /// ([`ConfigFuzzer::fuzz_covering`](crate::ConfigFuzzer::fuzz_covering)):
    /// the minimal failing configs it found, with how each failed, in the
    /// order found. Other results have none. Use them to see *why* the
    /// t-sets [`lookup`](Self::lookup) reports failing fail (each such
    /// t-set contains a culprit), and to re-run them with
    /// [`ConfigFuzzer::verify`](crate::ConfigFuzzer::verify).
    ///
    /// ```
    /// # use fuzzer_core::Results;
    /// assert_eq!(Results::new().culprits().count(), 0);
    /// ```
    pub fn culprits(&self) -> impl Iterator<Item = (&ConfigDiff, Status)> + '_ {
        self.cover
            .iter()
            .flat_map(|c| c.culprits.iter().map(|(d, s)| (d, *s)))
    }
}
