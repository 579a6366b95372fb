//! Levels: the values of each field that a covering sweep combines.
//!
//! A sweep cannot try every value of an integer, so each field gets a short
//! list of *levels*, the declared default always first:
//!
//! - `bool`: the default and its negation;
//! - a fieldless enum, or a `#[fuzz(values = [..])]` domain, of at most
//!   [`MAX_LISTED`] values: every value; a longer one: the default and
//!   [`MAX_LISTED`]` - 1` values spread evenly over the list (first and last
//!   included), so the subset depends on the list alone;
//! - an integer (type or `range` domain): the boundaries, the boundaries
//!   one step inside, `0` and `1` when in range, and up to three powers of
//!   two strictly inside (the smallest, the middle one and the largest);
//! - a float: the boundaries of a `range` and its midpoint, `0` and `1` when
//!   in range; without a range `0`, `1`, `-1` and `0.5`;
//! - `Option<T>`: `None` and the levels of `T` inside `Some`;
//! - strings, vecs, sets, maps and tuples: the default and up to three
//!   values the field's own sampler draws ([`SamplingMethod::Toggle`]) from
//!   the fuzzer's seed, so the same seed gives the same levels;
//! - a field the fuzzer must not change (skipped, pinned, `keep_default`,
//!   forced by the environment): its one fixed value.
//!
//! Every level is checked against the field's type; one that does not fit
//! (a bound of a narrower type, say) is left out.

use super::candidate::Pins;
use crate::config::FuzzableConfig;
use crate::field::{Domain, FieldMeta};
use crate::sample::{rng, SamplingMethod};
use crate::schema::ty::DynType;
use crate::value::Value;

/// The most values of a listed domain (enum variants or `values`) that
/// become levels; longer lists give an evenly spread subset.
pub(crate) const MAX_LISTED: usize = 8;

/// How many drawn values a string, vec or other open-ended field adds to
/// its default.
const DRAWN: usize = 3;

/// The levels of every field of `C`, by field index, the default (or the
/// fixed value) first. A field with one level is not varied.
pub(crate) fn levels<C: FuzzableConfig>(pins: &Pins, seed: u64) -> Vec<Vec<Value>> {
    let base = C::defaults();
    let mut rng = rng(seed ^ 0x6c65_7665_6c73);
    C::fields()
        .iter()
        .map(|f| {
            if let Some(v) = pins.pin_of::<C>(f.index()) {
                return vec![v.clone()];
            }
            let default = f.default_ref().clone();
            let candidates = match f.domain() {
                Domain::Values(values) => spread(values),
                Domain::Range { lo, hi } => range_levels(lo, hi),
                Domain::Type => {
                    let ty = f.dynamic.unwrap_or(&f.schema_type);
                    match type_levels(f, ty) {
                        Some(levels) => levels,
                        None => (0..DRAWN * 3)
                            .map(|_| f.sample(SamplingMethod::Toggle, &mut rng))
                            .collect(),
                    }
                }
            };
            let mut out = vec![default];
            for v in candidates {
                if out.len() > DRAWN && matches!(f.domain(), Domain::Type) && is_open(f) {
                    break;
                }
                if out.contains(&v) {
                    continue;
                }
                let mut probe = base.clone();
                if probe.__set_index(f.index(), &v).is_ok() {
                    out.push(v);
                }
            }
            out
        })
        .collect()
}

/// Whether a field's type has no short list of levels (strings, vecs, ...).
fn is_open(f: &FieldMeta) -> bool {
    let ty = f.dynamic.unwrap_or(&f.schema_type);
    let mut ty = ty;
    while let DynType::Option(inner) = ty {
        ty = inner;
    }
    !matches!(
        ty,
        DynType::Bool | DynType::Int | DynType::IntIn(..) | DynType::Float | DynType::Enum(_)
    )
}

/// At most [`MAX_LISTED`] of `values`, spread evenly, first and last
/// included.
fn spread(values: &[Value]) -> Vec<Value> {
    if values.len() <= MAX_LISTED {
        return values.to_vec();
    }
    let n = values.len();
    let k = MAX_LISTED - 1;
    (0..k)
        .map(|j| values[j * (n - 1) / (k - 1)].clone())
        .collect()
}

