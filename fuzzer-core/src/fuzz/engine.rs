//! The engine under every campaign: turns candidates into verdicts. It
//! consults the memo, builds configs, hands batches of up to `jobs` runs to
//! the executor (no lock is held while a test runs), confirms failures by
//! re-running them, notices flakiness, and reports progress.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::candidate::{Built, ChangeRef};
use super::exec::process::{ChildEnd, ProcessExec};
use super::exec::thread::ThreadExec;
use super::exec::{child, RunRecord};
use super::hunt::FuzzError;
use super::memo::Remembered;
use super::results::{Detail, Status};
use super::{ConfigFuzzer, State};
use crate::config::FuzzableConfig;
use crate::error::ConfigError;
use crate::registry::Snapshot;

/// What the fuzzer is doing, in a [`Progress`] report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Phase {
    /// Running the pins alone, before a campaign.
    Baseline,
    /// Running a sampled config (`hunt`, `bisect`).
    Attempt,
    /// Shrinking a failing config.
    Minimize,
    /// Re-running a failure to see whether it comes back (`confirm`).
    Confirm,
    /// Sweeping n-tuples of fields.
    NTuple,
    /// Replaying configs (`reproduce`).
    Reproduce,
    /// A single config (`test_config`).
    Test,
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::Baseline => "baseline",
            Phase::Attempt => "attempt",
            Phase::Minimize => "minimize",
            Phase::Confirm => "confirm",
            Phase::NTuple => "n-tuple",
            Phase::Reproduce => "reproduce",
            Phase::Test => "test",
        })
    }
}

/// What the fuzzer reports after every run, for progress displays (see
/// [`ConfigFuzzer::on_progress`]).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Progress {
    /// What the fuzzer is doing.
    pub phase: Phase,
    /// Runs of the test so far (memoized answers not counted).
    pub runs: usize,
    /// For `hunt` and `bisect`: the attempt (1-based) and the number of
    /// attempts.
    pub attempt: Option<(usize, usize)>,
    /// Failing configs found so far in this call (attempts of a hunt,
    /// combinations of a sweep, replayed configs), not counting the run
    /// just made (see `last`): it never goes down.
    pub failures: usize,
    /// The status of the run just made.
    pub last: Status,
}

/// Where runs happen.
pub(crate) enum Exec<C> {
    Thread(ThreadExec<C>),
    Process(ProcessExec),
}

/// The context of one public call: the caller's config state (carried onto
/// thread-mode workers), and what progress reports say.
pub(crate) struct Call {
    pub(crate) snapshot: Snapshot,
    pub(crate) phase: Phase,
    pub(crate) attempt: Option<(usize, usize)>,
    pub(crate) failures: usize,
}

impl Call {
    pub(crate) fn new(phase: Phase) -> Self {
        Call {
            snapshot: Snapshot::capture(),
            phase,
            attempt: None,
            failures: 0,
        }
    }

    pub(crate) fn phase(&mut self, phase: Phase) -> &mut Self {
        self.phase = phase;
        self
    }

    /// The same call, reporting another phase (for runs made on its behalf).
    fn with_phase(&self, phase: Phase) -> Call {
        Call {
            snapshot: self.snapshot.clone(),
            phase,
            attempt: self.attempt,
            failures: self.failures,
        }
    }
}

/// How a batch of candidates is judged.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Judge {
    /// Answer from the memo when the config was judged before.
    pub(crate) memo: bool,
    /// Re-run a failure `confirm` more times before believing it.
    pub(crate) confirm: bool,
}

impl Judge {
    /// A campaign's own candidates: memoized, failures confirmed.
    pub(crate) const CAMPAIGN: Judge = Judge {
        memo: true,
        confirm: true,
    };
    /// Minimizer probes: memoized; confirmed only once the test has shown
    /// flakiness (then every probe runs several times).
    pub(crate) const PROBE: Judge = Judge {
        memo: true,
        confirm: false,
    };
    /// `test_config`, `reproduce`: always run, failures confirmed.
    pub(crate) const FRESH: Judge = Judge {
        memo: false,
        confirm: true,
    };
}

