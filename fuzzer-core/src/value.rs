//! [`Value`], the dynamic form of a field value, and [`FuzzValue`], the trait
//! every supported field type implements.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::{self, Debug, Display, Write as _};
use std::hash::Hash;

use serde::ser::{SerializeMap, SerializeSeq};

use crate::error::ConfigError;
use crate::sample::SampleCtx;

/// A map from dotted field name to value: a partial or complete configuration.
///
/// Used by the by-name APIs (`patch_values`, `set_values`), by `changed()` and
/// `to_values()`, and by the fuzzer for every candidate configuration.
pub type ConfigDiff = BTreeMap<String, Value>;

/// The dynamic form of a field value.
///
/// `Value` is what tools see: the fuzzer samples `Value`s, `ConfigDiff`s hold
/// them, JSON is read into them. It serializes as natural JSON (`None` is
/// `null`, `Some(x)` is `x`, lists, sets and tuples are arrays, maps are
/// objects) and [`Display`]s as the Rust expression that builds it, which is
/// what reproduce snippets print.
///
/// ```
/// use fuzzer_core::Value;
/// assert_eq!(Value::Some(Box::new(Value::Bool(true))).to_string(), "Some(true)");
/// assert_eq!(Value::List(vec![Value::Int(1)]).to_string(), "vec![1]");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `Option::None`.
    None,
    /// `Option::Some(inner)`.
    Some(Box<Value>),
    /// A `bool`.
    Bool(bool),
    /// Any integer that fits in an `i128`.
    Int(i128),
    /// A `u128` too large for [`Value::Int`].
    UInt(u128),
    /// An `f32` or `f64`.
    Float(f64),
    /// A `String`.
    Str(String),
    /// A variant of a fieldless enum deriving `FuzzValue`.
    Enum {
        /// The enum's type name, as written at its definition.
        ty: &'static str,
        /// The variant's name.
        variant: &'static str,
    },
    /// A `Vec<T>`.
    List(Vec<Value>),
    /// A `BTreeSet<T>` or `HashSet<T>` (elements sorted by their `Display`).
    Set(Vec<Value>),
    /// A tuple.
    Tuple(Vec<Value>),
    /// A `BTreeMap<K, V>` or `HashMap<K, V>`, as (key, value) pairs.
    Map(Vec<(Value, Value)>),
}

