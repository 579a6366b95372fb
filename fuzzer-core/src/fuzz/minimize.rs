//! Shrinking a failing set of configuration changes to a 1-minimal failing subset.
//!
//! DRAFT
#![allow(dead_code)]

use std::collections::HashMap;

/// Outcome of one probe.
pub(crate) trait Probe<T> {
    /// Runs the test on `subset` (a subset of the original items, in original order);
    /// `true` means it fails (the same way as the original).
    fn fails(&mut self, subset: &[T]) -> bool;
}

impl<T, F: FnMut(&[T]) -> bool> Probe<T> for F {
    fn fails(&mut self, subset: &[T]) -> bool {
        self(subset)
    }
}

/// Shrinks `items` (known to fail; never re-run) to a failing subset, in original order.
pub(crate) fn minimize<T: Clone>(items: &[T], probe: &mut impl Probe<T>) -> (Vec<T>, usize) {
    run(items, probe, false)
}

/// Like [`minimize`], but always verifies 1-minimality with real probes.
pub(crate) fn minimize_verified<T: Clone>(
    items: &[T],
    probe: &mut impl Probe<T>,
) -> (Vec<T>, usize) {
    run(items, probe, true)
}

/// Shared driver.
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

/// exp
pub(crate) static CHECK_FIRST: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
/// exp
pub(crate) static RHO_PCT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(50);
/// Cap on extra remaining culprits considered.
const EXTRA_CAP: usize = 64;
/// Largest number of leaves for the exact optimal tree.
const OPTIMAL_MAX: usize = 512;
/// Whether to use the optimal tree.
pub(crate) static USE_OPTIMAL: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// State.
struct Shrinker<'a, T, P> {
    /// Items.
    items: &'a [T],
    /// Probe.
    probe: &'a mut P,
    /// Memo.
    memo: HashMap<Vec<usize>, bool>,
    /// Count.
    probes: usize,
    /// ln k!.
    ln_fact: Vec<f64>,
}

impl<'a, T: Clone, P: Probe<T>> Shrinker<'a, T, P> {
    /// New.
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
        Shrinker { items, probe, memo, probes: 0, ln_fact }
    }

    /// ln C(a, b).
    fn ln_choose(&self, a: usize, b: usize) -> f64 {
        self.ln_fact[a] - self.ln_fact[b] - self.ln_fact[a - b]
    }

    /// Memoized probe.
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

    /// Main search over a failing universe.
    fn shrink(&mut self, universe: Vec<usize>) -> Vec<usize> {
        let n = universe.len();
        let mut found: Vec<usize> = Vec::new();
        let mut cands = universe;
        loop {
            let len = cands.len();
            let check_first = CHECK_FIRST.load(std::sync::atomic::Ordering::Relaxed);
            if check_first && !found.is_empty() && self.fails(found.clone()) {
                return found;
            }
            let k_min = usize::from(found.is_empty() || check_first);
            if k_min > len {
                return found;
            }
            let weights = self.leaf_weights(n, found.len(), len, k_min);
            let plan = Plan::new(&weights);
            let (mut a, mut b) = (0, weights.len() - 1);
            while a < b {
                let q = plan.split(a, b);
                let k = k_min + q;
                let mut subset: Vec<usize> = cands[..k].to_vec();
                subset.extend_from_slice(&found);
                if self.fails(subset) {
                    b = q;
                } else {
                    a = q + 1;
                }
            }
            let k = k_min + a;
            if k == 0 {
                return found;
            }
            found.insert(0, cands[k - 1]);
            cands.truncate(k - 1);
        }
    }

    /// Leaf weights.
    fn leaf_weights(&self, n: usize, f: usize, len: usize, k_min: usize) -> Vec<f64> {
        let ln_rho = (RHO_PCT.load(std::sync::atomic::Ordering::Relaxed) as f64 / 100.0).ln();
        let mut ln_w = Vec::with_capacity(len + 1 - k_min);
        if k_min == 0 {
            ln_w.push(f as f64 * ln_rho - self.ln_choose(n, f));
        }
        let mut terms = Vec::new();
        for j in 0..len {
            terms.clear();
            for r in 1..=(j + 1).min(f + EXTRA_CAP) {
                terms.push(
                    (f + r) as f64 * ln_rho - self.ln_choose(n, f + r) + self.ln_choose(j, r - 1),
                );
            }
            ln_w.push(log_sum_exp(&terms));
        }
        let max = ln_w.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        ln_w.iter().map(|&x| (x - max).exp()).collect()
    }

    /// Whether the memo shows a failing set contained in a passing one.
    fn saw_non_monotone(&self) -> bool {
        let failing: Vec<&Vec<usize>> =
            self.memo.iter().filter(|(_, &f)| f).map(|(s, _)| s).collect();
        self.memo
            .iter()
            .filter(|(_, &f)| !f)
            .any(|(pass, _)| failing.iter().any(|fail| is_subset(fail, pass)))
    }

    /// Verification loop.
    fn verify(&mut self, mut result: Vec<usize>) -> Vec<usize> {
        'outer: loop {
            for pos in 0..result.len() {
                let mut without = result.clone();
                without.remove(pos);
                if self.fails(without.clone()) {
                    result = self.shrink(without);
                    continue 'outer;
                }
            }
            return result;
        }
    }
}

