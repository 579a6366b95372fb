//! Campaigns that survive: a campaign's identity ([`Campaign`]) and the
//! state file ([`Journal`]) that keeps every finished run, so a campaign
//! killed at any moment resumes where it was.
//!
//! The state file is JSON lines, appended to as the campaign goes:
//!
//! ```text
//! {"format":2,"campaign":{..identity..}}
//! {"run":"<candidate>","n":0,"status":"passed","message":null,"ns":1200}
//! {"finding":{"config":{..},"status":"failed_return","message":".."}}
//! ```
//!
//! The first line is written to a temporary file, synced and renamed into
//! place, so a state file always starts with a whole identity. Each batch of
//! runs is written with one `write` as soon as it finishes (so `kill -9`
//! loses at most the runs in flight) and synced to disk at most once a
//! second, when a finding is confirmed, and when the campaign ends (so a
//! power cut loses at most a second). On load, a last line cut short by a
//! kill is dropped and cut off the file.
//!
//! Runs are keyed by the candidate (the full config as the process
//! executor encodes it) and by how many times that candidate has run
//! before in the campaign, so confirmation and flaky re-runs replay
//! exactly.

use std::collections::{BTreeMap, HashMap};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{json, Value as Json};

use std::sync::Arc;

use super::exec::child::encode_candidate;
use super::exec::RunRecord;
use super::hunt::{Finding, FuzzError};
use super::results::Status;
use super::ConfigFuzzer;
use crate::config::FuzzableConfig;

/// The format of state files this version writes and reads.
const FORMAT: u64 = 2;

/// How often, at most, the state file is synced to disk while runs go on.
const SYNC_EVERY: Duration = Duration::from_secs(1);

/// What makes two campaigns the same campaign: the config (its name and
/// every field's name, type, default, fuzz domain and pin), the seed, the
/// kind of campaign and its options, and the shard.
///
/// A state file ([`ConfigFuzzer::state`](crate::ConfigFuzzer::state)) is
/// resumed only by the same campaign, and saved hunts and results
/// ([`Hunt::save_json`](crate::Hunt::save_json),
/// [`Results::save_json`](crate::Results::save_json)) carry it so that
/// [`Hunt::merge`](crate::Hunt::merge) and
/// [`Results::merge`](crate::Results::merge) join only shards of one
/// campaign.
///
/// ```
/// use fuzzer_core::prelude::*;
///
/// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
/// pub struct Flags {
///     pub fuse: bool,
/// }
///
/// let fuzzer = ConfigFuzzer::<Flags>::new(|| true, 5).shard(2, 3).unwrap();
/// let hunt = fuzzer.hunt(10, 0.5).unwrap();
/// let campaign = hunt.campaign().unwrap();
/// assert_eq!(campaign.config(), "Flags");
/// assert_eq!(campaign.seed(), 5);
/// assert_eq!(campaign.kind(), "hunt");
/// assert_eq!(campaign.shard(), Some((2, 3)));
/// ```
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    config: String,
    /// One line per field: name, type, default, domain, fuzz role and pin.
    fields: Vec<String>,
    seed: u64,
    kind: String,
    /// The options that change what runs: attempts, p, n, confirm, ...
    options: BTreeMap<String, Json>,
    /// `(k, n)`, 1-based.
    #[serde(default)]
    shard: Option<(usize, usize)>,
}

