//! Shards: the k-th of n deterministic, disjoint slices of a campaign
//! ([`ConfigFuzzer::shard`]), hunts saved and loaded as JSON with their
//! campaign, and the merge of shards into the answer of one run
//! ([`Hunt::merge`], [`Results::merge`]).

use std::collections::HashMap;
use std::time::Duration;

use super::hunt::{Finding, FuzzError, Hunt, ShrinkLimit};
use super::results::{Detail, Results, Status};
use super::state::Campaign;
use super::ConfigFuzzer;
use crate::config::FuzzableConfig;
use crate::error::ConfigError;
use crate::value::ConfigDiff;

impl<C: FuzzableConfig> ConfigFuzzer<C> {
    /// Runs only the `k`-th of `n` slices of each campaign (`k` counted
    /// from 1, as in `--shard 2/3`), so that `n` machines share one
    /// campaign; [`Hunt::merge`] and [`Results::merge`] join their answers.
    ///
    /// Every shard draws the same stream of samples from the seed; shard
    /// `k` runs the attempts of a [`hunt`](Self::hunt) or
    /// [`bisect`](Self::bisect) numbered `k`, `k + n`, `k + 2n`, ... (from
    /// 1), and the combinations of a [`fuzz_n_tuple`](Self::fuzz_n_tuple)
    /// likewise (in the order it samples them; `max_combinations` counts
    /// the combinations of all shards). So the shards are disjoint, and
    /// together they run what one unsharded run would. Shrinking, the
    /// regressions file and the baseline run in every shard.
    ///
    /// With [`forbid_found(false)`](Self::forbid_found), the merged
    /// findings equal an unsharded run's (same fields, values and status;
    /// hits summed) for a test whose outcome depends on the config alone,
    /// with one caveat: a run that meets a failing config holding a minimal
    /// config it found already counts it as a hit without shrinking, while
    /// a shard that has not found it shrinks that config afresh, which may
    /// lead to another minimal config when it holds two separate bugs.
    ///
    /// With forbidding on (the default of [`hunt`](Self::hunt)), each
    /// shard keeps its attempts clear of the culprits that shard has found
    /// (and those of the regressions file), not of those the other shards
    /// found, so the merged hunt is not run for run the unsharded one: the
    /// shards may each find the same bug once, and an attempt may run
    /// another config than it would unsharded. The merge is still the
    /// union of the shards' findings with hits summed, and the same seed
    /// and shard count give the same merged hunt. Use `forbid_found(false)`
    /// on every shard (and on the unsharded run to compare) when the merge
    /// must equal one unsharded hunt.
    ///
    /// `k` outside `1..=n` is a [`FuzzError::Shard`].
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
    /// let test = || Flags::read(|c| c.fuse || !c.unroll);
    /// // Independent attempts, so that the merge equals one unsharded run.
    /// let fuzzer = || ConfigFuzzer::<Flags>::new(test, 4).forbid_found(false);
    /// let whole = fuzzer().hunt(30, 0.5).unwrap();
    /// // Three machines, each with its own shard; their hunts saved as JSON.
    /// let saved: Vec<String> = (1..=3)
    ///     .map(|k| {
    ///         let shard = fuzzer().shard(k, 3).unwrap();
    ///         shard.hunt(30, 0.5).unwrap().save_json()
    ///     })
    ///     .collect();
    /// let parts: Vec<Hunt> = saved.iter().map(|j| Hunt::load_json(j).unwrap()).collect();
    /// let merged = Hunt::merge(parts).unwrap();
    /// let summary = |h: &Hunt| -> Vec<(ConfigDiff, Status, usize)> {
    ///     h.findings().iter().map(|f| (f.config().clone(), f.status(), f.hits())).collect()
    /// };
    /// assert_eq!(summary(&merged), summary(&Hunt::load_json(&whole.save_json()).unwrap()));
    /// assert_eq!(merged.attempts(), 30);
    ///
    /// assert!(matches!(
    ///     fuzzer().shard(0, 3),
    ///     Err(FuzzError::Shard { .. })
    /// ));
    /// ```
    pub fn shard(mut self, k: usize, n: usize) -> Result<Self, FuzzError> {
        if n == 0 || k == 0 || k > n {
            return Err(FuzzError::Shard {
                message: format!(
                    "there is no shard {k}/{n}: shards are counted from 1, so ask for \
                     shard k of n with 1 <= k <= n (with a 0-based index such as \
                     $JOB_COMPLETION_INDEX, add 1)"
                ),
            });
        }
        self.shard = Some((k, n));
        Ok(self)
    }

