//! Sampling: [`SamplingMethod`], the seeded [`FuzzRng`], and field domains.

use crate::field::Domain;
use crate::value::{FuzzValue, Value};

/// Makes the crate's seeded random number generator.
///
/// The stream for a seed is part of this crate's contract: it is the same on
/// every platform and in every release (xoshiro256** seeded through
/// SplitMix64, with fixed algorithms for ranges and shuffles), so a seed
/// printed by a fuzz campaign replays anywhere.
///
/// ```
/// let mut a = fuzzer_core::rng(7);
/// let mut b = fuzzer_core::rng(7);
/// assert_eq!(a.next_u64(), b.next_u64());
/// ```
pub fn rng(seed: u64) -> FuzzRng {
    FuzzRng::new(seed)
}

/// The crate's deterministic random number generator (xoshiro256**).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FuzzRng {
    s: [u64; 4],
}

impl FuzzRng {
    /// A generator seeded from `seed`; equal seeds give equal streams.
    pub fn new(seed: u64) -> Self {
        let mut x = seed;
        let mut next = || {
            // SplitMix64 expands the seed into the 256-bit state.
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        FuzzRng {
            s: [next(), next(), next(), next()],
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A uniform integer in `0..n` (`n > 0`), without modulo bias.
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "FuzzRng::below needs n > 0");
        // Rejection sampling on the top of the range keeps every value equally likely.
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let x = self.next_u64();
            if x < zone {
                return x % n;
            }
        }
    }

    /// A uniform float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// `true` with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        p >= 1.0 || self.unit() < p
    }

    /// A uniform integer in `lo..=hi`; with `avoid`, never that value (when
    /// the range has another).
    pub fn int_in(&mut self, lo: i128, hi: i128, avoid: Option<i128>) -> i128 {
        if lo >= hi {
            return lo;
        }
        let span = (hi - lo) as u128;
        let excluded = matches!(avoid, Some(a) if a >= lo && a <= hi);
        let count = span + 1 - u128::from(excluded);
        let pick = if count > u128::from(u64::MAX) {
            // Huge ranges: combine two draws.
            ((u128::from(self.next_u64()) << 64) | u128::from(self.next_u64())) % count
        } else {
            u128::from(self.below(count as u64))
        };
        let mut v = lo + pick as i128;
        if excluded && v >= avoid.unwrap_or(i128::MAX) {
            v += 1;
        }
        v
    }

    /// A uniform float in `[lo, hi)` (or `lo` when the range is empty).
    pub fn float_in(&mut self, lo: f64, hi: f64) -> f64 {
        if lo >= hi {
            lo
        } else {
            lo + (hi - lo) * self.unit()
        }
    }

    /// A string of `min..=max` printable ASCII characters (letters, digits,
    /// punctuation), as PyTorch's sampler draws.
    pub fn printable_string(&mut self, min: usize, max: usize) -> String {
        const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
        let n = min + self.below((max - min + 1) as u64) as usize;
        (0..n)
            .map(|_| char::from(CHARS[self.below(CHARS.len() as u64) as usize]))
            .collect()
    }

    /// Shuffles `items` in place (Fisher-Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

/// How the fuzzer picks a new value for a field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SamplingMethod {
    /// A value that differs from the default wherever the type allows: `bool`
    /// → `!default`, enum → another variant, `Option` → `None` if the default
    /// is `Some`, else `Some(sample)`, `Vec` → 1..=3 elements toggled from the
    /// default's first, numbers and strings → another value in the domain.
    #[default]
    Toggle,
    /// A value drawn anywhere in the field's domain (it may equal the default).
    Random,
}

impl SamplingMethod {
    /// Samples a value of type `T` starting from `default`.
    ///
    /// ```
    /// use fuzzer_core::{rng, SamplingMethod};
    /// let mut r = rng(0);
    /// assert!(!SamplingMethod::Toggle.sample(&true, &mut r));
    /// assert_eq!(SamplingMethod::Toggle.sample(&Some(true), &mut r), None);
    /// ```
    pub fn sample<T: FuzzValue>(self, default: &T, rng: &mut FuzzRng) -> T {
        let mut ctx = SampleCtx {
            rng,
            toggle: self == SamplingMethod::Toggle,
            domain: &Domain::Type,
        };
        T::sample(default, &mut ctx)
    }
}

/// What a sampler needs: the RNG, the method, the field's declared domain.
#[doc(hidden)]
#[derive(Debug)]
pub struct SampleCtx<'a> {
    /// The generator.
    pub rng: &'a mut FuzzRng,
    /// `true` for [`SamplingMethod::Toggle`].
    pub toggle: bool,
    /// The field's domain.
    pub domain: &'a Domain,
}

impl SampleCtx<'_> {
    /// The declared integer range, if any.
    pub fn int_range(&self) -> Option<(i128, i128)> {
        match self.domain {
            Domain::Range { lo, hi } => Some((as_i128(lo)?, as_i128(hi)?)),
            _ => None,
        }
    }

    /// The declared float range, if any.
    pub fn float_range(&self) -> Option<(f64, f64)> {
        match self.domain {
            Domain::Range { lo, hi } => Some((as_f64(lo)?, as_f64(hi)?)),
            _ => None,
        }
    }
}

fn as_i128(v: &Value) -> Option<i128> {
    match v {
        Value::Int(i) => Some(*i),
        _ => None,
    }
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Float(f) => Some(*f),
        Value::Int(i) => Some(*i as f64),
        _ => None,
    }
}

/// Samples a field value of type `T` honouring its domain: a `values` list
/// picks among the listed values (another one when toggling), a `range` or
/// the type's own domain goes through `T::sample`.
#[doc(hidden)]
pub fn sample_field<T: FuzzValue>(
    default: &Value,
    method: SamplingMethod,
    domain: &Domain,
    rng: &mut FuzzRng,
) -> Value {
    if let Domain::Values(values) = domain {
        let toggle = method == SamplingMethod::Toggle;
        let others: Vec<&Value> = values.iter().filter(|v| !toggle || *v != default).collect();
        if others.is_empty() {
            return default.clone();
        }
        return others[rng.below(others.len() as u64) as usize].clone();
    }
    let typed = T::from_value(default).unwrap_or_else(|_| T::seed_value());
    let mut ctx = SampleCtx {
        rng,
        toggle: method == SamplingMethod::Toggle,
        domain,
    };
    T::sample(&typed, &mut ctx).to_value()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_is_pinned() {
        // These numbers are part of the crate's contract: a seed replays the
        // same campaign on every platform and release.
        let mut r = rng(0);
        let first: Vec<u64> = (0..3).map(|_| r.next_u64()).collect();
        assert_eq!(
            first,
            vec![
                0x99EC_5F36_CB75_F2B4,
                0xBF6E_1F78_4956_452A,
                0x1A5F_849D_4933_E6E0
            ]
        );
    }

    #[test]
    fn ranges_and_avoidance() {
        let mut r = rng(1);
        for _ in 0..1000 {
            let v = r.int_in(0, 3, Some(2));
            assert!((0..=3).contains(&v) && v != 2);
            let f = r.float_in(1.0, 2.0);
            assert!((1.0..2.0).contains(&f));
        }
        assert_eq!(r.int_in(5, 5, Some(5)), 5);
    }

    #[test]
    fn printable_strings() {
        let mut r = rng(2);
        for _ in 0..100 {
            let s = r.printable_string(1, 20);
            assert!((1..=20).contains(&s.len()));
            assert!(s.chars().all(|c| c.is_ascii_graphic()));
        }
    }
}