impl Value {
    /// A short name for the kind of value, used in error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::None => "None",
            Value::Some(_) => "Some",
            Value::Bool(_) => "bool",
            Value::Int(_) | Value::UInt(_) => "integer",
            Value::Float(_) => "float",
            Value::Str(_) => "string",
            Value::Enum { .. } => "enum variant",
            Value::List(_) => "list",
            Value::Set(_) => "set",
            Value::Tuple(_) => "tuple",
            Value::Map(_) => "map",
        }
    }

    /// Converts parsed JSON into a `Value`. Objects become [`Value::Map`]s with
    /// string keys; typed conversion (`FuzzValue::from_value`) parses such keys.
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::None,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Value::Int(i128::from(i))
                } else if let Some(u) = n.as_u64() {
                    Value::Int(i128::from(u))
                } else {
                    Value::Float(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            serde_json::Value::String(s) => Value::Str(s.clone()),
            serde_json::Value::Array(items) => {
                Value::List(items.iter().map(Value::from_json).collect())
            }
            serde_json::Value::Object(map) => Value::Map(
                map.iter()
                    .map(|(k, v)| (Value::Str(k.clone()), Value::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// Parses a JSON text into a `Value`.
    pub fn parse_json(text: &str) -> Result<Value, ConfigError> {
        let json: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ConfigError::json(&e))?;
        Ok(Value::from_json(&json))
    }

    /// The value as compact JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    /// Appends the value as compact JSON to `out`.
    pub(crate) fn write_json(&self, out: &mut String) {
        match self {
            Value::None => out.push_str("null"),
            Value::Some(inner) => inner.write_json(out),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::UInt(u) => {
                let _ = write!(out, "{u}");
            }
            Value::Float(f) => {
                if f.is_finite() {
                    let _ = write!(out, "{f:?}");
                } else {
                    // JSON has no NaN or infinity; keep them readable and loadable.
                    write_json_str(out, &f.to_string());
                }
            }
            Value::Str(s) => write_json_str(out, s),
            Value::Enum { variant, .. } => write_json_str(out, variant),
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            Value::Map(pairs) => {
                out.push('{');
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_json_str(out, &k.key_string());
                    out.push(':');
                    v.write_json(out);
                }
                out.push('}');
            }
        }
    }

    /// The text used for a map key in JSON: strings as they are, anything else
    /// as its JSON form.
    fn key_string(&self) -> String {
        match self {
            Value::Str(s) => s.clone(),
            Value::Enum { variant, .. } => (*variant).to_string(),
            other => other.to_json(),
        }
    }
}

fn write_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::None => s.serialize_none(),
            Value::Some(inner) => inner.serialize(s),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_i128(*i),
            Value::UInt(u) => s.serialize_u128(*u),
            Value::Float(f) => s.serialize_f64(*f),
            Value::Str(v) => s.serialize_str(v),
            Value::Enum { variant, .. } => s.serialize_str(variant),
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Map(pairs) => {
                let mut map = s.serialize_map(Some(pairs.len()))?;
                for (k, v) in pairs {
                    map.serialize_entry(&k.key_string(), v)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> serde::Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let json = serde_json::Value::deserialize(d)?;
        Ok(Value::from_json(&json))
    }
}

/// Formats the value as the Rust expression that builds it.
impl Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn list(f: &mut fmt::Formatter<'_>, items: &[Value]) -> fmt::Result {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                Display::fmt(item, f)?;
            }
            Ok(())
        }
        match self {
            Value::None => f.write_str("None"),
            Value::Some(inner) => write!(f, "Some({inner})"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::UInt(u) => write!(f, "{u}"),
            Value::Float(x) => {
                if x.is_nan() {
                    f.write_str("f64::NAN")
                } else if x.is_infinite() {
                    f.write_str(if *x > 0.0 {
                        "f64::INFINITY"
                    } else {
                        "f64::NEG_INFINITY"
                    })
                } else {
                    // `{:?}` always keeps a decimal point or exponent, so the
                    // literal stays a float literal.
                    write!(f, "{x:?}")
                }
            }
            Value::Str(s) => write!(f, "String::from({s:?})"),
            Value::Enum { ty, variant } => write!(f, "{ty}::{variant}"),
            Value::List(items) => {
                f.write_str("vec![")?;
                list(f, items)?;
                f.write_str("]")
            }
            Value::Set(items) => {
                f.write_str("[")?;
                list(f, items)?;
                f.write_str("].into_iter().collect()")
            }
            Value::Tuple(items) => {
                f.write_str("(")?;
                list(f, items)?;
                if items.len() == 1 {
                    f.write_str(",")?;
                }
                f.write_str(")")
            }
            Value::Map(pairs) => {
                f.write_str("[")?;
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "({k}, {v})")?;
                }
                f.write_str("].into_iter().collect()")
            }
        }
    }
}