    /// Whether this fuzzer's shard runs the `i`-th (from 0) attempt or
    /// combination.
    pub(crate) fn owns(&self, i: usize) -> bool {
        match self.shard {
            None => true,
            Some((k, n)) => i % n == k - 1,
        }
    }
}

/// A finding as [`Hunt::save_json`] writes it.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedFinding {
    config: ConfigDiff,
    status: Status,
    hits: usize,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    duration_us: u64,
    #[serde(default)]
    snippet: String,
    #[serde(default)]
    shrink_limit: Option<SavedLimit>,
    #[serde(default)]
    first_attempt: usize,
    #[serde(default)]
    replayed: bool,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
enum SavedLimit {
    Runs(usize),
    TimeUs(u64),
}

/// A hunt as [`Hunt::save_json`] writes it.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedHunt {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    campaign: Option<Campaign>,
    findings: Vec<SavedFinding>,
    #[serde(default)]
    attempts: usize,
    #[serde(default)]
    failing_attempts: usize,
    #[serde(default)]
    runs: usize,
    #[serde(default)]
    resumed_runs: usize,
    #[serde(default)]
    elapsed_us: u64,
    #[serde(default)]
    regression_warnings: Vec<String>,
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

impl Hunt {
    /// The hunt as JSON: an object with the `campaign` ([`Campaign`]), the
    /// `findings` (each with `config`, an object by dotted field name;
    /// `status`, the [`Status::as_str`] name; `hits`; `message`;
    /// `duration_us`; `snippet`; `shrink_limit`; `first_attempt`; and
    /// `replayed`), and the counts (`attempts`, `failing_attempts`, `runs`,
    /// `resumed_runs`, `elapsed_us`, `regression_warnings`). Use it to keep
    /// a campaign's answer, or to [`merge`](Self::merge) shards run on
    /// other machines. Values are in the form documented on
    /// [`Value`](crate::Value).
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
    /// // Every attempt may fail the same way (see `forbid_found`): 3 hits.
    /// let fuzzer = ConfigFuzzer::<Flags>::new(|| Flags::read(|c| c.fuse), 0).forbid_found(false);
    /// let hunt = fuzzer.hunt(3, 1.0).unwrap();
    /// let json = hunt.save_json();
    /// let back = Hunt::load_json(&json).unwrap();
    /// assert_eq!(back.findings()[0].config(), hunt.findings()[0].config());
    /// assert_eq!(back.findings()[0].hits(), 3);
    /// assert_eq!(back.campaign(), hunt.campaign());
    /// ```
    pub fn save_json(&self) -> String {
        let saved = SavedHunt {
            campaign: self.campaign.clone(),
            findings: self
                .findings
                .iter()
                .map(|f| SavedFinding {
                    config: f.config.clone(),
                    status: f.status,
                    hits: f.hits,
                    message: f.detail.message.clone(),
                    duration_us: micros(f.detail.duration),
                    snippet: f.snippet.clone(),
                    shrink_limit: f.shrink_limit.map(|l| match l {
                        ShrinkLimit::Runs(n) => SavedLimit::Runs(n),
                        ShrinkLimit::Time(d) => SavedLimit::TimeUs(micros(d)),
                    }),
                    first_attempt: f.first_attempt,
                    replayed: f.replayed,
                })
                .collect(),
            attempts: self.attempts,
            failing_attempts: self.failing_attempts,
            runs: self.runs,
            resumed_runs: self.resumed_runs,
            elapsed_us: micros(self.elapsed),
            regression_warnings: self.regression_warnings.clone(),
        };
        serde_json::to_string_pretty(&saved).expect("a hunt is always valid JSON")
    }

