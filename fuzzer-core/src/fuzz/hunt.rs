//! What a campaign gives back: [`Hunt`] and its [`Finding`]s, or a
//! [`FuzzError`] that says why it could not run.

use std::fmt;
use std::time::Duration;

use super::results::{Detail, Status};
use crate::error::ConfigError;
use crate::value::ConfigDiff;

/// Why a campaign (or a single run asked for with a `try_` method) could not
/// give an answer.
///
/// Nothing is printed behind the caller's back: every problem comes back as
/// one of these.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum FuzzError {
    /// The test already fails with only the pins applied (the declared
    /// defaults plus `#[fuzz(pin)]`, `#[fuzz(skip)]`, `.pin()` and
    /// `.keep_default()`), so every config would fail: fix that first. With
    /// [`ConfigFuzzer::confirm`](crate::ConfigFuzzer::confirm), a baseline
    /// that fails only on some runs is `status: Status::Flaky`.
    FailsAtBaseline {
        /// How the baseline run ended.
        status: Status,
        /// Its message and duration.
        detail: Detail,
    },
    /// A config named an unknown field or gave a value of the wrong type.
    Config(ConfigError),
    /// Process isolation could not bring a child process to the test (the
    /// message says what happened and what to do).
    Process {
        /// What went wrong.
        message: String,
    },
    /// The state file ([`ConfigFuzzer::state`](crate::ConfigFuzzer::state))
    /// cannot be used: it belongs to another campaign (the message says
    /// what differs: the config's fields or pins, the seed, the kind of
    /// campaign, an option or the shard), it is not a state file, or it
    /// cannot be read or written. Delete it to start afresh, or give the
    /// campaign another file.
    State {
        /// The state file.
        path: std::path::PathBuf,
        /// What is wrong, and what to do.
        message: String,
    },
    /// A shard was asked for wrongly ([`ConfigFuzzer::shard`](crate::ConfigFuzzer::shard)),
    /// or saved hunts or results could not be merged
    /// ([`Hunt::merge`], [`Results::merge`](crate::Results::merge)): they
    /// come from different campaigns, a shard is missing or given twice,
    /// or a part is not a shard.
    Shard {
        /// What is wrong, and what to do.
        message: String,
    },
}

impl fmt::Display for FuzzError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FuzzError::FailsAtBaseline { status, detail } => {
                write!(
                    f,
                    "the test already fails with only the pins applied ({status}"
                )?;
                if let Some(m) = &detail.message {
                    write!(f, ": {m}")?;
                }
                f.write_str("); every config would fail, so fix that before fuzzing")
            }
            FuzzError::Config(e) => e.fmt(f),
            FuzzError::Process { message } => f.write_str(message),
            FuzzError::State { message, .. } => f.write_str(message),
            FuzzError::Shard { message } => f.write_str(message),
        }
    }
}

impl std::error::Error for FuzzError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FuzzError::Config(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ConfigError> for FuzzError {
    fn from(e: ConfigError) -> Self {
        FuzzError::Config(e)
    }
}

/// Which limit stopped the shrinking of a [`Finding`] early; its config may
/// then hold fields that do not matter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ShrinkLimit {
    /// [`ConfigFuzzer::max_shrink_runs`](crate::ConfigFuzzer::max_shrink_runs) runs were made.
    Runs(usize),
    /// [`ConfigFuzzer::max_shrink_time`](crate::ConfigFuzzer::max_shrink_time) passed.
    Time(Duration),
}

impl fmt::Display for ShrinkLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShrinkLimit::Runs(n) => write!(f, "shrinking stopped at the limit of {n} runs"),
            ShrinkLimit::Time(d) => write!(f, "shrinking stopped at the time limit of {d:?}"),
        }
    }
}

/// One distinct failure a campaign found: a config (shrunk to the fields
/// that matter, pins left out), how it fails, and how to reproduce it.
///
/// Findings are distinct by fields, values and status.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub(crate) config: ConfigDiff,
    pub(crate) status: Status,
    pub(crate) detail: Detail,
    pub(crate) hits: usize,
    pub(crate) snippet: String,
    pub(crate) shrink_limit: Option<ShrinkLimit>,
    /// The attempt (from 1) that first led to it; 0 for a finding replayed
    /// from the regressions file. Orders merged shards as one run.
    pub(crate) first_attempt: usize,
    /// It came from the regressions file.
    pub(crate) replayed: bool,
}

impl Finding {
    /// The failing config, without the pins. For a [`Status::Flaky`]
    /// finding, the config as sampled (flaky configs are not shrunk).
    pub fn config(&self) -> &ConfigDiff {
        &self.config
    }

    /// How it fails: a `Failed*` status, or [`Status::Flaky`].
    pub fn status(&self) -> Status {
        self.status
    }

    /// The failure's message (error text, panic message with location,
    /// signal and stderr tail, or run counts) and duration.
    pub fn detail(&self) -> &Detail {
        &self.detail
    }

