//! The campaigns over the engine: hunt (and bisect, its PyTorch-shaped
//! view), shrinking, n-tuple sweeps, replays and single configs.

use std::cell::Cell;
use std::time::{Duration, Instant};

use super::candidate::{
    borrowed, check_changes, owned, resolve_pinned, to_diff, Change, ChangeRef,
};
use super::engine::{Call, Judge, Phase};
use super::exec::RunRecord;
use super::hunt::{Finding, FuzzError, Hunt, ShrinkLimit};
use super::minimize;
use super::results::{Detail, Entry, Results, Status};
use super::value_shrink;
use super::ConfigFuzzer;
use crate::config::FuzzableConfig;
use crate::error::ConfigError;
use crate::sample::rng;
use crate::value::{ConfigDiff, Value};

/// How many fresh baseline runs, per run of a confirmed failure
/// (`confirm + 1`), settle whether the test fails by itself now and then.
const BASELINE_EVIDENCE: usize = 4;

/// The outcome of settling a shrunk config.
enum Settled<'a> {
    /// Its final status (a `Failed*` one, or flaky) and detail.
    Final(Status, Detail),
    /// A config one field smaller fails the same way every time: shrink on.
    Smaller(Vec<ChangeRef<'a>>),
}

/// What shrinking one failure may spend: runs of the fuzzer from a start
/// count (`max_shrink_runs`), and time until a deadline (`max_shrink_time`).
pub(crate) struct Budget {
    runs_at_start: usize,
    deadline: Option<Instant>,
}

/// What became of one attempt of a hunt.
pub(crate) type AttemptEnd = Option<usize>;

/// The hunt's running state: findings so far, by index.
pub(crate) struct Found<'f, C: FuzzableConfig> {
    pub(crate) fuzzer: &'f ConfigFuzzer<C>,
    pub(crate) findings: Vec<Finding>,
    /// Minimal failing configs so far, with how they fail and their finding.
    pub(crate) known: Vec<(Status, Vec<Change>, usize)>,
}

impl<C: FuzzableConfig> Found<'_, C> {
    /// Records a hit on the finding (config, status) if `counts`, creating
    /// it (and telling `on_finding`) if it is new.
    fn hit(
        &mut self,
        config: ConfigDiff,
        status: Status,
        detail: Detail,
        limit: Option<ShrinkLimit>,
        attempt: usize,
        counts: bool,
    ) -> Result<usize, FuzzError> {
        if let Some(i) = self
            .findings
            .iter()
            .position(|f| f.status == status && f.config == config)
        {
            self.findings[i].hits += usize::from(counts);
            return Ok(i);
        }
        let snippet = self.fuzzer.repro_snippet(&config);
        let finding = Finding {
            config,
            status,
            detail,
            hits: usize::from(counts),
            snippet,
            shrink_limit: limit,
            first_attempt: attempt,
            replayed: false,
        };
        self.fuzzer.journal_finding(&finding)?;
        if let Some(report) = &self.fuzzer.on_finding {
            report(&finding);
        }
        self.findings.push(finding);
        Ok(self.findings.len() - 1)
    }
}

/// Whether `sorted` (changes sorted by field index) holds every change of
/// `minimal` with the same value.
fn contains(sorted: &[Change], minimal: &[Change]) -> bool {
    minimal.iter().all(|m| {
        sorted
            .binary_search_by_key(&m.0, |c| c.0)
            .is_ok_and(|k| sorted[k].1 == m.1)
    })
}