/// A type that can be a config field: convertible to and from [`Value`],
/// printable as Rust, parsable from an environment variable, and sampled by
/// the fuzzer.
///
/// Implemented for `bool`, every integer type, `f32`, `f64`, `String`,
/// `Option<T>`, `Vec<T>`, `BTreeSet<T>`, `HashSet<T>`, `BTreeMap<K, V>`,
/// `HashMap<K, V>`, tuples of up to 4 elements, and fieldless enums through
/// `#[derive(FuzzValue)]`:
///
/// ```
/// use fuzzer_core::prelude::*;
///
/// #[derive(FuzzValue, Clone, Copy, Debug, PartialEq, Eq)]
/// enum Backend { Triton, Halide }
///
/// assert_eq!(Backend::Halide.rust_expr(), "Backend::Halide");
/// assert_eq!(Backend::from_value(&Value::Str("Triton".into())).unwrap(), Backend::Triton);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a config field type",
    label = "not a supported field type",
    note = "field types are bool, integers, f32, f64, String, Option<T>, Vec<T>, BTreeSet<T>, HashSet<T>, BTreeMap<K, V>, HashMap<K, V>, tuples of up to 4, and fieldless enums with #[derive(FuzzValue)]",
    note = "a nested config struct needs #[config(nested)] on the field"
)]
pub trait FuzzValue: Clone + PartialEq + Debug + Send + Sync + 'static {
    /// The dynamic form of this value.
    fn to_value(&self) -> Value;

    /// Builds a value from its dynamic form, or says why it cannot.
    fn from_value(v: &Value) -> Result<Self, ConfigError>;

    /// The Rust expression that builds this value, e.g. `Some(true)`,
    /// `vec![1]`, `Backend::Halide`.
    fn rust_expr(&self) -> String {
        self.to_value().to_string()
    }

    /// The type's name as a user would write it, e.g. `Option<bool>`.
    fn type_name() -> String;

    /// Parses the text of an environment variable. `bool` takes
    /// `1/0/true/false/yes/no/on/off`, `Option<T>` takes `none` or a `T`,
    /// strings are taken as they are, numbers as numbers, and other types as
    /// JSON. The error is the expected form, for the message.
    fn parse_env(text: &str) -> Result<Self, String> {
        let v = Value::parse_json(text).map_err(|_| format!("JSON for {}", Self::type_name()))?;
        Self::from_value(&v).map_err(|_| format!("JSON for {}", Self::type_name()))
    }

    /// A plain starting value of the type (`false`, `0`, `""`, the first
    /// variant, an empty collection), used when sampling needs an element to
    /// start from and the default has none.
    #[doc(hidden)]
    fn seed_value() -> Self;

    /// Samples a value from `default` under `ctx` (toggle or random, domain).
    #[doc(hidden)]
    fn sample(default: &Self, ctx: &mut SampleCtx<'_>) -> Self;
}

fn wrong(expected: impl Into<String>, found: &Value) -> ConfigError {
    ConfigError::WrongType {
        field: String::new(),
        expected: expected.into(),
        found: format!("{} `{}`", found.kind(), found.to_json()),
    }
}

impl FuzzValue for bool {
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
    fn from_value(v: &Value) -> Result<Self, ConfigError> {
        match v {
            Value::Bool(b) => Ok(*b),
            other => Err(wrong("bool", other)),
        }
    }
    fn rust_expr(&self) -> String {
        self.to_string()
    }
    fn type_name() -> String {
        "bool".into()
    }
    fn parse_env(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" => Ok(false),
            _ => Err("bool (one of 1/0/true/false/yes/no/on/off)".into()),
        }
    }
    fn seed_value() -> Self {
        false
    }
    fn sample(default: &Self, ctx: &mut SampleCtx<'_>) -> Self {
        if ctx.toggle {
            !default
        } else {
            ctx.rng.chance(0.5)
        }
    }
}

macro_rules! int_impls {
    ($($t:ty),*) => {$(
        impl FuzzValue for $t {
            fn to_value(&self) -> Value {
                match i128::try_from(*self) {
                    Ok(i) => Value::Int(i),
                    // Only u128 values above i128::MAX land here.
                    Err(_) => Value::UInt(*self as u128),
                }
            }
            fn from_value(v: &Value) -> Result<Self, ConfigError> {
                let out = match v {
                    Value::Int(i) => <$t>::try_from(*i).ok(),
                    Value::UInt(u) => <$t>::try_from(*u).ok(),
                    Value::Float(f) if f.fract() == 0.0 && f.is_finite() => {
                        // JSON numbers beyond 64 bits arrive as floats.
                        format!("{f:.0}").parse::<$t>().ok()
                    }
                    _ => None,
                };
                out.ok_or_else(|| wrong(stringify!($t), v))
            }
            fn rust_expr(&self) -> String {
                self.to_string()
            }
            fn type_name() -> String {
                stringify!($t).into()
            }
            fn parse_env(text: &str) -> Result<Self, String> {
                text.trim().parse::<$t>().map_err(|_| stringify!($t).to_string())
            }
            fn seed_value() -> Self {
                0
            }
            fn sample(default: &Self, ctx: &mut SampleCtx<'_>) -> Self {
                crate::sample::sample_int(*default, ctx)
            }
        }
    )*};
}
int_impls!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