impl Campaign {
    /// The name of the config type (or schema) the campaign fuzzed.
    pub fn config(&self) -> &str {
        &self.config
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// `"hunt"` (also for `bisect`, which runs the same campaign) or
    /// `"n-tuple"`.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// Which shard this is, `(k, n)` with `k` counted from 1, or `None`
    /// for a whole campaign.
    pub fn shard(&self) -> Option<(usize, usize)> {
        self.shard
    }

    /// The value of the option `key` (`"attempts"`, `"p"`,
    /// `"forbid_found"`, `"draw"`, ...), if the campaign has it.
    pub(crate) fn option(&self, key: &str) -> Option<&Json> {
        self.options.get(key)
    }

    /// The identity of a campaign of `kind` with `options` by a fuzzer of
    /// `C` whose pin (if any) of each field is given by `pin`.
    pub(crate) fn new<C: FuzzableConfig>(
        seed: u64,
        kind: &str,
        options: BTreeMap<String, Json>,
        shard: Option<(usize, usize)>,
        pin: impl Fn(usize) -> Option<crate::value::Value>,
    ) -> Campaign {
        let fields = C::fields()
            .iter()
            .map(|f| {
                let mut line = format!(
                    "{}: {} = {}; {}; {}",
                    f.name(),
                    f.type_name(),
                    f.default_ref().to_json(),
                    domain_words(f.domain()),
                    role_words(f.fuzz_role())
                );
                if let Some(v) = pin(f.index()) {
                    line.push_str(&format!("; pinned at {}", v.to_json()));
                }
                line
            })
            .collect();
        Campaign {
            config: C::__NAME.to_string(),
            fields,
            seed,
            kind: kind.to_string(),
            options,
            shard,
        }
    }

    /// The same campaign with another shard (for comparing shards).
    pub(crate) fn unsharded(&self) -> Campaign {
        Campaign {
            shard: None,
            ..self.clone()
        }
    }

    /// What differs between the campaign `self` (the one on file) and
    /// `now`, in words; `None` if they are the same campaign.
    pub(crate) fn difference(&self, now: &Campaign) -> Option<String> {
        if self.config != now.config {
            return Some(format!(
                "it is for the config `{}`, this campaign fuzzes `{}`",
                self.config, now.config
            ));
        }
        if self.fields != now.fields {
            return Some(format!(
                "the config's fields or pins differ: {}",
                fields_difference(&self.fields, &now.fields)
            ));
        }
        if self.seed != now.seed {
            return Some(format!(
                "its seed is {}, this campaign's is {}",
                self.seed, now.seed
            ));
        }
        if self.kind != now.kind {
            return Some(format!(
                "it is a campaign of kind `{}`, this one is of kind `{}`",
                self.kind, now.kind
            ));
        }
        let keys: std::collections::BTreeSet<&String> =
            self.options.keys().chain(now.options.keys()).collect();
        for key in keys {
            let (was, is) = (self.options.get(key), now.options.get(key));
            if was != is {
                let show = |v: Option<&Json>| v.map_or("unset".to_string(), Json::to_string);
                return Some(format!(
                    "its `{key}` is {}, this campaign's is {}",
                    show(was),
                    show(is)
                ));
            }
        }
        if self.shard != now.shard {
            let show = |s: Option<(usize, usize)>| {
                s.map_or("the whole campaign".to_string(), |(k, n)| {
                    format!("shard {k}/{n}")
                })
            };
            return Some(format!(
                "it is {}, this is {}",
                show(self.shard),
                show(now.shard)
            ));
        }
        None
    }
}

/// A field's fuzz domain in a campaign's field line, in words: `fuzz range
/// 1..=64`, `fuzz values [1, 2, 4]`, `fuzz domain: the type`. Values are JSON,
/// so the `; ` that separates the parts of a line never occurs outside a
/// quoted string.
fn domain_words(domain: &crate::field::Domain) -> String {
    use crate::field::Domain;
    match domain {
        Domain::Type => "fuzz domain: the type".to_string(),
        Domain::Values(vs) => {
            let list: Vec<String> = vs.iter().map(crate::value::Value::to_json).collect();
            format!("fuzz values [{}]", list.join(", "))
        }
        Domain::Range { lo, hi } => format!("fuzz range {}..={}", lo.to_json(), hi.to_json()),
    }
}

/// A field's fuzz role in a campaign's field line, in words (a skip reason
/// as a JSON string).
fn role_words(role: &crate::field::FuzzRole) -> String {
    use crate::field::FuzzRole;
    match role {
        FuzzRole::Fuzzed => "fuzzed".to_string(),
        FuzzRole::Skip { reason: "" } => "skipped".to_string(),
        FuzzRole::Skip { reason } => format!("skipped: {}", Json::from(*reason)),
        FuzzRole::Pin(v) => format!("pinned by #[fuzz(pin)] at {}", v.to_json()),
    }
}

/// A campaign's field line taken apart: the name, then the parts the line
/// joins with `; ` (type and default, domain, role, and the pin if any).
/// `; ` inside a JSON string does not split.
fn field_parts(line: &str) -> (&str, Vec<&str>) {
    let (name, rest) = line.split_once(": ").unwrap_or((line, ""));
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    let bytes = rest.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if escaped {
            escaped = false;
        } else if quoted && b == b'\\' {
            escaped = true;
        } else if b == b'"' {
            quoted = !quoted;
        } else if !quoted && b == b';' && bytes.get(i + 1) == Some(&b' ') {
            parts.push(&rest[start..i]);
            start = i + 2;
        }
    }
    parts.push(&rest[start..]);
    (name, parts)
}

