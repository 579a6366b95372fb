//! Value shrinking: once field minimization has found the fields that
//! matter, each one's value is moved toward the simplest value that still
//! fails the same way.
//!
//! The rules, per kind of value (the "target" is the field's declared
//! default, or, inside an `Option` whose default is `None`, the inner
//! type's zero: `0`, `0.0`, `""`, `[]`, `false`, the first variant):
//!
//! - a field with a `values = [..]` domain, and an enum: the earliest
//!   listed value (variant, in declaration order) that fails, if it comes
//!   before the current one;
//! - integers: a binary search between the target and the failing value,
//!   on whichever side of the target it is, which ends at the boundary
//!   (`threads = 33` for a bug at `threads > 32`); in a `range` domain the
//!   target is first clamped into the range;
//! - floats: the same search on decimal grids (whole numbers, then
//!   tenths, down to [`FLOAT_DIGITS`] digits), at most [`FLOAT_STEPS`]
//!   probes;
//! - strings, vecs, sets and maps: shorter, by dropping halves, then
//!   quarters, down to single characters, elements or entries; then a
//!   string's characters become `a` (all at once, else one by one) and a
//!   vec's elements shrink toward their type's zero (a set's and a map's
//!   stay as they are, since equal elements or keys would merge);
//! - options: `None` (when that is not the default), else the inner value
//!   shrunk; tuples: each component toward the default's;
//! - bools: nothing (the only other value is the default).
//!
//! The probe says whether a candidate fails the same way; it never accepts
//! the default itself or a value the config's implications or validators
//! forbid. Every value returned has been seen to fail.

use crate::field::Domain;
use crate::schema::ty::DynType;
use crate::value::Value;

/// The most probes shrinking a float takes.
pub(crate) const FLOAT_STEPS: usize = 24;

/// The finest decimal grid a float is shrunk on: digits after the point.
pub(crate) const FLOAT_DIGITS: usize = 6;

/// Tries `candidate`: the candidate in the field's canonical form if the
/// config with it fails the same way (and it is neither the default nor
/// forbidden), `None` otherwise.
pub(crate) type ValueProbe<'p> = dyn FnMut(&Value) -> Option<Value> + 'p;

/// The simplest value found for a field now at `current` (failing) whose
/// default is `default`, in `domain`, of schema type `ty`.
pub(crate) fn shrink_value(
    current: &Value,
    default: &Value,
    domain: &Domain,
    ty: &DynType,
    probe: &mut ValueProbe<'_>,
) -> Value {
    if let Domain::Values(list) = domain {
        return earliest(current, list.iter().cloned(), probe);
    }
    shrink_toward(current, Some(default), domain, ty, probe)
}

/// The first of `candidates` (in order, up to `current`) that fails.
fn earliest(
    current: &Value,
    candidates: impl Iterator<Item = Value>,
    probe: &mut ValueProbe<'_>,
) -> Value {
    for c in candidates {
        if same_value(&c, current) {
            break;
        }
        if let Some(v) = probe(&c) {
            return v;
        }
    }
    current.clone()
}

/// Whether two values name the same thing (an enum variant as a string or
/// as a variant).
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Str(s), Value::Enum { variant, .. })
        | (Value::Enum { variant, .. }, Value::Str(s)) => s == variant,
        _ => a == b,
    }
}

