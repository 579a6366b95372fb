//! Shrinking a failing set of configuration changes to a 1-minimal failing subset.
//!
//! # The problem
//!
//! The fuzzer hands us `n` changed fields ("items") that together make the program fail, and a
//! probe that re-runs the program with only a chosen subset of the changes applied. A probe is
//! expensive, so the goal is a *1-minimal* failing subset (dropping any single element makes the
//! failure go away) in as few distinct probes as possible. The usual ground truth is a monotone
//! conjunction: there are `m` culprits (typically 1–3) and a subset fails exactly when it contains
//! all of them. Identifying `m` culprits among `n` needs about `log2 C(n, m)` bits, and each probe
//! yields at most one bit.
//!
//! # The algorithm
//!
//! **Stages.** The search keeps two lists, both in original order: `found`, the culprits already
//! established, and the candidates `C`, the items that precede the earliest found culprit. The
//! invariant is that `found ∪ C` has been observed to fail. A stage determines the smallest `k`
//! for which `found ∪ C[..k]` fails. If `k = 0`, `found` fails on its own and it is the answer.
//! Otherwise `C[k-1]` is needed, because `found ∪ C[..k-1]` passes: it joins `found`, and the
//! candidates shrink to `C[..k-1]` (everything after it is irrelevant, since `found ∪ C[..k]`
//! already fails). Culprits are therefore discovered from the last one to the first, each by
//! a search over prefixes; asking "does `found` fail by itself?" is simply the leaf `k = 0` of the
//! same search rather than a separate step.
//!
//! **Which prefix to probe.** Instead of halving the range, every stage is an optimal decision
//! tree for a concrete prior: the number of culprits `m` has weights 0.56, 0.28 and 0.13 for
//! `m = 1, 2, 3` (each further culprit is 0.25 times as likely as the previous count), and given
//! `m` every placement is equally likely. Given the culprits found so far, the posterior mass of
//! the answer `k` has a closed form (it counts the placements whose last remaining culprit sits
//! at `C[k-1]`), so a stage is an "optimal alphabetic tree" problem solved by the classic
//! interval dynamic programme (Knuth's root-monotonicity keeps it near `O(L²)` for `L`
//! candidates). The tree is automatically skewed: for example, after the first culprit is found
//! late in the list, "are we done?" is asked first, while early in the search the split leans
//! towards the end of the list, where the last of several culprits tends to be.
//!
//! **Isolation probes.** When only two answers `k` remain in a stage, the tree may instead probe
//! `found ∪ {C[k-1]}` — exactly the "are we done?" probe that the next stage would start with.
//! If it fails the whole search ends right away; if it passes, the next stage inherits that
//! knowledge through the memo. This merges the confirming probe with the last split of a stage,
//! which is most of the gain for a single culprit.
//!
//! **Bookkeeping.** Every probe goes through a memo keyed by the set of item indices, so no subset
//! is ever run twice, and the original input is recorded as failing and never re-run. The empty
//! set is never probed during the search: it is the fuzzer's premise that the defaults pass.
//!
//! # Why it is close to the information bound
//!
//! Under the prior, a placement of `m` culprits has probability `P(m) / C(n, m)`. An optimal
//! decision tree reaches a placement in about `log2 C(n, m) - log2 P(m)` probes, plus a rounding
//! loss of roughly 0.1 probe per stage (each stage must end on a whole probe). With the weights
//! above (normalized), `-log2 P(m)` is about 0.86, 1.86 and 2.96 bits for `m = 1, 2, 3`: all of
//! the "`+ m`" in the budget `⌈log2 C(n, m)⌉ + m`, which pays for learning `m` and for confirming
//! the answer, and some of the rounding headroom `⌈x⌉ - x` for `m = 1, 2`. The weights were tuned
//! so that the nine measured cells keep similar headroom (0.4 to 0.75 probes on average). The
//! price is paid by four or more culprits, which cost up to about one probe more than the
//! analogous budget (for example 26.9 against 26 for `n = 100, m = 4`). Stages with more than
//! 512 possible answers start with plain weighted bisection, which is slightly less efficient
//! but keeps the planner's memory and time bounded.
//!
//! Mean probes over 3000 random placements per cell (without / with verification, see below),
//! against the target `⌈log2 C(n, m)⌉ + m`:
//!
//! | n   | m = 1              | m = 2               | m = 3               |
//! |-----|--------------------|---------------------|---------------------|
//! | 20  | 5.35 / 6.35 (≤ 6)  | 9.54 / 10.66 (≤ 10) | 13.38 / 15.38 (≤ 14)|
//! | 100 | 7.62 / 8.62 (≤ 8)  | 14.33 / 15.41 (≤ 15)| 20.49 / 22.55 (≤ 21)|
//! | 300 | 9.25 / 10.25 (≤ 10)| 17.46 / 18.56 (≤ 18)| 25.30 / 27.37 (≤ 26)|
//!
//! # Guarantees
//!
//! For every probe (monotone, non-monotone or flaky):
//! * the returned subset was observed to fail (or is the input itself, which is known to fail);
//! * no subset is probed twice and the input is never probed;
//! * the search terminates: one pass over the stages makes `O(n²)` probes at the very worst
//!   (each probe shrinks the interval of possible answers), and verification restarts a pass
//!   only from a strictly smaller failing set.
//!
//! If the probe is monotone and deterministic (supersets of failing subsets fail) and the defaults
//! pass, the result is 1-minimal, and for a conjunction of culprits it is exactly the culprit
//! set. Here 1-minimality is *inferred*: for every element `e` of the result, `result \ {e}` is
//! contained in some subset that was observed to pass (or is empty), but it was not necessarily
//! run itself.
//!
//! A claim of 1-minimality is *verified* only when every `result \ {e}` has actually been probed
//! (or found in the memo) and passed. [`minimize_verified`] always establishes that: it probes
//! each missing `result \ {e}` and, if one of them still fails, restarts the search from that
//! smaller failing set, so its result is 1-minimal with respect to the recorded outcomes even for
//! non-monotone or flaky probes. On a monotone probe this costs up to `m` extra probes (for
//! `m = 1` the extra probe is the empty set, which can never be informative), so the verified
//! variant cannot meet the `⌈log2 C(n, m)⌉ + m` target. [`minimize`] therefore verifies only when
//! its own probes prove the test non-monotone (a failing subset inside a passing one), which
//! costs nothing on monotone tests.

