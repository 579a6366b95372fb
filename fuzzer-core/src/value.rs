//! [`Value`], the dynamic form of a field value, and [`FuzzValue`], the trait
//! every supported field type implements.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::{self, Debug, Display};
use std::hash::Hash;

use crate::error::ConfigError;
use crate::sample::SampleCtx;
use crate::schema::ty::DynType as SchemaType;

/// A map from dotted field name to value: a partial or complete configuration.
///
/// Used by the by-name APIs (`patch_values`, `set_values`), by `changed()` and
/// `to_values()`, and by the fuzzer for every candidate configuration.
pub type ConfigDiff = BTreeMap<String, Value>;

/// The dynamic form of a field value.
///
/// `Value` is what tools see: the fuzzer samples `Value`s, `ConfigDiff`s hold
/// them, JSON is read into them. It [`Display`]s as the Rust expression that
/// builds it (untyped: `FuzzValue::rust_expr` and `FieldMeta::rust_expr`
/// print the exact expression for a given type), and it has one serde form,
/// which is its JSON in `save_json`, `load_json`, env vars holding JSON,
/// `Results::save_json` and `config_hash`:
///
/// | value | JSON |
/// |---|---|
/// | `None` | `null` |
/// | `Some(x)` | `x`; but `[x]` when `x` is itself an option written as `null` or as a one-element array, so `Some(None)` is `[null]` and survives a round trip |
/// | integers in the `i64`/`u64` range | numbers |
/// | other `i128`/`u128` integers | strings of their decimal digits, `"-170141183460469231731687303715884105728"` (JSON readers round such numbers) |
/// | finite floats | numbers, in the shortest form that reads back to the same bits |
/// | NaN, +∞, -∞ | the strings `"NaN"`, `"inf"`, `"-inf"` |
/// | strings, enum variants | strings (a variant by its name) |
/// | lists, sets, tuples | arrays (sets in the order [`Value::Set`] gives) |
/// | maps whose keys are strings, enum variants, integers or bools | objects (keys as their text) |
/// | other maps (e.g. `Option<String>` keys) | arrays of `[key, value]` pairs |
///
/// Reading accepts these forms and is exact: a number that would have to be
/// rounded to fit the field's type (`1e300` for an `f32`, a 20-digit integer
/// written as a JSON number, `2^53 + 1` for an `f64`) is an error, never a
/// rounded value, and a key given twice in one JSON object is an error with
/// its line and column.
///
/// ```
/// use fuzzer_core::Value;
/// assert_eq!(Value::Some(Box::new(Value::Bool(true))).to_string(), "Some(true)");
/// assert_eq!(Value::List(vec![Value::Int(1)]).to_string(), "vec![1]");
/// assert_eq!(Value::Float(f64::NAN).to_json(), r#""NaN""#);
/// assert_eq!(Value::UInt(u128::MAX).to_json(), r#""340282366920938463463374607431768211455""#);
/// assert_eq!(Value::Some(Box::new(Value::None)).to_json(), "[null]");
/// let x = 0.999_999_999_999_999_9;
/// assert_eq!(Value::parse_json(&Value::Float(x).to_json()).unwrap(), Value::Float(x));
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
    /// A `BTreeSet<T>` (elements in their `Ord` order) or a `HashSet<T>`
    /// (elements in a deterministic order: numbers by value, strings by
    /// their UTF-8 bytes, enum variants by name, containers element by
    /// element).
    Set(Vec<Value>),
    /// A tuple.
    Tuple(Vec<Value>),
    /// A `BTreeMap<K, V>` or `HashMap<K, V>`, as (key, value) pairs, in the
    /// key order a set of the keys would have.
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

    /// Converts parsed JSON into a `Value`, as [`parse_json`](Self::parse_json)
    /// reads it. Objects become [`Value::Map`]s with string keys; typed
    /// conversion (`FuzzValue::from_value`) parses such keys.
    pub fn from_json(json: &serde_json::Value) -> Value {
        use serde::Deserialize as _;
        // A `serde_json::Value` cannot hold a repeated key, the one thing
        // reading can reject.
        Value::deserialize(json)
            .unwrap_or_else(|e| unreachable!("a serde_json::Value always reads: {e}"))
    }

    /// Parses a JSON text into a `Value` (see the type's docs for the form).
    /// Malformed JSON and a key given twice in one object are errors with
    /// their line and column.
    ///
    /// ```
    /// use fuzzer_core::Value;
    /// assert_eq!(Value::parse_json("[1, \"x\"]").unwrap(),
    ///            Value::List(vec![Value::Int(1), Value::Str("x".into())]));
    /// assert!(Value::parse_json(r#"{"a": 1, "a": 2}"#).is_err());
    /// ```
    pub fn parse_json(text: &str) -> Result<Value, ConfigError> {
        serde_json::from_str(text).map_err(|e| ConfigError::json(&e))
    }

    /// The value as compact JSON text (see the type's docs for the form).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self)
            .unwrap_or_else(|e| unreachable!("a Value always serializes: {e}"))
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
    /// `vec![1]`, `Backend::Halide`, `f32::NAN`: assigned to a place of
    /// this type, it compiles and gives back this value (floats bit for bit,
    /// NaN as `NAN`). Containers print their elements with the element
    /// type's `rust_expr`, sets and maps as `[..].into_iter().collect()`.
    ///
    /// ```
    /// use fuzzer_core::FuzzValue;
    /// assert_eq!(vec![0.1f32, f32::NAN].rust_expr(), "vec![0.1, f32::NAN]");
    /// assert_eq!(Some((1u8, String::from("x"))).rust_expr(), r#"Some((1, String::from("x")))"#);
    /// ```
    fn rust_expr(&self) -> String {
        self.to_value().to_string()
    }

    /// The type's name as a user would write it, e.g. `Option<bool>`.
    fn type_name() -> String;

    /// Sets `self` to the value `v` stands for: what
    /// `*self = Self::from_value(v)?` does (the same value, the same error,
    /// and `self` unchanged on an error), reusing `self`'s memory where the
    /// type can (a `String`'s buffer). The fuzzer builds every run's config
    /// this way, over a config it reuses.
    #[doc(hidden)]
    fn set_from_value(&mut self, v: &Value) -> Result<(), ConfigError> {
        *self = Self::from_value(v)?;
        Ok(())
    }

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

    /// `true` for `Option<T>`: an outer option reads a one-element array as
    /// the wrapped form of `Some(inner option)` (see [`Value`]).
    #[doc(hidden)]
    fn is_option() -> bool {
        false
    }

    /// Whether two values are the same value, which is what the config
    /// compares to decide whether a field changed (`set`, `patch`,
    /// `changed()`, `is_default`): `==`, except that floats compare by
    /// their bits, so `-0.0` differs from `0.0` and a NaN is the same as
    /// itself (with `==`, a NaN default would never be "default", and
    /// setting `-0.0` over `0.0` would record nothing).
    #[doc(hidden)]
    fn same(&self, other: &Self) -> bool {
        self == other
    }

    /// The type's shape in a JSON Schema (and in a
    /// [`DynConfig`](crate::DynConfig)): what `json_schema()` writes as the
    /// field's `type`, `enum`, `items`, ...
    #[doc(hidden)]
    fn schema_type() -> SchemaType;
}