    /// How many failing attempts led to this finding (at least 1 for a
    /// finding of this campaign): each failing attempt counts once for the
    /// finding its sample shrank to.
    ///
    /// With [`forbid_found`](crate::ConfigFuzzer::forbid_found) on (the
    /// default of a hunt), an attempt that shrank to one finding is run
    /// again without it, to find a bug the first one hid; the attempt then
    /// counts once for each finding it led to, so the hits of a hunt's
    /// findings add up to its [`failing_attempts`](Hunt::failing_attempts)
    /// plus the findings such re-runs turned up (with `forbid_found(false)`
    /// they add up to `failing_attempts` exactly).
    /// Since later attempts are kept clear of every culprit found, hits
    /// then say little about how common a failure is: use
    /// `forbid_found(false)` when that is the question.
    pub fn hits(&self) -> usize {
        self.hits
    }

    /// Rust that installs the pins plus this config as a patch, to paste
    /// into a test (see [`repro_snippet`](crate::repro_snippet)).
    pub fn repro_snippet(&self) -> &str {
        &self.snippet
    }

    /// Whether a limit stopped shrinking early, and which.
    pub fn shrink_limit(&self) -> Option<ShrinkLimit> {
        self.shrink_limit
    }

    /// Whether this failure was replayed from the regressions file
    /// ([`ConfigFuzzer::regressions`](crate::ConfigFuzzer::regressions))
    /// and still fails. Its [`hits`](Self::hits) count only the attempts
    /// of this campaign that shrank to it (0 if none did).
    pub fn replayed(&self) -> bool {
        self.replayed
    }
}

impl Finding {
    /// A confirmed minimal failure: not flaky, and not cut short by a
    /// shrink limit.
    pub(crate) fn settled(&self) -> bool {
        self.status != Status::Flaky && self.shrink_limit.is_none()
    }
}

/// A terminal line: status, config, hits.
impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config: Vec<String> = self
            .config
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect();
        write!(
            f,
            "{}  {}  ({} hit{})",
            self.status,
            config.join(", "),
            self.hits,
            if self.hits == 1 { "" } else { "s" }
        )
    }
}

/// The outcome of [`ConfigFuzzer::hunt`](crate::ConfigFuzzer::hunt): the
/// distinct findings, in the order they were first found, and what it took.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hunt {
    pub(crate) findings: Vec<Finding>,
    pub(crate) attempts: usize,
    pub(crate) failing_attempts: usize,
    pub(crate) runs: usize,
    pub(crate) elapsed: Duration,
    pub(crate) campaign: Option<super::state::Campaign>,
    pub(crate) resumed_runs: usize,
    pub(crate) regression_warnings: Vec<String>,
}

impl Hunt {
    /// The distinct findings, in the order first found.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// The findings that failed every time (not [`Status::Flaky`]).
    pub fn failures(&self) -> impl Iterator<Item = &Finding> + '_ {
        self.findings.iter().filter(|f| f.status != Status::Flaky)
    }

    /// Attempts made (by this shard only, for a shard; see
    /// [`ConfigFuzzer::shard`](crate::ConfigFuzzer::shard)).
    pub fn attempts(&self) -> usize {
        self.attempts
    }

    /// Attempts whose sampled config failed.
    pub fn failing_attempts(&self) -> usize {
        self.failing_attempts
    }

    /// Runs of the test this campaign made (memoized answers not counted;
    /// runs answered from a state file counted, see
    /// [`resumed_runs`](Self::resumed_runs)).
    pub fn runs(&self) -> usize {
        self.runs
    }

    /// How long the campaign took.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// What campaign this was (config, seed, options, shard); `None` for a
    /// hunt loaded from JSON saved without it.
    pub fn campaign(&self) -> Option<&super::state::Campaign> {
        self.campaign.as_ref()
    }

    /// Of [`runs`](Self::runs), those answered from the state file
    /// ([`ConfigFuzzer::state`](crate::ConfigFuzzer::state)) rather than
    /// run again: the work a resumed campaign did not repeat.
    pub fn resumed_runs(&self) -> usize {
        self.resumed_runs
    }

    /// Entries of the regressions file
    /// ([`ConfigFuzzer::regressions`](crate::ConfigFuzzer::regressions))
    /// that could not be replayed (a field that no longer exists, a value
    /// of the wrong type), each with the reason. They were also sent to
    /// the warning handler ([`set_warning_handler`](crate::set_warning_handler)).
    pub fn regression_warnings(&self) -> &[String] {
        &self.regression_warnings
    }
}

/// A terminal summary: the counts, then each finding with its message.
impl fmt::Display for Hunt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} attempts, {} failing, {} distinct findings, {} runs in {:.1?}",
            self.attempts,
            self.failing_attempts,
            self.findings.len(),
            self.runs,
            self.elapsed
        )?;
        for finding in &self.findings {
            if finding.replayed {
                writeln!(f, "  {finding}  [from the regressions file]")?;
            } else {
                writeln!(f, "  {finding}")?;
            }
            if let Some(m) = &finding.detail.message {
                for line in m.lines() {
                    writeln!(f, "      {line}")?;
                }
            }
            if let Some(limit) = finding.shrink_limit {
                writeln!(f, "      ({limit})")?;
            }
        }
        for w in &self.regression_warnings {
            writeln!(f, "  warning: {w}")?;
        }
        Ok(())
    }
}
