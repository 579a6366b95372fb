//! [`DynType`]: the type of a field that comes from a schema at run time,
//! with the operations a derived field gets from its Rust type (checking a
//! value, comparing, sampling, parsing env text, printing).
//!
//! Sampling mirrors the `FuzzValue` impls of the Rust type each `DynType`
//! stands for (`Int` is `i128`, `Float` is `f64`, `Enum` a fieldless enum,
//! `Option`, `Vec`, `BTreeSet`, tuples, `BTreeMap`), draw for draw, so a
//! schema field and the derived field it was generated from see the same
//! values for the same seed.

use std::fmt;

use crate::error::{preview_value, ConfigError};
use crate::field::Domain;
use crate::sample::{sample_float, sample_int, FuzzRng, SampleCtx, SamplingMethod};
use crate::value::Value;

/// The type of a schema field.
#[doc(hidden)]
#[derive(Clone, Debug, PartialEq)]
pub enum DynType {
    /// JSON `boolean`.
    Bool,
    /// JSON `integer` (held as an `i128`; beyond the 64-bit range written as
    /// a string of digits, as the crate's JSON form does).
    Int,
    /// JSON `integer` with a `format` naming a Rust integer type narrower
    /// than `i128` (`int8` .. `int64`, `uint8` .. `uint64`): values in
    /// `min..=max`, drawn as that type draws them.
    IntIn(i128, i128),
    /// JSON `number` (an `f64`; NaN and infinities as `"NaN"`, `"inf"`,
    /// `"-inf"`).
    Float,
    /// JSON `string` without `enum`.
    Str,
    /// A string with an `enum`: one of these names.
    Enum(Vec<String>),
    /// `["T", "null"]`.
    Option(Box<DynType>),
    /// `array` with `items`.
    List(Box<DynType>),
    /// `array` with `items` and `"uniqueItems": true` (a set).
    Set(Box<DynType>),
    /// `array` with `prefixItems` and `items: false`.
    Tuple(Vec<DynType>),
    /// `object` with `additionalProperties` (the values' type) and
    /// `propertyNames` (the keys' type: a string, an integer
    /// (`{"pattern": "^-?[0-9]+$"}`), a bool (`{"enum": ["true", "false"]}`)
    /// or an enum (`{"enum": [..]}`); a string when absent).
    Map(Box<DynType>, Box<DynType>),
}

impl fmt::Display for DynType {
    /// The type as the schema writes it, e.g. `integer`, `["string", "null"]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DynType::Bool => f.write_str("boolean"),
            DynType::Int => f.write_str("integer"),
            DynType::IntIn(lo, hi) => match int_format(*lo, *hi) {
                Some(name) => write!(f, "integer ({name})"),
                None => write!(f, "integer in {lo}..={hi}"),
            },
            DynType::Float => f.write_str("number"),
            DynType::Str => f.write_str("string"),
            DynType::Enum(names) => write!(f, "string (one of {})", names.join(", ")),
            DynType::Option(t) => write!(f, "{t} or null"),
            DynType::List(t) => write!(f, "array of {t}"),
            DynType::Set(t) => write!(f, "array of unique {t}"),
            DynType::Tuple(ts) => {
                f.write_str("array [")?;
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str("]")
            }
            DynType::Map(k, t) if **k == DynType::Str => write!(f, "object of {t}"),
            DynType::Map(k, t) => write!(f, "object of {k} keys to {t}"),
        }
    }
}

fn wrong(ty: &DynType, found: &Value) -> ConfigError {
    ConfigError::WrongType {
        field: String::new(),
        expected: ty.to_string(),
        found: format!("{} {}", found.kind(), preview_value(found)),
    }
}

/// The `format` of the Rust integer type with these bounds, if any.
pub(crate) fn int_format(lo: i128, hi: i128) -> Option<&'static str> {
    const FORMATS: [(&str, i128, i128); 8] = [
        ("int8", i8::MIN as i128, i8::MAX as i128),
        ("int16", i16::MIN as i128, i16::MAX as i128),
        ("int32", i32::MIN as i128, i32::MAX as i128),
        ("int64", i64::MIN as i128, i64::MAX as i128),
        ("uint8", 0, u8::MAX as i128),
        ("uint16", 0, u16::MAX as i128),
        ("uint32", 0, u32::MAX as i128),
        ("uint64", 0, u64::MAX as i128),
    ];
    FORMATS
        .iter()
        .find(|(_, a, b)| (*a, *b) == (lo, hi))
        .map(|(name, ..)| *name)
}

