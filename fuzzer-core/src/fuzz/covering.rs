//! Covering sweeps: `fuzz_covering(t)` runs a covering array over each
//! field's [levels](super::levels) instead of one config per t-set.
//!
//! # The generator
//!
//! A greedy one-row-at-a-time construction in the style of AETG (Cohen,
//! Dalal, Fredman and Patton, "The AETG System", IEEE TSE 23(7), 1997) and
//! of the density-based generators that followed it (Bryce and Colbourn's
//! DDA), seeded and deterministic. One row at a time, because the rows are
//! adaptive: what the next row must hold depends on which rows failed and
//! which culprits they shrank to.
//!
//! 1. Every *interaction* (a t-set of fields and one level of each) starts
//!    open. The next row starts from the first open interaction (scanning on
//!    from where the last row's scan stopped), which fixes t fields.
//! 2. Every unset field and level has a *gain*: how many open interactions
//!    setting it would close together with the fields set so far. Gains are
//!    kept up to date as fields are set (setting field `q` adds, for every
//!    unset field `p`, the open interactions of `p`'s levels with `q` and
//!    t - 2 fields set earlier), so a row costs one pass over the t-sets
//!    instead of one per field. t-sets with nothing open and fields that no
//!    open interaction holds are skipped, so late rows, when little is
//!    open, cost little.
//! 3. The unset field and level with the largest gain is set next (ties to
//!    the earlier field in a seeded shuffle, then a seeded pick among the
//!    field's levels), never a level that completes a culprit found earlier
//!    (the default never does). Fields with nothing open take a seeded
//!    level last.
//! 4. Several candidate rows are built this way (up to 16; fewer while many
//!    fields are still open, so a step costs about the same at any width)
//!    and the one closing the most interactions is kept.
//! 5. One improving pass: each field the generator chose moves to the level
//!    that holds the most open interactions with the rest of the row, if
//!    that is more than its own and completes no culprit.
//!
//! A passing row closes every interaction it holds. A failing row is
//! shrunk by the campaign's minimizer to a culprit; every interaction that
//! contains the culprit is *explained* (the sweep reports it failing), and
//! no later row contains the culprit. The interactions of the failing row
//! that do not contain it stay open and are covered again by later rows.
//! The sweep ends when no interaction is open.
//!
//! With `jobs(n)`, up to `n` rows are planned ahead, each on a copy of the
//! bookkeeping where the rows before it passed, and run together. They are
//! taken in order; at the first that fails or cannot run, the generator's
//! state (its scan position and seeded generator) goes back to just after
//! that row was planned, and the rows after it are dropped and planned
//! again. So the rows, culprits and results are those of `jobs(1)`.
//!
//! A row that breaks an implication or a validator is repaired by setting
//! fields back to their defaults (the last chosen first, the seed
//! interaction's fields never); if the seed interaction alone cannot run,
//! it is recorded as [`Status::Skipped`] with the reason and never run.
//!
//! # Sizes
//!
//! Rows of a sweep over a test that always passes (`cargo run --release
//! -p fake-config --example finding_power -- sizes`), against the best
//! known binary covering arrays CAN(t, k, 2). Strength 2 is known exactly
//! (Kleitman and Spencer, "Families of k-independent sets", 1973; Katona
//! 1973): the least `N` with `C(N-1, ceil(N/2)) >= k`. Strength 3 is an
//! upper bound from Colbourn's covering array tables (snapshot of November
//! 2024; 18 at k = 20 is claimed optimal by Hiess and Kampel, 2025).
//!
//! | fields (all `bool`) | t | t-sets | rows | best known | rows / best |
//! |---|---|---|---|---|---|
//! | 20 | 2 | 190 | 11 | 8 | 1.38 |
//! | 50 | 2 | 1,225 | 14 | 9 | 1.56 |
//! | 100 | 2 | 4,950 | 15 | 10 | 1.50 |
//! | 300 | 2 | 44,850 | 20 | 12 | 1.67 |
//! | 20 | 3 | 1,140 | 26 | 18 | 1.44 |
//! | 50 | 3 | 19,600 | 37 | 28 | 1.32 |
//! | 100 | 3 | 161,700 | 47 | 33 | 1.42 |
//!
//! For 100 two-level fields at strength 2 the pairwise.org efficiency
//! table lists tools from 10 rows (AETG, CTS, TestCover, IPO-s) to 18
//! (JCUnit), with PICT, IPO and DDA at 15 and Jenny at 16. At strength 3
//! NIST's IPOG-F arrays have 36 rows for 49 two-level factors and 38 for
//! 60. `InductorConfig` (588 fuzzed fields of mixed types, 172,578 pairs)
//! takes 295 rows; three of its fields have 11 levels and 70 have 10, so
//! no array has fewer than 121 rows, and no published figure fits its mix
//! of levels.
//!
//! # The no-masking assumption
//!
//! A covering sweep answers a t-set from the rows that contain it, not from
//! a run of the t-set alone. That is sound when failures do not mask each
//! other: an interaction that fails, fails in every config that contains
//! it, and a config passes only if every interaction in it passes. A test
//! where one field's value hides another's bug (an early return, a fallback
//! path) can break this: a t-set can then be reported passing while it
//! fails alone. [`ConfigFuzzer::verify`] re-runs each reported culprit
//! alone; [`ConfigFuzzer::fuzz_n_tuple`] runs each t-set alone.

use std::collections::BTreeSet;

use super::campaign::next_combination;
use super::candidate::{borrowed, check_changes, owned, to_diff, Change, ChangeRef};
use super::engine::{Call, Judge, Phase};
use super::hunt::FuzzError;
use super::levels::levels;
use super::results::{CoverRule, Detail, Entry, Results, Status};
use super::ConfigFuzzer;
use crate::config::FuzzableConfig;
use crate::error::ConfigError;
use crate::sample::{rng, FuzzRng};
use crate::value::ConfigDiff;

/// How [`ConfigFuzzer::fuzz_n_tuple`] picks the values of each
/// combination of fields. Set with
/// [`ConfigFuzzer::n_tuple_draw`]; part of the campaign's identity in
/// state files and shards.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum NTupleDraw {
    /// Every combination of the fields' non-default levels (the default):
    /// a pair of `bool`s is one config (both toggled), a `bool` and a
    /// three-variant enum two, so a bug at one value of a small domain is
    /// never missed by an unlucky draw. `max_combinations` still counts
    /// combinations of fields, not configs.
    #[default]
    AllLevels,
    /// One value per field, drawn with the fuzzer's
    /// [`SamplingMethod`](crate::SamplingMethod): PyTorch's
    /// `fuzz_n_tuple`, one config per combination of fields.
    Single,
}