/// What differs between two versions of one field line, in words (`the fuzz
/// range was 1..=64, is now 1..=128`).
fn field_line_difference(was: &str, now: &str) -> String {
    let (_, a) = field_parts(was);
    let (_, b) = field_parts(now);
    let mut said = Vec::new();
    let split = |p: &'_ str| -> (String, String) {
        let (ty, default) = p.split_once(" = ").unwrap_or((p, ""));
        (ty.to_string(), default.to_string())
    };
    let (ty_a, def_a) = split(a.first().copied().unwrap_or(""));
    let (ty_b, def_b) = split(b.first().copied().unwrap_or(""));
    if ty_a != ty_b {
        said.push(format!("the type was `{ty_a}`, is now `{ty_b}`"));
    }
    if def_a != def_b {
        said.push(format!("the default was {def_a}, is now {def_b}"));
    }
    let part = |p: &[&str], k: usize| p.get(k).copied().unwrap_or("").to_string();
    let (dom_a, dom_b) = (part(&a, 1), part(&b, 1));
    if dom_a != dom_b {
        match (
            dom_a.strip_prefix("fuzz range "),
            dom_b.strip_prefix("fuzz range "),
        ) {
            (Some(x), Some(y)) => said.push(format!("the fuzz range was {x}, is now {y}")),
            _ => match (
                dom_a.strip_prefix("fuzz values "),
                dom_b.strip_prefix("fuzz values "),
            ) {
                (Some(x), Some(y)) => said.push(format!("the fuzz values were {x}, are now {y}")),
                _ => said.push(format!(
                    "the fuzz domain was `{}`, is now `{}`",
                    domain_phrase(&dom_a),
                    domain_phrase(&dom_b)
                )),
            },
        }
    }
    let (role_a, role_b) = (part(&a, 2), part(&b, 2));
    if role_a != role_b {
        said.push(format!("it was {role_a}, is now {role_b}"));
    }
    let pin = |p: &[&str]| {
        p.get(3)
            .map_or("not pinned".to_string(), |s| (*s).to_string())
    };
    let (pin_a, pin_b) = (pin(&a), pin(&b));
    if pin_a != pin_b {
        said.push(format!("it was {pin_a}, is now {pin_b}"));
    }
    if said.is_empty() {
        // Not a line this version writes: show both as they are.
        said.push(format!("it was `{was}`, is now `{now}`"));
    }
    said.join(", ")
}

/// A domain part of a field line as a phrase (`the range 1..=64`).
fn domain_phrase(part: &str) -> String {
    if let Some(r) = part.strip_prefix("fuzz range ") {
        format!("the range {r}")
    } else if let Some(v) = part.strip_prefix("fuzz values ") {
        format!("the values {v}")
    } else if part == "fuzz domain: the type" {
        "every value of the field's type".to_string()
    } else {
        part.to_string()
    }
}

/// How many changed fields a mismatch names before it counts the rest.
const NAMED_FIELDS: usize = 3;

/// What differs between the field lines of a campaign on file (`was`) and
/// of this one (`now`), in words: the fields that are gone, new or changed
/// (how), or that the same fields come in another order.
fn fields_difference(was: &[String], now: &[String]) -> String {
    let name = |l: &String| field_parts(l).0.to_string();
    let was_by: HashMap<String, &String> = was.iter().map(|l| (name(l), l)).collect();
    let now_by: HashMap<String, &String> = now.iter().map(|l| (name(l), l)).collect();
    let mut said = Vec::new();
    for l in was {
        let n = name(l);
        match now_by.get(&n) {
            None => said.push(format!("field `{n}` is no longer in the config")),
            Some(m) if *m != l => {
                said.push(format!("field `{n}`: {}", field_line_difference(l, m)))
            }
            Some(_) => {}
        }
    }
    for l in now {
        let n = name(l);
        if !was_by.contains_key(&n) {
            said.push(format!("field `{n}` is new"));
        }
    }
    if said.is_empty() {
        return "the same fields are declared in another order".to_string();
    }
    let more = said.len().saturating_sub(NAMED_FIELDS);
    said.truncate(NAMED_FIELDS);
    let mut text = said.join("; ");
    if more > 0 {
        text.push_str(&format!("; and {more} more field(s) differ"));
    }
    text
}

/// The state file of a running campaign: the runs it holds, and the file
/// to append new ones to.
pub(crate) struct Journal {
    path: PathBuf,
    file: File,
    /// Finished runs on file, by candidate and occurrence.
    done: HashMap<(String, usize), RunRecord>,
    /// How many times each candidate has run so far in this campaign.
    seen: HashMap<String, usize>,
    last_sync: Instant,
    /// Runs answered from the file so far.
    pub(crate) resumed: usize,
}

fn io_error(path: &Path, doing: &str, e: std::io::Error) -> FuzzError {
    FuzzError::State {
        path: path.to_path_buf(),
        message: format!(
            "cannot {doing} the state file {}: {e}; check the path and its permissions",
            path.display()
        ),
    }
}

impl Journal {
    /// Opens the state file at `path` for `campaign`: a new one if there
    /// is none, or the runs of the same campaign if there is. A file of
    /// another campaign, or one that is not a state file, is refused.
    pub(crate) fn open(path: &Path, campaign: &Campaign) -> Result<Journal, FuzzError> {
        match std::fs::metadata(path) {
            Ok(_) => Self::resume(path, campaign),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::create(path, campaign),
            Err(e) => Err(io_error(path, "read", e)),
        }
    }