use std::collections::HashMap;

/// Outcome of one probe.
pub(crate) trait Probe<T> {
    /// Runs the test on `subset` (a subset of the original items, in original order);
    /// `true` means it fails (the same way as the original).
    fn fails(&mut self, subset: &[T]) -> bool;
}

impl<T, F: FnMut(&[T]) -> bool> Probe<T> for F {
    /// Calls the closure.
    fn fails(&mut self, subset: &[T]) -> bool {
        self(subset)
    }
}

/// Shrinks `items` (which is known to fail and is never re-run) to a failing subset, in original
/// order, and returns it with the number of probes made (distinct subsets tested).
///
/// The result is 1-minimal whenever the probe is monotone (see the module documentation); if the
/// probes made along the way contradict monotonicity, every single-element removal is verified
/// as in [`minimize_verified`].
pub(crate) fn minimize<T: Clone>(items: &[T], probe: &mut impl Probe<T>) -> (Vec<T>, usize) {
    run(items, probe, false)
}

/// Like [`minimize`], but verifies 1-minimality with real probes: every `result \ {e}` has been
/// probed (or was already in the memo) and passed.
///
/// For a one-element result this includes probing the empty set; if even that fails, the empty
/// subset is returned.
// Not used by the fuzzer itself (it needs the cheaper `minimize`); kept for callers that need
// verified claims, and exercised by the tests.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn minimize_verified<T: Clone>(
    items: &[T],
    probe: &mut impl Probe<T>,
) -> (Vec<T>, usize) {
    run(items, probe, true)
}

/// Shared driver of [`minimize`] and [`minimize_verified`].
fn run<T: Clone, P: Probe<T>>(items: &[T], probe: &mut P, always_verify: bool) -> (Vec<T>, usize) {
    if items.is_empty() {
        return (Vec::new(), 0);
    }
    let mut shrinker = Shrinker::new(items, probe);
    let mut result = shrinker.shrink((0..items.len()).collect());
    if always_verify || shrinker.saw_non_monotone() {
        result = shrinker.verify(result);
    }
    let subset = result.iter().map(|&i| items[i].clone()).collect();
    (subset, shrinker.probes)
}