macro_rules! float_impls {
    ($($t:ty),*) => {$(
        impl FuzzValue for $t {
            fn to_value(&self) -> Value {
                Value::Float(f64::from(*self))
            }
            #[allow(clippy::cast_possible_truncation)]
            fn from_value(v: &Value) -> Result<Self, ConfigError> {
                match v {
                    Value::Float(f) => Ok(*f as $t),
                    Value::Int(i) => Ok(*i as $t),
                    // Non-finite floats are saved as strings, since JSON has none.
                    Value::Str(s) => match s.as_str() {
                        "NaN" => Ok(<$t>::NAN),
                        "inf" => Ok(<$t>::INFINITY),
                        "-inf" => Ok(<$t>::NEG_INFINITY),
                        _ => Err(wrong(stringify!($t), v)),
                    },
                    other => Err(wrong(stringify!($t), other)),
                }
            }
            fn type_name() -> String {
                stringify!($t).into()
            }
            fn parse_env(text: &str) -> Result<Self, String> {
                text.trim().parse::<$t>().map_err(|_| stringify!($t).to_string())
            }
            fn seed_value() -> Self {
                0.0
            }
            fn sample(default: &Self, ctx: &mut SampleCtx<'_>) -> Self {
                crate::sample::sample_float(*default, ctx)
            }
        }
    )*};
}
float_impls!(f32, f64);

impl FuzzValue for String {
    fn to_value(&self) -> Value {
        Value::Str(self.clone())
    }
    fn from_value(v: &Value) -> Result<Self, ConfigError> {
        match v {
            Value::Str(s) => Ok(s.clone()),
            other => Err(wrong("String", other)),
        }
    }
    fn type_name() -> String {
        "String".into()
    }
    fn parse_env(text: &str) -> Result<Self, String> {
        Ok(text.to_string())
    }
    fn seed_value() -> Self {
        String::new()
    }
    fn sample(default: &Self, ctx: &mut SampleCtx<'_>) -> Self {
        loop {
            let s = ctx.rng.printable_string(1, 20);
            if !ctx.toggle || s != *default {
                return s;
            }
        }
    }
}

impl<T: FuzzValue> FuzzValue for Option<T> {
    fn to_value(&self) -> Value {
        match self {
            None => Value::None,
            Some(x) => Value::Some(Box::new(x.to_value())),
        }
    }
    fn from_value(v: &Value) -> Result<Self, ConfigError> {
        match v {
            Value::None => Ok(None),
            Value::Some(inner) => T::from_value(inner).map(Some),
            other => T::from_value(other)
                .map(Some)
                .map_err(|_| wrong(Self::type_name(), other)),
        }
    }
    fn type_name() -> String {
        format!("Option<{}>", T::type_name())
    }
    fn parse_env(text: &str) -> Result<Self, String> {
        if text.trim().eq_ignore_ascii_case("none") {
            return Ok(None);
        }
        T::parse_env(text)
            .map(Some)
            .map_err(|e| format!("`none` or {e}"))
    }
    fn seed_value() -> Self {
        None
    }
    fn sample(default: &Self, ctx: &mut SampleCtx<'_>) -> Self {
        if ctx.toggle {
            match default {
                Some(_) => None,
                None => Some(T::sample(&T::seed_value(), ctx)),
            }
        } else if ctx.rng.chance(0.5) {
            None
        } else {
            let start = default.clone().unwrap_or_else(T::seed_value);
            Some(T::sample(&start, ctx))
        }
    }
}

/// Samples 1..=3 elements, each from the default's first element (or the
/// type's seed value when the default is empty).
fn sample_elements<T: FuzzValue>(first: Option<&T>, ctx: &mut SampleCtx<'_>) -> Vec<T> {
    let start = first.cloned().unwrap_or_else(T::seed_value);
    let n = 1 + ctx.rng.below(3) as usize;
    (0..n).map(|_| T::sample(&start, ctx)).collect()
}

impl<T: FuzzValue> FuzzValue for Vec<T> {
    fn to_value(&self) -> Value {
        Value::List(self.iter().map(FuzzValue::to_value).collect())
    }
    fn from_value(v: &Value) -> Result<Self, ConfigError> {
        match v {
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => items
                .iter()
                .map(T::from_value)
                .collect::<Result<_, _>>()
                .map_err(|_| wrong(Self::type_name(), v)),
            other => Err(wrong(Self::type_name(), other)),
        }
    }
    fn type_name() -> String {
        format!("Vec<{}>", T::type_name())
    }
    fn seed_value() -> Self {
        Vec::new()
    }
    fn sample(default: &Self, ctx: &mut SampleCtx<'_>) -> Self {
        sample_elements(default.first(), ctx)
    }
}