    fn create(path: &Path, campaign: &Campaign) -> Result<Journal, FuzzError> {
        let mut first = json!({ "format": FORMAT, "campaign": campaign }).to_string();
        first.push('\n');
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(format!(".tmp{}", std::process::id()));
        let tmp = PathBuf::from(tmp);
        let write = || -> std::io::Result<()> {
            let mut f = File::create(&tmp)?;
            f.write_all(first.as_bytes())?;
            f.sync_all()?;
            std::fs::rename(&tmp, path)?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                // Makes the rename itself durable; not every platform can
                // open a directory, and nothing is lost if it cannot.
                if let Ok(d) = File::open(dir) {
                    let _ = d.sync_all();
                }
            }
            Ok(())
        };
        write().map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            io_error(path, "create", e)
        })?;
        let file = OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| io_error(path, "open", e))?;
        Ok(Journal {
            path: path.to_path_buf(),
            file,
            done: HashMap::new(),
            seen: HashMap::new(),
            last_sync: Instant::now(),
            resumed: 0,
        })
    }

    fn resume(path: &Path, campaign: &Campaign) -> Result<Journal, FuzzError> {
        let refuse = |why: String| FuzzError::State {
            path: path.to_path_buf(),
            message: format!(
                "the state file {} {why}; delete it to start this campaign afresh, \
                 or give this campaign another state file",
                path.display()
            ),
        };
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(path)
            .map_err(|e| io_error(path, "open", e))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|e| io_error(path, "read", e))?;
        // Whole lines only: a line without its newline was cut short.
        let mut lines: Vec<(usize, &[u8])> = Vec::new();
        let mut start = 0;
        for (i, b) in bytes.iter().enumerate() {
            if *b == b'\n' {
                lines.push((start, &bytes[start..i]));
                start = i + 1;
            }
        }
        let mut keep = start;
        let mut parsed: Vec<Json> = Vec::with_capacity(lines.len());
        let count = lines.len();
        for (k, (at, line)) in lines.into_iter().enumerate() {
            match serde_json::from_slice::<Json>(line) {
                Ok(j) => parsed.push(j),
                // A kill can tear only the last line; the file system may
                // also leave it as zeros after a crash.
                Err(_) if k + 1 == count && k > 0 => {
                    keep = at;
                    break;
                }
                Err(e) => {
                    return Err(refuse(format!(
                        "is not a state file of this version (line {}: {e})",
                        k + 1
                    )))
                }
            }
        }
        let Some(head) = parsed.first() else {
            return Err(refuse("is empty or has no campaign line".to_string()));
        };
        if head.get("format").and_then(Json::as_u64) != Some(FORMAT) {
            return Err(refuse(format!(
                "is not a state file of this version (format {FORMAT} expected on its first line)"
            )));
        }
        let on_file: Campaign = head
            .get("campaign")
            .cloned()
            .and_then(|c| serde_json::from_value(c).ok())
            .ok_or_else(|| refuse("has no readable campaign on its first line".to_string()))?;
        if let Some(diff) = on_file.difference(campaign) {
            return Err(refuse(format!("belongs to another campaign: {diff}")));
        }
        let mut done = HashMap::new();
        for (k, j) in parsed.iter().enumerate().skip(1) {
            if j.get("finding").is_some() {
                continue;
            }
            let run = (|| {
                let key = j.get("run")?.as_str()?.to_string();
                let n = j.get("n")?.as_u64()? as usize;
                let status: Status = j.get("status")?.as_str()?.parse().ok()?;
                let message = j.get("message")?.as_str().map(str::to_string);
                let duration = Duration::from_nanos(j.get("ns")?.as_u64()?);
                Some(((key, n), RunRecord::new(status, message, duration)))
            })();
            match run {
                Some((key, record)) => {
                    done.insert(key, record);
                }
                None => {
                    return Err(refuse(format!(
                        "has a line this version cannot read (line {})",
                        k + 1
                    )))
                }
            }
        }
        if keep < bytes.len() {
            // Cut the torn line off, so new lines start on a line of their own.
            file.set_len(keep as u64)
                .and_then(|()| file.seek(SeekFrom::End(0)).map(drop))
                .map_err(|e| io_error(path, "repair", e))?;
        }
        Ok(Journal {
            path: path.to_path_buf(),
            file,
            done,
            seen: HashMap::new(),
            last_sync: Instant::now(),
            resumed: 0,
        })
    }

    /// The next occurrence of `candidate` in this campaign: its number,
    /// and its record if the file has it.
    pub(crate) fn next(&mut self, candidate: &str) -> (usize, Option<RunRecord>) {
        let n = self.seen.entry(candidate.to_string()).or_insert(0);
        let this = *n;
        *n += 1;
        let known = self.done.get(&(candidate.to_string(), this)).cloned();
        if known.is_some() {
            self.resumed += 1;
        }
        (this, known)
    }

    /// Appends finished runs (candidate, occurrence, record) in one write.
    pub(crate) fn record_runs(
        &mut self,
        runs: &[(String, usize, &RunRecord)],
    ) -> Result<(), FuzzError> {
        if runs.is_empty() {
            return Ok(());
        }
        let mut text = String::new();
        for (key, n, r) in runs {
            let line = json!({
                "run": key,
                "n": n,
                "status": r.status.as_str(),
                "message": r.message,
                "ns": u64::try_from(r.duration.as_nanos()).unwrap_or(u64::MAX),
            });
            text.push_str(&line.to_string());
            text.push('\n');
        }
        self.write(&text, false)
    }

    /// Appends a confirmed finding, and syncs.
    pub(crate) fn record_finding(&mut self, f: &Finding) -> Result<(), FuzzError> {
        let line = json!({ "finding": {
            "config": f.config,
            "status": f.status.as_str(),
            "message": f.detail.message,
        }});
        self.write(&(line.to_string() + "\n"), true)
    }

    /// Syncs what was written (at the end of a campaign).
    pub(crate) fn sync(&mut self) -> Result<(), FuzzError> {
        self.file
            .sync_data()
            .map_err(|e| io_error(&self.path, "sync", e))
    }

    fn write(&mut self, text: &str, sync: bool) -> Result<(), FuzzError> {
        self.file
            .write_all(text.as_bytes())
            .map_err(|e| io_error(&self.path, "write to", e))?;
        if sync || self.last_sync.elapsed() >= SYNC_EVERY {
            self.sync()?;
            self.last_sync = Instant::now();
        }
        Ok(())
    }
}