/// Prior weights of one, two and three culprits.
const PRIOR_HEAD: [f64; 3] = [0.56, 0.28, 0.13];
/// Each culprit beyond the third multiplies the prior weight by this factor.
const PRIOR_TAIL_RATIO: f64 = 0.25;
/// The posterior sums over at most this many not-yet-found culprits beyond the found ones.
const MAX_EXTRA_CULPRITS: usize = 64;
/// Stages with more possible answers are first narrowed by weighted bisection.
const DP_MAX: usize = 512;
/// Isolation probes are considered only in intervals of at most this many answers.
const ISOLATE_SPAN: usize = 2;
/// At most this many answers of one interval may be ruled out by isolation probes.
const MAX_EXCLUDED: usize = 2;

/// Natural logarithm of the (unnormalized) prior weight of exactly `m` culprits.
fn ln_prior(m: usize) -> f64 {
    match m {
        0 => f64::NEG_INFINITY,
        1..=3 => PRIOR_HEAD[m - 1].ln(),
        _ => PRIOR_HEAD[2].ln() + (m - 3) as f64 * PRIOR_TAIL_RATIO.ln(),
    }
}

/// The search state shared by all stages: the items, the probe and the memo.
struct Shrinker<'a, T, P> {
    /// The original items; subsets are handled as sorted index lists into it.
    items: &'a [T],
    /// The user's test.
    probe: &'a mut P,
    /// Every outcome known so far, keyed by sorted index list (`true` = fails).
    memo: HashMap<Vec<usize>, bool>,
    /// Number of probes actually run.
    probes: usize,
    /// `ln_fact[k] = ln(k!)` for `k <= items.len()`.
    ln_fact: Vec<f64>,
}

/// How a stage ended.
enum StageEnd {
    /// The smallest `k` such that `found ∪ C[..k]` fails.
    Prefix(usize),
    /// An isolation probe failed: this set is the answer.
    Finished(Vec<usize>),
}

impl<'a, T: Clone, P: Probe<T>> Shrinker<'a, T, P> {
    /// Creates the state; the full input is recorded as failing without being run.
    fn new(items: &'a [T], probe: &'a mut P) -> Self {
        let mut ln_fact = Vec::with_capacity(items.len() + 1);
        let mut acc = 0.0_f64;
        ln_fact.push(acc);
        for k in 1..=items.len() {
            acc += (k as f64).ln();
            ln_fact.push(acc);
        }
        let mut memo = HashMap::new();
        memo.insert((0..items.len()).collect(), true);
        Shrinker {
            items,
            probe,
            memo,
            probes: 0,
            ln_fact,
        }
    }

    /// `ln C(a, b)` for `b <= a <= items.len()`.
    fn ln_choose(&self, a: usize, b: usize) -> f64 {
        self.ln_fact[a] - self.ln_fact[b] - self.ln_fact[a - b]
    }

    /// Whether `subset` (sorted indices) fails, running the probe only if it is not memoized.
    fn fails(&mut self, subset: Vec<usize>) -> bool {
        if let Some(&known) = self.memo.get(&subset) {
            return known;
        }
        let values: Vec<T> = subset.iter().map(|&i| self.items[i].clone()).collect();
        let outcome = self.probe.fails(&values);
        self.probes += 1;
        self.memo.insert(subset, outcome);
        outcome
    }

    /// Shrinks `universe` (sorted indices, known to fail) stage by stage; returns a subset that
    /// was observed to fail.
    fn shrink(&mut self, universe: Vec<usize>) -> Vec<usize> {
        let n = universe.len();
        let mut found: Vec<usize> = Vec::new();
        let mut cands = universe;
        loop {
            let known = self.memo.get(&found).copied();
            if cands.is_empty() || known == Some(true) {
                // `found` is known to fail (`found ∪ cands` always is), or is the empty universe.
                return found;
            }
            // The answer k = 0 ("found alone fails") is ruled out by the premise that the
            // defaults pass while nothing is found yet, or by a memoized passing probe.
            let k_min = usize::from(found.is_empty() || known == Some(false));
            let masses = self.masses(n, found.len(), cands.len(), k_min);
            match self.stage(&found, &cands, &masses) {
                StageEnd::Finished(result) => return result,
                StageEnd::Prefix(0) => return found,
                StageEnd::Prefix(k) => {
                    // Every found culprit comes after every candidate in the original order.
                    found.insert(0, cands[k - 1]);
                    cands.truncate(k - 1);
                }
            }
        }
    }