/// log-sum-exp.
fn log_sum_exp(xs: &[f64]) -> f64 {
    let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if max == f64::NEG_INFINITY {
        return max;
    }
    max + xs.iter().map(|&x| (x - max).exp()).sum::<f64>().ln()
}

/// Sorted subset test.
fn is_subset(small: &[usize], big: &[usize]) -> bool {
    let mut it = big.iter();
    small.iter().all(|x| it.any(|y| y == x))
}

/// Search plan.
enum Plan {
    /// Optimal.
    Optimal {
        /// Leaves.
        n: usize,
        /// Roots.
        root: Vec<u32>,
    },
    /// Balanced.
    Balanced {
        /// Prefix sums.
        prefix: Vec<f64>,
    },
}

impl Plan {
    /// Build.
    fn new(w: &[f64]) -> Plan {
        let n = w.len();
        let mut prefix = Vec::with_capacity(n + 1);
        let mut acc = 0.0;
        prefix.push(acc);
        for &x in w {
            acc += x;
            prefix.push(acc);
        }
        let use_opt = USE_OPTIMAL.load(std::sync::atomic::Ordering::Relaxed);
        if n > OPTIMAL_MAX || !use_opt {
            return Plan::Balanced { prefix };
        }
        let mut cost = vec![0.0_f64; n * n];
        let mut root = vec![0_u32; n * n];
        for i in 0..n {
            root[i * n + i] = i as u32;
        }
        for span in 2..=n {
            for i in 0..=n - span {
                let j = i + span - 1;
                let lo = root[i * n + j - 1] as usize;
                let hi = (root[(i + 1) * n + j] as usize).min(j - 1);
                let mut best = f64::INFINITY;
                let mut best_q = lo;
                for q in lo..=hi {
                    let c = cost[i * n + q] + cost[(q + 1) * n + j];
                    if c < best {
                        best = c;
                        best_q = q;
                    }
                }
                cost[i * n + j] = best + prefix[j + 1] - prefix[i];
                root[i * n + j] = best_q as u32;
            }
        }
        Plan::Optimal { n, root }
    }

    /// Split: left = a..=q.
    fn split(&self, a: usize, b: usize) -> usize {
        match self {
            Plan::Optimal { n, root } => root[a * n + b] as usize,
            Plan::Balanced { prefix } => {
                let target = (prefix[a] + prefix[b + 1]) / 2.0;
                let mut best = a;
                let mut best_gap = f64::INFINITY;
                for q in a..b {
                    let gap = (prefix[q + 1] - target).abs();
                    if gap < best_gap {
                        best_gap = gap;
                        best = q;
                    }
                }
                best
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SplitMix64.
    struct SplitMix64(u64);

    impl SplitMix64 {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    fn culprits(rng: &mut SplitMix64, n: usize, m: usize) -> Vec<usize> {
        let mut c: Vec<usize> = Vec::new();
        while c.len() < m {
            let x = rng.below(n);
            if !c.contains(&x) {
                c.push(x);
            }
        }
        c.sort_unstable();
        c
    }

    fn mean(n: usize, m: usize, seeds: u64, verified: bool) -> f64 {
        let items: Vec<usize> = (0..n).collect();
        let mut total = 0;
        for seed in 0..seeds {
            let mut rng = SplitMix64(seed * 1_000_003 + (n * 10 + m) as u64);
            let c = culprits(&mut rng, n, m);
            let mut p = |s: &[usize]| c.iter().all(|x| s.contains(x));
            let (r, k) = if verified {
                minimize_verified(&items, &mut p)
            } else {
                minimize(&items, &mut p)
            };
            assert_eq!(r, c);
            total += k;
        }
        total as f64 / seeds as f64
    }

    #[test]
    fn table() {
        for (cf, rho) in [(false, 40), (false, 45), (true, 30), (true, 40), (true, 50)] {
            CHECK_FIRST.store(cf, std::sync::atomic::Ordering::Relaxed);
            RHO_PCT.store(rho, std::sync::atomic::Ordering::Relaxed);
            println!("check_first={cf} rho={rho}");
            for n in [20, 100, 300] {
                for m in [1, 2, 3] {
                    println!(
                        "n={n} m={m}: 30 seeds {:.2} / {:.2} ; 2000 seeds {:.3} / {:.3}",
                        mean(n, m, 30, false),
                        mean(n, m, 30, true),
                        mean(n, m, 2000, false),
                        mean(n, m, 2000, true)
                    );
                }
            }
        }
    }
}