/// What the state file said of each config of a batch: its candidate
/// key, its occurrence, and its record if the file had it.
pub(crate) type Looked = Vec<(String, usize, Option<RunRecord>)>;

impl<C: FuzzableConfig> ConfigFuzzer<C> {
    /// Keeps the campaign in the state file at `path`, so that it survives
    /// being killed: run it again with the same state file and it resumes.
    ///
    /// Each [`hunt`](Self::hunt), [`bisect`](Self::bisect) and
    /// [`fuzz_n_tuple`](Self::fuzz_n_tuple) writes to the file its
    /// identity (the [`Campaign`]: the config's fields with their types,
    /// defaults, domains and pins; the seed; the kind of campaign and the
    /// options that change what runs: attempts, `p` and
    /// [`forbid_found`](Self::forbid_found), or `n` and the combination
    /// limit, [`confirm`](Self::confirm),
    /// [`sampling`](Self::sampling), [`max_shrink_runs`](Self::max_shrink_runs)
    /// and [`shard`](Self::shard)), then every run as it finishes (the
    /// candidate, how it ended, its message and duration), and each
    /// finding as it is confirmed. If the file already holds runs of the
    /// same campaign, they are answered from it instead of run again, each
    /// candidate's n-th run by its n-th run on file (confirmation runs the
    /// same candidate several times), so the campaign takes the same path
    /// and ends with the same findings as one that was never interrupted,
    /// having lost at most the runs that were in flight.
    ///
    /// A file of another campaign is refused with [`FuzzError::State`],
    /// which says what differs; delete the file to start afresh, or use
    /// another. Options that do not change what runs ([`jobs`](Self::jobs),
    /// [`isolation`](Self::isolation), [`timeout`](Self::timeout)) may
    /// change between runs (with [`forbid_found`](Self::forbid_found) on,
    /// another `jobs` may make a few runs afresh; see there). The file is a log of JSON lines: it is written
    /// as runs finish (a `kill -9` loses only the runs in flight) and
    /// synced to disk at most once a second and when a campaign ends; a
    /// last line cut short by a kill is dropped when the file is read.
    /// [`Hunt::resumed_runs`](crate::Hunt::resumed_runs) says how many runs came from the file.
    ///
    /// Only use a state file with a test whose outcome depends on the
    /// config alone: runs on file are believed as they are.
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
    /// let path = std::env::temp_dir().join(format!("flags-doc-{}.state", std::process::id()));
    /// let fuzzer = || {
    ///     ConfigFuzzer::<Flags>::new(|| Flags::read(|c| c.fuse || !c.unroll), 1).state(&path)
    /// };
    /// let first = fuzzer().hunt(20, 0.5).unwrap();
    /// // Run again (as after a kill): every run is answered from the file.
    /// let again = fuzzer().hunt(20, 0.5).unwrap();
    /// assert_eq!(again.findings(), first.findings());
    /// assert_eq!(again.resumed_runs(), again.runs());
    /// // Another seed is another campaign: refused.
    /// let other = ConfigFuzzer::<Flags>::new(|| true, 2).state(&path);
    /// assert!(matches!(other.hunt(20, 0.5), Err(FuzzError::State { .. })));
    /// std::fs::remove_file(&path).unwrap();
    /// ```
    pub fn state(mut self, path: impl AsRef<Path>) -> Self {
        self.state_path = Some(path.as_ref().to_path_buf());
        self
    }

    /// The identity of a campaign of `kind` with `options` by this fuzzer.
    pub(crate) fn campaign(&self, kind: &str, mut options: BTreeMap<String, Json>) -> Campaign {
        options.insert("confirm".into(), json!(self.opts.confirm));
        options.insert("sampling".into(), json!(format!("{:?}", self.sampling)));
        options.insert("max_shrink_runs".into(), json!(self.opts.max_shrink_runs));
        options.insert("shrink_values".into(), json!(self.opts.shrink_values));
        Campaign::new::<C>(self.seed, kind, options, self.shard, |i| {
            self.pins.pin_of::<C>(i).cloned()
        })
    }