/// The bounds of an integer `format` (see [`int_format`]).
pub(crate) fn format_bounds(format: &str) -> Option<(i128, i128)> {
    [
        "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    ]
    .iter()
    .find(|f| **f == format)?;
    let (lo, hi) = match format {
        "int8" => (i8::MIN as i128, i8::MAX as i128),
        "int16" => (i16::MIN as i128, i16::MAX as i128),
        "int32" => (i32::MIN as i128, i32::MAX as i128),
        "int64" => (i64::MIN as i128, i64::MAX as i128),
        "uint8" => (0, u8::MAX as i128),
        "uint16" => (0, u16::MAX as i128),
        "uint32" => (0, u32::MAX as i128),
        _ => (0, u64::MAX as i128),
    };
    Some((lo, hi))
}

impl DynType {
    /// `true` for [`DynType::Option`].
    fn is_option(&self) -> bool {
        matches!(self, DynType::Option(_))
    }

    /// `v` read as this type, in the one form this type's values take
    /// (`Value::Some` for a non-null option, `Value::Int` for integers,
    /// `Value::Str` for enum names), or the error saying why it is not one.
    pub(crate) fn normalize(&self, v: &Value) -> Result<Value, ConfigError> {
        let bad = || wrong(self, v);
        match self {
            DynType::Bool => match v {
                Value::Bool(_) => Ok(v.clone()),
                _ => Err(bad()),
            },
            DynType::Int => match v {
                Value::Int(_) => Ok(v.clone()),
                Value::Str(s) => match crate::json::wide_int(s) {
                    Some(i @ Value::Int(_)) => Ok(i),
                    _ => Err(bad()),
                },
                _ => Err(bad()),
            },
            DynType::IntIn(lo, hi) => match DynType::Int.normalize(v) {
                Ok(Value::Int(i)) if (*lo..=*hi).contains(&i) => Ok(Value::Int(i)),
                _ => Err(bad()),
            },
            DynType::Float => match v {
                Value::Float(_) => Ok(v.clone()),
                #[allow(clippy::cast_precision_loss)]
                Value::Int(i) if (*i as f64) as i128 == *i => Ok(Value::Float(*i as f64)),
                Value::Str(s) => crate::json::non_finite(s).map(Value::Float).ok_or_else(bad),
                _ => Err(bad()),
            },
            DynType::Str => match v {
                Value::Str(_) => Ok(v.clone()),
                _ => Err(bad()),
            },
            DynType::Enum(names) => match v {
                Value::Str(s) if names.iter().any(|n| n == s) => Ok(v.clone()),
                Value::Enum { variant, .. } if names.iter().any(|n| n == variant) => {
                    Ok(Value::Str((*variant).to_string()))
                }
                _ => Err(bad()),
            },
            DynType::Option(t) => match v {
                Value::None => Ok(Value::None),
                Value::Some(inner) => Ok(Value::Some(Box::new(t.normalize(inner)?))),
                // `[x]` is `Some(x)` for an option of an option (see `Value`).
                Value::List(items) if t.is_option() && items.len() == 1 => t
                    .normalize(&items[0])
                    .or_else(|_| t.normalize(v))
                    .map(|x| Value::Some(Box::new(x)))
                    .map_err(|_| bad()),
                other => t
                    .normalize(other)
                    .map(|x| Value::Some(Box::new(x)))
                    .map_err(|_| bad()),
            },
            DynType::List(t) => match v {
                Value::List(items) | Value::Set(items) | Value::Tuple(items) => items
                    .iter()
                    .map(|x| t.normalize(x))
                    .collect::<Result<Vec<_>, _>>()
                    .map(Value::List)
                    .map_err(|_| bad()),
                _ => Err(bad()),
            },
            DynType::Set(t) => match v {
                Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                    let mut out: Vec<Value> = Vec::with_capacity(items.len());
                    for x in items {
                        let x = t.normalize(x).map_err(|_| bad())?;
                        if out.iter().any(|y| DynType::same(y, &x)) {
                            return Err(bad());
                        }
                        out.push(x);
                    }
                    out.sort_by(|a, b| t.compare(a, b));
                    Ok(Value::List(out))
                }
                _ => Err(bad()),
            },
            DynType::Tuple(ts) => match v {
                Value::List(items) | Value::Tuple(items) if items.len() == ts.len() => ts
                    .iter()
                    .zip(items)
                    .map(|(t, x)| t.normalize(x))
                    .collect::<Result<Vec<_>, _>>()
                    .map(Value::Tuple)
                    .map_err(|_| bad()),
                _ => Err(bad()),
            },
            DynType::Map(k, t) => match v {
                Value::Map(_) | Value::List(_) => {
                    // An object, or `[key, value]` pairs.
                    let pairs: Vec<(&Value, &Value)> = match v {
                        Value::Map(pairs) => pairs.iter().map(|(a, b)| (a, b)).collect(),
                        Value::List(items) => items
                            .iter()
                            .map(|p| match p {
                                Value::List(kv) | Value::Tuple(kv) if kv.len() == 2 => {
                                    Ok((&kv[0], &kv[1]))
                                }
                                _ => Err(bad()),
                            })
                            .collect::<Result<_, _>>()?,
                        _ => Vec::new(),
                    };
                    let mut out: Vec<(Value, Value)> = Vec::with_capacity(pairs.len());
                    for (key, x) in pairs {
                        let key = k.normalize_key(key).ok_or_else(bad)?;
                        if out.iter().any(|(k2, _)| *k2 == key) {
                            return Err(bad());
                        }
                        out.push((key, t.normalize(x).map_err(|_| bad())?));
                    }
                    // The order a `BTreeMap` of the key type has.
                    out.sort_by(|a, b| k.compare(&a.0, &b.0));
                    Ok(Value::Map(out))
                }
                _ => Err(bad()),
            },
        }
    }

    /// Whether two normalized values are the same value: `==`, with floats
    /// compared by their bits (as derived fields compare).
    pub(crate) fn same(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
            (Value::Some(x), Value::Some(y)) => DynType::same(x, y),
            (Value::List(x), Value::List(y))
            | (Value::Tuple(x), Value::Tuple(y))
            | (Value::Set(x), Value::Set(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(p, q)| DynType::same(p, q))
            }
            (Value::Map(x), Value::Map(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .zip(y)
                        .all(|((k1, v1), (k2, v2))| k1 == k2 && DynType::same(v1, v2))
            }
            _ => a == b,
        }
    }

    /// The plain starting value of the type, as `FuzzValue::seed_value`.
    fn seed_value(&self) -> Value {
        match self {
            DynType::Bool => Value::Bool(false),
            DynType::Int | DynType::IntIn(..) => Value::Int(0),
            DynType::Float => Value::Float(0.0),
            DynType::Str => Value::Str(String::new()),
            DynType::Enum(names) => Value::Str(names.first().cloned().unwrap_or_default()),
            DynType::Option(_) => Value::None,
            DynType::List(_) | DynType::Set(_) => Value::List(Vec::new()),
            DynType::Tuple(ts) => Value::Tuple(ts.iter().map(DynType::seed_value).collect()),
            DynType::Map(..) => Value::Map(Vec::new()),
        }
    }

    /// Samples a value of the field from its default, honouring its domain:
    /// `FieldMeta::sample` for a schema field (see `sample_field`).
    pub(crate) fn sample_field(
        &self,
        default: &Value,
        method: SamplingMethod,
        domain: &Domain,
        rng: &mut FuzzRng,
    ) -> Value {
        let toggle = method == SamplingMethod::Toggle;
        if let Domain::Values(values) = domain {
            let others: Vec<&Value> = values
                .iter()
                .filter(|v| !toggle || !DynType::same(v, default))
                .collect();
            if others.is_empty() {
                return default.clone();
            }
            return others[rng.below(others.len() as u64) as usize].clone();
        }
        let mut ctx = SampleCtx {
            rng,
            toggle,
            domain,
        };
        let start = self
            .normalize(default)
            .unwrap_or_else(|_| self.seed_value());
        self.sample(&start, &mut ctx)
    }

    /// `T::sample` for the Rust type `T` this type stands for.
    fn sample(&self, default: &Value, ctx: &mut SampleCtx<'_>) -> Value {
        match self {
            DynType::Bool => {
                let d = matches!(default, Value::Bool(true));
                Value::Bool(if ctx.toggle { !d } else { ctx.rng.chance(0.5) })
            }
            DynType::Int => {
                let d = match default {
                    Value::Int(i) => *i,
                    _ => 0,
                };
                Value::Int(sample_int::<i128>(d, ctx))
            }
            DynType::IntIn(lo, hi) => {
                let d = match default {
                    Value::Int(i) => *i,
                    _ => 0,
                };
                // As `sample_int::<T>` for the narrow type: a declared range
                // clamped into the type, else `0..=1000` capped at its end.
                let domain = match ctx.domain {
                    Domain::Range {
                        lo: Value::Int(a),
                        hi: Value::Int(b),
                    } => Domain::Range {
                        lo: Value::Int((*a).clamp(*lo, *hi)),
                        hi: Value::Int((*b).clamp(*lo, *hi)),
                    },
                    _ => Domain::Range {
                        lo: Value::Int(0),
                        hi: Value::Int((*hi).min(1000)),
                    },
                };
                let mut narrow = SampleCtx {
                    rng: &mut *ctx.rng,
                    toggle: ctx.toggle,
                    domain: &domain,
                };
                Value::Int(sample_int::<i128>(d, &mut narrow))
            }
            DynType::Float => {
                let d = match default {
                    Value::Float(x) => *x,
                    _ => 0.0,
                };
                Value::Float(sample_float::<f64>(d, ctx))
            }
            DynType::Str => loop {
                let s = ctx.rng.printable_string(1, 20);
                if !ctx.toggle || !matches!(default, Value::Str(d) if *d == s) {
                    return Value::Str(s);
                }
            },
            DynType::Enum(names) => {
                let others: Vec<&String> = names
                    .iter()
                    .filter(|n| !ctx.toggle || !matches!(default, Value::Str(d) if d == *n))
                    .collect();
                if others.is_empty() {
                    return default.clone();
                }
                let k = ctx.rng.below(others.len() as u64) as usize;
                Value::Str(others[k].clone())
            }
            DynType::Option(t) => {
                if ctx.toggle {
                    match default {
                        Value::Some(_) => Value::None,
                        _ => Value::Some(Box::new(t.sample(&t.seed_value(), ctx))),
                    }
                } else if ctx.rng.chance(0.5) {
                    Value::None
                } else {
                    let start = match default {
                        Value::Some(x) => (**x).clone(),
                        _ => t.seed_value(),
                    };
                    Value::Some(Box::new(t.sample(&start, ctx)))
                }
            }
            DynType::List(t) => {
                let start = match default {
                    Value::List(items) if !items.is_empty() => items[0].clone(),
                    _ => t.seed_value(),
                };
                let n = 1 + ctx.rng.below(3) as usize;
                Value::List((0..n).map(|_| t.sample(&start, ctx)).collect())
            }
            DynType::Set(t) => {
                // As `BTreeSet<T>` samples: elements as a `Vec` would, collected.
                let start = match default {
                    Value::List(items) if !items.is_empty() => items[0].clone(),
                    _ => t.seed_value(),
                };
                let draw = |ctx: &mut SampleCtx<'_>| {
                    let n = 1 + ctx.rng.below(3) as usize;
                    let items: Vec<Value> = (0..n).map(|_| t.sample(&start, ctx)).collect();
                    t.collect_set(items)
                };
                let mut out = draw(ctx);
                for _ in 0..8 {
                    if !ctx.toggle || !DynType::same(&out, default) {
                        break;
                    }
                    out = draw(ctx);
                }
                out
            }
            DynType::Tuple(ts) => {
                let items: Vec<Value> = match default {
                    Value::Tuple(items) => items.clone(),
                    _ => ts.iter().map(DynType::seed_value).collect(),
                };
                Value::Tuple(
                    ts.iter()
                        .zip(&items)
                        .map(|(t, d)| t.sample(d, ctx))
                        .collect(),
                )
            }
            DynType::Map(k, t) => {
                let (k0, v0) = match default {
                    Value::Map(pairs) if !pairs.is_empty() => pairs[0].clone(),
                    _ => (k.seed_value(), t.seed_value()),
                };
                for _ in 0..8 {
                    let n = ctx.rng.below(4) as usize;
                    let pairs: Vec<(Value, Value)> = (0..n)
                        .map(|_| (k.sample(&k0, ctx), t.sample(&v0, ctx)))
                        .collect();
                    let out = k.collect_map(pairs);
                    if !ctx.toggle || !DynType::same(&out, default) {
                        return out;
                    }
                }
                let pair = (k.sample(&k0, ctx), t.sample(&v0, ctx));
                k.collect_map(vec![pair])
            }
        }
    }

    /// Pairs as a `BTreeMap` with keys of this type collects them: sorted by
    /// key, a later pair replacing the value of an earlier one.
    fn collect_map(&self, pairs: Vec<(Value, Value)>) -> Value {
        let mut out: Vec<(Value, Value)> = Vec::new();
        for (k, v) in pairs {
            match out.iter_mut().find(|(k2, _)| *k2 == k) {
                Some(slot) => slot.1 = v,
                None => out.push((k, v)),
            }
        }
        out.sort_by(|a, b| self.compare(&a.0, &b.0));
        Value::Map(out)
    }

    /// Elements as a `BTreeSet` of this type collects them: sorted, no
    /// repeats.
    fn collect_set(&self, items: Vec<Value>) -> Value {
        let mut out: Vec<Value> = Vec::new();
        for x in items {
            if !out.iter().any(|y| DynType::same(y, &x)) {
                out.push(x);
            }
        }
        out.sort_by(|a, b| self.compare(a, b));
        Value::List(out)
    }

    /// The order of two values of this type, as the Rust type's `Ord`
    /// (an enum's by declaration, which is the schema's `enum` order).
    fn compare(&self, a: &Value, b: &Value) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        match (self, a, b) {
            (DynType::Enum(names), Value::Str(x), Value::Str(y)) => {
                let at = |s: &String| names.iter().position(|n| n == s);
                at(x).cmp(&at(y))
            }
            (DynType::Option(_), Value::None, Value::None) => Ordering::Equal,
            (DynType::Option(_), Value::None, _) => Ordering::Less,
            (DynType::Option(_), _, Value::None) => Ordering::Greater,
            (DynType::Option(t), Value::Some(x), Value::Some(y)) => t.compare(x, y),
            (DynType::List(t) | DynType::Set(t), Value::List(x), Value::List(y)) => x
                .iter()
                .zip(y)
                .map(|(p, q)| t.compare(p, q))
                .find(|o| o.is_ne())
                .unwrap_or_else(|| x.len().cmp(&y.len())),
            (DynType::Tuple(ts), Value::Tuple(x), Value::Tuple(y)) => ts
                .iter()
                .zip(x.iter().zip(y))
                .map(|(t, (p, q))| t.compare(p, q))
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal),
            (_, Value::Int(x), Value::Int(y)) => x.cmp(y),
            (_, Value::Bool(x), Value::Bool(y)) => x.cmp(y),
            (_, Value::Str(x), Value::Str(y)) => x.cmp(y),
            (_, Value::Float(x), Value::Float(y)) => x.total_cmp(y),
            _ => a.to_json().cmp(&b.to_json()),
        }
    }

    /// A map key (a JSON object key is text) read as this key type.
    fn normalize_key(&self, key: &Value) -> Option<Value> {
        if let Ok(k) = self.normalize(key) {
            return Some(k);
        }
        let Value::Str(text) = key else {
            return None;
        };
        let parsed = match self {
            DynType::Int | DynType::IntIn(..) => crate::json::wide_int(text)?,
            DynType::Bool => Value::Bool(text.parse().ok()?),
            _ => return None,
        };
        self.normalize(&parsed).ok()
    }

    /// Parses an env var's text as this type, as `FuzzValue::parse_env`
    /// does for the Rust type: `bool` takes `1/0/true/false/yes/no/on/off`,
    /// an option `none` or its inner form, strings as they are, numbers as
    /// numbers, everything else as JSON.
    pub(crate) fn parse_env(&self, text: &str) -> Result<Value, String> {
        match self {
            DynType::Bool => match text.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => Ok(Value::Bool(true)),
                "0" | "false" | "no" | "off" => Ok(Value::Bool(false)),
                _ => Err("boolean (one of 1/0/true/false/yes/no/on/off)".into()),
            },
            DynType::Int => text
                .trim()
                .parse::<i128>()
                .map(Value::Int)
                .map_err(|_| "integer".to_string()),
            DynType::IntIn(..) => DynType::Int
                .parse_env(text)
                .ok()
                .and_then(|v| self.normalize(&v).ok())
                .ok_or_else(|| self.to_string()),
            DynType::Float => {
                let t = text.trim();
                crate::json::non_finite(t)
                    .or_else(|| t.parse::<f64>().ok())
                    .map(Value::Float)
                    .ok_or_else(|| "number".to_string())
            }
            DynType::Str => Ok(Value::Str(text.to_string())),
            DynType::Enum(_) => self
                .normalize(&Value::Str(text.to_string()))
                .map_err(|_| self.to_string()),
            DynType::Option(t) => {
                if text.trim().eq_ignore_ascii_case("none") {
                    return Ok(Value::None);
                }
                t.parse_env(text)
                    .map(|x| Value::Some(Box::new(x)))
                    .map_err(|e| format!("`none` or {e}"))
            }
            DynType::List(_) | DynType::Set(_) | DynType::Tuple(_) | DynType::Map(..) => {
                Value::parse_json(text)
                    .ok()
                    .and_then(|v| self.normalize(&v).ok())
                    .ok_or_else(|| format!("JSON for {self}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::FuzzValue;

    /// Samples `n` values of a derived field type and of the `DynType` that
    /// stands for it, from the same seed, and checks they are the same.
    fn agree<T: FuzzValue>(ty: DynType, default: T, domain: Domain) {
        for method in [SamplingMethod::Toggle, SamplingMethod::Random] {
            let mut a = crate::rng(9);
            let mut b = crate::rng(9);
            for _ in 0..200 {
                let typed =
                    crate::sample::sample_field::<T>(&default.to_value(), method, &domain, &mut a);
                let dynamic = ty.sample_field(&default.to_value(), method, &domain, &mut b);
                let typed = ty.normalize(&typed).unwrap();
                assert!(
                    DynType::same(&typed, &dynamic),
                    "{ty}: {typed:?} vs {dynamic:?}"
                );
            }
        }
    }

    #[test]
    fn samples_as_the_rust_type_does() {
        agree(DynType::Bool, true, Domain::Type);
        agree(DynType::Int, 64i64, Domain::Type);
        agree(
            DynType::Int,
            64i64,
            Domain::Range {
                lo: Value::Int(1),
                hi: Value::Int(1024),
            },
        );
        agree(DynType::IntIn(0, 255), 7u8, Domain::Type);
        agree(DynType::IntIn(-128, 127), -3i8, Domain::Type);
        agree(
            DynType::IntIn(-128, 127),
            -3i8,
            Domain::Range {
                lo: Value::Int(-100),
                hi: Value::Int(100),
            },
        );
        agree(DynType::IntIn(0, u64::MAX as i128), 9u64, Domain::Type);
        agree(DynType::Float, 0.5f64, Domain::Type);
        agree(DynType::Str, String::from("x"), Domain::Type);
        agree(
            DynType::Option(Box::new(DynType::Int)),
            Some(3i64),
            Domain::Type,
        );
        agree(
            DynType::Option(Box::new(DynType::Bool)),
            None::<bool>,
            Domain::Type,
        );
        agree(
            DynType::List(Box::new(DynType::Str)),
            vec![String::from("a")],
            Domain::Type,
        );
        agree(
            DynType::Tuple(vec![DynType::Int, DynType::Int, DynType::Int]),
            (1i64, 2i64, 3i64),
            Domain::Type,
        );
        agree(
            DynType::Map(Box::new(DynType::Str), Box::new(DynType::Str)),
            std::collections::BTreeMap::from([(String::from("k"), String::from("v"))]),
            Domain::Type,
        );
        agree(
            DynType::Map(Box::new(DynType::Int), Box::new(DynType::Int)),
            std::collections::BTreeMap::from([(1i64, 2i64)]),
            Domain::Type,
        );
        agree(
            DynType::Set(Box::new(DynType::Int)),
            std::collections::BTreeSet::from([1i64]),
            Domain::Type,
        );
    }

    #[test]
    fn normalize_checks_and_converts() {
        let opt = DynType::Option(Box::new(DynType::Int));
        assert_eq!(
            opt.normalize(&Value::Int(3)).unwrap(),
            Value::Some(Box::new(Value::Int(3)))
        );
        assert_eq!(opt.normalize(&Value::None).unwrap(), Value::None);
        assert!(opt.normalize(&Value::Bool(true)).is_err());
        assert_eq!(
            DynType::Float.normalize(&Value::Str("inf".into())).unwrap(),
            Value::Float(f64::INFINITY)
        );
        assert_eq!(
            DynType::Int
                .normalize(&Value::Str(
                    "170141183460469231731687303715884105727".into()
                ))
                .unwrap(),
            Value::Int(i128::MAX)
        );
        let e = DynType::Enum(vec!["a".into(), "b".into()]);
        assert!(e.normalize(&Value::Str("c".into())).is_err());
        let err = DynType::Bool.normalize(&Value::Int(1)).unwrap_err();
        assert!(err.to_string().contains("boolean"), "{err}");
    }
}