/// The verdict on several runs of one config: their common status, or
/// [`Status::Flaky`] with the counts.
pub(crate) fn combine(runs: &[RunRecord]) -> RunRecord {
    let first = &runs[0];
    if runs.iter().all(|r| r.status == first.status) {
        return first.clone();
    }
    let failing: Vec<&RunRecord> = runs.iter().filter(|r| r.status.is_failing()).collect();
    let mut kinds: Vec<String> = Vec::new();
    for r in runs {
        let k = r.status.to_string();
        if !kinds.contains(&k) {
            kinds.push(k);
        }
    }
    let mut message = format!(
        "failed {} of {} runs ({})",
        failing.len(),
        runs.len(),
        kinds.join("; ")
    );
    if let Some(m) = failing.first().and_then(|r| r.message.as_deref()) {
        message.push_str("; first failure: ");
        message.push_str(m);
    }
    RunRecord::new(Status::Flaky, Some(message), first.duration)
}

impl From<RunRecord> for Detail {
    fn from(r: RunRecord) -> Detail {
        Detail {
            message: r.message,
            duration: r.duration,
        }
    }
}

/// Judges a config from its fresh `runs` (and what the memo knew of it
/// before, `prev`), records the verdict, and gives its buffer back.
fn record_verdict<C: FuzzableConfig>(
    st: &mut State<C>,
    key: u128,
    built: Built<C>,
    runs: Vec<RunRecord>,
    prev: Option<RunRecord>,
) -> RunRecord {
    let mut verdict = combine(&runs);
    // A fresh run that disagrees with what the memo knew of the same
    // config: the test is flaky.
    if let Some(prev) = prev {
        if prev.status != verdict.status && verdict.status != Status::Flaky {
            let mut all = vec![prev];
            all.extend(runs);
            verdict = combine(&all);
        }
    }
    if verdict.status == Status::Flaky {
        st.flaky = true;
    }
    st.memo.insert(key, Remembered::new(&verdict));
    st.buffers.recycle(built);
    verdict
}

/// Each config `times` times in a row, as the executor takes them.
fn repeated<C>(configs: &[&Arc<C>], times: usize) -> Vec<Arc<C>> {
    configs
        .iter()
        .flat_map(|c| std::iter::repeat_n(*c, times).cloned())
        .collect()
}