    /// Opens the state file (if there is one) for `campaign`, until the
    /// returned guard drops.
    pub(crate) fn open_journal(
        &self,
        campaign: &Campaign,
    ) -> Result<JournalGuard<'_, C>, FuzzError> {
        let journal = match &self.state_path {
            // A child of a process-isolated fuzzer re-running the program
            // on its way to its own fuzzer must not touch the parent's
            // state file: campaigns it meets run as if there were none.
            Some(_) if super::exec::child::is_child() => None,
            Some(path) => Some(Journal::open(path, campaign)?),
            None => None,
        };
        *self.journal.lock().unwrap_or_else(|e| e.into_inner()) = journal;
        Ok(JournalGuard { fuzzer: self })
    }

    fn journal(&self) -> std::sync::MutexGuard<'_, Option<Journal>> {
        self.journal.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs of the current campaign answered from the state file so far.
    pub(crate) fn resumed_runs(&self) -> usize {
        self.journal().as_ref().map_or(0, |j| j.resumed)
    }

    /// Looks a batch of configs up in the state file: the configs still to
    /// run, and what the file said of each (`None` without a state file).
    pub(crate) fn journal_lookup(&self, chunk: Vec<Arc<C>>) -> (Vec<Arc<C>>, Option<Looked>) {
        let mut guard = self.journal();
        let Some(journal) = guard.as_mut() else {
            return (chunk, None);
        };
        let looked: Looked = chunk
            .iter()
            .map(|c| {
                let key = encode_candidate(&**c);
                let (n, known) = journal.next(&key);
                (key, n, known)
            })
            .collect();
        let fresh = chunk
            .into_iter()
            .zip(&looked)
            .filter(|(_, (_, _, known))| known.is_none())
            .map(|(c, _)| c)
            .collect();
        (fresh, Some(looked))
    }

    /// Writes the fresh runs `done` of a looked-up batch to the state file,
    /// and gives every run of the batch in order.
    pub(crate) fn journal_record(
        &self,
        looked: Looked,
        done: Vec<RunRecord>,
    ) -> Result<Vec<RunRecord>, FuzzError> {
        let mut fresh = done.into_iter();
        let mut all = Vec::with_capacity(looked.len());
        let mut new = Vec::new();
        for (key, n, known) in looked {
            match known {
                Some(r) => all.push(r),
                None => {
                    let r = fresh.next().expect("a fresh run per config not on file");
                    new.push((key, n, all.len()));
                    all.push(r);
                }
            }
        }
        let lines: Vec<(String, usize, &RunRecord)> =
            new.into_iter().map(|(k, n, at)| (k, n, &all[at])).collect();
        if let Some(journal) = self.journal().as_mut() {
            journal.record_runs(&lines)?;
        }
        Ok(all)
    }

    /// Writes a confirmed finding to the state file, if there is one.
    pub(crate) fn journal_finding(&self, f: &Finding) -> Result<(), FuzzError> {
        match self.journal().as_mut() {
            Some(journal) => journal.record_finding(f),
            None => Ok(()),
        }
    }
}

/// Closes the state file (synced) when a campaign ends, however it ends.
pub(crate) struct JournalGuard<'f, C: FuzzableConfig> {
    fuzzer: &'f ConfigFuzzer<C>,
}