fn sorted_set_value(mut items: Vec<Value>) -> Value {
    items.sort_by_cached_key(Value::to_json);
    Value::Set(items)
}

macro_rules! set_impl {
    ($set:ident, $($bound:path),*) => {
        impl<T: FuzzValue $(+ $bound)*> FuzzValue for $set<T> {
            fn to_value(&self) -> Value {
                sorted_set_value(self.iter().map(FuzzValue::to_value).collect())
            }
            fn from_value(v: &Value) -> Result<Self, ConfigError> {
                match v {
                    Value::List(items) | Value::Set(items) | Value::Tuple(items) => items
                        .iter()
                        .map(T::from_value)
                        .collect::<Result<_, _>>()
                        .map_err(|_| wrong(Self::type_name(), v)),
                    other => Err(wrong(Self::type_name(), other)),
                }
            }
            fn type_name() -> String {
                format!("{}<{}>", stringify!($set), T::type_name())
            }
            fn seed_value() -> Self {
                $set::new()
            }
            fn sample(default: &Self, ctx: &mut SampleCtx<'_>) -> Self {
                let first = default.iter().next();
                let mut out: Self = sample_elements(first, ctx).into_iter().collect();
                // A draw can repeat the default exactly; try a few more times.
                for _ in 0..8 {
                    if !ctx.toggle || out != *default {
                        break;
                    }
                    out = sample_elements(first, ctx).into_iter().collect();
                }
                out
            }
        }
    };
}
set_impl!(BTreeSet, Ord);
set_impl!(HashSet, Eq, Hash);

fn map_entries<K: FuzzValue, V: FuzzValue>(
    v: &Value,
    ty: String,
) -> Result<Vec<(K, V)>, ConfigError> {
    let Value::Map(pairs) = v else {
        return Err(wrong(ty, v));
    };
    pairs
        .iter()
        .map(|(k, val)| {
            let key = K::from_value(k).or_else(|e| match k {
                // JSON object keys are strings; read `"1"` as the key `1`.
                Value::Str(s) => Value::parse_json(s)
                    .and_then(|kv| K::from_value(&kv))
                    .map_err(|_| e),
                _ => Err(e),
            });
            Ok((key?, V::from_value(val)?))
        })
        .collect::<Result<_, ConfigError>>()
        .map_err(|_| wrong(ty, v))
}

macro_rules! map_impl {
    ($map:ident, $($bound:path),*) => {
        impl<K: FuzzValue $(+ $bound)*, V: FuzzValue> FuzzValue for $map<K, V> {
            fn to_value(&self) -> Value {
                let mut pairs: Vec<(Value, Value)> =
                    self.iter().map(|(k, v)| (k.to_value(), v.to_value())).collect();
                pairs.sort_by_cached_key(|(k, _)| k.to_json());
                Value::Map(pairs)
            }
            fn from_value(v: &Value) -> Result<Self, ConfigError> {
                Ok(map_entries::<K, V>(v, Self::type_name())?.into_iter().collect())
            }
            fn type_name() -> String {
                format!("{}<{}, {}>", stringify!($map), K::type_name(), V::type_name())
            }
            fn seed_value() -> Self {
                $map::new()
            }
            fn sample(default: &Self, ctx: &mut SampleCtx<'_>) -> Self {
                let (k0, v0) = match default.iter().next() {
                    Some((k, v)) => (k.clone(), v.clone()),
                    None => (K::seed_value(), V::seed_value()),
                };
                for _ in 0..8 {
                    let n = ctx.rng.below(4) as usize;
                    let out: Self = (0..n)
                        .map(|_| (K::sample(&k0, ctx), V::sample(&v0, ctx)))
                        .collect();
                    if !ctx.toggle || out != *default {
                        return out;
                    }
                }
                let mut out = Self::new();
                out.insert(K::sample(&k0, ctx), V::sample(&v0, ctx));
                out
            }
        }
    };
}
map_impl!(BTreeMap, Ord);
map_impl!(HashMap, Eq, Hash);