impl NTupleDraw {
    /// The name in campaign options.
    pub(crate) fn name(self) -> &'static str {
        match self {
            NTupleDraw::AllLevels => "all-levels",
            NTupleDraw::Single => "single",
        }
    }
}

impl<C: FuzzableConfig> ConfigFuzzer<C> {
    /// How [`fuzz_n_tuple`](Self::fuzz_n_tuple) picks each combination's
    /// values: every combination of the fields' non-default levels
    /// ([`NTupleDraw::AllLevels`], the default), or one sampled value per
    /// field ([`NTupleDraw::Single`], PyTorch's shape).
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    /// use fuzzer_core::NTupleDraw;
    ///
    /// #[derive(FuzzValue, Clone, Copy, Debug, PartialEq, Eq)]
    /// pub enum Mode { Fast, Safe, Debug }
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Knobs {
    ///     pub trace: bool,
    ///     #[config(default = Mode::Fast)]
    ///     pub mode: Mode,
    /// }
    ///
    /// let test = || Knobs::read(|c| !(c.trace && c.mode == Mode::Debug));
    /// let all = ConfigFuzzer::<Knobs>::new(test, 0).fuzz_n_tuple(2, 10);
    /// assert_eq!(all.num_ran(), 2);      // trace on with Safe, and with Debug
    /// assert_eq!(all.lookup(&["trace", "mode"]), Some(Status::FailedReturn));
    /// let one = ConfigFuzzer::<Knobs>::new(test, 0)
    ///     .n_tuple_draw(NTupleDraw::Single)
    ///     .fuzz_n_tuple(2, 10);
    /// assert_eq!(one.num_ran(), 1);      // one drawn value of `mode`
    /// ```
    pub fn n_tuple_draw(mut self, draw: NTupleDraw) -> Self {
        self.opts.n_tuple_draw = draw;
        self
    }

    /// The configured [`NTupleDraw`].
    pub(crate) fn draw(&self) -> NTupleDraw {
        self.opts.n_tuple_draw
    }
}

/// An interaction no passing row has held yet.
const OPEN: u8 = 0;
/// Held by a passing row.
const COVERED: u8 = 1;
/// Contains a culprit: reported failing.
const EXPLAINED: u8 = 2;
/// Cannot run (breaks an implication or a validator).
const NO_RUN: u8 = 3;

/// The work, in interaction look-ups, that the candidate rows of one step
/// share: a narrow config gets up to [`MAX_CANDIDATES`] candidate rows, a
/// wide one fewer, so a step costs about the same at any width.
const CANDIDATE_BUDGET: usize = 200_000;
/// The most candidate rows one step builds.
const MAX_CANDIDATES: usize = 16;

/// The bookkeeping of a covering array: the state of every interaction,
/// and how many are open per position and per t-set (so the generator
/// skips what is already covered).
#[derive(Clone)]
pub(crate) struct Coverage {
    t: usize,
    /// Levels per position (varied fields only).
    levels: Vec<usize>,
    /// Where each position's levels start in a flat per-level table.
    level_base: Vec<usize>,
    /// `C(n, j)` for `n <= k`, `j <= t`.
    binom: Vec<Vec<usize>>,
    /// Start of each t-set's block of interactions, by the t-set's rank.
    offsets: Vec<usize>,
    state: Vec<u8>,
    open: usize,
    /// Open interactions that hold each position.
    open_at: Vec<usize>,
    /// Open interactions of each t-set, by rank.
    open_in: Vec<u32>,
    /// Where the search for the next open interaction goes on.
    cursor: usize,
}

impl Coverage {
    /// The interactions of `t`-sets (`t` at most 3) over positions with
    /// these level counts. `None` if there are more than `usize` can count
    /// or memory could hold.
    pub(crate) fn new(levels: Vec<usize>, t: usize) -> Option<Self> {
        if t > 3 {
            return None;
        }
        let k = levels.len();
        let mut binom = vec![vec![0usize; t + 1]; k + 1];
        for n in 0..=k {
            binom[n][0] = 1;
            for j in 1..=t.min(n) {
                binom[n][j] =
                    binom[n - 1][j - 1].checked_add(if j < n { binom[n - 1][j] } else { 0 })?;
            }
        }
        let sets = binom[k][t];
        let mut sizes = vec![0usize; sets];
        let mut open_at = vec![0usize; k];
        if k >= t {
            let mut combo: Vec<usize> = (0..t).collect();
            loop {
                let rank = rank(&binom, &combo);
                let size = combo
                    .iter()
                    .try_fold(1usize, |acc, &p| acc.checked_mul(levels[p]))?;
                sizes[rank] = size;
                for &p in &combo {
                    open_at[p] = open_at[p].checked_add(size)?;
                }
                if t == 0 || !next_combination(&mut combo, k) {
                    break;
                }
            }
        }
        let mut offsets = Vec::with_capacity(sets + 1);
        let mut open_in = Vec::with_capacity(sets);
        let mut total = 0usize;
        for s in sizes {
            offsets.push(total);
            open_in.push(u32::try_from(s).ok()?);
            total = total.checked_add(s)?;
        }
        offsets.push(total);
        let mut level_base = Vec::with_capacity(k + 1);
        let mut at = 0usize;
        for &l in &levels {
            level_base.push(at);
            at += l;
        }
        level_base.push(at);
        Some(Coverage {
            t,
            levels,
            level_base,
            binom,
            offsets,
            state: vec![OPEN; total],
            open: total,
            open_at,
            open_in,
            cursor: 0,
        })
    }

    /// The number of interactions.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.state.len()
    }

    /// The index of the interaction of sorted positions `pos` at `lv`.
    fn index(&self, pos: &[usize], lv: &[usize]) -> usize {
        let mut at = 0;
        for (&p, &l) in pos.iter().zip(lv) {
            at = at * self.levels[p] + l;
        }
        self.offsets[rank(&self.binom, pos)] + at
    }

    /// Moves interaction `i` (of sorted positions `pos`) to `state`.
    fn mark(&mut self, i: usize, pos: &[usize], state: u8) {
        if self.state[i] == OPEN && state != OPEN {
            self.open -= 1;
            for &p in pos {
                self.open_at[p] -= 1;
            }
            self.open_in[rank(&self.binom, pos)] -= 1;
        }
        self.state[i] = state;
    }