/// Which field of `culprit` an attempt puts back to its default first, when
/// its sample holds that culprit: a hash of the seed, the attempt and the
/// culprit's fields (splitmix64 steps), so it draws nothing from the
/// sampling stream and is the same in every shard, job count and resume.
fn forbid_pick(seed: u64, attempt: usize, culprit: &[Change]) -> usize {
    fn mix(mut z: u64) -> u64 {
        z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    let mut h = mix(seed ^ mix(attempt as u64));
    for (i, _) in culprit {
        h = mix(h ^ u64::from(*i));
    }
    (h % culprit.len().max(1) as u64) as usize
}

impl<C: FuzzableConfig> ConfigFuzzer<C> {
    /// Attempt `attempt`'s drawn `sample` with no known minimal failing
    /// config left in it (with `forbid` on; otherwise the sample as drawn).
    ///
    /// While the sample holds every change of a known culprit (the first
    /// such in the order they were found), one of the culprit's fields goes
    /// back to its default: the one [`forbid_pick`] names, or, if leaving
    /// that one out breaks an implication or a validator, the next of the
    /// culprit's fields that does not. If none does, the picked field is
    /// left out and then, one at a time, the last change whose removal
    /// makes the sample valid (or else its last change), until it may
    /// run, much as `Pins::sample_valid` repairs a sample by leaving out
    /// its last changes. Changes an active implication would override are
    /// left out too, as when sampling. Every step removes a change, so it
    /// ends; the empty sample (the baseline) holds no culprit.
    fn cleared(
        &self,
        sample: &[Change],
        known: &[(Status, Vec<Change>, usize)],
        attempt: usize,
        forbid: bool,
    ) -> Vec<Change> {
        let mut sample = sample.to_vec();
        if !forbid {
            return sample;
        }
        let constrained = crate::constraint::constrained::<C>();
        let base = constrained.then(|| C::__registry().declared_with_force());
        let fits = |s: &[Change]| match &base {
            None => true,
            Some(base) => check_changes(base, &self.pins.active, &borrowed(s)).is_ok(),
        };
        let settle = |s: Vec<Change>| match &base {
            None => s,
            Some(base) => super::candidate::without_overridden::<C>(base, &self.pins.active, s),
        };
        while let Some((_, culprit, _)) = known
            .iter()
            .find(|(_, m, _)| !m.is_empty() && contains(&sample, m))
        {
            let n = culprit.len();
            let start = forbid_pick(self.seed, attempt, culprit);
            let without = |s: &[Change], field: u32| -> Vec<Change> {
                s.iter().filter(|c| c.0 != field).cloned().collect()
            };
            let next = (0..n)
                .map(|k| settle(without(&sample, culprit[(start + k) % n].0)))
                .find(|s| fits(s));
            sample = match next {
                Some(s) => s,
                None => {
                    let mut s = settle(without(&sample, culprit[start].0));
                    while !s.is_empty() && !fits(&s) {
                        // The last change whose removal makes it valid,
                        // else the last one.
                        let removed = |s: &[Change], k: usize| -> Vec<Change> {
                            let mut r = s.to_vec();
                            r.remove(k);
                            settle(r)
                        };
                        let k = (0..s.len())
                            .rev()
                            .find(|&k| fits(&removed(&s, k)))
                            .unwrap_or(s.len() - 1);
                        s = removed(&s, k);
                    }
                    s
                }
            };
        }
        sample
    }

    /// Runs the pins alone; an error if they already fail.
    fn check_baseline(&self, call: &mut Call) -> Result<(), FuzzError> {
        call.phase(Phase::Baseline);
        let record = self.verdict(call, &[], Judge::CAMPAIGN)??;
        if record.status.is_failing() {
            return Err(FuzzError::FailsAtBaseline {
                status: record.status,
                detail: record.into(),
            });
        }
        Ok(())
    }

    /// The hunt: the findings, and what became of each attempt (the index
    /// of its finding if it failed).
    pub(crate) fn hunt_attempts(
        &self,
        num_attempts: usize,
        p: f64,
        forbid: bool,
    ) -> Result<(Hunt, Vec<AttemptEnd>), FuzzError> {
        let started = Instant::now();
        let runs_before = self.num_runs();
        let campaign = self.campaign(
            "hunt",
            [
                ("attempts".to_string(), serde_json::json!(num_attempts)),
                ("p".to_string(), serde_json::json!(p)),
                ("forbid_found".to_string(), serde_json::json!(forbid)),
            ]
            .into(),
        );
        let _journal = self.open_journal(&campaign)?;
        let mut call = Call::new(Phase::Baseline);
        self.check_baseline(&mut call)?;
        let mut rng = rng(self.seed);
        let jobs = self.opts.jobs.max(1);
        let mut found = Found {
            fuzzer: self,
            findings: Vec::new(),
            known: Vec::new(),
        };
        let regression_warnings = self.replay_regressions(&mut call, &mut found)?;
        let mut ends = Vec::with_capacity(num_attempts);
        let mut failing_attempts = 0;
        let mut attempts = 0;
        let mut next = 1;
        while next <= num_attempts {
            // The same seed samples the same attempts whatever `jobs` and
            // the shard are; a batch of this shard's attempts runs at once,
            // then each is handled in order.
            let mut samples: Vec<Vec<Change>> = Vec::with_capacity(jobs);
            let mut numbers: Vec<usize> = Vec::with_capacity(jobs);
            while samples.len() < jobs && next <= num_attempts {
                let sample = self.pins.sample_valid::<C>(self.sampling, &mut rng, p);
                if self.owns(next - 1) {
                    samples.push(sample);
                    numbers.push(next);
                }
                next += 1;
            }
            // The drawn samples stay as they are (so the stream of samples
            // does not depend on what was found); what runs is each one
            // cleared of the culprits known when the batch starts.
            let drawn = samples;
            let known_at_start = found.known.len();
            let mut samples: Vec<Vec<Change>> = drawn
                .iter()
                .zip(&numbers)
                .map(|(s, &n)| self.cleared(s, &found.known, n, forbid))
                .collect();
            let Some(&last) = numbers.last() else {
                break;
            };
            attempts += numbers.len();
            let refs: Vec<Vec<ChangeRef<'_>>> = samples.iter().map(|s| borrowed(s)).collect();
            let slices: Vec<&[ChangeRef<'_>]> = refs.iter().map(Vec::as_slice).collect();
            call.phase(Phase::Attempt).attempt = Some((last, num_attempts));
            let verdicts = self.verdicts(&call, &slices, Judge::CAMPAIGN)?;
            for (offset, verdict) in verdicts.into_iter().enumerate() {
                call.attempt = Some((numbers[offset], num_attempts));
                let mut record = verdict?;
                // An earlier attempt of this batch may have found a culprit
                // this sample holds: clear it of that one too, and run what
                // `jobs(1)` would have run.
                if forbid && found.known.len() != known_at_start {
                    let now = self.cleared(&drawn[offset], &found.known, numbers[offset], forbid);
                    if now != samples[offset] {
                        call.phase(Phase::Attempt);
                        record = self.verdict(&call, &borrowed(&now), Judge::CAMPAIGN)??;
                        samples[offset] = now;
                    }
                }
                if !record.status.is_failing() {
                    ends.push(None);
                    continue;
                }
                failing_attempts += 1;
                call.failures += 1;
                let end =
                    self.resolve_failure(&mut call, &mut found, &samples[offset], record, true)?;
                ends.push(Some(end));
                if forbid && found.findings[end].settled() {
                    self.rescue(
                        &mut call,
                        &mut found,
                        &samples[offset],
                        numbers[offset],
                        end,
                    )?;
                }
            }
        }
        let findings = found.findings;
        self.save_regressions(&findings);
        let hunt = Hunt {
            findings,
            attempts,
            failing_attempts,
            runs: self.num_runs() - runs_before,
            elapsed: started.elapsed(),
            campaign: Some(campaign),
            resumed_runs: self.resumed_runs(),
            regression_warnings,
        };
        Ok((hunt, ends))
    }

    /// The rescue of a failing attempt whose sample (`sample`, as it ran)
    /// may hold more than the bug it shrank to: the sample runs again
    /// cleared of every known culprit (the one just found among them), and
    /// while that fails, it is shrunk to a finding of its own and cleared
    /// again. These runs belong to the attempt, which counts one hit for
    /// each other finding they lead to (`first` is the one it shrank to,
    /// already counted; see [`Finding::hits`]). It stops at a finding that is
    /// not known to be minimal (flaky, or cut short by a shrink limit): the
    /// sample without one of its fields may well fail for the same bug,
    /// and shrinking it again would only spend the limit again. Each round
    /// leaves out at least one more change, so it ends.
    fn rescue(
        &self,
        call: &mut Call,
        found: &mut Found<'_, C>,
        sample: &[Change],
        attempt: usize,
        first: usize,
    ) -> Result<(), FuzzError> {
        let mut counted = vec![first];
        let mut current = sample.to_vec();
        loop {
            let again = self.cleared(&current, &found.known, attempt, true);
            if again == current {
                // It held no known culprit (its failure was flaky).
                return Ok(());
            }
            call.phase(Phase::Attempt);
            let record = self.verdict(call, &borrowed(&again), Judge::CAMPAIGN)??;
            if !record.status.is_failing() {
                return Ok(());
            }
            let i = self.resolve_failure(call, found, &again, record, false)?;
            if !counted.contains(&i) {
                found.findings[i].hits += 1;
                counted.push(i);
            }
            if !found.findings[i].settled() {
                return Ok(());
            }
            current = again;
        }
    }

    /// Turns a failing attempt into a finding: flaky ones as they are,
    /// others shrunk (or matched to a minimal config already found),
    /// confirmed, and checked against a flaky baseline. The attempt counts
    /// as a hit of its finding if `counts`.
    fn resolve_failure(
        &self,
        call: &mut Call,
        found: &mut Found<'_, C>,
        sample: &[Change],
        record: RunRecord,
        counts: bool,
    ) -> Result<usize, FuzzError> {
        let attempt = call.attempt.map_or(0, |(a, _)| a);
        if record.status == Status::Flaky {
            return found.hit(
                to_diff::<C>(&borrowed(sample)),
                Status::Flaky,
                record.into(),
                None,
                attempt,
                counts,
            );
        }
        // A failing config that contains a known minimal config failing the
        // same way has that one as a 1-minimal failing subset: no need to
        // shrink again.
        if let Some((_, _, i)) = found
            .known
            .iter()
            .find(|(status, minimal, _)| *status == record.status && contains(sample, minimal))
        {
            let i = *i;
            found.findings[i].hits += usize::from(counts);
            return Ok(i);
        }
        let changes = borrowed(sample);
        let drawn_at = found.known.len();
        let (minimal, limit, status, detail) =
            self.shrink_and_settle(call, &changes, record, Some(&mut *found))?;
        let i = found.hit(
            to_diff::<C>(&borrowed(&minimal)),
            status,
            detail,
            limit,
            attempt,
            counts,
        )?;
        // The field-minimal config with the drawn values (if value
        // shrinking changed them) was noted as known by `shrink_and_settle`;
        // it leads to this finding too.
        for known in &mut found.known[drawn_at..] {
            known.2 = i;
        }
        if status != Status::Flaky {
            found.known.push((status, minimal, i));
        }
        Ok(i)
    }

    /// Shrinks a failing config and settles the result: the minimal config,
    /// whether a limit cut shrinking short, and its final status and detail.
    /// With [`shrink_values`](ConfigFuzzer::shrink_values) on, the values
    /// of a settled failure are shrunk too, and the simpler config settled
    /// in turn (if it does not hold up, the field-minimal one stands).
    pub(crate) fn shrink_and_settle(
        &self,
        call: &mut Call,
        changes: &[ChangeRef<'_>],
        record: RunRecord,
        found: Option<&mut Found<'_, C>>,
    ) -> Result<(Vec<Change>, Option<ShrinkLimit>, Status, Detail), FuzzError> {
        // One budget for the whole failure, however often shrinking restarts.
        let budget = Budget {
            runs_at_start: self.num_runs(),
            deadline: self.shrink_deadline(),
        };
        let (minimal, limit) = self.shrink(call, changes, record.status, &budget)?;
        let minimal = owned(&minimal);
        if !self.opts.shrink_values || limit.is_some() {
            return self.settle_shrunk(call, minimal, limit, &record, &budget);
        }
        // The values are shrunk before settling, so that only the config
        // reported is confirmed; the drawn one is settled only if the
        // simpler one does not hold up.
        let (simpler, value_limit) =
            self.shrink_values_of(call, &minimal, record.status, &budget)?;
        if simpler == minimal {
            return self.settle_shrunk(call, minimal, value_limit, &record, &budget);
        }
        if let Some(found) = found {
            // Another attempt shrank to this config already, and it was
            // settled then.
            let settled = found
                .known
                .iter()
                .any(|(status, known, _)| *status == record.status && *known == simpler);
            let done = if settled {
                Some((simpler, value_limit, record.status, record.clone().into()))
            } else {
                let result = self.settle_shrunk(call, simpler, value_limit, &record, &budget)?;
                (result.2 == record.status).then_some(result)
            };
            if let Some(done) = done {
                // A later attempt that holds the drawn minimal config fails
                // the same way: it is this finding again, with no shrinking.
                found.known.push((record.status, minimal, usize::MAX));
                return Ok(done);
            }
        } else {
            let result = self.settle_shrunk(call, simpler, value_limit, &record, &budget)?;
            if result.2 == record.status {
                return Ok(result);
            }
        }
        // The simpler values did not fail every time: settle the drawn
        // ones.
        self.settle_shrunk(call, minimal, None, &record, &budget)
    }

    /// Settles a shrunk config, shrinking on whenever a config one field
    /// smaller turns out to fail the same way.
    fn settle_shrunk(
        &self,
        call: &mut Call,
        mut minimal: Vec<Change>,
        mut limit: Option<ShrinkLimit>,
        record: &RunRecord,
        budget: &Budget,
    ) -> Result<(Vec<Change>, Option<ShrinkLimit>, Status, Detail), FuzzError> {
        loop {
            // A config cut short by a limit is not claimed to be minimal:
            // its fields are not checked one by one.
            let refs = borrowed(&minimal);
            match self.settle(call, &refs, record, limit.is_none())? {
                Settled::Final(status, detail) => return Ok((minimal, limit, status, detail)),
                Settled::Smaller(smaller) => {
                    let (again, more) = self.shrink(call, &smaller, record.status, budget)?;
                    let again = owned(&again);
                    minimal = again;
                    limit = limit.or(more);
                }
            }
        }
    }

    /// Shrinks the values of the fields of `minimal` (failing with
    /// `status`) one field at a time, in field order, within the shrink
    /// limits (see `value_shrink`): the simpler config, and the limit that
    /// cut it short, if any.
    fn shrink_values_of(
        &self,
        call: &mut Call,
        minimal: &[Change],
        status: Status,
        budget: &Budget,
    ) -> Result<(Vec<Change>, Option<ShrinkLimit>), FuzzError> {
        call.phase(Phase::Minimize);
        let call = &*call;
        let fields = C::fields();
        let max_runs = self.opts.max_shrink_runs;
        let mut limit: Option<ShrinkLimit> = None;
        let mut error: Option<FuzzError> = None;
        // Candidates are put in the field's own form by setting them on a
        // config and reading them back (an enum variant named by a string
        // becomes the variant); a value the type rejects is no candidate.
        let mut scratch = C::__registry().declared_with_force();
        let mut now: Vec<Change> = minimal.to_vec();
        for k in 0..now.len() {
            if limit.is_some() || error.is_some() {
                break;
            }
            let i = now[k].0 as usize;
            let field = &fields[i];
            let current = now[k].1.clone();
            let mut probe = |candidate: &Value| -> Option<Value> {
                if limit.is_some() || error.is_some() {
                    return None;
                }
                scratch.__set_index(i, candidate).ok()?;
                let canonical = scratch.__get_index(i);
                if canonical == *field.default_ref() || canonical == current {
                    return None;
                }
                if self.num_runs() - budget.runs_at_start >= max_runs {
                    limit = Some(ShrinkLimit::Runs(max_runs));
                    return None;
                }
                if budget.deadline.is_some_and(|d| Instant::now() >= d) {
                    limit = Some(ShrinkLimit::Time(self.shrink_time()));
                    return None;
                }
                let mut trial = now.clone();
                trial[k].1 = canonical.clone();
                match self.verdict(call, &borrowed(&trial), Judge::PROBE) {
                    Ok(Ok(r)) if r.status == status => Some(canonical),
                    // Another status, or a config an implication or a
                    // validator forbids.
                    Ok(_) => None,
                    Err(e) => {
                        error = Some(e);
                        None
                    }
                }
            };
            let shrunk = value_shrink::shrink_value(
                &current,
                field.default_ref(),
                field.domain(),
                &field.schema_type,
                &mut probe,
            );
            now[k].1 = shrunk;
        }
        if let Some(e) = error {
            return Err(e);
        }
        Ok((now, limit))
    }

    /// The final word on a shrunk config that failed with `original`'s
    /// status. With `confirm` on, its failure must come back every time,
    /// each config one field smaller must pass every time, and the baseline
    /// must never have failed that way (it is run a few more times the
    /// first time, and more once the test has shown flakiness): otherwise
    /// it is [`Status::Flaky`].
    fn settle<'a>(
        &self,
        call: &mut Call,
        minimal: &[ChangeRef<'a>],
        original: &RunRecord,
        check_fields: bool,
    ) -> Result<Settled<'a>, FuzzError> {
        let status = original.status;
        let flaky = |message: String, duration: Duration| {
            Ok(Settled::Final(
                Status::Flaky,
                Detail {
                    message: Some(message),
                    duration,
                },
            ))
        };
        // What the memo knows of the minimal config (it failed while
        // shrinking, or it is the attempt itself).
        let mut record = self.verdict(call.phase(Phase::Minimize), minimal, Judge::PROBE)??;
        let confirm = self.opts.confirm;
        if confirm > 0 {
            record = self.verdict(call.phase(Phase::Confirm), minimal, Judge::FRESH)??;
        }
        if record.status != status {
            let message = format!(
                "{}; it first failed with {status}{}",
                record
                    .message
                    .as_deref()
                    .unwrap_or("the failure did not come back"),
                original
                    .message
                    .as_deref()
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default()
            );
            return flaky(message, record.duration);
        }
        if confirm == 0 {
            return Ok(Settled::Final(status, record.into()));
        }
        // A failure the pins alone also show, now and then, is the test's
        // own flakiness, not the config's.
        let evidence = BASELINE_EVIDENCE * (confirm + 1) * if self.seen_flaky() { 3 } else { 1 };
        let (baseline, runs) = self.baseline_tally(call, evidence)?;
        let same = baseline.iter().filter(|s| **s == status).count();
        if same > 0 {
            return flaky(
                format!(
                    "the test is flaky: the pins alone also failed this way ({status}) on {same} of {runs} runs; \
                     this config: {}",
                    record.message.as_deref().unwrap_or("")
                ),
                record.duration,
            );
        }
        // Each field must matter on every run.
        if check_fields && minimal.len() >= 2 {
            let neighbours: Vec<Vec<ChangeRef<'a>>> = (0..minimal.len())
                .map(|skip| {
                    minimal
                        .iter()
                        .enumerate()
                        .filter(|(k, _)| *k != skip)
                        .map(|(_, c)| *c)
                        .collect()
                })
                // A neighbour that breaks an implication or a validator
                // cannot run, so it says nothing about minimality.
                .filter(|n: &Vec<ChangeRef<'a>>| self.may_run(n))
                .collect();
            let slices: Vec<&[ChangeRef<'a>]> = neighbours.iter().map(Vec::as_slice).collect();
            let runs = self.repeat(call, Phase::Confirm, &slices, confirm + 1)?;
            for (neighbour, runs) in neighbours.iter().zip(&runs) {
                let same = runs.iter().filter(|r| r.status == status).count();
                if same == runs.len() {
                    // Not minimal after all (the test is not monotone):
                    // shrink on from there.
                    return Ok(Settled::Smaller(neighbour.clone()));
                }
                if same > 0 {
                    let name = minimal
                        .iter()
                        .find(|c| !neighbour.contains(c))
                        .map(|c| C::fields()[c.0 as usize].name())
                        .unwrap_or("?");
                    return flaky(
                        format!(
                            "the failure is flaky: without `{name}` it also failed this way on {same} of {} runs; \
                             this config: {}",
                            runs.len(),
                            record.message.as_deref().unwrap_or("")
                        ),
                        record.duration,
                    );
                }
            }
        }
        Ok(Settled::Final(status, record.into()))
    }

    /// Shrinks failing `changes` (known to end in `status`) to a 1-minimal
    /// subset that ends in the same status, within the shrink limits.
    pub(crate) fn shrink<'a>(
        &self,
        call: &mut Call,
        changes: &[ChangeRef<'a>],
        status: Status,
        budget: &Budget,
    ) -> Result<(Vec<ChangeRef<'a>>, Option<ShrinkLimit>), FuzzError> {
        call.phase(Phase::Minimize);
        let call = &*call;
        let deadline = budget.deadline;
        let max_runs = self.opts.max_shrink_runs;
        let runs_at_start = budget.runs_at_start;
        let flaky_at_start = self.seen_flaky();
        let limit: Cell<Option<ShrinkLimit>> = Cell::new(None);
        let error: Cell<Option<FuzzError>> = Cell::new(None);
        let failed = Cell::new(false);
        let mut probe = |subset: &[ChangeRef<'a>]| -> bool {
            if failed.get() || limit.get().is_some() {
                // Stop: "passes" makes the shrinker settle on what it has
                // seen fail.
                return false;
            }
            if self.num_runs() - runs_at_start >= max_runs {
                limit.set(Some(ShrinkLimit::Runs(max_runs)));
                return false;
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                limit.set(Some(ShrinkLimit::Time(self.shrink_time())));
                return false;
            }
            match self.verdict(call, subset, Judge::PROBE) {
                Ok(Ok(r)) => r.status == status,
                Ok(Err(_)) => false,
                Err(e) => {
                    error.set(Some(e));
                    failed.set(true);
                    false
                }
            }
        };
        let mut result = if flaky_at_start {
            minimize::minimize_verified(changes, &mut probe).0
        } else {
            minimize::minimize(changes, &mut probe).0
        };
        if !flaky_at_start && self.seen_flaky() && !failed.get() && limit.get().is_none() {
            // The test showed flakiness while shrinking: check every step
            // of the result with repeated runs.
            result = minimize::minimize_verified(&result, &mut probe).0;
        }
        if let Some(e) = error.take() {
            return Err(e);
        }
        Ok((result, limit.get()))
    }

    /// Whether pins plus `changes` may run (see `check_candidate`).
    fn may_run(&self, changes: &[ChangeRef<'_>]) -> bool {
        !crate::constraint::constrained::<C>()
            || check_changes(
                &C::__registry().declared_with_force(),
                &self.pins.active,
                changes,
            )
            .is_ok()
    }

    /// `minimize`, with errors.
    pub(crate) fn minimize_diff(&self, diff: &ConfigDiff) -> Result<Option<Finding>, FuzzError> {
        let changes = resolve_pinned::<C>(diff, &self.pins)?;
        let mut call = Call::new(Phase::Minimize);
        let record = self.verdict(&call, &changes, Judge::CAMPAIGN)??;
        if !record.status.is_failing() || record.status == Status::Flaky {
            return Ok(None);
        }
        let (minimal, limit, status, detail) =
            self.shrink_and_settle(&mut call, &changes, record, None)?;
        let config = to_diff::<C>(&borrowed(&minimal));
        Ok(Some(Finding {
            snippet: self.repro_snippet(&config),
            config,
            status,
            detail,
            hits: 1,
            shrink_limit: limit,
            first_attempt: 1,
            replayed: false,
        }))
    }

    /// `test_config`, with errors.
    pub(crate) fn test_diff(&self, diff: &ConfigDiff) -> Result<Status, FuzzError> {
        let changes = resolve_pinned::<C>(diff, &self.pins)?;
        let call = Call::new(Phase::Test);
        Ok(self.verdict(&call, &changes, Judge::FRESH)??.status)
    }

    /// `reproduce`, with errors (bad configs are `Skipped` entries).
    pub(crate) fn reproduce_all(&self, configs: &[ConfigDiff]) -> Result<Results, FuzzError> {
        let mut results = Results::new();
        let mut call = Call::new(Phase::Reproduce);
        let jobs = self.opts.jobs.max(1);
        for chunk in configs.chunks(jobs) {
            let resolved: Vec<_> = chunk
                .iter()
                .map(|d| resolve_pinned::<C>(d, &self.pins))
                .collect();
            let runnable: Vec<&[ChangeRef<'_>]> = resolved
                .iter()
                .filter_map(|r| r.as_ref().ok().map(Vec::as_slice))
                .collect();
            let mut verdicts = self.verdicts(&call, &runnable, Judge::FRESH)?.into_iter();
            for (diff, r) in chunk.iter().zip(&resolved) {
                let (status, detail) = match r {
                    Err(e) => (Status::Skipped, skipped(e.to_string())),
                    Ok(_) => match verdicts.next().expect("a verdict per runnable config") {
                        Ok(record) => (record.status, record.into()),
                        Err(e) => (Status::Skipped, skipped(e.to_string())),
                    },
                };
                call.failures += usize::from(status.is_failing());
                results.record(Entry {
                    config: diff.clone(),
                    status,
                    detail,
                });
            }
        }
        Ok(results)
    }

    /// `fuzz_n_tuple`, with errors.
    pub(crate) fn n_tuple(&self, n: usize, max_combinations: usize) -> Result<Results, FuzzError> {
        let campaign = self.campaign(
            "n-tuple",
            [
                ("n".to_string(), serde_json::json!(n)),
                (
                    "max_combinations".to_string(),
                    serde_json::json!(max_combinations),
                ),
                ("draw".to_string(), serde_json::json!(self.draw().name())),
            ]
            .into(),
        );
        let _journal = self.open_journal(&campaign)?;
        let mut rng = rng(self.seed);
        let mut results = Results::new();
        results.campaign = Some(campaign);
        let fields = C::fields();
        let count = fields.len();
        if n == 0 || n > count {
            return Ok(results);
        }
        let mut call = Call::new(Phase::NTuple);
        let jobs = self.opts.jobs.max(1);
        let fixed: Vec<bool> = (0..count).map(|i| !self.pins.fuzzable::<C>(i)).collect();
        results.begin_sweep(fields, fixed.clone(), n);
        let mut combo: Vec<usize> = (0..n).collect();
        let mut ran = 0;
        // With every level drawn: each field's non-default levels (its one
        // level if it has no other).
        let all_levels = (self.draw() == super::NTupleDraw::AllLevels).then(|| {
            super::levels::levels::<C>(&self.pins, self.seed)
                .into_iter()
                .map(|mut l| {
                    if l.len() > 1 {
                        l.remove(0);
                    }
                    l
                })
                .collect::<Vec<_>>()
        });
        // Configs sampled to run, by every shard (shards split configs).
        let mut drawn = 0;
        // Combinations sampled to run, by every shard.
        let mut taken = 0;
        let mut more = true;
        // Combinations to run, sampled in order, run `jobs` at a time.
        let mut pending: Vec<Vec<Change>> = Vec::new();
        while more && taken < max_combinations {
            if let Some(p) = combo.iter().position(|&i| fixed[i]) {
                // Every combination that starts with `combo[..=p]` holds
                // that fixed field: count them all, and go on after the
                // last of them.
                results.count_skipped(binomial(count - 1 - combo[p], n - 1 - p));
                for (j, slot) in combo.iter_mut().enumerate().skip(p + 1) {
                    *slot = count - n + j;
                }
            } else if let Some(levels) = &all_levels {
                // Every combination of the fields' levels, in order; one
                // that breaks an implication or a validator is recorded as
                // skipped, with the reason, and not run.
                let mut at = vec![0usize; n];
                loop {
                    let tuple: Vec<Change> = combo
                        .iter()
                        .zip(&at)
                        .map(|(&i, &l)| (i as u32, levels[i][l].clone()))
                        .collect();
                    match self.tuple_check(&tuple) {
                        Err(e) => results.record(Entry {
                            config: to_diff::<C>(&borrowed(&tuple)),
                            status: Status::Skipped,
                            detail: skipped(e.to_string()),
                        }),
                        Ok(()) => {
                            if self.owns(drawn) {
                                pending.push(tuple);
                            }
                            drawn += 1;
                        }
                    }
                    if pending.len() == jobs {
                        self.flush_n_tuple(&mut call, &mut pending, &mut results, &mut ran)?;
                    }
                    let Some(j) = (0..n).rev().find(|&j| at[j] + 1 < levels[combo[j]].len()) else {
                        break;
                    };
                    at[j] += 1;
                    at[j + 1..].iter_mut().for_each(|a| *a = 0);
                }
                taken += 1;
            } else {
                let mut tuple: Vec<Change> = combo
                    .iter()
                    .map(|&i| (i as u32, fields[i].sample(self.sampling, &mut rng)))
                    .collect();
                // Values that break an implication or a validator are
                // sampled again; a combination that never works out is
                // recorded as skipped, with the reason, and not run.
                let mut tries = 0;
                while let Err(e) = self.tuple_check(&tuple) {
                    tries += 1;
                    if tries > N_TUPLE_RESAMPLES {
                        results.record(Entry {
                            config: to_diff::<C>(&borrowed(&tuple)),
                            status: Status::Skipped,
                            detail: skipped(e.to_string()),
                        });
                        break;
                    }
                    tuple = combo
                        .iter()
                        .map(|&i| (i as u32, fields[i].sample(self.sampling, &mut rng)))
                        .collect();
                }
                if tries <= N_TUPLE_RESAMPLES {
                    // Every shard samples every combination (one stream of
                    // values); each runs its own.
                    if self.owns(drawn) {
                        pending.push(tuple);
                    }
                    taken += 1;
                    drawn += 1;
                }
                if pending.len() == jobs {
                    self.flush_n_tuple(&mut call, &mut pending, &mut results, &mut ran)?;
                }
            }
            more = next_combination(&mut combo, count);
        }
        results.end_sweep(more.then_some(combo));
        self.flush_n_tuple(&mut call, &mut pending, &mut results, &mut ran)?;
        Ok(results)
    }

    fn flush_n_tuple(
        &self,
        call: &mut Call,
        pending: &mut Vec<Vec<Change>>,
        results: &mut Results,
        ran: &mut usize,
    ) -> Result<(), FuzzError> {
        if pending.is_empty() {
            return Ok(());
        }
        let refs: Vec<Vec<ChangeRef<'_>>> = pending.iter().map(|c| borrowed(c)).collect();
        let slices: Vec<&[ChangeRef<'_>]> = refs.iter().map(Vec::as_slice).collect();
        let verdicts = self.verdicts(call, &slices, Judge::CAMPAIGN)?;
        for (changes, verdict) in refs.iter().zip(verdicts) {
            let record = verdict?;
            call.failures += usize::from(record.status.is_failing());
            results.record(Entry {
                config: to_diff::<C>(changes),
                status: record.status,
                detail: record.into(),
            });
            *ran += 1;
        }
        drop(refs);
        pending.clear();
        Ok(())
    }
}

/// How many times `fuzz_n_tuple` samples a combination's values again when
/// they break an implication or a validator.
const N_TUPLE_RESAMPLES: usize = 8;

impl<C: FuzzableConfig> ConfigFuzzer<C> {
    /// Whether pins plus `tuple` may run, and why not.
    fn tuple_check(&self, tuple: &[Change]) -> Result<(), ConfigError> {
        if !crate::constraint::constrained::<C>() {
            return Ok(());
        }
        check_changes(
            &C::__registry().declared_with_force(),
            &self.pins.active,
            &borrowed(tuple),
        )
    }
}

fn skipped(message: String) -> Detail {
    Detail {
        message: Some(message),
        duration: Duration::ZERO,
    }
}

/// The number of ways to choose `k` of `n`, saturating at `usize::MAX`.
fn binomial(n: usize, k: usize) -> usize {
    let k = k.min(n - k);
    let mut c: u128 = 1;
    for i in 0..k as u128 {
        // c * (n - i) / (i + 1) is C(n, i + 1): exact at every step.
        match c.checked_mul(n as u128 - i) {
            Some(m) => c = m / (i + 1),
            None => return usize::MAX,
        }
        if c > usize::MAX as u128 {
            return usize::MAX;
        }
    }
    c as usize
}

/// Advances `combo` (sorted indices below `n`) to the next combination in
/// lexicographic order; `false` after the last.
pub(crate) fn next_combination(combo: &mut [usize], n: usize) -> bool {
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

impl<C: FuzzableConfig> ConfigFuzzer<C> {
    /// Whether a hunt keeps its later attempts clear of the bugs it has
    /// already found (default: on for [`hunt`](Self::hunt), off for
    /// [`bisect`](Self::bisect), which keeps PyTorch's shape; set it to
    /// choose for both).
    ///
    /// A sampled config that holds a known culprit (every change of a
    /// minimal failing config found earlier in the campaign, or replayed
    /// from the [`regressions`](Self::regressions) file and still failing)
    /// fails for the known reason, and shrinking it only finds that bug
    /// again, while it may hide another one. With this on, before an
    /// attempt runs, one field of each known culprit its sample holds goes
    /// back to its default, until it holds none, so every failing attempt
    /// goes toward a bug not found yet. A finding's
    /// [`hits`](crate::Finding::hits) still counts the failing attempts that
    /// led to it (an attempt rescued as above counts for each finding it led
    /// to); beyond the first, those are attempts that failed for that reason
    /// without holding the whole culprit as found (another value of the
    /// same field, or a config that implies it).
    ///
    /// The samples are drawn from the seed as with it off; which field goes
    /// back is chosen from the seed, the attempt and the culprit, so the
    /// same seed gives the same findings whatever [`jobs`](Self::jobs) is,
    /// and a [`state`](Self::state) file resumes the hunt exactly. With
    /// `jobs(n)`, an attempt run alongside an earlier one that finds a new
    /// culprit is run again cleared of it, as `jobs(1)` would run it: a
    /// few more runs than `jobs(1)`, and, resumed from a state file with
    /// another `jobs`, a few runs made afresh. A field whose
    /// removal would break an implication or a validator is passed over for
    /// another field of the culprit. The setting is part of the campaign's
    /// identity (state files, [`Hunt::merge`](crate::Hunt::merge)). Sharded
    /// hunts ([`shard`](Self::shard)) each keep clear of what that shard
    /// found, so with it on, merged shards are not run for run one
    /// unsharded hunt; turn it off for that.
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
    /// // Two bugs: fusion off; unrolling and vectorizing on together.
    /// let test = || Flags::read(|c| c.fuse && !(c.unroll && c.vectorize));
    /// let hunt = ConfigFuzzer::<Flags>::new(test, 0).hunt(2, 1.0).unwrap();
    /// // The first attempt (every field toggled) finds one bug; the second
    /// // is kept clear of it and finds the other.
    /// assert_eq!(hunt.findings().len(), 2);
    ///
    /// // Off: every attempt draws the same config and finds the same bug.
    /// let again = ConfigFuzzer::<Flags>::new(test, 0).forbid_found(false).hunt(2, 1.0).unwrap();
    /// assert_eq!(again.findings().len(), 1);
    /// assert_eq!(again.findings()[0].hits(), 2);
    /// ```
    pub fn forbid_found(mut self, on: bool) -> Self {
        self.opts.forbid_found = Some(on);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binomials() {
        assert_eq!(binomial(5, 0), 1);
        assert_eq!(binomial(5, 2), 10);
        assert_eq!(binomial(665, 3), 48_792_380);
        assert_eq!(binomial(66, 33), 7_219_428_434_016_265_740);
        assert_eq!(binomial(1000, 500), usize::MAX);
    }

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
