//! The regressions file ([`ConfigFuzzer::regressions`]): every minimal
//! failing config a campaign found, per config type, replayed first by the
//! next campaign (proptest's `proptest-regressions/` is the model).
//!
//! The file is one JSON object, a key per config type (its name), each an
//! array of failures, one a line:
//!
//! ```text
//! {
//!   "Flags": [
//!     {"config": {"fuse": false, "unroll": true}, "status": "failed_error", "message": "miscompiled loop"}
//!   ]
//! }
//! ```
//!
//! It is rewritten whole (a temporary file renamed into place) when a
//! campaign finds something new, keeping the entries of other config types.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use super::campaign::Found;
use super::candidate::{borrowed, owned, resolve_pinned, to_diff, Change, ChangeRef};
use super::engine::{Call, Judge, Phase};
use super::hunt::{Finding, FuzzError};
use super::results::Status;
use super::ConfigFuzzer;
use crate::config::FuzzableConfig;
use crate::value::ConfigDiff;

/// One failure in the file.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Regression {
    config: ConfigDiff,
    status: Status,
    #[serde(default)]
    message: Option<String>,
}

/// The file's text: config type name to its failures (each kept as JSON,
/// so an entry this version cannot read is kept as it is).
type File = BTreeMap<String, Vec<Json>>;

fn read(path: &Path) -> Result<Option<File>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read it: {e}")),
    };
    serde_json::from_str(&text).map(Some).map_err(|e| {
        format!(
            "it is not a regressions file (an object of arrays by config name): {e}; \
             fix it or delete it"
        )
    })
}

/// Writes `file` to `path` through a temporary file, so a kill leaves the
/// old file or the new one.
fn write(path: &Path, file: &File) -> std::io::Result<()> {
    let mut text = String::from("{\n");
    for (k, (name, entries)) in file.iter().enumerate() {
        text.push_str(&format!("  {}: [\n", Json::String(name.clone())));
        for (i, e) in entries.iter().enumerate() {
            text.push_str("    ");
            text.push_str(&e.to_string());
            text.push_str(if i + 1 < entries.len() { ",\n" } else { "\n" });
        }
        text.push_str(if k + 1 < file.len() {
            "  ],\n"
        } else {
            "  ]\n"
        });
    }
    text.push_str("}\n");
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
}

impl<C: FuzzableConfig> ConfigFuzzer<C> {
    /// Keeps every minimal failing config found in the regressions file at
    /// `path`, and replays the file first in each campaign, as proptest
    /// does with `proptest-regressions/`.
    ///
    /// Before sampling, [`hunt`](Self::hunt) and [`bisect`](Self::bisect)
    /// run each failure the file holds for this config type (after the
    /// baseline); each that still fails is a [`Finding`] marked
    /// [`replayed`](Finding::replayed) (with 0 hits, plus any attempt that
    /// shrinks to it), and attempts that hold it are counted as its hits
    /// without shrinking. When the campaign ends, its new findings (not
    /// flaky ones) are added to the file. An entry that names a field that
    /// no longer exists or holds a value of the wrong type is not fatal:
    /// it is skipped, sent to the warning handler
    /// ([`set_warning_handler`](crate::set_warning_handler), kind
    /// [`WarningKind::Regression`](crate::WarningKind::Regression)) and
    /// listed in [`Hunt::regression_warnings`](crate::Hunt::regression_warnings);
    /// so is a file that cannot be read or written.
    ///
    /// One file may serve every config type of a crate: it holds a list
    /// per type name. A good place is next to `Cargo.toml`, checked in:
    /// `concat!(env!("CARGO_MANIFEST_DIR"), "/config-regressions/<Config>.json")`
    /// or one shared `config-regressions.json`.
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
    /// let path = std::env::temp_dir().join(format!("flags-regr-{}.json", std::process::id()));
    /// let test = || Flags::read(|c| c.fuse || !c.unroll);
    /// let first = ConfigFuzzer::<Flags>::new(test, 1).regressions(&path).hunt(20, 0.5).unwrap();
    /// assert!(!first.findings()[0].replayed());
    /// // The next campaign (another seed, no attempts at all) replays it.
    /// let next = ConfigFuzzer::<Flags>::new(test, 2).regressions(&path).hunt(0, 0.5).unwrap();
    /// assert!(next.findings()[0].replayed());
    /// assert_eq!(next.findings()[0].config(), first.findings()[0].config());
    /// std::fs::remove_file(&path).unwrap();
    /// ```
    pub fn regressions(mut self, path: impl AsRef<Path>) -> Self {
        self.regressions = Some(path.as_ref().to_path_buf());
        self
    }

    fn regression_warning(&self, field: &str, text: String, warnings: &mut Vec<String>) {
        crate::warn::regression(C::__NAME, field, &text);
        warnings.push(text);
    }