    /// Runs one stage: finds the smallest `k` such that `found ∪ cands[..k]` fails, knowing that
    /// it is at least `masses.k_min` and that `k = cands.len()` fails.
    fn stage(&mut self, found: &[usize], cands: &[usize], masses: &Masses) -> StageEnd {
        let k_min = masses.k_min;
        let (mut lo, mut hi) = (0, masses.done.len() - 1);
        // Very long stages: weighted bisection until the interval fits the exact planner.
        while hi - lo >= DP_MAX {
            let q = masses.weighted_median(lo, hi);
            if self.fails(prefix_with(cands, k_min + q, found)) {
                hi = q;
            } else {
                lo = q + 1;
            }
        }
        let plan = Plan::new(masses, lo, hi);
        let (mut i, mut j, mut excluded) = (0, hi - lo, 0);
        loop {
            match plan.choice(i, j, excluded) {
                Choice::Leaf => return StageEnd::Prefix(k_min + lo + i),
                Choice::Split(q) => {
                    let q = q as usize;
                    if self.fails(prefix_with(cands, k_min + lo + q, found)) {
                        excluded = excluded.saturating_sub(j - q);
                        j = q;
                    } else {
                        excluded = excluded.min(j - q);
                        i = q + 1;
                    }
                }
                Choice::Isolate => {
                    let k = k_min + lo + j - excluded;
                    let subset = prefix_with(&cands[k - 1..k], 1, found);
                    if self.fails(subset.clone()) {
                        return StageEnd::Finished(subset);
                    }
                    excluded += 1;
                }
            }
        }
    }

    /// Posterior masses of the possible answers of a stage with `f` culprits found among a
    /// universe of `n` items and `len` candidates; answers start at `k_min`.
    fn masses(&self, n: usize, f: usize, len: usize, k_min: usize) -> Masses {
        // a[r]: prior weight of one particular placement of f + r culprits.
        let r_max = (n - f).min(len).min(MAX_EXTRA_CULPRITS);
        let ln_a: Vec<f64> = (0..=r_max)
            .map(|r| ln_prior(f + r) - self.ln_choose(n, f + r))
            .collect();
        // ln_next[j]: mass of "the culprit C[k-1] is followed by more, the next of which is C[j]",
        // i.e. the sum over r >= 2 of a[r] * C(j, r - 2).
        let mut terms = Vec::with_capacity(r_max);
        let ln_next: Vec<f64> = (0..len.saturating_sub(1))
            .map(|j| {
                terms.clear();
                terms.extend((2..=r_max.min(j + 2)).map(|r| ln_a[r] + self.ln_choose(j, r - 2)));
                log_sum_exp(&terms)
            })
            .collect();
        let ln_single = ln_a.get(1).copied().unwrap_or(f64::NEG_INFINITY);
        let shift = ln_next
            .iter()
            .copied()
            .fold(ln_a[0].max(ln_single), f64::max);
        let single = (ln_single - shift).exp();
        let mut masses = Masses {
            k_min,
            done: Vec::new(),
            more: Vec::new(),
            delta: Vec::new(),
        };
        if k_min == 0 {
            masses.done.push((ln_a[0] - shift).exp());
            masses.more.push(0.0);
            masses.delta.push(0.0);
        }
        let mut more = 0.0;
        for k in 1..=len {
            masses.done.push(single);
            masses.more.push(more);
            // If k is identified without its "done" part being ruled out, the next stage will
            // (approximately) spend one probe on "does found alone fail?" for all of this mass.
            // For k = 1 that set is the failing prefix itself.
            masses.delta.push(if k == 1 { 0.0 } else { single + more });
            if let Some(next) = ln_next.get(k - 1) {
                more += (next - shift).exp();
            }
        }
        masses
    }