/// The levels of a type with a short list of them, without its default;
/// `None` for open-ended types.
fn type_levels(f: &FieldMeta, ty: &DynType) -> Option<Vec<Value>> {
    Some(match ty {
        DynType::Bool => vec![Value::Bool(false), Value::Bool(true)],
        DynType::IntIn(lo, hi) => int_levels(*lo, *hi),
        DynType::Int => int_levels(i64::MIN.into(), i64::MAX.into()),
        DynType::Float => float_levels(None),
        DynType::Enum(names) => {
            let names: Vec<Value> = names.iter().map(|n| Value::Str(n.clone())).collect();
            // The field parses a variant's name into its own value (inside
            // `Some` for an optional enum).
            spread(&names)
                .iter()
                .filter_map(|n| match n {
                    Value::Str(name) => f.parse_env(name).ok(),
                    _ => None,
                })
                .collect()
        }
        DynType::Option(inner) => {
            let mut out = vec![Value::None];
            if let DynType::Enum(_) = **inner {
                out.extend(type_levels(f, inner)?);
            } else {
                out.extend(
                    type_levels(f, inner)?
                        .into_iter()
                        .map(|v| Value::Some(Box::new(v))),
                );
            }
            out
        }
        _ => return None,
    })
}

/// The levels of a `range` domain.
fn range_levels(lo: &Value, hi: &Value) -> Vec<Value> {
    match (lo, hi) {
        (Value::Int(lo), Value::Int(hi)) => int_levels(*lo, *hi),
        _ => match (as_f64(lo), as_f64(hi)) {
            (Some(lo), Some(hi)) => float_levels(Some((lo, hi))),
            _ => vec![lo.clone(), hi.clone()],
        },
    }
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Float(x) => Some(*x),
        Value::Int(i) => Some(*i as f64),
        _ => None,
    }
}

/// Integer levels in `lo..=hi`: boundaries, one step inside, 0 and 1, and
/// up to three powers of two strictly inside.
fn int_levels(lo: i128, hi: i128) -> Vec<Value> {
    if lo > hi {
        return Vec::new();
    }
    let mut out = vec![lo, hi];
    if lo < hi {
        out.push(lo + 1);
        out.push(hi - 1);
    }
    for x in [0, 1] {
        if lo <= x && x <= hi {
            out.push(x);
        }
    }
    let powers: Vec<i128> = (1..127)
        .map(|k| 1i128 << k)
        .filter(|&p| lo < p && p < hi)
        .collect();
    if let (Some(&first), Some(&last)) = (powers.first(), powers.last()) {
        out.push(first);
        out.push(powers[powers.len() / 2]);
        out.push(last);
    }
    let mut seen = Vec::new();
    for x in out {
        if !seen.contains(&x) {
            seen.push(x);
        }
    }
    seen.into_iter().map(Value::Int).collect()
}

/// Float levels: a range's boundaries and midpoint with 0 and 1 inside it,
/// or, without a range, 0, 1, -1 and 0.5.
fn float_levels(range: Option<(f64, f64)>) -> Vec<Value> {
    let xs = match range {
        Some((lo, hi)) => {
            let mut xs = vec![lo, hi, lo + (hi - lo) / 2.0];
            xs.extend([0.0, 1.0].into_iter().filter(|x| lo <= *x && *x <= hi));
            xs
        }
        None => vec![0.0, 1.0, -1.0, 0.5],
    };
    xs.into_iter().map(Value::Float).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_levels_hold_boundaries_zero_one_and_powers_of_two() {
        let levels = int_levels(1, 1024);
        let ints: Vec<i128> = levels
            .iter()
            .map(|v| match v {
                Value::Int(i) => *i,
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(ints, vec![1, 1024, 2, 1023, 32, 512]);
        assert_eq!(int_levels(-3, 3).len(), 6);
        assert!(int_levels(2, 1).is_empty());
    }

    #[test]
    fn long_lists_are_spread_evenly() {
        let values: Vec<Value> = (0..20).map(Value::Int).collect();
        let s = spread(&values);
        assert_eq!(s.len(), MAX_LISTED - 1);
        assert_eq!(s.first(), Some(&Value::Int(0)));
        assert_eq!(s.last(), Some(&Value::Int(19)));
        assert_eq!(spread(&values[..5]), values[..5].to_vec());
    }

    #[test]
    fn float_levels_stay_in_range() {
        let levels = float_levels(Some((0.5, 4.0)));
        assert_eq!(
            levels,
            vec![
                Value::Float(0.5),
                Value::Float(4.0),
                Value::Float(2.25),
                Value::Float(1.0)
            ]
        );
    }
}