    /// Reads a hunt written by [`save_json`](Self::save_json). Values come
    /// back in their JSON form (an enum variant as a string), as with
    /// [`Results::load_json`]. Malformed JSON, an unknown key or status, or
    /// a missing `findings` is an error with its line and column.
    ///
    /// ```
    /// use fuzzer_core::Hunt;
    /// let hunt = Hunt::load_json(r#"{"findings": [{"config": {"fuse": false}, "status": "failed_return", "hits": 2}]}"#).unwrap();
    /// assert_eq!(hunt.findings()[0].hits(), 2);
    /// assert!(Hunt::load_json(r#"{"findings": [{"config": {}, "status": "broken", "hits": 1}]}"#).is_err());
    /// ```
    pub fn load_json(json: &str) -> Result<Hunt, ConfigError> {
        let saved: SavedHunt = serde_json::from_str(json).map_err(|e| ConfigError::json(&e))?;
        Ok(Hunt {
            findings: saved
                .findings
                .into_iter()
                .map(|f| Finding {
                    config: f.config,
                    status: f.status,
                    detail: Detail {
                        message: f.message,
                        duration: Duration::from_micros(f.duration_us),
                    },
                    hits: f.hits,
                    snippet: f.snippet,
                    shrink_limit: f.shrink_limit.map(|l| match l {
                        SavedLimit::Runs(n) => ShrinkLimit::Runs(n),
                        SavedLimit::TimeUs(us) => ShrinkLimit::Time(Duration::from_micros(us)),
                    }),
                    first_attempt: f.first_attempt,
                    replayed: f.replayed,
                })
                .collect(),
            attempts: saved.attempts,
            failing_attempts: saved.failing_attempts,
            runs: saved.runs,
            elapsed: Duration::from_micros(saved.elapsed_us),
            campaign: saved.campaign,
            resumed_runs: saved.resumed_runs,
            regression_warnings: saved.regression_warnings,
        })
    }

    /// Joins the hunts of every shard of one campaign
    /// ([`ConfigFuzzer::shard`]) into the hunt one unsharded run would
    /// have given: findings grouped by fields, values and status, hits
    /// summed, in the order the unsharded run would have found them; the
    /// counts summed, `elapsed` the longest shard's. The parts may come in
    /// any order, typically from [`load_json`](Self::load_json).
    ///
    /// That equality holds for hunts run with
    /// [`forbid_found(false)`](ConfigFuzzer::forbid_found). With forbidding
    /// on (the default of `hunt`), each shard kept clear only of the
    /// culprits it found itself, so the merge is the union of the shards'
    /// findings with hits summed: the same for the same seed and shard
    /// count, every finding one that a shard shrank and confirmed, but not
    /// run for run what one unsharded hunt finds.
    ///
    /// Parts of different campaigns (config, seed, options), a missing or
    /// duplicate shard, or a part that is not a shard (no campaign, or a
    /// whole campaign) are a [`FuzzError::Shard`] that names the problem.
    /// See [`ConfigFuzzer::shard`] for an example.
    pub fn merge(parts: impl IntoIterator<Item = Hunt>) -> Result<Hunt, FuzzError> {
        let parts: Vec<Hunt> = parts.into_iter().collect();
        let campaigns: Vec<Option<&Campaign>> = parts.iter().map(|h| h.campaign.as_ref()).collect();
        let campaign = check_shards(&campaigns)?;
        let mut findings: Vec<Finding> = Vec::new();
        let mut index: HashMap<(String, Status), usize> = HashMap::new();
        for part in &parts {
            for f in &part.findings {
                match index.entry((canonical(&f.config), f.status)) {
                    std::collections::hash_map::Entry::Occupied(at) => {
                        let into = &mut findings[*at.get()];
                        into.hits += f.hits;
                        into.replayed |= f.replayed;
                        if f.first_attempt < into.first_attempt {
                            // The unsharded run would have met this one first.
                            let (hits, replayed) = (into.hits, into.replayed);
                            *into = f.clone();
                            into.hits = hits;
                            into.replayed = replayed;
                        }
                    }
                    std::collections::hash_map::Entry::Vacant(slot) => {
                        slot.insert(findings.len());
                        findings.push(f.clone());
                    }
                }
            }
        }
        // Stable: replayed findings (attempt 0) keep the file's order.
        findings.sort_by_key(|f| f.first_attempt);
        let mut regression_warnings: Vec<String> = Vec::new();
        for w in parts.iter().flat_map(|p| &p.regression_warnings) {
            if !regression_warnings.contains(w) {
                regression_warnings.push(w.clone());
            }
        }
        Ok(Hunt {
            findings,
            attempts: parts.iter().map(|p| p.attempts).sum(),
            failing_attempts: parts.iter().map(|p| p.failing_attempts).sum(),
            runs: parts.iter().map(|p| p.runs).sum(),
            elapsed: parts.iter().map(|p| p.elapsed).max().unwrap_or_default(),
            campaign: Some(campaign),
            resumed_runs: parts.iter().map(|p| p.resumed_runs).sum(),
            regression_warnings,
        })
    }
}