fn wrong(expected: impl Into<String>, found: &Value) -> ConfigError {
    ConfigError::WrongType {
        field: String::new(),
        expected: expected.into(),
        found: format!("{} {}", found.kind(), crate::error::preview_value(found)),
    }
}

/// [`wrong`], with a note on how the value can be written.
fn wrong_because(expected: impl Into<String>, found: &Value, why: &str) -> ConfigError {
    match wrong(expected, found) {
        ConfigError::WrongType {
            field,
            expected,
            found,
        } => ConfigError::WrongType {
            field,
            expected,
            found: format!("{found} ({why})"),
        },
        other => other,
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
    fn schema_type() -> SchemaType {
        SchemaType::Bool
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
                let exact = match v {
                    Value::Int(i) => Some(*i),
                    Value::UInt(u) => return <$t>::try_from(*u).map_err(|_| wrong(stringify!($t), v)),
                    // Integers outside the 64-bit range are saved as strings
                    // of digits.
                    Value::Str(s) => match crate::json::wide_int(s) {
                        Some(Value::Int(i)) => Some(i),
                        Some(Value::UInt(u)) => {
                            return <$t>::try_from(u).map_err(|_| wrong(stringify!($t), v))
                        }
                        _ => None,
                    },
                    // A float may be a rounded integer (JSON numbers beyond
                    // 64 bits arrive as floats): never take it as exact.
                    Value::Float(_) => {
                        return Err(wrong_because(
                            stringify!($t),
                            v,
                            "write integers as JSON integers, and those outside the 64-bit range as strings of their digits, e.g. \"18446744073709551617\"",
                        ))
                    }
                    _ => None,
                };
                exact
                    .and_then(|i| <$t>::try_from(i).ok())
                    .ok_or_else(|| wrong(stringify!($t), v))
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
            fn schema_type() -> SchemaType {
                match (i128::try_from(<$t>::MIN), i128::try_from(<$t>::MAX)) {
                    (Ok(lo), Ok(hi)) if (lo, hi) != (i128::MIN, i128::MAX) => SchemaType::IntIn(lo, hi),
                    _ => SchemaType::Int,
                }
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
            fn same(&self, other: &Self) -> bool {
                self.to_bits() == other.to_bits()
            }
            #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
            fn from_value(v: &Value) -> Result<Self, ConfigError> {
                let ty = stringify!($t);
                match v {
                    Value::Float(f) => {
                        let x = *f as $t;
                        if x.is_infinite() && f.is_finite() {
                            return Err(wrong_because(ty, v, concat!("out of the range of ", stringify!($t))));
                        }
                        Ok(x)
                    }
                    // Only an integer the float type holds exactly.
                    Value::Int(i) => {
                        let x = *i as $t;
                        // `as` saturates, so 2^127 (the rounding of
                        // i128::MAX) would compare equal: exclude it.
                        if x < i128::MAX as $t && x as i128 == *i {
                            Ok(x)
                        } else {
                            Err(wrong_because(ty, v, concat!("not exactly representable as ", stringify!($t))))
                        }
                    }
                    Value::UInt(u) => {
                        let x = *u as $t;
                        if x < u128::MAX as $t && x as u128 == *u {
                            Ok(x)
                        } else {
                            Err(wrong_because(ty, v, concat!("not exactly representable as ", stringify!($t))))
                        }
                    }
                    // Non-finite floats are saved as strings, since JSON has none.
                    Value::Str(s) => match crate::json::non_finite(s) {
                        Some(x) => Ok(x as $t),
                        None => Err(wrong_because(ty, v, "a float, or one of the strings \"NaN\", \"inf\", \"-inf\"")),
                    },
                    other => Err(wrong(ty, other)),
                }
            }
            fn rust_expr(&self) -> String {
                if self.is_nan() {
                    concat!(stringify!($t), "::NAN").into()
                } else if self.is_infinite() {
                    if *self > 0.0 {
                        concat!(stringify!($t), "::INFINITY").into()
                    } else {
                        concat!(stringify!($t), "::NEG_INFINITY").into()
                    }
                } else {
                    // `{:?}` is the shortest text that reads back to the same
                    // bits, and always has a `.` or an exponent.
                    format!("{self:?}")
                }
            }
            fn type_name() -> String {
                stringify!($t).into()
            }
            fn parse_env(text: &str) -> Result<Self, String> {
                let text = text.trim();
                let expected = || stringify!($t).to_string();
                let x = crate::json::non_finite(text)
                    .map(|x| x as $t)
                    .map_or_else(|| text.parse::<$t>(), Ok)
                    .map_err(|_| expected())?;
                // Rust's parser rounds a finite number too large for the type
                // to infinity; that is not the number written.
                let written_infinite = text
                    .trim_start_matches(['+', '-'])
                    .to_ascii_lowercase()
                    .starts_with("inf");
                if x.is_infinite() && !written_infinite {
                    return Err(concat!(stringify!($t), " (this number is out of its range)").to_string());
                }
                Ok(x)
            }
            fn seed_value() -> Self {
                0.0
            }
            fn sample(default: &Self, ctx: &mut SampleCtx<'_>) -> Self {
                crate::sample::sample_float(*default, ctx)
            }
            fn schema_type() -> SchemaType {
                SchemaType::Float
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
    fn set_from_value(&mut self, v: &Value) -> Result<(), ConfigError> {
        match v {
            Value::Str(s) => {
                self.clone_from(s);
                Ok(())
            }
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
    fn schema_type() -> SchemaType {
        SchemaType::Str
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
            // `[x]` is how `Some(x)` is written when `x` is an option that
            // would otherwise read back as something else.
            Value::List(items) if T::is_option() && items.len() == 1 => T::from_value(&items[0])
                .or_else(|_| T::from_value(v))
                .map(Some)
                .map_err(|_| wrong(Self::type_name(), v)),
            other => T::from_value(other)
                .map(Some)
                .map_err(|_| wrong(Self::type_name(), other)),
        }
    }
    fn set_from_value(&mut self, v: &Value) -> Result<(), ConfigError> {
        match (self, v) {
            // `T::from_value(inner).map(Some)`, into the `T` already here.
            (Some(x), Value::Some(inner)) => x.set_from_value(inner),
            (this, v) => {
                *this = Self::from_value(v)?;
                Ok(())
            }
        }
    }
    fn rust_expr(&self) -> String {
        match self {
            None => "None".into(),
            Some(x) => format!("Some({})", x.rust_expr()),
        }
    }
    fn is_option() -> bool {
        true
    }
    fn same(&self, other: &Self) -> bool {
        match (self, other) {
            (None, None) => true,
            (Some(a), Some(b)) => a.same(b),
            _ => false,
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
    fn schema_type() -> SchemaType {
        SchemaType::Option(Box::new(T::schema_type()))
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
    fn same(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a.same(b))
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
    fn rust_expr(&self) -> String {
        format!("vec![{}]", exprs(self.iter()))
    }
    fn type_name() -> String {
        format!("Vec<{}>", T::type_name())
    }
    fn seed_value() -> Self {
        Vec::new()
    }
    fn schema_type() -> SchemaType {
        SchemaType::List(Box::new(T::schema_type()))
    }
    fn sample(default: &Self, ctx: &mut SampleCtx<'_>) -> Self {
        sample_elements(default.first(), ctx)
    }
}

/// The elements' `rust_expr`s, comma-separated.
fn exprs<'a, T: FuzzValue>(items: impl Iterator<Item = &'a T>) -> String {
    items
        .map(FuzzValue::rust_expr)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Elements of a `HashSet` (or keys of a `HashMap`) with their values, in
/// the deterministic order documented on [`Value::Set`].
fn in_canonical_order<'a, T: FuzzValue, X>(
    items: impl Iterator<Item = (&'a T, X)>,
) -> Vec<(Value, &'a T, X)> {
    let mut out: Vec<(Value, &T, X)> = items.map(|(t, x)| (t.to_value(), t, x)).collect();
    out.sort_by(|a, b| crate::json::canonical_cmp(&a.0, &b.0));
    out
}

/// How a set or map type lists its elements: a `BTree*` in its own order,
/// a `Hash*` in the canonical order of their values.
trait ElementOrder {
    const SORT: bool;
}
impl<T> ElementOrder for BTreeSet<T> {
    const SORT: bool = false;
}
impl<T, S> ElementOrder for HashSet<T, S> {
    const SORT: bool = true;
}
impl<K, V> ElementOrder for BTreeMap<K, V> {
    const SORT: bool = false;
}
impl<K, V, S> ElementOrder for HashMap<K, V, S> {
    const SORT: bool = true;
}

macro_rules! set_impl {
    ($set:ident, $($bound:path),*) => {
        impl<T: FuzzValue $(+ $bound)*> FuzzValue for $set<T> {
            fn to_value(&self) -> Value {
                if Self::SORT {
                    let items = in_canonical_order(self.iter().map(|t| (t, ())));
                    Value::Set(items.into_iter().map(|(v, _, _)| v).collect())
                } else {
                    Value::Set(self.iter().map(FuzzValue::to_value).collect())
                }
            }
            fn rust_expr(&self) -> String {
                let items = if Self::SORT {
                    let items = in_canonical_order(self.iter().map(|t| (t, ())));
                    exprs(items.into_iter().map(|(_, t, _)| t))
                } else {
                    exprs(self.iter())
                };
                format!("[{items}].into_iter().collect()")
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
            fn schema_type() -> SchemaType {
                SchemaType::Set(Box::new(T::schema_type()))
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

/// The (key, value) pairs of a map value: a [`Value::Map`] (from JSON, an
/// object, whose keys are text) or a list of `[key, value]` pairs (how maps
/// with other keys are written).
fn map_entries<K: FuzzValue, V: FuzzValue>(
    v: &Value,
    ty: fn() -> String,
) -> Result<Vec<(K, V)>, ConfigError> {
    // The type's name is built only for an error: maps sit on the
    // fuzzer's per-run path.
    let entry = |k: &Value, val: &Value| -> Result<(K, V), ConfigError> {
        let key = K::from_value(k).or_else(|e| match k {
            // JSON object keys are text; read `"1"` as the key `1`.
            Value::Str(s) => crate::json::wide_int(s)
                .or_else(|| s.parse::<bool>().ok().map(Value::Bool))
                .ok_or(e)
                .and_then(|kv| K::from_value(&kv)),
            _ => Err(e),
        });
        Ok((key?, V::from_value(val)?))
    };
    match v {
        Value::Map(pairs) => pairs
            .iter()
            .map(|(k, x)| entry(k, x))
            .collect::<Result<_, ConfigError>>()
            .map_err(|_| wrong(ty(), v)),
        Value::List(items) => {
            fn pair(item: &Value) -> Option<(&Value, &Value)> {
                match item {
                    Value::List(kv) | Value::Tuple(kv) if kv.len() == 2 => Some((&kv[0], &kv[1])),
                    _ => None,
                }
            }
            // The shape first, so a list that is not of pairs says so.
            if !items.iter().all(|item| pair(item).is_some()) {
                return Err(wrong_because(
                    ty(),
                    v,
                    "a map is an object or an array of [key, value] pairs",
                ));
            }
            items
                .iter()
                .filter_map(pair)
                .map(|(k, x)| entry(k, x))
                .collect::<Result<_, ConfigError>>()
                .map_err(|_| wrong(ty(), v))
        }
        _ => Err(wrong(ty(), v)),
    }
}

macro_rules! map_impl {
    ($map:ident, $($bound:path),*) => {
        impl<K: FuzzValue $(+ $bound)*, V: FuzzValue> FuzzValue for $map<K, V> {
            fn same(&self, other: &Self) -> bool {
                // Keys are `Eq` (no floats), so only values need `same`.
                self.len() == other.len()
                    && self.iter().all(|(k, v)| other.get(k).is_some_and(|w| v.same(w)))
            }
            fn to_value(&self) -> Value {
                if Self::SORT {
                    let pairs = in_canonical_order(self.iter());
                    Value::Map(pairs.into_iter().map(|(k, _, v)| (k, v.to_value())).collect())
                } else {
                    Value::Map(self.iter().map(|(k, v)| (k.to_value(), v.to_value())).collect())
                }
            }
            fn from_value(v: &Value) -> Result<Self, ConfigError> {
                let entries = map_entries::<K, V>(v, Self::type_name)?;
                let n = entries.len();
                let map: Self = entries.into_iter().collect();
                if map.len() < n {
                    return Err(wrong_because(Self::type_name(), v, "a key appears twice; keep one"));
                }
                Ok(map)
            }
            fn rust_expr(&self) -> String {
                let pair = |(k, v): (&K, &V)| format!("({}, {})", k.rust_expr(), v.rust_expr());
                let pairs: Vec<String> = if Self::SORT {
                    in_canonical_order(self.iter()).into_iter().map(|(_, k, v)| pair((k, v))).collect()
                } else {
                    self.iter().map(pair).collect()
                };
                format!("[{}].into_iter().collect()", pairs.join(", "))
            }
            fn type_name() -> String {
                format!("{}<{}, {}>", stringify!($map), K::type_name(), V::type_name())
            }
            fn seed_value() -> Self {
                $map::new()
            }
            fn schema_type() -> SchemaType {
                SchemaType::Map(Box::new(K::schema_type()), Box::new(V::schema_type()))
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
            fn same(&self, other: &Self) -> bool {
                $(self.$i.same(&other.$i))&&+
            }
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
            fn rust_expr(&self) -> String {
                let parts: Vec<String> = vec![$(self.$i.rust_expr()),+];
                if parts.len() == 1 {
                    format!("({},)", parts[0])
                } else {
                    format!("({})", parts.join(", "))
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
            fn schema_type() -> SchemaType {
                SchemaType::Tuple(vec![$($T::schema_type()),+])
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

    /// `set_from_value` must do what `*x = from_value(v)?` does: the same
    /// value or the same error, and nothing changed on an error.
    fn sets_like_from_value<T: FuzzValue + Clone + PartialEq + std::fmt::Debug>(
        start: T,
        v: &Value,
    ) {
        let mut set = start.clone();
        let got = set.set_from_value(v);
        match T::from_value(v) {
            Ok(want) => {
                assert_eq!(got.map_err(|e| e.to_string()), Ok(()), "{v:?}");
                assert_eq!(set, want, "{v:?}");
            }
            Err(e) => {
                assert_eq!(got.map_err(|e| e.to_string()), Err(e.to_string()), "{v:?}");
                assert_eq!(set, start, "unchanged after {v:?}");
            }
        }
    }

    #[test]
    fn set_from_value_is_from_value_in_place() {
        let values = [
            Value::Str("longer than the buffer it replaces".into()),
            Value::Str(String::new()),
            Value::Int(3),
            Value::None,
            Value::Some(Box::new(Value::Str("x".into()))),
            Value::Some(Box::new(Value::Int(1))),
            Value::List(vec![Value::Str("y".into())]),
        ];
        for v in &values {
            sets_like_from_value(String::from("abc"), v);
            sets_like_from_value(Some(String::from("abc")), v);
            sets_like_from_value(None::<String>, v);
            sets_like_from_value(Some(Some(String::from("abc"))), v);
            sets_like_from_value(7i64, v);
            sets_like_from_value(BTreeMap::from([(1i64, true)]), v);
        }
        let map = Value::Map(vec![(Value::Str("2".into()), Value::Bool(false))]);
        sets_like_from_value(BTreeMap::from([(1i64, true)]), &map);
        let pairs = Value::List(vec![Value::List(vec![Value::Int(2), Value::Bool(false)])]);
        sets_like_from_value(BTreeMap::from([(1i64, true)]), &pairs);
        // A String keeps its buffer when the new value fits.
        let mut s = String::with_capacity(64);
        s.push_str("abc");
        let at = s.as_ptr();
        s.set_from_value(&Value::Str("def".into())).unwrap();
        assert_eq!((s.as_str(), s.as_ptr()), ("def", at));
    }

    #[test]
    fn a_map_that_is_neither_object_nor_pairs_says_how_to_write_it() {
        let not_pairs = Value::List(vec![
            Value::List(vec![Value::Str("x".into()), Value::Bool(true)]),
            Value::Int(1),
        ]);
        let e = BTreeMap::<i64, bool>::from_value(&not_pairs)
            .unwrap_err()
            .to_string();
        assert!(e.contains("BTreeMap<i64, bool>"), "{e}");
        assert!(e.contains("array of [key, value] pairs"), "{e}");
        let bad_key = Value::List(vec![Value::List(vec![
            Value::Str("x".into()),
            Value::Bool(true),
        ])]);
        let e = BTreeMap::<i64, bool>::from_value(&bad_key)
            .unwrap_err()
            .to_string();
        assert!(e.contains("BTreeMap<i64, bool>"), "{e}");
        assert!(!e.contains("pairs"), "{e}");
    }
}