/// Shrinks `current` toward `target` (`None`: the type's zero, which is
/// itself allowed).
fn shrink_toward(
    current: &Value,
    target: Option<&Value>,
    domain: &Domain,
    ty: &DynType,
    probe: &mut ValueProbe<'_>,
) -> Value {
    match (current, ty) {
        (Value::Enum { .. } | Value::Str(_), DynType::Enum(names)) => {
            earliest(current, names.iter().map(|n| Value::Str(n.clone())), probe)
        }
        (Value::Some(inner), _) => {
            if !matches!(target, Some(Value::None)) {
                if let Some(v) = probe(&Value::None) {
                    return v;
                }
            }
            let inner_ty = match ty {
                DynType::Option(t) => t.as_ref(),
                other => other,
            };
            let inner_target = match target {
                Some(Value::Some(d)) => Some(d.as_ref()),
                _ => None,
            };
            // The probe answers with the whole value; the search goes on
            // with its inner part.
            let mut wrapped = |v: &Value| {
                probe(&Value::Some(Box::new(v.clone()))).map(|c| match c {
                    Value::Some(inner) => *inner,
                    other => other,
                })
            };
            let shrunk = shrink_toward(inner, inner_target, domain, inner_ty, &mut wrapped);
            Value::Some(Box::new(shrunk))
        }
        (Value::Int(v), _) => {
            let (lo, hi) = int_bounds(domain, ty);
            let (t, allowed) = match target {
                Some(Value::Int(d)) => (*d, false),
                _ => (0, true),
            };
            let clamped = t.clamp(lo, hi.max(lo));
            shrink_int(*v, clamped, allowed || clamped != t, probe)
        }
        (Value::Float(v), _) => {
            let (t, allowed) = match target {
                Some(Value::Float(d)) => (*d, false),
                Some(Value::Int(d)) => (*d as f64, false),
                _ => (0.0, true),
            };
            let t = match domain {
                Domain::Range { lo, hi } => match (as_f64(lo), as_f64(hi)) {
                    (Some(lo), Some(hi)) if lo <= hi => t.clamp(lo, hi),
                    _ => t,
                },
                _ => t,
            };
            shrink_float(*v, t, allowed, probe)
        }
        (Value::Str(s), _) => {
            // Plain characters first, when that still fails: the shorter
            // candidates are then the same for every drawn string of the
            // bug, and come from the memo after the first.
            let plain: String = s.chars().map(|_| PLAIN_CHAR).collect();
            let (start, s) = match (plain != *s).then(|| probe(&Value::Str(plain.clone()))) {
                Some(Some(v)) => (v, plain),
                _ => (current.clone(), s.clone()),
            };
            let chars: Vec<char> = s.chars().collect();
            let short = shorter(&start, &chars, |c| Value::Str(c.iter().collect()), probe);
            plainer_chars(short, probe)
        }
        (Value::List(items), _) => {
            let elem_ty = match ty {
                DynType::List(t) => t.as_ref(),
                other => other,
            };
            // Every element at zero first, as for strings.
            let zeros = zero(elem_ty).map(|z| vec![z; items.len()]);
            let (start, items) = match zeros.filter(|z| z != items) {
                Some(z) => match probe(&Value::List(z.clone())) {
                    Some(v) => (v, z),
                    None => (current.clone(), items.clone()),
                },
                None => (current.clone(), items.clone()),
            };
            let short = shorter(&start, &items, |c| Value::List(c.to_vec()), probe);
            simpler_elements(short, elem_ty, probe)
        }
        (Value::Set(items), _) => shorter(current, items, |c| Value::Set(c.to_vec()), probe),
        (Value::Map(entries), _) => shorter(current, entries, |c| Value::Map(c.to_vec()), probe),
        (Value::Tuple(parts), DynType::Tuple(types)) if parts.len() == types.len() => {
            let targets: Vec<Option<&Value>> = match target {
                Some(Value::Tuple(d)) if d.len() == parts.len() => d.iter().map(Some).collect(),
                _ => vec![None; parts.len()],
            };
            let mut now = parts.clone();
            for k in 0..now.len() {
                let mut wrapped = |v: &Value| {
                    let mut t = now.clone();
                    t[k] = v.clone();
                    probe(&Value::Tuple(t)).map(|c| match c {
                        Value::Tuple(mut parts) if parts.len() > k => parts.swap_remove(k),
                        _ => v.clone(),
                    })
                };
                let part =
                    shrink_toward(&now[k], targets[k], &Domain::Type, &types[k], &mut wrapped);
                now[k] = part;
            }
            Value::Tuple(now)
        }
        (Value::Bool(true), _) if target.is_none() => {
            probe(&Value::Bool(false)).unwrap_or_else(|| current.clone())
        }
        _ => current.clone(),
    }
}

/// The integer bounds of a field: its `range`, else its type's.
fn int_bounds(domain: &Domain, ty: &DynType) -> (i128, i128) {
    if let Domain::Range {
        lo: Value::Int(lo),
        hi: Value::Int(hi),
    } = domain
    {
        return (*lo, *hi);
    }
    match ty {
        DynType::IntIn(lo, hi) => (*lo, *hi),
        _ => (i128::MIN, i128::MAX),
    }
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Float(f) => Some(*f),
        Value::Int(i) => Some(*i as f64),
        _ => None,
    }
}