impl Results {
    /// Joins the results of every shard of one n-tuple sweep
    /// ([`ConfigFuzzer::shard`] with
    /// [`fuzz_n_tuple`](crate::ConfigFuzzer::fuzz_n_tuple)) into the
    /// results of one unsharded sweep: every entry once, in the order of
    /// the combinations (fields in declaration order), and the same
    /// skipped combinations, so [`lookup`](Self::lookup) answers as the
    /// unsharded results would. The parts may come in any order,
    /// typically from [`load_json`](Self::load_json).
    ///
    /// Parts of different campaigns, a missing or duplicate shard, or a
    /// part that is not a shard are a [`FuzzError::Shard`] that names the
    /// problem.
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
    /// let test = || Flags::read(|c| c.fuse || !c.unroll);
    /// let parts: Vec<Results> = (1..=2)
    ///     .map(|k| ConfigFuzzer::<Flags>::new(test, 0).shard(k, 2).unwrap().fuzz_n_tuple(2, 10))
    ///     .collect();
    /// assert_eq!(parts[0].num_ran() + parts[1].num_ran(), 3);
    /// let merged = Results::merge(parts).unwrap();
    /// assert_eq!(merged.num_ran(), 3);
    /// assert_eq!(merged.lookup(&["fuse", "unroll"]), Some(Status::FailedReturn));
    /// ```
    pub fn merge(parts: impl IntoIterator<Item = Results>) -> Result<Results, FuzzError> {
        let parts: Vec<Results> = parts.into_iter().collect();
        let campaigns: Vec<Option<&Campaign>> = parts.iter().map(|r| r.campaign.as_ref()).collect();
        let campaign = check_shards(&campaigns)?;
        let sweep = parts[0].sweep.clone();
        if let Some(i) = parts.iter().position(|p| p.sweep != sweep) {
            return Err(FuzzError::Shard {
                message: format!(
                    "part {} skipped other combinations than part 1, so they are not shards \
                     of one sweep; run every shard with the same build of the config",
                    i + 1
                ),
            });
        }
        let mut entries: Vec<super::results::Entry> = Vec::new();
        let mut seen: HashMap<String, ()> = HashMap::new();
        for e in parts.iter().flat_map(|p| p.entries()) {
            if seen.insert(canonical(&e.config), ()).is_none() {
                entries.push(e.clone());
            }
        }
        if let Some(names) = sweep.as_ref().map(|s| &s.names) {
            // Each entry is one combination: sort by its fields' indices.
            let position: HashMap<&str, usize> = names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.as_str(), i))
                .collect();
            entries.sort_by_cached_key(|e| {
                let mut combo: Vec<usize> = e
                    .config
                    .keys()
                    .map(|k| position.get(k.as_str()).copied().unwrap_or(usize::MAX))
                    .collect();
                combo.sort_unstable();
                combo
            });
        }
        let mut merged = Results::new();
        for e in entries {
            merged.record(e);
        }
        merged.sweep = sweep;
        merged.campaign = Some(campaign);
        Ok(merged)
    }
}

/// A config's text, the same for a typed config and one loaded from JSON.
fn canonical(config: &ConfigDiff) -> String {
    config
        .iter()
        .map(|(k, v)| format!("{k}={}\n", v.to_json()))
        .collect()
}

