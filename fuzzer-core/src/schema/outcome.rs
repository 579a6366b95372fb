//! [`RunOutcome`]: a test's result as any [`Status`] with a detail.

use crate::fuzz::{Status, TestOutcome};

/// What a test returns when it decides the [`Status`] itself: a test that
/// runs another program reports a crash by signal, a timeout, or an error
/// with the tail of its stderr. `bool`, `()` and `Result` cover tests that
/// run in this process.
///
/// ```
/// use fuzzer_core::prelude::*;
/// use fuzzer_core::RunOutcome;
///
/// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
/// pub struct Knobs {
///     pub a: bool,
/// }
///
/// let fuzzer = ConfigFuzzer::<Knobs>::new(
///     || {
///         if Knobs::read(|c| c.a) {
///             RunOutcome::failed(Status::FailedCrash, "killed by SIGSEGV")
///         } else {
///             RunOutcome::passed()
///         }
///     },
///     0,
/// );
/// let diff = ConfigDiff::from([("a".to_string(), Value::Bool(true))]);
/// assert_eq!(fuzzer.test_config(&diff), Status::FailedCrash);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunOutcome {
    status: Status,
    detail: String,
}

impl RunOutcome {
    /// The run passed.
    pub fn passed() -> Self {
        RunOutcome {
            status: Status::Passed,
            detail: String::new(),
        }
    }

    /// The run failed with `status` (one of the `Failed*` statuses) and
    /// `detail` (a message, the signal, the tail of stderr): it shows in
    /// [`Results`](crate::Results) and [`Finding`](crate::Finding)s. A
    /// status no single run can have (`Passed`, `Skipped`, `Flaky`) is
    /// reported as [`Status::FailedError`] with a detail saying so.
    pub fn failed(status: Status, detail: impl Into<String>) -> Self {
        RunOutcome {
            status,
            detail: detail.into(),
        }
    }

    /// The status.
    pub fn status(&self) -> Status {
        self.status
    }

    /// The detail (empty for a pass).
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl TestOutcome for RunOutcome {
    fn into_outcome(self) -> Result<(), (Status, String)> {
        match self.status {
            Status::Passed => Ok(()),
            Status::Skipped | Status::Flaky => Err((
                Status::FailedError,
                format!(
                    "the test reported `{:?}`{}{}, which is not the outcome of one run: return `RunOutcome::passed()` or a `Failed*` status",
                    self.status,
                    if self.detail.is_empty() { "" } else { ": " },
                    self.detail
                ),
            )),
            failing => Err((failing, self.detail)),
        }
    }
}