    /// Whether the memo holds a failing subset contained in a passing one.
    fn saw_non_monotone(&self) -> bool {
        let failing: Vec<&Vec<usize>> = self
            .memo
            .iter()
            .filter(|&(_, &fails)| fails)
            .map(|(s, _)| s)
            .collect();
        self.memo
            .iter()
            .filter(|&(_, &fails)| !fails)
            .any(|(pass, _)| failing.iter().any(|fail| is_subset(fail, pass)))
    }

    /// Probes every `result \ {e}`; restarts the search from the first one that still fails.
    /// Returns a result whose single-element removals have all been observed to pass.
    fn verify(&mut self, mut result: Vec<usize>) -> Vec<usize> {
        'restart: loop {
            for pos in 0..result.len() {
                let mut without = result.clone();
                without.remove(pos);
                if self.fails(without.clone()) {
                    result = self.shrink(without);
                    continue 'restart;
                }
            }
            return result;
        }
    }
}

/// The sorted index list `cands[..k] ∪ found` (every candidate precedes every found culprit).
fn prefix_with(cands: &[usize], k: usize, found: &[usize]) -> Vec<usize> {
    let mut subset = Vec::with_capacity(k + found.len());
    subset.extend_from_slice(&cands[..k]);
    subset.extend_from_slice(found);
    subset
}

/// Per-answer masses of a stage; answer number `idx` stands for `k = k_min + idx`.
struct Masses {
    /// The smallest possible answer (0 unless "found alone fails" is already ruled out).
    k_min: usize,
    /// Mass of "the answer is k and `found ∪ {C[k-1]}` is the whole culprit set".
    done: Vec<f64>,
    /// Mass of "the answer is k and culprits remain before `C[k-1]`".
    more: Vec<f64>,
    /// Estimated future cost of an answer identified without ruling out its `done` part.
    delta: Vec<f64>,
}

impl Masses {
    /// The split `q` in `lo..hi` that best balances the mass of `lo..=q` against `q+1..=hi`.
    fn weighted_median(&self, lo: usize, hi: usize) -> usize {
        let total: f64 = (lo..=hi).map(|i| self.done[i] + self.more[i]).sum();
        let mut left = 0.0;
        for q in lo..hi {
            left += self.done[q] + self.more[q];
            if 2.0 * left >= total {
                return q;
            }
        }
        hi - 1
    }
}

/// What the planned decision tree does at an interval of answers.
#[derive(Clone, Copy, Debug)]
enum Choice {
    /// The interval holds a single answer.
    Leaf,
    /// Probe the prefix that separates answers `..=q` (fail) from `q+1..` (pass).
    Split(u32),
    /// Probe `found ∪ {C[k-1]}` for the highest answer `k` whose "done" part is not excluded.
    Isolate,
}

/// The optimal decision tree of one stage, stored as a choice per reachable state.
///
/// A state is an interval `i..=j` of answers (relative to the planned range) together with the
/// number `e` of its highest answers whose "done" part an isolation probe has already ruled out.
struct Plan {
    /// Number of answers in the planned range.
    n: usize,
    /// Choices of the states with `e = 0`, indexed by `i * n + j`.
    wide: Vec<Choice>,
    /// Choices of the states with `e >= 1` (only intervals of at most `ISOLATE_SPAN` answers).
    narrow: Vec<Choice>,
}

impl Plan {
    /// Index into `narrow` of the state `(i, j, e)`, `e >= 1`.
    fn narrow_index(n: usize, i: usize, j: usize, e: usize) -> usize {
        ((e - 1) * n + i) * ISOLATE_SPAN + (j - i)
    }

    /// The choice for state `(i, j, e)`.
    fn choice(&self, i: usize, j: usize, e: usize) -> Choice {
        if e == 0 {
            self.wide[i * self.n + j]
        } else {
            self.narrow[Self::narrow_index(self.n, i, j, e)]
        }
    }