/// The value at distance `d` from `from` toward `to`.
fn step(from: i128, to: i128, d: u128) -> i128 {
    if to >= from {
        from.checked_add_unsigned(d).unwrap_or(to)
    } else {
        from.checked_sub_unsigned(d).unwrap_or(to)
    }
}

/// Binary search between `target` (passing, or tried first when
/// `allowed`) and `failing`: the failing value closest to the target that
/// the search meets (the boundary when the bug is a threshold).
fn shrink_int(failing: i128, target: i128, allowed: bool, probe: &mut ValueProbe<'_>) -> Value {
    let mut fail = Value::Int(failing);
    if failing == target {
        return fail;
    }
    if allowed {
        if let Some(v) = probe(&Value::Int(target)) {
            return v;
        }
    }
    // `pass` is known not to fail the same way (the target), `hi` fails.
    let (mut pass, mut hi) = (target, failing);
    while pass.abs_diff(hi) > 1 {
        let mid = step(pass, hi, pass.abs_diff(hi) / 2);
        match probe(&Value::Int(mid)) {
            Some(v) => {
                hi = mid;
                fail = v;
            }
            None => pass = mid,
        }
    }
    fail
}

/// A search on decimal grids between `target` and `failing`: first the
/// whole numbers between them, then tenths, hundredths, down to
/// [`FLOAT_DIGITS`] digits after the point, each level a binary search for
/// the grid point nearest the target that fails; at most [`FLOAT_STEPS`]
/// probes in all. For a threshold bug the answer is the same whatever the
/// drawn value (`ratio > 0.6` gives `0.600001`), so failures merge into one
/// finding.
fn shrink_float(failing: f64, target: f64, allowed: bool, probe: &mut ValueProbe<'_>) -> Value {
    let mut fail = Value::Float(failing);
    if !failing.is_finite() || !target.is_finite() || failing == target {
        return fail;
    }
    if allowed {
        if let Some(v) = probe(&Value::Float(target)) {
            return v;
        }
    }
    // Searched upward from the target: a failing value below it is
    // mirrored.
    let sign = if failing > target { 1.0 } else { -1.0 };
    let (mut pass, mut hi) = (target * sign, failing * sign);
    let mut steps = 0;
    for digits in 0..=FLOAT_DIGITS {
        let scale = 10f64.powi(digits as i32);
        let (a, b) = (pass * scale, hi * scale);
        if a.abs() > 1e15 || b.abs() > 1e15 {
            // Beyond exact grid arithmetic: keep what the search has.
            continue;
        }
        // Grid points strictly above `pass`, up to `hi`; `top` stands for
        // `hi` itself, known to fail.
        let (first, top) = (a.floor() as i64 + 1, b.floor() as i64 + 1);
        let grid = |n: i64| -> f64 {
            format!("{:.digits$}", n as f64 / scale)
                .parse::<f64>()
                .unwrap_or(n as f64 / scale)
        };
        let (mut lo, mut up) = (first, top);
        while lo < up && steps < FLOAT_STEPS {
            let mid = lo + (up - lo) / 2;
            let x = grid(mid);
            if x >= hi {
                up = mid;
                continue;
            }
            steps += 1;
            match probe(&Value::Float(x * sign)) {
                Some(v) => {
                    up = mid;
                    hi = x;
                    fail = v;
                }
                None => lo = mid + 1,
            }
        }
        if lo == up && lo > first {
            pass = pass.max(grid(lo - 1));
        }
        if steps >= FLOAT_STEPS {
            break;
        }
    }
    fail
}

/// The zero of a type, where it has an obvious one.
fn zero(ty: &DynType) -> Option<Value> {
    match ty {
        DynType::Bool => Some(Value::Bool(false)),
        DynType::Int => Some(Value::Int(0)),
        DynType::IntIn(lo, hi) => Some(Value::Int(0i128.clamp(*lo, *hi))),
        DynType::Float => Some(Value::Float(0.0)),
        DynType::Str => Some(Value::Str(String::new())),
        DynType::Option(_) => Some(Value::None),
        DynType::List(_) => Some(Value::List(Vec::new())),
        _ => None,
    }
}