macro_rules! tuple_impl {
    ($len:literal: $($T:ident $i:tt),+) => {
        impl<$($T: FuzzValue),+> FuzzValue for ($($T,)+) {
            fn to_value(&self) -> Value {
                Value::Tuple(vec![$(self.$i.to_value()),+])
            }
            fn from_value(v: &Value) -> Result<Self, ConfigError> {
                match v {
                    Value::Tuple(items) | Value::List(items) if items.len() == $len => {
                        let conv = || -> Result<Self, ConfigError> {
                            Ok(($($T::from_value(&items[$i])?,)+))
                        };
                        conv().map_err(|_| wrong(Self::type_name(), v))
                    }
                    other => Err(wrong(Self::type_name(), other)),
                }
            }
            fn type_name() -> String {
                let parts: Vec<String> = vec![$($T::type_name()),+];
                if parts.len() == 1 {
                    format!("({},)", parts[0])
                } else {
                    format!("({})", parts.join(", "))
                }
            }
            fn seed_value() -> Self {
                ($($T::seed_value(),)+)
            }
            fn sample(default: &Self, ctx: &mut SampleCtx<'_>) -> Self {
                ($($T::sample(&default.$i, ctx),)+)
            }
        }
    };
}
tuple_impl!(1: A 0);
tuple_impl!(2: A 0, B 1);
tuple_impl!(3: A 0, B 1, C 2);
tuple_impl!(4: A 0, B 1, C 2, D 3);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_rust() {
        let v = Value::Tuple(vec![Value::Int(1)]);
        assert_eq!(v.to_string(), "(1,)");
        assert_eq!(Value::Float(1.0).to_string(), "1.0");
        assert_eq!(
            Value::Str("a\"b".into()).to_string(),
            "String::from(\"a\\\"b\")"
        );
        let m = Value::Map(vec![(Value::Int(1), Value::Int(2))]);
        assert_eq!(m.to_string(), "[(1, 2)].into_iter().collect()");
    }

    #[test]
    fn json_round_trip_of_typed_values() {
        let m: BTreeMap<i64, i64> = [(1, 2)].into_iter().collect();
        let json = m.to_value().to_json();
        assert_eq!(json, r#"{"1":2}"#);
        let back = BTreeMap::<i64, i64>::from_value(&Value::parse_json(&json).unwrap()).unwrap();
        assert_eq!(back, m);
        let t = (1i64, String::from("x"));
        let back =
            <(i64, String)>::from_value(&Value::parse_json(&t.to_value().to_json()).unwrap())
                .unwrap();
        assert_eq!(back, t);
        let o: Option<bool> = Some(true);
        assert_eq!(o.to_value().to_json(), "true");
        assert_eq!(
            Option::<bool>::from_value(&Value::Bool(true)).unwrap(),
            Some(true)
        );
        assert_eq!(Option::<bool>::from_value(&Value::None).unwrap(), None);
    }

    #[test]
    fn wrong_types_are_errors() {
        assert!(bool::from_value(&Value::Int(1)).is_err());
        assert!(u8::from_value(&Value::Int(300)).is_err());
        assert!(i64::from_value(&Value::Float(1.5)).is_err());
        assert!(Vec::<i64>::from_value(&Value::List(vec![Value::Str("x".into())])).is_err());
        let e = Option::<bool>::from_value(&Value::Str("x".into())).unwrap_err();
        assert!(e.to_string().contains("Option<bool>"), "{e}");
    }

    #[test]
    fn env_parsing() {
        for (t, v) in [("1", true), ("0", false), ("YES", true), ("off", false)] {
            assert_eq!(bool::parse_env(t), Ok(v));
        }
        assert!(bool::parse_env("maybe").is_err());
        assert_eq!(Option::<bool>::parse_env("none"), Ok(None));
        assert_eq!(Option::<bool>::parse_env("1"), Ok(Some(true)));
        assert_eq!(String::parse_env(""), Ok(String::new()));
        assert_eq!(i64::parse_env(" 42"), Ok(42));
        assert_eq!(Vec::<i64>::parse_env("[1,2]"), Ok(vec![1, 2]));
        assert!(Vec::<i64>::parse_env("[1,").is_err());
    }

    #[test]
    fn u128_beyond_i128() {
        let v = u128::MAX.to_value();
        assert_eq!(v, Value::UInt(u128::MAX));
        assert_eq!(u128::from_value(&v).unwrap(), u128::MAX);
        assert!(i128::from_value(&v).is_err());
    }
}