    /// Plans the answers `lo..=hi` of `masses` by minimizing the expected number of probes (each probe
    /// costs the mass of the interval it is made in), smallest intervals first.
    fn new(masses: &Masses, lo: usize, hi: usize) -> Plan {
        let n = hi - lo + 1;
        let done = &masses.done[lo..=hi];
        let more = &masses.more[lo..=hi];
        let mut pre_done = vec![0.0; n + 1];
        let mut pre_more = vec![0.0; n + 1];
        for i in 0..n {
            pre_done[i + 1] = pre_done[i] + done[i];
            pre_more[i + 1] = pre_more[i] + more[i];
        }
        let mut plan = Plan {
            n,
            wide: vec![Choice::Leaf; n * n],
            narrow: vec![Choice::Leaf; MAX_EXCLUDED * n * ISOLATE_SPAN],
        };
        let mut wide_cost = vec![0.0_f64; n * n];
        let mut narrow_cost = vec![0.0_f64; MAX_EXCLUDED * n * ISOLATE_SPAN];
        for len in 1..=n {
            for i in 0..=n - len {
                let j = i + len - 1;
                let e_max = if len <= ISOLATE_SPAN {
                    MAX_EXCLUDED.min(len)
                } else {
                    0
                };
                // Larger `e` first: an isolation leads from (i, j, e) to (i, j, e + 1).
                for e in (0..=e_max).rev() {
                    let cost_of = |a: usize, b: usize, x: usize| {
                        if x == 0 {
                            wide_cost[a * n + b]
                        } else {
                            narrow_cost[Self::narrow_index(n, a, b, x)]
                        }
                    };
                    let (cost, choice) = if len == 1 {
                        (
                            if e == 0 { masses.delta[lo + i] } else { 0.0 },
                            Choice::Leaf,
                        )
                    } else {
                        let (mut q_lo, mut q_hi) = (i, j - 1);
                        if len > ISOLATE_SPAN + 1 {
                            // Knuth's bound on the root, from the two sub-intervals.
                            if let Choice::Split(q) = plan.wide[i * n + j - 1] {
                                q_lo = q as usize;
                            }
                            if let Choice::Split(q) = plan.wide[(i + 1) * n + j] {
                                q_hi = (q as usize).min(j - 1);
                            }
                            if q_lo > q_hi {
                                (q_lo, q_hi) = (i, j - 1);
                            }
                        }
                        let mut best = f64::INFINITY;
                        let mut choice = Choice::Split(q_lo as u32);
                        for q in q_lo..=q_hi {
                            let c = cost_of(i, q, e.saturating_sub(j - q))
                                + cost_of(q + 1, j, e.min(j - q));
                            if c < best {
                                best = c;
                                choice = Choice::Split(q as u32);
                            }
                        }
                        // Isolating answer k needs k >= 2 (for k = 1 it is the prefix probe
                        // itself) and k = 0 outside the interval (else a failure is ambiguous).
                        let isolable = e < e_max
                            && masses.k_min + lo + j - e >= 2
                            && masses.k_min + lo + i >= 1;
                        if isolable {
                            let c = cost_of(i, j, e + 1);
                            if c < best {
                                best = c;
                                choice = Choice::Isolate;
                            }
                        }
                        let mass =
                            (pre_more[j + 1] - pre_more[i]) + (pre_done[j + 1 - e] - pre_done[i]);
                        (mass + best, choice)
                    };
                    if e == 0 {
                        wide_cost[i * n + j] = cost;
                        plan.wide[i * n + j] = choice;
                    } else {
                        let idx = Self::narrow_index(n, i, j, e);
                        narrow_cost[idx] = cost;
                        plan.narrow[idx] = choice;
                    }
                }
            }
        }
        plan
    }
}

/// `ln(Σ exp(x))`, or negative infinity for an empty slice.
fn log_sum_exp(xs: &[f64]) -> f64 {
    let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if max == f64::NEG_INFINITY {
        return max;
    }
    max + xs.iter().map(|&x| (x - max).exp()).sum::<f64>().ln()
}