    /// The line of interactions that hold position `p` at each of its
    /// levels together with the `others` (position, level) pairs (t - 1 of
    /// them, not `p`, in any order): `None` if none of the t-set's
    /// interactions is open, else the index at level 0 of `p` and the
    /// stride from one level of `p` to the next.
    fn line(&self, p: usize, others: &[(usize, usize)]) -> Option<(usize, usize)> {
        let mut cells = [(0usize, 0usize); 3];
        let n = others.len() + 1;
        cells[0] = (p, 0);
        cells[1..n].copy_from_slice(others);
        let cells = &mut cells[..n];
        // Insertion sort: at most three cells.
        for i in 1..n {
            let mut j = i;
            while j > 0 && cells[j - 1].0 > cells[j].0 {
                cells.swap(j - 1, j);
                j -= 1;
            }
        }
        let mut rank = 0;
        let mut at = 0;
        let mut stride = 1;
        let mut after_p = false;
        for (j, &(q, l)) in cells.iter().enumerate() {
            rank += self.binom[q][j + 1];
            at = at * self.levels[q] + l;
            if after_p {
                stride *= self.levels[q];
            }
            after_p |= q == p;
        }
        if self.open_in[rank] == 0 {
            return None;
        }
        Some((self.offsets[rank] + at, stride))
    }

    /// [`line`](Self::line) for pairs: position `p` with `q` at `w`.
    fn line2(&self, p: usize, q: usize, w: usize) -> Option<(usize, usize)> {
        let (rank, at, stride) = if p < q {
            (self.binom[q][2] + p, w, self.levels[q])
        } else {
            (self.binom[p][2] + q, w * self.levels[p], 1)
        };
        (self.open_in[rank] > 0).then(|| (self.offsets[rank] + at, stride))
    }

    /// The first open interaction at or after the cursor, as positions and
    /// levels.
    fn next_open(&mut self) -> Option<(Vec<usize>, Vec<usize>)> {
        if self.open == 0 {
            return None;
        }
        let len = self.state.len();
        let start = self.cursor;
        let i = (start..len)
            .chain(0..start)
            .find(|&i| self.state[i] == OPEN)?;
        self.cursor = i;
        Some(self.decode(i))
    }

    /// The positions and levels of interaction `i`.
    fn decode(&self, i: usize) -> (Vec<usize>, Vec<usize>) {
        let rank = self.offsets.partition_point(|&o| o <= i) - 1;
        let pos = self.unrank(rank);
        let mut at = i - self.offsets[rank];
        let mut lv = vec![0; self.t];
        for j in (0..self.t).rev() {
            lv[j] = at % self.levels[pos[j]];
            at /= self.levels[pos[j]];
        }
        (pos, lv)
    }

    /// The sorted positions of the t-set of rank `rank`.
    fn unrank(&self, rank: usize) -> Vec<usize> {
        // The combinatorial number system (colex order).
        let mut pos = vec![0; self.t];
        let mut r = rank;
        let mut n = self.levels.len();
        for j in (1..=self.t).rev() {
            n -= 1;
            while self.binom[n][j] > r {
                n -= 1;
            }
            pos[j - 1] = n;
            r -= self.binom[n][j];
        }
        pos
    }

    /// Calls `f` with the sorted positions of every t-set that still has an
    /// open interaction, and the index of the one a full `row` holds.
    fn each_open_set_in_row(&self, row: &[usize], mut f: impl FnMut(&[usize], usize)) {
        let t = self.t;
        // Only positions that some open interaction holds.
        let live: Vec<usize> = (0..row.len()).filter(|&p| self.open_at[p] > 0).collect();
        if live.len() < t || t == 0 {
            return;
        }
        if t == 2 {
            // Pairs, without the general walk.
            for (j, &q) in live.iter().enumerate() {
                for &p in &live[..j] {
                    let r = self.binom[q][2] + p;
                    if self.open_in[r] > 0 {
                        f(&[p, q], self.offsets[r] + row[p] * self.levels[q] + row[q]);
                    }
                }
            }
            return;
        }
        let mut pick: Vec<usize> = (0..t).collect();
        let mut pos = vec![0usize; t];
        let mut lv = vec![0usize; t];
        loop {
            for j in 0..t {
                pos[j] = live[pick[j]];
                lv[j] = row[pos[j]];
            }
            if self.open_in[rank(&self.binom, &pos)] > 0 {
                f(&pos, self.index(&pos, &lv));
            }
            if !next_combination(&mut pick, live.len()) {
                break;
            }
        }
    }
}

/// The rank of sorted positions in the combinatorial number system.
fn rank(binom: &[Vec<usize>], pos: &[usize]) -> usize {
    pos.iter().enumerate().map(|(j, &p)| binom[p][j + 1]).sum()
}

/// One planned step of a sweep.
enum Step {
    /// A row to run, built around the seed interaction.
    Row {
        seed_pos: Vec<usize>,
        seed_lv: Vec<usize>,
        row: Row,
        changes: Vec<Change>,
    },
    /// The seed interaction cannot run (it breaks an implication or a
    /// validator), with the reason.
    Skip {
        seed_pos: Vec<usize>,
        seed_lv: Vec<usize>,
        message: String,
    },
}

/// A culprit as positions and the levels it forbids together.
struct Culprit {
    members: Vec<(usize, usize)>,
}

/// One candidate row: a level for every position, and the positions the
/// generator chose (after the seed interaction's), in order.
struct Row {
    levels: Vec<usize>,
    order: Vec<usize>,
    /// How many open interactions the row holds.
    closes: usize,
}