impl<C: FuzzableConfig> Drop for JournalGuard<'_, C> {
    fn drop(&mut self) {
        if let Some(mut journal) = self.fuzzer.journal().take() {
            // A failed last sync loses nothing a kill would not: the
            // runs are written already.
            let _ = journal.sync();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn campaign(seed: u64) -> Campaign {
        Campaign {
            config: "Flags".into(),
            fields: vec!["a: bool = false; fuzz domain: the type; fuzzed".into()],
            seed,
            kind: "hunt".into(),
            options: BTreeMap::from([("attempts".to_string(), json!(10))]),
            shard: None,
        }
    }

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("fuzz-state-{}-{name}", std::process::id()));
        let _ = std::fs::remove_file(&dir);
        dir
    }

    #[test]
    fn runs_come_back_by_candidate_and_occurrence() {
        let path = temp("roundtrip");
        let c = campaign(1);
        let mut j = Journal::open(&path, &c).unwrap();
        assert_eq!(j.next("x"), (0, None));
        assert_eq!(j.next("x"), (1, None));
        let pass = RunRecord::new(Status::Passed, None, Duration::from_nanos(5));
        let fail = RunRecord::new(Status::FailedReturn, Some("no".into()), Duration::ZERO);
        j.record_runs(&[("x".into(), 0, &pass), ("x".into(), 1, &fail)])
            .unwrap();
        drop(j);
        let mut j = Journal::open(&path, &c).unwrap();
        assert_eq!(j.next("x"), (0, Some(pass)));
        assert_eq!(j.next("x"), (1, Some(fail)));
        assert_eq!(j.next("x"), (2, None));
        assert_eq!(j.next("y"), (0, None));
        assert_eq!(j.resumed, 2);
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn a_torn_last_line_is_dropped_and_cut_off() {
        let path = temp("torn");
        let c = campaign(1);
        let mut j = Journal::open(&path, &c).unwrap();
        let pass = RunRecord::new(Status::Passed, None, Duration::ZERO);
        j.record_runs(&[("x".into(), 0, &pass)]).unwrap();
        drop(j);
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"run\":\"y\",\"n\":0,\"sta").unwrap();
        drop(f);
        let mut j = Journal::open(&path, &c).unwrap();
        assert_eq!(j.next("x").1, Some(pass.clone()));
        assert_eq!(j.next("y").1, None);
        j.record_runs(&[("y".into(), 0, &pass)]).unwrap();
        drop(j);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 3, "{text}");
        let mut j = Journal::open(&path, &c).unwrap();
        assert_eq!(j.next("y").1, Some(pass));
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn another_campaign_is_refused_with_what_differs() {
        let path = temp("other");
        drop(Journal::open(&path, &campaign(1)).unwrap());
        let err = Journal::open(&path, &campaign(2)).err().unwrap();
        let text = err.to_string();
        assert!(text.contains("belongs to another campaign"), "{text}");
        assert!(
            text.contains("its seed is 1, this campaign's is 2"),
            "{text}"
        );
        assert!(text.contains("delete it"), "{text}");
        assert!(matches!(err, FuzzError::State { .. }));
        let mut other = campaign(1);
        other.fields[0] = "a: bool = true; fuzz domain: the type; fuzzed".into();
        let text = Journal::open(&path, &other).err().unwrap().to_string();
        assert!(
            text.contains("field `a`: the default was false, is now true"),
            "{text}"
        );
        assert!(text.contains("delete it"), "{text}");
        std::fs::remove_file(&path).unwrap();
    }

    /// The difference between `campaign(1)` with field lines `was` and
    /// with `now`.
    fn fields_said(was: &[&str], now: &[&str]) -> String {
        let mut a = campaign(1);
        a.fields = was.iter().map(|s| s.to_string()).collect();
        let mut b = campaign(1);
        b.fields = now.iter().map(|s| s.to_string()).collect();
        let text = a.difference(&b).expect("they differ");
        assert!(
            text.starts_with("the config's fields or pins differ: "),
            "{text}"
        );
        text
    }

    #[test]
    fn field_lines_are_in_plain_words() {
        use crate::field::{Domain, FuzzRole};
        use crate::value::Value;
        let range = Domain::Range {
            lo: Value::Int(1),
            hi: Value::Int(64),
        };
        assert_eq!(domain_words(&range), "fuzz range 1..=64");
        assert_eq!(
            domain_words(&Domain::Values(vec![
                Value::Int(1),
                Value::Str("x; y".into())
            ])),
            "fuzz values [1, \"x; y\"]"
        );
        assert_eq!(domain_words(&Domain::Type), "fuzz domain: the type");
        assert_eq!(role_words(&FuzzRole::Fuzzed), "fuzzed");
        assert_eq!(role_words(&FuzzRole::Skip { reason: "" }), "skipped");
        assert_eq!(
            role_words(&FuzzRole::Skip { reason: "slow" }),
            "skipped: \"slow\""
        );
        assert_eq!(
            role_words(&FuzzRole::Pin(Value::Bool(true))),
            "pinned by #[fuzz(pin)] at true"
        );
        // `; ` inside a JSON string does not split a line.
        let (name, parts) =
            field_parts("mode: String = \"a; b\"; fuzz values [\"a; b\", \"c\\\"; d\"]; fuzzed");
        assert_eq!(name, "mode");
        assert_eq!(
            parts,
            [
                "String = \"a; b\"",
                "fuzz values [\"a; b\", \"c\\\"; d\"]",
                "fuzzed"
            ]
        );
    }

    #[test]
    fn a_changed_range_says_both_ranges() {
        let text = fields_said(
            &["tile_size: i64 = 16; fuzz range 1..=64; fuzzed"],
            &["tile_size: i64 = 16; fuzz range 1..=128; fuzzed"],
        );
        assert!(
            text.ends_with("field `tile_size`: the fuzz range was 1..=64, is now 1..=128"),
            "{text}"
        );
        assert!(!text.contains("Range"), "{text}");
    }

    #[test]
    fn changed_values_domains_types_and_roles_are_named() {
        let text = fields_said(
            &["n: i64 = 1; fuzz values [1, 2]; fuzzed"],
            &["n: i64 = 1; fuzz values [1, 2, 4]; fuzzed"],
        );
        assert!(
            text.contains("field `n`: the fuzz values were [1, 2], are now [1, 2, 4]"),
            "{text}"
        );
        let text = fields_said(
            &["n: i64 = 1; fuzz domain: the type; fuzzed"],
            &["n: i64 = 1; fuzz range 0..=9; fuzzed"],
        );
        assert!(
            text.contains(
                "field `n`: the fuzz domain was `every value of the field's type`, is now `the range 0..=9`"
            ),
            "{text}"
        );
        let text = fields_said(
            &["n: i64 = 1; fuzz domain: the type; fuzzed"],
            &["n: u32 = 1; fuzz domain: the type; fuzzed"],
        );
        assert!(
            text.contains("field `n`: the type was `i64`, is now `u32`"),
            "{text}"
        );
        let text = fields_said(
            &["n: i64 = 1; fuzz domain: the type; fuzzed"],
            &["n: i64 = 1; fuzz domain: the type; skipped: \"slow\"; pinned at 1"],
        );
        assert!(
            text.contains(
                "field `n`: it was fuzzed, is now skipped: \"slow\", it was not pinned, is now pinned at 1"
            ),
            "{text}"
        );
    }

    #[test]
    fn changed_pins_say_the_values() {
        let text = fields_said(
            &["b: bool = false; fuzz domain: the type; fuzzed; pinned at true"],
            &["b: bool = false; fuzz domain: the type; fuzzed; pinned at false"],
        );
        assert!(
            text.contains("field `b`: it was pinned at true, is now pinned at false"),
            "{text}"
        );
        let text = fields_said(
            &["b: bool = false; fuzz domain: the type; fuzzed; pinned at true"],
            &["b: bool = false; fuzz domain: the type; fuzzed"],
        );
        assert!(
            text.contains("field `b`: it was pinned at true, is now not pinned"),
            "{text}"
        );
    }

    #[test]
    fn gone_new_reordered_and_many_fields_are_told_apart() {
        let a = "a: bool = false; fuzz domain: the type; fuzzed";
        let b = "b: bool = false; fuzz domain: the type; fuzzed";
        let text = fields_said(&[a, b], &[a]);
        assert!(
            text.contains("field `b` is no longer in the config"),
            "{text}"
        );
        let text = fields_said(&[a], &[a, b]);
        assert!(text.contains("field `b` is new"), "{text}");
        let text = fields_said(&[a, b], &[b, a]);
        assert!(text.contains("another order"), "{text}");
        let was: Vec<String> = (0..5)
            .map(|i| format!("f{i}: i64 = 0; fuzz domain: the type; fuzzed"))
            .collect();
        let now: Vec<String> = (0..5)
            .map(|i| format!("f{i}: i64 = 1; fuzz domain: the type; fuzzed"))
            .collect();
        let was: Vec<&str> = was.iter().map(String::as_str).collect();
        let now: Vec<&str> = now.iter().map(String::as_str).collect();
        let text = fields_said(&was, &now);
        assert!(
            text.contains("field `f0`: the default was 0, is now 1"),
            "{text}"
        );
        assert!(text.contains("field `f2`"), "{text}");
        assert!(!text.contains("field `f3`"), "{text}");
        assert!(text.ends_with("and 2 more field(s) differ"), "{text}");
    }

    #[test]
    fn every_kind_of_mismatch_names_what_differs() {
        let base = campaign(1);
        let mut other = base.clone();
        other.config = "Other".into();
        assert_eq!(
            base.difference(&other).unwrap(),
            "it is for the config `Flags`, this campaign fuzzes `Other`"
        );
        assert_eq!(
            base.difference(&campaign(2)).unwrap(),
            "its seed is 1, this campaign's is 2"
        );
        let mut other = base.clone();
        other.kind = "n-tuple".into();
        assert_eq!(
            base.difference(&other).unwrap(),
            "it is a campaign of kind `hunt`, this one is of kind `n-tuple`"
        );
        let mut other = base.clone();
        other.options.insert("attempts".into(), json!(20));
        assert_eq!(
            base.difference(&other).unwrap(),
            "its `attempts` is 10, this campaign's is 20"
        );
        let mut other = base.clone();
        other.options.insert("p".into(), json!(0.5));
        assert_eq!(
            base.difference(&other).unwrap(),
            "its `p` is unset, this campaign's is 0.5"
        );
        let mut other = base.clone();
        other.shard = Some((1, 2));
        assert_eq!(
            base.difference(&other).unwrap(),
            "it is the whole campaign, this is shard 1/2"
        );
        assert_eq!(base.difference(&base.clone()), None);
    }

    #[test]
    fn a_refused_file_says_what_to_do() {
        let path = temp("what-to-do");
        drop(Journal::open(&path, &campaign(1)).unwrap());
        let mut other = campaign(1);
        other.shard = Some((2, 3));
        let text = Journal::open(&path, &other).err().unwrap().to_string();
        assert!(
            text.contains(
                "belongs to another campaign: it is the whole campaign, this is shard 2/3"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "delete it to start this campaign afresh, or give this campaign another state file"
            ),
            "{text}"
        );
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn a_file_that_is_not_a_state_file_is_refused() {
        let path = temp("garbage");
        std::fs::write(&path, "hello\nworld\n").unwrap();
        let text = Journal::open(&path, &campaign(1))
            .err()
            .unwrap()
            .to_string();
        assert!(text.contains("is not a state file"), "{text}");
        std::fs::remove_file(&path).unwrap();
    }
}