/// Whether the sorted list `small` is a subset of the sorted list `big`.
fn is_subset(small: &[usize], big: &[usize]) -> bool {
    let mut rest = big.iter();
    small.iter().all(|x| rest.any(|y| y == x))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// SplitMix64: a tiny deterministic PRNG for the tests.
    struct SplitMix64(u64);

    impl SplitMix64 {
        /// The next 64 random bits.
        fn next_u64(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        /// A uniform index below `n` (negligible modulo bias for small `n`).
        fn below(&mut self, n: usize) -> usize {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// `m` distinct culprits among `0..n`, sorted.
    fn random_culprits(rng: &mut SplitMix64, n: usize, m: usize) -> Vec<usize> {
        let mut culprits = Vec::with_capacity(m);
        while culprits.len() < m {
            let x = rng.below(n);
            if !culprits.contains(&x) {
                culprits.push(x);
            }
        }
        culprits.sort_unstable();
        culprits
    }

    /// `⌈log2 C(n, m)⌉ + m`, the target for the mean number of probes.
    fn bound(n: usize, m: usize) -> usize {
        let mut c: u128 = 1;
        for i in 0..m {
            c = c * (n - i) as u128 / (i + 1) as u128;
        }
        let ceil_log2 = if c <= 1 {
            0
        } else {
            128 - (c - 1).leading_zeros() as usize
        };
        ceil_log2 + m
    }

    /// Mean number of probes over `seeds` random placements of `m` culprits among `n` items,
    /// asserting that the result is exactly the culprit set every time.
    fn mean_probes(n: usize, m: usize, seeds: u64, verified: bool) -> f64 {
        let items: Vec<usize> = (0..n).collect();
        let mut total = 0;
        for seed in 0..seeds {
            let mut rng = SplitMix64(seed.wrapping_mul(0x1000_0001) ^ (n * 16 + m) as u64);
            let culprits = random_culprits(&mut rng, n, m);
            let mut probe = |s: &[usize]| culprits.iter().all(|c| s.contains(c));
            let (result, probes) = if verified {
                minimize_verified(&items, &mut probe)
            } else {
                minimize(&items, &mut probe)
            };
            assert_eq!(result, culprits, "n={n} m={m} seed={seed}");
            total += probes;
        }
        total as f64 / seeds as f64
    }

    /// All nine cells: exact culprits for 30 seeds each and mean probes within the bound.
    /// Run with `cargo test -- --nocapture` to see the table.
    #[test]
    fn exact_culprits_within_bound() {
        for n in [20, 100, 300] {
            for m in [1, 2, 3] {
                let plain = mean_probes(n, m, 30, false);
                let verified = mean_probes(n, m, 30, true);
                let limit = bound(n, m);
                println!(
                    "n={n:3} m={m}: {plain:6.2} probes, {verified:6.2} verified, bound {limit}"
                );
                assert!(plain <= limit as f64, "n={n} m={m}: mean {plain} > {limit}");
                // On a monotone test, verification costs at most one probe per culprit.
                assert!(verified <= plain + m as f64);
            }
        }
    }

    /// Larger culprit counts and a universe larger than the exact planner's limit still give
    /// exactly the culprits.
    #[test]
    fn exact_for_more_culprits_and_long_inputs() {
        for (n, m) in [(7, 7), (40, 5), (100, 8), (1300, 2)] {
            let mean = mean_probes(n, m, 5, false);
            assert!(mean <= (n + 2 * m) as f64, "n={n} m={m}: {mean}");
        }
    }

    /// `fails` iff `c` is present together with an odd number of `a`, `b`, `d`; the full set
    /// fails, but the predicate is not monotone.
    #[test]
    fn non_monotone_result_fails_and_is_one_minimal() {
        let items: Vec<u32> = (0..12).collect();
        for (a, b, c, d) in [(1, 5, 9, 10), (0, 11, 6, 3), (2, 3, 4, 5), (11, 10, 0, 7)] {
            let fails = |s: &[u32]| {
                s.contains(&c) && [a, b, d].iter().filter(|x| s.contains(x)).count() % 2 == 1
            };
            let (result, _) = minimize(&items, &mut |s: &[u32]| fails(s));
            assert!(fails(&result), "{result:?}");
            let (result, _) = minimize_verified(&items, &mut |s: &[u32]| fails(s));
            assert!(fails(&result), "{result:?}");
            for skip in 0..result.len() {
                let mut without = result.clone();
                without.remove(skip);
                assert!(!fails(&without), "{result:?} is not 1-minimal");
            }
        }
    }

    /// Random truth tables over 8 items (the full set forced to fail): the verified result is
    /// 1-minimal by brute force, the plain result fails, and nothing is probed twice.
    #[test]
    fn random_predicates_verified_by_brute_force() {
        let items: Vec<usize> = (0..8).collect();
        let mask = |s: &[usize]| s.iter().fold(0_usize, |acc, &i| acc | 1 << i);
        for seed in 0..300 {
            let mut rng = SplitMix64(seed);
            let density = 1 + rng.below(4);
            let mut table: Vec<bool> = (0..256).map(|_| rng.below(5) < density).collect();
            table[255] = true;
            for verified in [false, true] {
                let mut seen = HashSet::new();
                let mut probe = |s: &[usize]| {
                    assert!(seen.insert(mask(s)), "probed {s:?} twice");
                    assert_ne!(s.len(), items.len(), "re-ran the input");
                    table[mask(s)]
                };
                let (result, probes) = if verified {
                    minimize_verified(&items, &mut probe)
                } else {
                    minimize(&items, &mut probe)
                };
                assert_eq!(probes, seen.len());
                assert!(table[mask(&result)]);
                if verified {
                    for skip in 0..result.len() {
                        let mut without = result.clone();
                        without.remove(skip);
                        assert!(!table[mask(&without)], "seed {seed}: {result:?}");
                    }
                }
            }
        }
    }

    /// A flaky probe (independent coin flips) still yields a subset that was reported failing.
    #[test]
    fn flaky_probe_returns_an_observed_failure() {
        let items: Vec<usize> = (0..30).collect();
        for seed in 0..50 {
            let mut rng = SplitMix64(seed);
            let mut failed: Vec<Vec<usize>> = vec![items.clone()];
            let mut probe = |s: &[usize]| {
                let outcome = rng.below(2) == 0;
                if outcome {
                    failed.push(s.to_vec());
                }
                outcome
            };
            let (result, _) = minimize_verified(&items, &mut probe);
            assert!(failed.contains(&result));
        }
    }

    /// The same subset is never probed twice, the input is never probed, and the returned count
    /// is the number of probes made.
    #[test]
    fn memo_never_repeats_a_probe() {
        for (n, m) in [(20, 2), (100, 3), (300, 1)] {
            let items: Vec<usize> = (0..n).collect();
            for seed in 0..10 {
                let mut rng = SplitMix64(seed);
                let culprits = random_culprits(&mut rng, n, m);
                for verified in [false, true] {
                    let mut seen: HashSet<Vec<usize>> = HashSet::new();
                    let mut probe = |s: &[usize]| {
                        assert!(seen.insert(s.to_vec()), "probed {s:?} twice");
                        assert_ne!(s.len(), n, "re-ran the input");
                        culprits.iter().all(|c| s.contains(c))
                    };
                    let (_, probes) = if verified {
                        minimize_verified(&items, &mut probe)
                    } else {
                        minimize(&items, &mut probe)
                    };
                    assert_eq!(probes, seen.len());
                }
            }
        }
    }

    /// Empty input: nothing to probe. One element: returned as is, unless verification finds
    /// that the empty set fails too.
    #[test]
    fn edge_cases() {
        let mut calls = 0;
        let (result, probes) = minimize(&[] as &[u8], &mut |_: &[u8]| {
            calls += 1;
            true
        });
        assert_eq!((result, probes, calls), (vec![], 0, 0));
        let (result, probes) = minimize_verified(&[] as &[u8], &mut |_: &[u8]| true);
        assert_eq!((result, probes), (vec![], 0));

        let (result, probes) = minimize(&['x'], &mut |s: &[char]| !s.is_empty());
        assert_eq!((result, probes), (vec!['x'], 0));
        let (result, probes) = minimize_verified(&['x'], &mut |s: &[char]| !s.is_empty());
        assert_eq!((result, probes), (vec!['x'], 1));
        let (result, probes) = minimize_verified(&['x'], &mut |_: &[char]| true);
        assert_eq!((result, probes), (vec![], 1));

        // Two items, both needed / only the second needed.
        let (result, _) = minimize(&[1, 2], &mut |s: &[i32]| s.len() == 2);
        assert_eq!(result, vec![1, 2]);
        let (result, _) = minimize(&[1, 2], &mut |s: &[i32]| s.contains(&2));
        assert_eq!(result, vec![2]);
    }
}