/// The character strings shrink to.
const PLAIN_CHAR: char = 'a';

/// A shortened string's characters made plain: all of them at once, else
/// one at a time, each kept only if the string still fails.
fn plainer_chars(current: Value, probe: &mut ValueProbe<'_>) -> Value {
    let Value::Str(s) = &current else {
        return current;
    };
    let mut chars: Vec<char> = s.chars().collect();
    if chars.iter().all(|&c| c == PLAIN_CHAR) {
        return current;
    }
    let plain: String = chars.iter().map(|_| PLAIN_CHAR).collect();
    if let Some(v) = probe(&Value::Str(plain)) {
        return v;
    }
    let mut best = current.clone();
    for k in 0..chars.len() {
        if chars[k] == PLAIN_CHAR {
            continue;
        }
        let mut candidate = chars.clone();
        candidate[k] = PLAIN_CHAR;
        if let Some(v) = probe(&Value::Str(candidate.iter().collect())) {
            chars = candidate;
            best = v;
        }
    }
    best
}

/// A shortened list's elements shrunk, each toward its type's zero, the
/// others held.
fn simpler_elements(current: Value, elem_ty: &DynType, probe: &mut ValueProbe<'_>) -> Value {
    let Value::List(items) = &current else {
        return current;
    };
    let mut now = items.clone();
    for k in 0..now.len() {
        let mut wrapped = |v: &Value| {
            let mut t = now.clone();
            t[k] = v.clone();
            probe(&Value::List(t)).map(|c| match c {
                Value::List(mut parts) if parts.len() > k => parts.swap_remove(k),
                _ => v.clone(),
            })
        };
        let element = shrink_toward(&now[k], None, &Domain::Type, elem_ty, &mut wrapped);
        now[k] = element;
    }
    Value::List(now)
}