impl<C: FuzzableConfig> ConfigFuzzer<C> {
    /// Verdicts on a batch of candidates (pins plus each change list), in
    /// order: a record each, or the candidate's first value of the wrong
    /// type. Runs go `jobs` at a time.
    pub(crate) fn verdicts(
        &self,
        call: &Call,
        batch: &[&[ChangeRef<'_>]],
        judge: Judge,
    ) -> Result<Vec<Result<RunRecord, ConfigError>>, FuzzError> {
        let n = batch.len();
        if n == 1 {
            return Ok(vec![self.verdict(call, batch[0], judge)?]);
        }
        let keys: Vec<u128> = batch.iter().map(|c| self.pins.key(c)).collect();
        let mut out: Vec<Option<Result<RunRecord, ConfigError>>> = (0..n).map(|_| None).collect();
        // (batch index, built config) to run, and (batch index, batch index
        // of the same config earlier in the batch).
        let mut todo: Vec<(usize, Built<C>)> = Vec::new();
        let mut same: Vec<(usize, usize)> = Vec::new();
        let mut previous: Vec<Option<RunRecord>> = Vec::new();
        let flaky = {
            let mut st = self.lock();
            for (k, changes) in batch.iter().enumerate() {
                let known = st.memo.get(&keys[k]).map(Remembered::record);
                if judge.memo {
                    if let Some(hit) = known {
                        out[k] = Some(Ok(hit));
                        continue;
                    }
                }
                if let Some((j, _)) = todo.iter().find(|(j, _)| keys[*j] == keys[k]) {
                    same.push((k, *j));
                    continue;
                }
                match st.buffers.build(&self.pins.active, changes) {
                    Ok(b) => {
                        todo.push((k, b));
                        previous.push(known);
                    }
                    Err(e) => out[k] = Some(Err(e)),
                }
            }
            st.flaky
        };
        if !todo.is_empty() {
            let configs: Vec<&Arc<C>> = todo.iter().map(|(_, b)| &b.config).collect();
            let grouped = match self.judged_runs(call, &configs, flaky, judge) {
                Ok(g) => g,
                Err(e) => {
                    let mut st = self.lock();
                    for (_, b) in todo {
                        st.buffers.recycle(b);
                    }
                    return Err(e);
                }
            };
            let mut st = self.lock();
            for (((k, built), runs), prev) in todo.into_iter().zip(grouped).zip(previous) {
                out[k] = Some(Ok(record_verdict(&mut st, keys[k], built, runs, prev)));
            }
        }
        for (k, j) in same {
            out[k] = out[j].clone();
        }
        Ok(out
            .into_iter()
            .map(|o| o.expect("every candidate judged"))
            .collect())
    }

    /// The runs that judge each config: `1 + extra` each (more than one
    /// once the test has shown flakiness, for a judge that does not confirm),
    /// then `confirm` more for each that failed (for a judge that does).
    /// Grouped by config.
    fn judged_runs(
        &self,
        call: &Call,
        configs: &[&Arc<C>],
        flaky: bool,
        judge: Judge,
    ) -> Result<Vec<Vec<RunRecord>>, FuzzError> {
        // Once the test has shown flakiness, nothing is decided on one run.
        let each = if flaky && !judge.confirm {
            self.opts.confirm.max(1) + 1
        } else {
            1
        };
        let runs = self.execute(call, repeated(configs, each))?;
        let mut grouped: Vec<Vec<RunRecord>> =
            runs.chunks(each).map(<[RunRecord]>::to_vec).collect();
        let k = self.opts.confirm;
        if judge.confirm && k > 0 {
            let failing: Vec<usize> = (0..grouped.len())
                .filter(|&t| grouped[t].iter().any(|r| r.status.is_failing()))
                .collect();
            if !failing.is_empty() {
                let again: Vec<&Arc<C>> = failing.iter().map(|&t| configs[t]).collect();
                let runs = self.execute(&call.with_phase(Phase::Confirm), repeated(&again, k))?;
                for (&t, runs) in failing.iter().zip(runs.chunks(k)) {
                    grouped[t].extend_from_slice(runs);
                }
            }
        }
        Ok(grouped)
    }

    /// Runs every config once, `jobs` at a time, reporting progress after
    /// each run.
    ///
    /// Takes the configs by value and lets go of each as soon as it has
    /// run, so the caller's buffers are unique again and can be reused.
    fn execute(&self, call: &Call, configs: Vec<Arc<C>>) -> Result<Vec<RunRecord>, FuzzError> {
        let jobs = self.opts.jobs.max(1);
        let mut records = Vec::with_capacity(configs.len());
        let mut configs = configs.into_iter().peekable();
        while configs.peek().is_some() {
            let chunk: Vec<Arc<C>> = configs.by_ref().take(jobs).collect();
            // Runs the state file holds are answered from it; the rest run.
            let (chunk, journaled) = self.journal_lookup(chunk);
            let done: Vec<RunRecord> = match &self.exec {
                _ if chunk.is_empty() => Vec::new(),
                Exec::Thread(t) if chunk.len() == 1 => {
                    let config = chunk.into_iter().next().expect("one config");
                    vec![t.run_one(config, &call.snapshot, self.opts.timeout)]
                }
                Exec::Thread(t) => t.run_batch(chunk, &call.snapshot, self.opts.timeout),
                Exec::Process(p) => {
                    let encoded: Vec<String> = chunk
                        .iter()
                        .map(|c| child::encode_candidate(&**c))
                        .collect();
                    p.run_batch(&encoded, self.opts.timeout)
                        .into_iter()
                        .map(|end| match end {
                            ChildEnd::Ran(r) => Ok(r),
                            ChildEnd::NotReached(message) => Err(FuzzError::Process { message }),
                        })
                        .collect::<Result<_, _>>()?
                }
            };
            let done = match journaled {
                Some(looked) => self.journal_record(looked, done)?,
                None => done,
            };
            let runs = {
                let mut st = self.lock();
                st.runs += done.len();
                st.runs
            };
            // Outside the lock, so the callback may query the fuzzer.
            if let Some(report) = &self.progress {
                let first = runs - done.len();
                for (i, r) in done.iter().enumerate() {
                    report(&Progress {
                        phase: call.phase,
                        runs: first + i + 1,
                        attempt: call.attempt,
                        failures: call.failures,
                        last: r.status,
                    });
                }
            }
            records.extend(done);
        }
        Ok(records)
    }

    /// The verdict on one candidate: [`verdicts`](Self::verdicts) for a
    /// batch of one, without its bookkeeping (the per-run path of
    /// `test_config` and of every probe while shrinking).
    pub(crate) fn verdict(
        &self,
        call: &Call,
        changes: &[ChangeRef<'_>],
        judge: Judge,
    ) -> Result<Result<RunRecord, ConfigError>, FuzzError> {
        let key = self.pins.key(changes);
        let (built, known, flaky) = {
            let mut st = self.lock();
            let known = st.memo.get(&key).map(Remembered::record);
            if judge.memo {
                if let Some(hit) = known {
                    return Ok(Ok(hit));
                }
            }
            match st.buffers.build(&self.pins.active, changes) {
                Ok(b) => (b, known, st.flaky),
                Err(e) => return Ok(Err(e)),
            }
        };
        match self.judged_runs(call, &[&built.config], flaky, judge) {
            Ok(mut grouped) => {
                let runs = grouped.pop().expect("one config, one group");
                let mut st = self.lock();
                Ok(Ok(record_verdict(&mut st, key, built, runs, known)))
            }
            Err(e) => {
                self.lock().buffers.recycle(built);
                Err(e)
            }
        }
    }

    /// Runs each candidate `times` times afresh (no memo, nothing
    /// recorded): the records, grouped by candidate.
    pub(crate) fn repeat(
        &self,
        call: &Call,
        phase: Phase,
        batch: &[&[ChangeRef<'_>]],
        times: usize,
    ) -> Result<Vec<Vec<RunRecord>>, FuzzError> {
        if times == 0 || batch.is_empty() {
            return Ok(vec![Vec::new(); batch.len()]);
        }
        let mut built = Vec::with_capacity(batch.len());
        {
            let mut st = self.lock();
            for changes in batch {
                match st.buffers.build(&self.pins.active, changes) {
                    Ok(b) => built.push(b),
                    Err(e) => {
                        for b in built {
                            st.buffers.recycle(b);
                        }
                        return Err(FuzzError::Config(e));
                    }
                }
            }
        }
        let configs: Vec<&Arc<C>> = built.iter().map(|b| &b.config).collect();
        let runs = self.execute(&call.with_phase(phase), repeated(&configs, times));
        {
            let mut st = self.lock();
            for b in built {
                st.buffers.recycle(b);
            }
        }
        Ok(runs?.chunks(times).map(<[RunRecord]>::to_vec).collect())
    }

    /// Makes sure the baseline (pins alone) has run at least `at_least`
    /// times afresh in this fuzzer's life; returns every failing status
    /// seen there and the number of runs.
    pub(crate) fn baseline_tally(
        &self,
        call: &Call,
        at_least: usize,
    ) -> Result<(Vec<Status>, usize), FuzzError> {
        let have = self.lock().baseline.1;
        if have < at_least {
            let runs = self.repeat(call, Phase::Baseline, &[&[]], at_least - have)?;
            let mut st = self.lock();
            for r in runs.into_iter().flatten() {
                st.baseline.1 += 1;
                if r.status.is_failing() {
                    st.baseline.0.push(r.status);
                }
            }
        }
        Ok(self.lock().baseline.clone())
    }

    /// Whether the test has shown flakiness (some config judged
    /// [`Status::Flaky`]) in this fuzzer's life.
    pub(crate) fn seen_flaky(&self) -> bool {
        self.lock().flaky
    }

    /// How long shrinking may go on, from now.
    pub(crate) fn shrink_deadline(&self) -> Option<Instant> {
        self.opts
            .max_shrink_time
            .and_then(|d| Instant::now().checked_add(d))
    }

    /// The time limit, for reports.
    pub(crate) fn shrink_time(&self) -> Duration {
        self.opts.max_shrink_time.unwrap_or(Duration::MAX)
    }
}