    /// Replays the regressions file's failures of `C` into `found`; gives
    /// the warnings about entries it could not replay.
    pub(crate) fn replay_regressions(
        &self,
        call: &mut Call,
        found: &mut Found<'_, C>,
    ) -> Result<Vec<String>, FuzzError> {
        let mut warnings = Vec::new();
        let Some(path) = &self.regressions else {
            return Ok(warnings);
        };
        let file = match read(path) {
            Ok(Some(f)) => f,
            Ok(None) => return Ok(warnings),
            Err(why) => {
                let text = format!("regressions file {}: {why}", path.display());
                self.regression_warning("", text, &mut warnings);
                return Ok(warnings);
            }
        };
        let mut typed: Vec<Vec<Change>> = Vec::new();
        for (i, entry) in file.get(C::__NAME).into_iter().flatten().enumerate() {
            let skip = |why: String, field: &str, warnings: &mut Vec<String>| {
                let text = format!(
                    "regressions file {}: entry {} of `{}` is not replayed: {why}; \
                     fix it or remove it from the file",
                    path.display(),
                    i + 1,
                    C::__NAME
                );
                self.regression_warning(field, text, warnings);
            };
            let entry: Regression = match serde_json::from_value(entry.clone()) {
                Ok(e) => e,
                Err(e) => {
                    skip(e.to_string(), "", &mut warnings);
                    continue;
                }
            };
            match self.typed_changes(&entry.config) {
                Ok(changes) => typed.push(changes),
                Err((field, why)) => skip(why, &field, &mut warnings),
            }
        }
        if typed.is_empty() {
            return Ok(warnings);
        }
        call.phase(Phase::Reproduce).attempt = None;
        let refs: Vec<Vec<ChangeRef<'_>>> = typed.iter().map(|c| borrowed(c)).collect();
        let slices: Vec<&[ChangeRef<'_>]> = refs.iter().map(Vec::as_slice).collect();
        let verdicts = self.verdicts(call, &slices, Judge::CAMPAIGN)?;
        for (changes, verdict) in refs.iter().zip(verdicts) {
            let record = match verdict {
                Ok(r) => r,
                Err(e) => {
                    let text = format!(
                        "regressions file {}: an entry of `{}` is not replayed: {e}; \
                         fix it or remove it from the file",
                        path.display(),
                        C::__NAME
                    );
                    self.regression_warning("", text, &mut warnings);
                    continue;
                }
            };
            if !record.status.is_failing() {
                continue;
            }
            let config = to_diff::<C>(changes);
            if found
                .findings
                .iter()
                .any(|f| f.status == record.status && f.config == config)
            {
                continue;
            }
            let finding = Finding {
                snippet: self.repro_snippet(&config),
                config,
                status: record.status,
                detail: record.into(),
                hits: 0,
                shrink_limit: None,
                first_attempt: 0,
                replayed: true,
            };
            self.journal_finding(&finding)?;
            if let Some(report) = &self.on_finding {
                report(&finding);
            }
            if finding.status != Status::Flaky {
                found
                    .known
                    .push((finding.status, owned(changes), found.findings.len()));
            }
            found.findings.push(finding);
        }
        Ok(warnings)
    }

    /// A saved config as changes with values of each field's own type (so
    /// they compare equal to sampled ones), or the field and why not.
    fn typed_changes(&self, config: &ConfigDiff) -> Result<Vec<Change>, (String, String)> {
        let changes = resolve_pinned::<C>(config, &self.pins).map_err(|e| {
            let field = config
                .keys()
                .find(|k| C::field_index(k).is_err())
                .cloned()
                .unwrap_or_default();
            (field, e.to_string())
        })?;
        let mut scratch = C::__registry().declared().clone();
        let mut typed: Vec<Change> = Vec::with_capacity(changes.len());
        for (i, v) in changes {
            let name = C::fields()[i as usize].name();
            scratch
                .__set_index(i as usize, v)
                .map_err(|e| (name.to_string(), e.for_field(name).to_string()))?;
            typed.push((i, scratch.__get_index(i as usize)));
        }
        typed.sort_by_key(|c| c.0);
        Ok(typed)
    }

    /// Adds the new, not flaky findings to the regressions file.
    pub(crate) fn save_regressions(&self, findings: &[Finding]) {
        let Some(path) = &self.regressions else {
            return;
        };
        // A child process re-running the program on its way to its fuzzer
        // leaves the file to the parent.
        if super::exec::child::is_child() {
            return;
        }
        let new: Vec<&Finding> = findings
            .iter()
            .filter(|f| !f.replayed && f.status != Status::Flaky)
            .collect();
        if new.is_empty() {
            return;
        }
        let mut ignored = Vec::new();
        let mut file = match read(path) {
            Ok(f) => f.unwrap_or_default(),
            Err(why) => {
                let text = format!(
                    "regressions file {}: {why}; the new findings were not added",
                    path.display()
                );
                self.regression_warning("", text, &mut ignored);
                return;
            }
        };
        let list = file.entry(C::__NAME.to_string()).or_default();
        let mut changed = false;
        for f in new {
            let entry = Regression {
                config: f.config.clone(),
                status: f.status,
                message: f.detail.message.clone(),
            };
            let json = serde_json::to_value(&entry).expect("a config is valid JSON");
            let same = |e: &Json| {
                e.get("config") == json.get("config") && e.get("status") == json.get("status")
            };
            if !list.iter().any(same) {
                list.push(json);
                changed = true;
            }
        }
        if changed {
            if let Err(e) = write(path, &file) {
                let text = format!(
                    "regressions file {}: cannot write it: {e}; the new findings were not added",
                    path.display()
                );
                self.regression_warning("", text, &mut ignored);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_round_trips_one_entry_a_line() {
        let path = std::env::temp_dir().join(format!("regr-unit-{}.json", std::process::id()));
        let file: File = BTreeMap::from([
            (
                "A".to_string(),
                vec![serde_json::json!({"config": {"x": 1}, "status": "failed_return"})],
            ),
            (
                "B".to_string(),
                vec![serde_json::json!({"config": {}, "status": "failed_panic"}); 2],
            ),
        ]);
        write(&path, &file).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 9, "{text}");
        assert_eq!(read(&path).unwrap().unwrap(), file);
        std::fs::write(&path, "[1]").unwrap();
        assert!(read(&path).unwrap_err().contains("not a regressions file"));
        std::fs::remove_file(&path).unwrap();
        assert_eq!(read(&path).unwrap(), None);
    }
}