impl<C: FuzzableConfig> ConfigFuzzer<C> {
    /// A covering-array sweep of strength `t` (2: pairs, 3: triples): far
    /// fewer runs than [`fuzz_n_tuple`](Self::fuzz_n_tuple), whose
    /// [`Results::lookup`] answers every t-set of fields as `fuzz_n_tuple(t)`
    /// would: failing (with the culprit's status) if it contains a culprit
    /// the sweep found, [`Status::Skipped`] if it holds a field the fuzzer
    /// must not change, else passed. Use it where an exhaustive sweep is too
    /// long (100 fields: 4,950 pairs; 666 fields: 221,445 pairs).
    ///
    /// Each field varies over its levels (the default and its toggle for a
    /// `bool`, every variant of a small enum, boundaries and a few interior
    /// values of a range; see the module docs of `levels`), and the rows
    /// together hold every combination of levels of every t-set
    /// (*interaction*). A failing row is shrunk to a culprit (a minimal
    /// failing config, as [`minimize`](Self::minimize) gives), every
    /// interaction containing it is reported failing, and no later row
    /// contains it; the sweep goes on until every interaction is held by a
    /// passing row or contains a culprit. Each row depends on the rows
    /// before it, so with [`jobs`](Self::jobs)`(n)` the sweep plans `n`
    /// rows at a time, each as if the ones before it pass, and runs them
    /// together; when one fails (or cannot run) the rows after it are
    /// dropped and planned again with its culprit forbidden. The results
    /// are the same as with `jobs(1)`; only [`num_runs`](Self::num_runs)
    /// also counts the dropped rows' runs. A sharded fuzzer cannot run it.
    ///
    /// The entries are the rows run (the first is the pins alone), the
    /// culprits, and any interaction that could not run (skipped, with the
    /// reason); [`Results::culprits`] lists the culprits.
    ///
    /// **The no-masking assumption**: an interaction that fails, fails in
    /// every config that holds it, and a config that passes shows every
    /// interaction in it passes. A test where one field's value hides
    /// another's failure can break this; [`verify`](Self::verify) re-runs
    /// each culprit alone, and `fuzz_n_tuple` runs each t-set alone.
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Flags {
    ///     pub a: bool,
    ///     pub b: bool,
    ///     pub c: bool,
    ///     pub d: bool,
    ///     pub e: bool,
    /// }
    ///
    /// // Fails when `b` and `d` are both on.
    /// let fuzzer = ConfigFuzzer::<Flags>::new(|| Flags::read(|c| !(c.b && c.d)), 0);
    /// let pairs = fuzzer.fuzz_covering(2);
    /// assert_eq!(pairs.lookup(&["d", "b"]), Some(Status::FailedReturn));
    /// assert_eq!(pairs.lookup(&["a", "b"]), Some(Status::Passed));
    /// assert_eq!(pairs.culprits().count(), 1);
    /// ```
    ///
    /// # Panics
    ///
    /// If `t` is not 1, 2 or 3, the fuzzer is sharded, the pins alone fail,
    /// or process isolation cannot bring a child to the test;
    /// [`try_fuzz_covering`](Self::try_fuzz_covering) returns these as
    /// errors.
    pub fn fuzz_covering(&self, t: usize) -> Results {
        self.try_fuzz_covering(t).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`fuzz_covering`](Self::fuzz_covering), returning what stopped it as
    /// an error: [`FuzzError::Config`] for an unsupported `t`,
    /// [`FuzzError::Shard`] on a sharded fuzzer,
    /// [`FuzzError::FailsAtBaseline`] when the pins alone fail.
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Flags {
    ///     pub a: bool,
    /// }
    ///
    /// let fuzzer = ConfigFuzzer::<Flags>::new(|| true, 0);
    /// assert!(matches!(fuzzer.try_fuzz_covering(4), Err(FuzzError::Config(_))));
    /// ```
    pub fn try_fuzz_covering(&self, t: usize) -> Result<Results, FuzzError> {
        self.logged("fuzz_covering", || self.covering(t))
    }

    /// Re-runs each culprit of a covering sweep's `results` alone (the pins
    /// plus the culprit, always afresh), to check the sweep's no-masking
    /// assumption held: a culprit that does not fail the same way alone
    /// was reported wrongly. Results of other campaigns have no culprits,
    /// and give empty results.
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Flags {
    ///     pub a: bool,
    ///     pub b: bool,
    ///     pub c: bool,
    /// }
    ///
    /// let fuzzer = ConfigFuzzer::<Flags>::new(|| Flags::read(|c| !(c.a && c.c)), 3);
    /// let pairs = fuzzer.fuzz_covering(2);
    /// let check = fuzzer.verify(&pairs);
    /// for (culprit, status) in pairs.culprits() {
    ///     assert_eq!(check.get(culprit).map(|e| e.status), Some(status));
    /// }
    /// ```
    ///
    /// # Panics
    ///
    /// If process isolation cannot bring a child to the test.
    pub fn verify(&self, results: &Results) -> Results {
        let culprits: Vec<ConfigDiff> = results.culprits().map(|(c, _)| c.clone()).collect();
        self.reproduce(&culprits)
    }

    /// `fuzz_covering`, with errors.
    pub(crate) fn covering(&self, t: usize) -> Result<Results, FuzzError> {
        if !(1..=3).contains(&t) {
            return Err(FuzzError::Config(ConfigError::Invalid {
                message: format!(
                    "a covering sweep of strength {t} is not supported; use t = 2 (pairs) or 3 (triples)"
                ),
            }));
        }
        if self.shard.is_some() {
            return Err(FuzzError::Shard {
                message:
                    "a covering sweep cannot be sharded: each row depends on the results of the \
                          rows before it; run it without `.shard(..)`"
                        .to_string(),
            });
        }
        let campaign = self.campaign("covering", [("t".to_string(), serde_json::json!(t))].into());
        let _journal = self.open_journal(&campaign)?;
        let fields = C::fields();
        let all_levels = levels::<C>(&self.pins, self.seed);
        // Positions: the fields with more than one level.
        let varied: Vec<usize> = (0..fields.len())
            .filter(|&i| all_levels[i].len() > 1 && self.pins.fuzzable::<C>(i))
            .collect();
        let fixed: Vec<bool> = (0..fields.len())
            .map(|i| !self.pins.fuzzable::<C>(i))
            .collect();
        let mut results = Results::new();
        results.campaign = Some(campaign);
        let mut rule = CoverRule::new(fields, fixed, t);
        let mut call = Call::new(Phase::Baseline);
        let baseline = self.verdict(&call, &[], Judge::CAMPAIGN)??;
        if baseline.status.is_failing() {
            return Err(FuzzError::FailsAtBaseline {
                status: baseline.status,
                detail: baseline.into(),
            });
        }
        results.record(Entry {
            config: ConfigDiff::new(),
            status: baseline.status,
            detail: baseline.into(),
        });
        let counts: Vec<usize> = varied.iter().map(|&i| all_levels[i].len()).collect();
        let Some(mut cover) = Coverage::new(counts, t) else {
            return Err(FuzzError::Config(ConfigError::Invalid {
                message: format!(
                    "a covering sweep of strength {t} over {} fields has more interactions than this machine can count; \
                     use a smaller t, or pin fields",
                    varied.len()
                ),
            }));
        };
        let mut rng = rng(self.seed);
        let mut culprits: Vec<Culprit> = Vec::new();
        let mut by_pos: Vec<Vec<usize>> = vec![Vec::new(); varied.len()];
        let mean = counts_mean(&all_levels, &varied);
        let base =
            crate::constraint::constrained::<C>().then(|| C::__registry().declared_with_force());
        call.phase(Phase::NTuple);
        let to_changes = |levels: &[usize]| -> Vec<Change> {
            levels
                .iter()
                .enumerate()
                .filter(|(_, &l)| l != 0)
                .map(|(p, &l)| (varied[p] as u32, all_levels[varied[p]][l].clone()))
                .collect()
        };
        // Plans the next step on `cover`: the row to run around its first
        // open interaction, or that interaction, which cannot run (marked
        // so on `cover`).
        let plan = |cover: &mut Coverage,
                    rng: &mut FuzzRng,
                    culprits: &[Culprit],
                    by_pos: &[Vec<usize>]|
         -> Option<Step> {
            let (seed_pos, seed_lv) = cover.next_open()?;
            // What building one row costs: about one look-up per level of
            // every t-set that some open interaction holds all of.
            let live = cover.open_at.iter().filter(|&&n| n > 0).count();
            let per_row = cover.binom[live][t].saturating_mul(mean).max(1);
            let candidates = (CANDIDATE_BUDGET / per_row).clamp(1, MAX_CANDIDATES);
            let mut best: Option<Row> = None;
            for _ in 0..candidates {
                let row = build_row(cover, &seed_pos, &seed_lv, culprits, by_pos, rng);
                if best.as_ref().is_none_or(|b| row.closes > b.closes) {
                    best = Some(row);
                }
            }
            let mut row = best?;
            improve(cover, &mut row, culprits, by_pos);
            // Repair a row that may not run: fields back to their defaults,
            // the last chosen first.
            if let Some(base) = &base {
                let mut order = row.order.clone();
                loop {
                    let changes = to_changes(&row.levels);
                    match check_changes(base, &self.pins.active, &borrowed(&changes)) {
                        Ok(()) => break,
                        Err(e) => match order.pop() {
                            Some(p) => row.levels[p] = 0,
                            None => {
                                // The seed interaction alone may not run.
                                let i = cover.index(&seed_pos, &seed_lv);
                                cover.mark(i, &seed_pos, NO_RUN);
                                return Some(Step::Skip {
                                    seed_pos,
                                    seed_lv,
                                    message: e.to_string(),
                                });
                            }
                        },
                    }
                }
            }
            let changes = to_changes(&row.levels);
            Some(Step::Row {
                seed_pos,
                seed_lv,
                row,
                changes,
            })
        };
        // A seed interaction that cannot run: no row will hold it, and the
        // sweep records it as skipped with the reason.
        let skip_seed = |cover: &mut Coverage,
                         results: &mut Results,
                         pos: &[usize],
                         lv: &[usize],
                         message: String| {
            let i = cover.index(pos, lv);
            cover.mark(i, pos, NO_RUN);
            results.record(Entry {
                config: interaction_diff::<C>(&varied, &all_levels, pos, lv),
                status: Status::Skipped,
                detail: Detail {
                    message: Some(message),
                    duration: Default::default(),
                },
            });
        };
        let jobs = self.opts.jobs.max(1);
        loop {
            // Up to `jobs` rows, each planned as if the rows before it
            // pass; the generator's state after each, to go back to when
            // one of them does not.
            let mut ahead = cover.clone();
            let mut ahead_rng = rng.clone();
            let mut batch: Vec<(Step, usize, FuzzRng)> = Vec::new();
            while batch
                .iter()
                .filter(|b| matches!(b.0, Step::Row { .. }))
                .count()
                < jobs
            {
                let Some(step) = plan(&mut ahead, &mut ahead_rng, &culprits, &by_pos) else {
                    break;
                };
                if let Step::Row { row, .. } = &step {
                    close_row(&mut ahead, &row.levels);
                }
                batch.push((step, ahead.cursor, ahead_rng.clone()));
            }
            if batch.is_empty() {
                break;
            }
            let runs: Vec<Vec<ChangeRef<'_>>> = batch
                .iter()
                .filter_map(|(step, _, _)| match step {
                    Step::Row { changes, .. } => Some(borrowed(changes)),
                    Step::Skip { .. } => None,
                })
                .collect();
            let mut verdicts = if runs.is_empty() {
                Vec::new()
            } else if runs.len() == 1 {
                vec![self.verdict(&call, &runs[0], Judge::CAMPAIGN)?]
            } else {
                let slices: Vec<&[ChangeRef<'_>]> = runs.iter().map(Vec::as_slice).collect();
                self.verdicts(&call, &slices, Judge::CAMPAIGN)?
            }
            .into_iter();
            for (step, cursor, after) in batch {
                // The state the next step is planned from, as if this step
                // were the only one planned.
                cover.cursor = cursor;
                rng = after;
                let (seed_pos, seed_lv, row, changes) = match step {
                    Step::Skip {
                        seed_pos,
                        seed_lv,
                        message,
                    } => {
                        skip_seed(&mut cover, &mut results, &seed_pos, &seed_lv, message);
                        continue;
                    }
                    Step::Row {
                        seed_pos,
                        seed_lv,
                        row,
                        changes,
                    } => (seed_pos, seed_lv, row, changes),
                };
                let refs = borrowed(&changes);
                let verdict = verdicts
                    .next()
                    .expect("a verdict for every row of the batch");
                let record = match verdict {
                    Ok(record) => record,
                    Err(e) => {
                        skip_seed(&mut cover, &mut results, &seed_pos, &seed_lv, e.to_string());
                        // The later rows assumed this one ran: plan again.
                        break;
                    }
                };
                results.record(Entry {
                    config: to_diff::<C>(&refs),
                    status: record.status,
                    detail: record.clone().into(),
                });
                if !record.status.is_failing() {
                    close_row(&mut cover, &row.levels);
                    continue;
                }
                call.failures += 1;
                let (minimal, _limit, status, detail) =
                    self.shrink_and_settle(&mut call, &refs, record, None)?;
                let minimal: Vec<Change> = if minimal.is_empty() {
                    // Nothing smaller fails alone (a flaky test): forbid the row.
                    owned(&refs)
                } else {
                    minimal
                };
                // Forbid the culprit at the row's levels (the minimizer may
                // report a simpler value than the row held).
                let mut members: Vec<(usize, usize)> = minimal
                    .iter()
                    .filter_map(|(i, _)| varied.iter().position(|&f| f == *i as usize))
                    .map(|p| (p, row.levels[p]))
                    .collect();
                members.sort_unstable();
                let config = to_diff::<C>(&borrowed(&minimal));
                // Rows at other levels of the same fields (`n = 2^32` after
                // `n = u64::MAX`) can shrink to a culprit already found:
                // their levels are forbidden too, the culprit reported once.
                if !rule
                    .culprits
                    .iter()
                    .any(|(c, s)| *c == config && *s == status)
                {
                    rule.culprits.push((config.clone(), status));
                    results.record(Entry {
                        config,
                        status,
                        detail,
                    });
                }
                if members.is_empty() {
                    let i = cover.index(&seed_pos, &seed_lv);
                    cover.mark(i, &seed_pos, EXPLAINED);
                } else {
                    if members.len() <= t {
                        explain(&mut cover, &members);
                    }
                    let id = culprits.len();
                    for &(p, _) in &members {
                        by_pos[p].push(id);
                    }
                    culprits.push(Culprit { members });
                }
                // The later rows of the batch were planned without this
                // culprit: drop them (their runs are not reported) and plan
                // again.
                break;
            }
        }
        // The t-sets that no row could hold at any of their levels.
        rule.not_coverable = not_coverable(&cover, &varied, fields);
        // And those no combination of non-default levels can run:
        // `fuzz_n_tuple` records each of their configs as skipped, so
        // `lookup` answers them skipped too, even where a culprit's fields
        // are among them (no config holding that culprit with them ran).
        if let Some(base) = &base {
            let mut known: BTreeSet<BTreeSet<String>> =
                rule.not_coverable.iter().cloned().collect();
            for set in unrunnable(base, &self.pins.active, &varied, &all_levels, t) {
                let names: BTreeSet<String> =
                    set.iter().map(|&i| fields[i].name().to_string()).collect();
                if known.insert(names.clone()) {
                    rule.not_coverable.push(names);
                }
            }
        }
        results.cover = Some(rule);
        Ok(results)
    }
}

/// The mean level count of the varied fields, rounded up.
fn counts_mean(all: &[Vec<crate::value::Value>], varied: &[usize]) -> usize {
    if varied.is_empty() {
        return 1;
    }
    varied
        .iter()
        .map(|&i| all[i].len())
        .sum::<usize>()
        .div_ceil(varied.len())
}

/// Closes every open interaction of a passing row.
fn close_row(cover: &mut Coverage, row: &[usize]) {
    let mut hit: Vec<(Vec<usize>, usize)> = Vec::new();
    cover.each_open_set_in_row(row, |pos, i| {
        if cover.state[i] == OPEN {
            hit.push((pos.to_vec(), i));
        }
    });
    for (pos, i) in hit {
        cover.mark(i, &pos, COVERED);
    }
}

/// Marks every interaction that contains the culprit `members` (at most t
/// positions with levels) as explained.
fn explain(cover: &mut Coverage, members: &[(usize, usize)]) {
    let t = cover.t;
    let k = cover.levels.len();
    let fixed: Vec<usize> = members.iter().map(|m| m.0).collect();
    let others: Vec<usize> = (0..k).filter(|p| !fixed.contains(p)).collect();
    let extra = t - members.len();
    if extra > others.len() {
        return;
    }
    let mut pick: Vec<usize> = (0..extra).collect();
    let mut hit = Vec::new();
    loop {
        let mut pos: Vec<usize> = fixed.clone();
        pos.extend(pick.iter().map(|&j| others[j]));
        pos.sort_unstable();
        // Every level combination of the extra positions.
        let free: Vec<usize> = pos.iter().copied().filter(|p| !fixed.contains(p)).collect();
        let mut lv_free = vec![0usize; free.len()];
        loop {
            let lv: Vec<usize> = pos
                .iter()
                .map(|p| match members.iter().find(|m| m.0 == *p) {
                    Some(m) => m.1,
                    None => lv_free[free.iter().position(|f| f == p).unwrap_or(0)],
                })
                .collect();
            hit.push((cover.index(&pos, &lv), pos.clone()));
            // Next level combination.
            let mut j = free.len();
            let mut done = true;
            while j > 0 {
                j -= 1;
                lv_free[j] += 1;
                if lv_free[j] < cover.levels[free[j]] {
                    done = false;
                    break;
                }
                lv_free[j] = 0;
            }
            if done {
                break;
            }
        }
        if extra == 0 || !next_combination(&mut pick, others.len()) {
            break;
        }
    }
    for (i, pos) in hit {
        if cover.state[i] != NO_RUN {
            cover.mark(i, &pos, EXPLAINED);
        }
    }
}

/// How many open interactions a full row holds (what the generator counts
/// as it builds the row, recounted from scratch).
#[cfg(test)]
fn row_gain(cover: &Coverage, row: &[usize]) -> usize {
    let mut n = 0;
    cover.each_open_set_in_row(row, |_, i| n += usize::from(cover.state[i] == OPEN));
    n
}

/// Whether setting position `p` to level `v` completes a culprit, the
/// positions with `is_set` holding `levels`.
fn completes(
    culprits: &[Culprit],
    by_pos: &[Vec<usize>],
    levels: &[usize],
    is_set: &[bool],
    p: usize,
    v: usize,
) -> bool {
    v != 0
        && by_pos[p].iter().any(|&c| {
            culprits[c].members.iter().all(|&(q, l)| {
                if q == p {
                    l == v
                } else {
                    is_set[q] && levels[q] == l
                }
            })
        })
}

/// One row under construction: the levels set so far, and for every
/// unset position and level how many open interactions setting it would
/// close (its *gain*), kept up to date as positions are set.
struct Builder<'a> {
    cover: &'a Coverage,
    levels: Vec<usize>,
    is_set: Vec<bool>,
    /// The set positions, in the order they were set.
    set: Vec<usize>,
    /// Gains, by `cover.level_base[p] + v`.
    gains: Vec<u32>,
    /// Open interactions the row holds so far.
    closes: usize,
}

impl<'a> Builder<'a> {
    fn new(cover: &'a Coverage) -> Self {
        let k = cover.levels.len();
        let mut gains = vec![0u32; cover.level_base[k]];
        if cover.t == 1 {
            for p in 0..k {
                for v in 0..cover.levels[p] {
                    let i = cover.index(&[p], &[v]);
                    gains[cover.level_base[p] + v] = u32::from(cover.state[i] == OPEN);
                }
            }
        }
        Builder {
            cover,
            levels: vec![0; k],
            is_set: vec![false; k],
            set: Vec::with_capacity(k),
            gains,
            closes: 0,
        }
    }

    /// Adds to the gains of every unset position the interactions that
    /// position `q` at level `w` (just set) completes with t - 2 of the
    /// positions set before it.
    fn spread(&mut self, q: usize, w: usize) {
        let cover = self.cover;
        if cover.open_at[q] == 0 {
            // No open interaction holds `q`.
            return;
        }
        let before = &self.set[..self.set.len() - 1];
        for p in 0..self.levels.len() {
            if self.is_set[p] || cover.open_at[p] == 0 {
                continue;
            }
            let base = cover.level_base[p];
            let mut add = |line: Option<(usize, usize)>| {
                if let Some((start, stride)) = line {
                    for v in 0..cover.levels[p] {
                        if cover.state[start + v * stride] == OPEN {
                            self.gains[base + v] += 1;
                        }
                    }
                }
            };
            match cover.t {
                2 => add(cover.line2(p, q, w)),
                3 => {
                    for &r in before.iter().filter(|&&r| cover.open_at[r] > 0) {
                        add(cover.line(p, &[(q, w), (r, self.levels[r])]));
                    }
                }
                _ => {}
            }
        }
    }

    /// Sets position `p` to level `v`.
    fn assign(&mut self, p: usize, v: usize) {
        self.closes += self.gains[self.cover.level_base[p] + v] as usize;
        self.levels[p] = v;
        self.is_set[p] = true;
        self.set.push(p);
        self.spread(p, v);
    }
}

/// How many open interactions hold position `p` at each level with the
/// other positions of the full row `levels` (`out[v]`).
fn held(cover: &Coverage, levels: &[usize], p: usize, out: &mut [u32]) {
    out.fill(0);
    if cover.open_at[p] == 0 {
        return;
    }
    let mut add = |line: Option<(usize, usize)>| {
        if let Some((start, stride)) = line {
            for (v, n) in out.iter_mut().enumerate() {
                *n += u32::from(cover.state[start + v * stride] == OPEN);
            }
        }
    };
    let k = levels.len();
    match cover.t {
        1 => add(cover.line(p, &[])),
        2 => {
            for q in (0..k).filter(|&q| q != p && cover.open_at[q] > 0) {
                add(cover.line2(p, q, levels[q]));
            }
        }
        _ => {
            let live: Vec<usize> = (0..k).filter(|&q| q != p && cover.open_at[q] > 0).collect();
            for (j, &q) in live.iter().enumerate() {
                for &r in &live[j + 1..] {
                    add(cover.line(p, &[(q, levels[q]), (r, levels[r])]));
                }
            }
        }
    }
}

/// One improving pass over a built row: each position the generator chose
/// moves to the level that holds the most open interactions with the rest
/// of the row, if that is more than its own and completes no culprit.
fn improve(cover: &Coverage, row: &mut Row, culprits: &[Culprit], by_pos: &[Vec<usize>]) {
    let all_set = vec![true; row.levels.len()];
    let mut count = Vec::new();
    for &p in &row.order {
        count.resize(cover.levels[p], 0);
        held(cover, &row.levels, p, &mut count);
        let now = row.levels[p];
        let better = (0..cover.levels[p])
            .filter(|&v| {
                count[v] > count[now] && !completes(culprits, by_pos, &row.levels, &all_set, p, v)
            })
            .max_by_key(|&v| (count[v], std::cmp::Reverse(v)));
        if let Some(v) = better {
            row.closes = row.closes + count[v] as usize - count[now] as usize;
            row.levels[p] = v;
        }
    }
}

/// Builds one candidate row around the seed interaction: the seed's
/// levels, then, over and over, the unset position and level with the
/// largest gain (ties to the earlier position in a seeded shuffle, then a
/// seeded pick among the levels), never a level that completes a culprit.
fn build_row(
    cover: &Coverage,
    seed_pos: &[usize],
    seed_lv: &[usize],
    culprits: &[Culprit],
    by_pos: &[Vec<usize>],
    rng: &mut FuzzRng,
) -> Row {
    let k = cover.levels.len();
    let mut b = Builder::new(cover);
    if !seed_pos.is_empty() && cover.state[cover.index(seed_pos, seed_lv)] == OPEN {
        b.closes = 1;
    }
    for &p in seed_pos {
        b.is_set[p] = true;
    }
    // The seed's positions, each spreading with the ones before it.
    for (&p, &l) in seed_pos.iter().zip(seed_lv) {
        b.levels[p] = l;
        b.set.push(p);
        b.spread(p, l);
    }
    let mut rest: Vec<usize> = (0..k).filter(|p| !b.is_set[*p]).collect();
    rng.shuffle(&mut rest);
    // A position no open interaction holds gains nothing at any level: it
    // takes a seeded level after the others.
    let (mut rest, dead): (Vec<usize>, Vec<usize>) =
        rest.into_iter().partition(|&p| cover.open_at[p] > 0);
    let mut order = Vec::with_capacity(rest.len());
    let mut ties: Vec<usize> = Vec::new();
    while !rest.is_empty() {
        // The best gain any unset position can reach.
        let mut best: Option<(usize, u32)> = None;
        for (j, &p) in rest.iter().enumerate() {
            let base = cover.level_base[p];
            for v in 0..cover.levels[p] {
                let g = b.gains[base + v];
                if best.is_none_or(|(_, bg)| g > bg)
                    && !completes(culprits, by_pos, &b.levels, &b.is_set, p, v)
                {
                    best = Some((j, g));
                }
            }
        }
        let (j, gain) = best.unwrap_or((0, 0));
        let p = rest.swap_remove(j);
        ties.clear();
        let base = cover.level_base[p];
        ties.extend((0..cover.levels[p]).filter(|&v| {
            b.gains[base + v] == gain && !completes(culprits, by_pos, &b.levels, &b.is_set, p, v)
        }));
        // The default never completes a culprit, so a field whose every
        // level is forbidden or below `gain` keeps it.
        let v = if ties.is_empty() {
            0
        } else {
            ties[rng.below(ties.len() as u64) as usize]
        };
        b.assign(p, v);
        order.push(p);
    }
    for p in dead {
        ties.clear();
        ties.extend(
            (0..cover.levels[p])
                .filter(|&v| !completes(culprits, by_pos, &b.levels, &b.is_set, p, v)),
        );
        let v = ties[rng.below(ties.len() as u64) as usize];
        b.assign(p, v);
        order.push(p);
    }
    Row {
        levels: b.levels,
        order,
        closes: b.closes,
    }
}

/// The config of one interaction (every field of it, defaults included),
/// as `fuzz_n_tuple` records a t-set.
fn interaction_diff<C: FuzzableConfig>(
    varied: &[usize],
    all: &[Vec<crate::value::Value>],
    pos: &[usize],
    lv: &[usize],
) -> ConfigDiff {
    pos.iter()
        .zip(lv)
        .map(|(&p, &l)| {
            (
                C::fields()[varied[p]].name().to_string(),
                all[varied[p]][l].clone(),
            )
        })
        .collect()
}

/// The t-sets (as field indices, of `varied` fields) none of whose
/// combinations of non-default levels may run over `base` with `pins`: the
/// t-sets whose every config `fuzz_n_tuple` would record as skipped.
fn unrunnable<C: FuzzableConfig>(
    base: &C,
    pins: &[Change],
    varied: &[usize],
    all: &[Vec<crate::value::Value>],
    t: usize,
) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    if varied.len() < t {
        return out;
    }
    let mut combo: Vec<usize> = (0..t).collect();
    loop {
        let set: Vec<usize> = combo.iter().map(|&p| varied[p]).collect();
        // Each field's non-default levels: indices 1.. of its levels.
        let mut at = vec![1usize; t];
        let runs = loop {
            let changes: Vec<ChangeRef<'_>> = set
                .iter()
                .zip(&at)
                .map(|(&i, &l)| (i as u32, &all[i][l]))
                .collect();
            if check_changes(base, pins, &changes).is_ok() {
                break true;
            }
            let Some(j) = (0..t).rev().find(|&j| at[j] + 1 < all[set[j]].len()) else {
                break false;
            };
            at[j] += 1;
            at[j + 1..].iter_mut().for_each(|a| *a = 1);
        };
        if !runs {
            out.push(set);
        }
        if !next_combination(&mut combo, varied.len()) {
            return out;
        }
    }
}

/// The t-sets (as field names) whose every interaction could not run.
fn not_coverable(
    cover: &Coverage,
    varied: &[usize],
    fields: &[crate::field::FieldMeta],
) -> Vec<BTreeSet<String>> {
    let mut out = Vec::new();
    if !cover.state.contains(&NO_RUN) {
        return out;
    }
    for r in 0..cover.offsets.len() - 1 {
        let block = &cover.state[cover.offsets[r]..cover.offsets[r + 1]];
        if !block.is_empty() && block.iter().all(|&s| s == NO_RUN) {
            let (pos, _) = cover.decode(cover.offsets[r]);
            out.push(
                pos.iter()
                    .map(|&p| fields[varied[p]].name().to_string())
                    .collect(),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interactions_decode_to_what_they_encode() {
        for t in 1..=3 {
            let cover = Coverage::new(vec![2, 3, 2, 4, 2], t).unwrap();
            for i in 0..cover.len() {
                let (pos, lv) = cover.decode(i);
                assert!(pos.windows(2).all(|w| w[0] < w[1]), "{pos:?}");
                assert_eq!(cover.index(&pos, &lv), i);
            }
        }
        // 10 pairs of two-level fields: 40 interactions.
        assert_eq!(Coverage::new(vec![2; 5], 2).unwrap().len(), 40);
    }

    #[test]
    fn greedy_rows_cover_every_pair_of_100_bool_fields_in_few_rows() {
        let mut cover = Coverage::new(vec![2; 100], 2).unwrap();
        let mut rng = rng(7);
        let mut rows = 0;
        while let Some((pos, lv)) = cover.next_open() {
            let row = build_row(&cover, &pos, &lv, &[], &vec![Vec::new(); 100], &mut rng);
            close_row(&mut cover, &row.levels);
            rows += 1;
            assert!(rows < 100, "the generator does not converge");
        }
        assert_eq!(cover.open, 0);
        assert!(cover.state.iter().all(|&s| s == COVERED));
        // The optimum is 10 rows; a greedy without candidates stays near it.
        assert!(rows <= 20, "{rows} rows");
    }

    #[test]
    fn a_forbidden_culprit_is_in_no_row_and_explains_its_interactions() {
        let mut cover = Coverage::new(vec![2; 6], 2).unwrap();
        let culprit = Culprit {
            members: vec![(1, 1), (4, 1)],
        };
        explain(&mut cover, &culprit.members);
        let mut by_pos = vec![Vec::new(); 6];
        by_pos[1].push(0);
        by_pos[4].push(0);
        let culprits = [culprit];
        let mut rng = rng(3);
        while let Some((pos, lv)) = cover.next_open() {
            let row = build_row(&cover, &pos, &lv, &culprits, &by_pos, &mut rng);
            assert!(
                !(row.levels[1] == 1 && row.levels[4] == 1),
                "{:?}",
                row.levels
            );
            close_row(&mut cover, &row.levels);
        }
        assert_eq!(cover.state[cover.index(&[1, 4], &[1, 1])], EXPLAINED);
        assert_eq!(cover.state.iter().filter(|&&s| s == EXPLAINED).count(), 1);
    }

    #[test]
    fn the_generator_counts_what_a_row_holds() {
        // Mixed level counts, every strength, part of the coverage closed,
        // with and without the improving pass.
        for t in 1..=3 {
            let levels = vec![2, 3, 2, 4, 2, 5, 2, 3];
            let k = levels.len();
            let mut cover = Coverage::new(levels, t).unwrap();
            let mut rng = rng(t as u64);
            let none = vec![Vec::new(); k];
            for step in 0..6 {
                let Some((pos, lv)) = cover.next_open() else {
                    break;
                };
                let mut row = build_row(&cover, &pos, &lv, &[], &none, &mut rng);
                assert_eq!(
                    row.closes,
                    row_gain(&cover, &row.levels),
                    "t = {t}, row {step}"
                );
                improve(&cover, &mut row, &[], &none);
                assert_eq!(
                    row.closes,
                    row_gain(&cover, &row.levels),
                    "t = {t}, row {step}"
                );
                let open = cover.open;
                close_row(&mut cover, &row.levels);
                assert_eq!(open - cover.open, row.closes);
                // The per-position and per-t-set counts agree with the states.
                for p in 0..k {
                    let mut n = 0;
                    for i in 0..cover.len() {
                        let (pos, _) = cover.decode(i);
                        n += usize::from(pos.contains(&p) && cover.state[i] == OPEN);
                    }
                    assert_eq!(cover.open_at[p], n);
                }
            }
        }
    }

    #[test]
    fn the_improving_pass_never_completes_a_culprit() {
        let mut cover = Coverage::new(vec![2; 8], 2).unwrap();
        let culprits = [Culprit {
            members: vec![(2, 1), (5, 1)],
        }];
        explain(&mut cover, &culprits[0].members);
        let mut by_pos = vec![Vec::new(); 8];
        by_pos[2].push(0);
        by_pos[5].push(0);
        let mut rng = rng(9);
        while let Some((pos, lv)) = cover.next_open() {
            let mut row = build_row(&cover, &pos, &lv, &culprits, &by_pos, &mut rng);
            improve(&cover, &mut row, &culprits, &by_pos);
            assert!(
                !(row.levels[2] == 1 && row.levels[5] == 1),
                "{:?}",
                row.levels
            );
            close_row(&mut cover, &row.levels);
        }
        assert_eq!(cover.open, 0);
    }
}