/// Drops runs of `items` (all of them, then halves, quarters, down to
/// single items) while the shorter value still fails.
fn shorter<T: Clone>(
    current: &Value,
    items: &[T],
    build: impl Fn(&[T]) -> Value,
    probe: &mut ValueProbe<'_>,
) -> Value {
    let mut now: Vec<T> = items.to_vec();
    let mut best = current.clone();
    let mut chunk = now.len();
    while chunk >= 1 && !now.is_empty() {
        let mut start = 0;
        while start < now.len() {
            let end = (start + chunk).min(now.len());
            let mut candidate = now[..start].to_vec();
            candidate.extend_from_slice(&now[end..]);
            match probe(&build(&candidate)) {
                Some(v) => {
                    now = candidate;
                    best = v;
                }
                None => start += chunk,
            }
        }
        chunk /= 2;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A probe that fails (returns the value) when `fails` says so, and
    /// counts its calls.
    fn run(
        current: Value,
        default: Value,
        domain: Domain,
        ty: DynType,
        fails: impl Fn(&Value) -> bool,
    ) -> (Value, usize) {
        let mut calls = 0;
        let mut probe = |v: &Value| {
            if v == &default {
                return None;
            }
            calls += 1;
            fails(v).then(|| v.clone())
        };
        let out = shrink_value(&current, &default, &domain, &ty, &mut probe);
        (out, calls)
    }

    fn int(v: &Value) -> i128 {
        match v {
            Value::Int(i) => *i,
            _ => panic!("not an int: {v:?}"),
        }
    }

    #[test]
    fn integers_reach_the_boundary_on_either_side() {
        let range = Domain::Range {
            lo: Value::Int(8),
            hi: Value::Int(1024),
        };
        let (v, _) = run(Value::Int(9), Value::Int(128), range, DynType::Int, |v| {
            int(v) < 64
        });
        // From below the default too.
        assert_eq!(v, Value::Int(63));
        let (v, calls) = run(
            Value::Int(50),
            Value::Int(4),
            Domain::Type,
            DynType::Int,
            |v| int(v) > 32,
        );
        assert_eq!(v, Value::Int(33));
        assert!(calls <= 6, "a binary search: {calls} probes");
    }

    #[test]
    fn integers_never_reach_the_default() {
        let (v, _) = run(
            Value::Int(10),
            Value::Int(4),
            Domain::Type,
            DynType::Int,
            |_| true,
        );
        assert_eq!(v, Value::Int(5));
    }

    #[test]
    fn floats_end_near_the_boundary_with_a_short_decimal() {
        let (v, calls) = run(
            Value::Float(0.93),
            Value::Float(0.0),
            Domain::Type,
            DynType::Float,
            |v| matches!(v, Value::Float(f) if *f > 0.5),
        );
        assert_eq!(
            v,
            Value::Float(0.500001),
            "the finest grid point that fails"
        );
        assert!(calls <= FLOAT_STEPS + 2, "{calls}");
        let (v, _) = run(
            Value::Float(7.3),
            Value::Float(0.0),
            Domain::Type,
            DynType::Float,
            |v| matches!(v, Value::Float(f) if *f >= 2.0),
        );
        assert_eq!(v, Value::Float(2.0));
    }

    #[test]
    fn strings_and_lists_get_shorter() {
        let long = Value::Str("abcdefghijklmnopqrstuvwxy".into());
        let (v, _) = run(
            long,
            Value::Str(String::new()),
            Domain::Type,
            DynType::Str,
            |v| matches!(v, Value::Str(s) if s.len() > 10),
        );
        assert_eq!(v, Value::Str("a".repeat(11)));
        // A bug that needs a character keeps it.
        let (v, _) = run(
            Value::Str("xy/zw".into()),
            Value::Str(String::new()),
            Domain::Type,
            DynType::Str,
            |v| matches!(v, Value::Str(s) if s.contains('/')),
        );
        assert_eq!(v, Value::Str("/".into()));
        let list = Value::List((0..9).map(Value::Int).collect());
        let (v, _) = run(
            list,
            Value::List(vec![]),
            Domain::Type,
            DynType::List(Box::new(DynType::Int)),
            |v| matches!(v, Value::List(l) if l.len() >= 3),
        );
        assert_eq!(v, Value::List(vec![Value::Int(0); 3]));
        // An element that matters shrinks to its own boundary.
        let list = Value::List(vec![Value::Int(4), Value::Int(900)]);
        let (v, _) = run(
            list,
            Value::List(vec![]),
            Domain::Type,
            DynType::List(Box::new(DynType::Int)),
            |v| matches!(v, Value::List(l) if l.iter().any(|x| int(x) > 100)),
        );
        assert_eq!(v, Value::List(vec![Value::Int(101)]));
    }

    #[test]
    fn options_go_to_none_or_shrink_inside() {
        let ty = DynType::Option(Box::new(DynType::Int));
        let some = |i| Value::Some(Box::new(Value::Int(i)));
        let (v, _) = run(some(90), some(1), Domain::Type, ty.clone(), |v| {
            *v == Value::None
        });
        assert_eq!(v, Value::None);
        let (v, _) = run(
            some(90),
            some(1),
            Domain::Type,
            ty.clone(),
            |v| matches!(v, Value::Some(i) if int(i) > 20),
        );
        assert_eq!(v, some(21));
        let (v, _) = run(some(90), Value::None, Domain::Type, ty, |v| {
            v != &Value::None
        });
        assert_eq!(v, some(0), "with a None default, the inner zero is allowed");
    }

    #[test]
    fn enums_and_values_take_the_earliest_failing_one() {
        let ty = DynType::Enum(vec!["A".into(), "B".into(), "C".into(), "D".into()]);
        let (v, _) = run(
            Value::Str("D".into()),
            Value::Str("A".into()),
            Domain::Type,
            ty,
            |v| matches!(v, Value::Str(s) if s != "B"),
        );
        assert_eq!(v, Value::Str("C".into()));
        let list = Domain::Values(vec![
            Value::Int(1),
            Value::Int(7),
            Value::Int(3),
            Value::Int(9),
        ]);
        let (v, calls) = run(Value::Int(9), Value::Int(1), list, DynType::Int, |v| {
            int(v) > 2
        });
        assert_eq!(v, Value::Int(7));
        assert_eq!(calls, 1, "the default is not probed");
    }

    #[test]
    fn a_value_that_nothing_simpler_fails_stays() {
        let (v, _) = run(
            Value::Bool(false),
            Value::Bool(true),
            Domain::Type,
            DynType::Bool,
            |_| true,
        );
        assert_eq!(v, Value::Bool(false));
    }
}