/// Checks that `campaigns` are every shard of one campaign, once each;
/// gives that campaign, unsharded.
fn check_shards(campaigns: &[Option<&Campaign>]) -> Result<Campaign, FuzzError> {
    let err = |message: String| Err(FuzzError::Shard { message });
    if campaigns.is_empty() {
        return err("nothing to merge: give the saved hunt or results of every shard".into());
    }
    let mut seen: Vec<Option<usize>> = Vec::new();
    let mut base: Option<(Campaign, usize)> = None;
    for (i, c) in campaigns.iter().enumerate() {
        let Some(c) = c else {
            return err(format!(
                "part {} has no campaign (saved by an older version, or not by a campaign), \
                 so it cannot be checked against the others; merge only hunts and results \
                 saved by sharded campaigns",
                i + 1
            ));
        };
        let Some((k, n)) = c.shard() else {
            return err(format!(
                "part {} is a whole campaign, not a shard; merge the parts of a campaign run \
                 with `shard(k, n)` (`--shard k/N`)",
                i + 1
            ));
        };
        match &base {
            None => {
                base = Some((c.unsharded(), n));
                seen = vec![None; n];
            }
            Some((b, count)) => {
                if let Some(diff) = b.difference(&c.unsharded()) {
                    let diff = diff
                        .replace("its ", "part 1's ")
                        .replace("this campaign's", "this part's");
                    return err(format!(
                        "part {} is from another campaign than part 1: {diff}; merge only the \
                         shards of one campaign",
                        i + 1
                    ));
                }
                if n != *count {
                    return err(format!(
                        "part {} is shard {k}/{n}, but part 1 is of {count} shards; merge the \
                         shards of one split",
                        i + 1
                    ));
                }
            }
        }
        if let Some(j) = seen[k - 1] {
            return err(format!(
                "shard {k}/{n} is given twice (parts {} and {}); give each shard once",
                j + 1,
                i + 1
            ));
        }
        seen[k - 1] = Some(i);
    }
    let missing: Vec<String> = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_none())
        .map(|(k, _)| format!("{}/{}", k + 1, seen.len()))
        .collect();
    if !missing.is_empty() {
        return err(format!(
            "shard{} {} {} missing; run {} and merge every shard",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            if missing.len() == 1 { "is" } else { "are" },
            if missing.len() == 1 { "it" } else { "them" },
        ));
    }
    Ok(base.expect("at least one part").0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn campaign(seed: u64, shard: Option<(usize, usize)>) -> Campaign {
        let mut c: Campaign = serde_json::from_value(serde_json::json!({
            "config": "Flags", "fields": ["a"], "seed": seed, "kind": "hunt",
            "options": {"attempts": 9}, "shard": null
        }))
        .unwrap();
        if let Some(s) = shard {
            c = serde_json::from_value(serde_json::json!({
                "config": "Flags", "fields": ["a"], "seed": seed, "kind": "hunt",
                "options": {"attempts": 9}, "shard": [s.0, s.1]
            }))
            .unwrap();
        }
        c
    }

    fn hunt(c: Campaign, findings: Vec<(bool, Status, usize, usize)>) -> Hunt {
        Hunt {
            findings: findings
                .into_iter()
                .map(|(a, status, hits, first)| Finding {
                    config: ConfigDiff::from([("a".to_string(), crate::Value::Bool(a))]),
                    status,
                    detail: Detail::default(),
                    hits,
                    snippet: String::new(),
                    shrink_limit: None,
                    first_attempt: first,
                    replayed: false,
                })
                .collect(),
            attempts: 3,
            campaign: Some(c),
            ..Hunt::default()
        }
    }

    #[test]
    fn findings_group_sum_and_keep_the_unsharded_order() {
        let f = Status::FailedReturn;
        let merged = Hunt::merge([
            hunt(
                campaign(1, Some((2, 2))),
                vec![(true, f, 2, 2), (false, f, 1, 4)],
            ),
            hunt(
                campaign(1, Some((1, 2))),
                vec![(false, f, 1, 3), (true, f, 1, 5)],
            ),
        ])
        .unwrap();
        let got: Vec<(ConfigDiff, usize, usize)> = merged
            .findings()
            .iter()
            .map(|f| (f.config().clone(), f.hits(), f.first_attempt))
            .collect();
        let a = |v| ConfigDiff::from([("a".to_string(), crate::Value::Bool(v))]);
        assert_eq!(got, vec![(a(true), 3, 2), (a(false), 2, 3)]);
        assert_eq!(merged.attempts(), 6);
        assert_eq!(merged.campaign().unwrap().shard(), None);
    }

    #[test]
    fn wrong_parts_are_named() {
        let msg = |parts: Vec<Hunt>| Hunt::merge(parts).unwrap_err().to_string();
        let m = msg(vec![
            hunt(campaign(1, Some((1, 2))), vec![]),
            hunt(campaign(2, Some((2, 2))), vec![]),
        ]);
        assert!(
            m.contains("part 2 is from another campaign than part 1"),
            "{m}"
        );
        assert!(m.contains("seed is 1"), "{m}");
        let m = msg(vec![hunt(campaign(1, Some((1, 3))), vec![])]);
        assert!(m.contains("shards 2/3, 3/3 are missing"), "{m}");
        let m = msg(vec![
            hunt(campaign(1, Some((1, 2))), vec![]),
            hunt(campaign(1, Some((1, 2))), vec![]),
        ]);
        assert!(
            m.contains("shard 1/2 is given twice (parts 1 and 2)"),
            "{m}"
        );
        let m = msg(vec![hunt(campaign(1, None), vec![])]);
        assert!(m.contains("part 1 is a whole campaign"), "{m}");
        let m = msg(vec![]);
        assert!(m.contains("nothing to merge"), "{m}");
        let m = msg(vec![
            hunt(campaign(1, Some((1, 2))), vec![]),
            hunt(campaign(1, Some((2, 3))), vec![]),
        ]);
        assert!(
            m.contains("part 2 is shard 2/3, but part 1 is of 2 shards"),
            "{m}"
        );
    }
}
