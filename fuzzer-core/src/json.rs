//! The one JSON (serde) form of a [`Value`], used by every JSON path of the
//! crate: `save_json`/`load_json`, `Value::to_json`/`parse_json`, env vars
//! holding JSON, `Results::save_json`/`load_json` and `config_hash`. The
//! encoding is documented on [`Value`].

use std::cmp::Ordering;
use std::collections::HashSet;
use std::fmt;
use std::io;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Deserializer, Serialize};

use crate::value::Value;

/// How `NaN`, `+∞` and `-∞` are written, since JSON numbers cannot hold them.
pub(crate) const NAN: &str = "NaN";
/// See [`NAN`].
pub(crate) const INFINITY: &str = "inf";
/// See [`NAN`].
pub(crate) const NEG_INFINITY: &str = "-inf";

/// The float a non-finite float's string form stands for.
pub(crate) fn non_finite(text: &str) -> Option<f64> {
    match text {
        NAN => Some(f64::NAN),
        INFINITY => Some(f64::INFINITY),
        NEG_INFINITY => Some(f64::NEG_INFINITY),
        _ => None,
    }
}

/// Parses the string form of an integer outside the 64-bit range (an
/// optional `-` then decimal digits, nothing else).
pub(crate) fn wide_int(text: &str) -> Option<Value> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match text.parse::<i128>() {
        Ok(i) => Some(Value::Int(i)),
        Err(_) => text.parse::<u128>().ok().map(Value::UInt),
    }
}

/// `true` when `Some(x)` must be written `[x]`: `x` is itself an option
/// whose own form would be `null` or a one-element array, so writing it
/// bare would read back as something else (`Some(None)` as `None`).
fn wraps(x: &Value) -> bool {
    matches!(x, Value::None | Value::Some(_)) && null_or_single(x)
}

/// `true` when `v` is written as `null` or as an array of one element.
fn null_or_single(v: &Value) -> bool {
    match v {
        Value::None => true,
        Value::Some(y) => wraps(y) || null_or_single(y),
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => items.len() == 1,
        Value::Map(pairs) => pairs.len() == 1 && !object_keys(pairs),
        _ => false,
    }
}

/// The text of a map key when maps of its kind are written as JSON objects.
fn key_text(k: &Value) -> Option<String> {
    match k {
        Value::Str(s) => Some(s.clone()),
        Value::Enum { variant, .. } => Some((*variant).to_string()),
        Value::Int(i) => Some(i.to_string()),
        Value::UInt(u) => Some(u.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Whether a map is written as an object: every key is a string, an enum
/// variant, an integer or a bool, all of one kind (so no two keys can share
/// a text). Other maps are written as arrays of `[key, value]` pairs.
fn object_keys(pairs: &[(Value, Value)]) -> bool {
    fn class(k: &Value) -> Option<u8> {
        match k {
            Value::Str(_) | Value::Enum { .. } => Some(0),
            Value::Int(_) | Value::UInt(_) => Some(1),
            Value::Bool(_) => Some(2),
            _ => None,
        }
    }
    let Some((first, _)) = pairs.first() else {
        return true;
    };
    let Some(c) = class(first) else {
        return false;
    };
    pairs.iter().all(|(k, _)| class(k) == Some(c))
}

/// Serializes an integer: a JSON number within the 64-bit range, else the
/// string of its decimal digits (JSON readers commonly hold numbers in an
/// `f64` or a 64-bit integer and would round it).
fn serialize_int<S: Serializer>(i: i128, s: S) -> Result<S::Ok, S::Error> {
    if let Ok(i) = i64::try_from(i) {
        s.serialize_i64(i)
    } else if let Ok(u) = u64::try_from(i) {
        s.serialize_u64(u)
    } else {
        s.collect_str(&i)
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::None => s.serialize_none(),
            Value::Some(inner) if wraps(inner) => {
                let mut seq = s.serialize_seq(Some(1))?;
                seq.serialize_element(inner)?;
                seq.end()
            }
            Value::Some(inner) => inner.serialize(s),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => serialize_int(*i, s),
            Value::UInt(u) => match i128::try_from(*u) {
                Ok(i) => serialize_int(i, s),
                Err(_) => s.collect_str(u),
            },
            Value::Float(f) if f.is_nan() => s.serialize_str(NAN),
            Value::Float(f) if f.is_infinite() => {
                s.serialize_str(if *f > 0.0 { INFINITY } else { NEG_INFINITY })
            }
            Value::Float(f) => s.serialize_f64(*f),
            Value::Str(v) => s.serialize_str(v),
            Value::Enum { variant, .. } => s.serialize_str(variant),
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => s.collect_seq(items),
            Value::Map(pairs) if object_keys(pairs) => s.collect_map(
                pairs
                    .iter()
                    .map(|(k, v)| (key_text(k).unwrap_or_default(), v)),
            ),
            Value::Map(pairs) => s.collect_seq(pairs.iter().map(|(k, v)| (k, v))),
        }
    }
}

/// Reads any JSON into a [`Value`]: numbers as `Int` or `Float`, strings as
/// `Str`, arrays as `List`, objects as `Map`s with `Str` keys. A key given
/// twice in one object is an error (serde_json adds its line and column).
struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E>(self, i: i64) -> Result<Value, E> {
        Ok(Value::Int(i128::from(i)))
    }
    fn visit_u64<E>(self, u: u64) -> Result<Value, E> {
        Ok(Value::Int(i128::from(u)))
    }
    fn visit_i128<E>(self, i: i128) -> Result<Value, E> {
        Ok(Value::Int(i))
    }
    fn visit_u128<E>(self, u: u128) -> Result<Value, E> {
        Ok(i128::try_from(u).map_or(Value::UInt(u), Value::Int))
    }
    fn visit_f64<E>(self, f: f64) -> Result<Value, E> {
        Ok(Value::Float(f))
    }
    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::Str(s.to_string()))
    }
    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::Str(s))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::None)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Ok(Value::Some(Box::new(Value::deserialize(d)?)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut pairs: Vec<(Value, Value)> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        while let Some(key) = map.next_key::<Value>()? {
            let repeated = match &key {
                Value::Str(s) => !seen.insert(s.clone()),
                other => pairs.iter().any(|(k, _)| k == other),
            };
            if repeated {
                let shown = match &key {
                    Value::Str(s) => {
                        format!("`{}`", crate::error::preview(s, crate::error::VALUE_BYTES))
                    }
                    other => crate::error::preview_value(other),
                };
                return Err(de::Error::custom(format_args!(
                    "key {shown} appears twice in one object; keep one"
                )));
            }
            let value = map.next_value()?;
            pairs.push((key, value));
        }
        Ok(Value::Map(pairs))
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

/// Deserializes a JSON object into (key, value) pairs in the text's order,
/// rejecting a key given twice; for `#[serde(deserialize_with)]` and for
/// the top level of config JSON.
pub(crate) fn unique_object<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Vec<(String, Value)>, D::Error> {
    struct ObjectSeed;
    impl<'de> DeserializeSeed<'de> for ObjectSeed {
        type Value = Vec<(String, Value)>;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }
    }
    impl<'de> Visitor<'de> for ObjectSeed {
        type Value = Vec<(String, Value)>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object of field names to values")
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            match ValueVisitor.visit_map(map)? {
                Value::Map(pairs) => Ok(pairs
                    .into_iter()
                    .map(|(k, v)| match k {
                        Value::Str(s) => (s, v),
                        other => (other.to_json(), v),
                    })
                    .collect()),
                _ => Err(de::Error::custom("expected an object")),
            }
        }
    }
    ObjectSeed.deserialize(d)
}

/// The serde_json formatter of saved files: the outermost object or array
/// has one entry a line, everything inside it is compact.
#[derive(Default)]
pub(crate) struct EntryPerLine {
    depth: usize,
    has_entries: bool,
}

impl EntryPerLine {
    fn begin<W: ?Sized + io::Write>(&mut self, w: &mut W, open: &[u8]) -> io::Result<()> {
        self.depth += 1;
        if self.depth == 1 {
            self.has_entries = false;
        }
        w.write_all(open)
    }
    fn end<W: ?Sized + io::Write>(&mut self, w: &mut W, close: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.depth == 0 && self.has_entries {
            w.write_all(b"\n")?;
        }
        w.write_all(close)
    }
    fn entry<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if self.depth == 1 {
            self.has_entries = true;
            w.write_all(if first { b"\n  " } else { b",\n  " })
        } else if first {
            Ok(())
        } else {
            w.write_all(b",")
        }
    }
}

impl serde_json::ser::Formatter for EntryPerLine {
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.begin(w, b"[")
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.end(w, b"]")
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.entry(w, first)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.begin(w, b"{")
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.end(w, b"}")
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.entry(w, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(if self.depth == 1 { b": " } else { b":" })
    }
}

/// `value` as JSON with the outermost container one entry a line.
pub(crate) fn to_string_entry_per_line<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::with_capacity(128);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, EntryPerLine::default());
    // Serializing our own types into memory cannot fail: every map key is a
    // string and writing to a Vec has no I/O errors.
    if value.serialize(&mut ser).is_err() {
        unreachable!("serializing to JSON in memory failed");
    }
    String::from_utf8(out).unwrap_or_else(|e| unreachable!("serde_json wrote non-UTF-8: {e}"))
}

/// A total order on values, used to list the elements of a `HashSet` and
/// the keys of a `HashMap` deterministically: by kind (`None`, `Some`,
/// bools, integers, floats, strings, enum variants, lists, sets, tuples,
/// maps), then numbers by value, floats by `f64::total_cmp`, strings by
/// their UTF-8 bytes, enum variants by type and variant name, containers
/// element by element.
pub(crate) fn canonical_cmp(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::None => 0,
            Value::Some(_) => 1,
            Value::Bool(_) => 2,
            Value::Int(_) | Value::UInt(_) => 3,
            Value::Float(_) => 4,
            Value::Str(_) => 5,
            Value::Enum { .. } => 6,
            Value::List(_) => 7,
            Value::Set(_) => 8,
            Value::Tuple(_) => 9,
            Value::Map(_) => 10,
        }
    }
    fn seq(a: &[Value], b: &[Value]) -> Ordering {
        a.iter()
            .zip(b)
            .map(|(x, y)| canonical_cmp(x, y))
            .find(|o| o.is_ne())
            .unwrap_or_else(|| a.len().cmp(&b.len()))
    }
    match (a, b) {
        (Value::Some(x), Value::Some(y)) => canonical_cmp(x, y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::UInt(x), Value::UInt(y)) => x.cmp(y),
        (Value::Int(x), Value::UInt(y)) => u128::try_from(*x).map_or(Ordering::Less, |x| x.cmp(y)),
        (Value::UInt(x), Value::Int(y)) => {
            u128::try_from(*y).map_or(Ordering::Greater, |y| x.cmp(&y))
        }
        (Value::Float(x), Value::Float(y)) => x.total_cmp(y),
        (Value::Str(x), Value::Str(y)) => x.cmp(y),
        (
            Value::Enum {
                ty: t1,
                variant: v1,
            },
            Value::Enum {
                ty: t2,
                variant: v2,
            },
        ) => (t1, v1).cmp(&(t2, v2)),
        (Value::List(x), Value::List(y))
        | (Value::Set(x), Value::Set(y))
        | (Value::Tuple(x), Value::Tuple(y)) => seq(x, y),
        (Value::Map(x), Value::Map(y)) => x
            .iter()
            .zip(y)
            .map(|((k1, v1), (k2, v2))| canonical_cmp(k1, k2).then_with(|| canonical_cmp(v1, v2)))
            .find(|o| o.is_ne())
            .unwrap_or_else(|| x.len().cmp(&y.len())),
        _ => rank(a).cmp(&rank(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FuzzValue;

    fn round_trip(v: &Value) -> Value {
        Value::parse_json(&v.to_json()).unwrap()
    }

    #[test]
    fn non_finite_floats_are_strings_everywhere() {
        assert_eq!(Value::Float(f64::NAN).to_json(), r#""NaN""#);
        assert_eq!(Value::Float(f64::INFINITY).to_json(), r#""inf""#);
        assert_eq!(Value::Float(f64::NEG_INFINITY).to_json(), r#""-inf""#);
        // serde's path is the same one.
        assert_eq!(
            serde_json::to_string(&Value::Float(f64::NAN)).unwrap(),
            r#""NaN""#
        );
    }

    #[test]
    fn wide_integers_are_strings_of_digits() {
        assert_eq!(
            Value::Int(i128::from(i64::MIN)).to_json(),
            i64::MIN.to_string()
        );
        assert_eq!(
            Value::Int(i128::from(u64::MAX)).to_json(),
            u64::MAX.to_string()
        );
        assert_eq!(Value::Int(1 << 64).to_json(), "\"18446744073709551616\"");
        assert_eq!(
            Value::UInt(u128::MAX).to_json(),
            format!("\"{}\"", u128::MAX)
        );
        assert_eq!(wide_int("-5"), Some(Value::Int(-5)));
        assert_eq!(
            wide_int(&u128::MAX.to_string()),
            Some(Value::UInt(u128::MAX))
        );
        assert_eq!(wide_int("1e3"), None);
        assert_eq!(wide_int("+1"), None);
        assert_eq!(wide_int("-"), None);
    }

    #[test]
    fn nested_options_wrap_only_when_needed() {
        let some = |v| Value::Some(Box::new(v));
        assert_eq!(some(Value::None).to_json(), "[null]");
        assert_eq!(some(some(Value::Bool(true))).to_json(), "true");
        assert_eq!(some(some(Value::None)).to_json(), "[[null]]");
        let one = Value::List(vec![Value::Int(5)]);
        assert_eq!(some(some(one.clone())).to_json(), "[[5]]");
        assert_eq!(some(one).to_json(), "[5]");
    }

    #[test]
    fn maps_with_other_keys_are_pair_arrays() {
        let m = Value::Map(vec![
            (Value::None, Value::Int(1)),
            (Value::Some(Box::new(Value::Str("x".into()))), Value::Int(2)),
        ]);
        assert_eq!(m.to_json(), r#"[[null,1],["x",2]]"#);
        let m = Value::Map(vec![(Value::Int(1), Value::Int(2))]);
        assert_eq!(m.to_json(), r#"{"1":2}"#);
        assert_eq!(Value::Map(vec![]).to_json(), "{}");
    }

    #[test]
    fn duplicate_keys_are_errors_with_a_position() {
        let e = Value::parse_json("{\"a\": 1,\n \"a\": 2}").unwrap_err();
        let s = e.to_string();
        assert!(s.contains("`a`") || s.contains("\"a\""), "{s}");
        assert!(s.contains("twice"), "{s}");
        assert!(s.contains("line 2"), "{s}");
        // Nested objects too.
        assert!(Value::parse_json(r#"[{"b": 1, "b": 1}]"#).is_err());
    }

    #[test]
    fn floats_round_trip_bit_for_bit() {
        let mut r = crate::rng(7);
        for _ in 0..20_000 {
            let x = f64::from_bits(r.next_u64());
            let y = r.unit();
            for x in [x, y] {
                // Typed, as fields read it: NaN and infinities are strings.
                let back = f64::from_value(&round_trip(&Value::Float(x))).unwrap();
                if x.is_nan() {
                    assert!(back.is_nan());
                } else {
                    assert_eq!(back.to_bits(), x.to_bits(), "{x:e}");
                }
            }
        }
        for x in [
            0.999_999_999_999_999_9,
            -0.0,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
        ] {
            assert_eq!(round_trip(&Value::Float(x)), Value::Float(x));
        }
    }

    #[test]
    fn canonical_order() {
        let mut v = vec![
            Value::Str("b".into()),
            Value::Int(10),
            Value::None,
            Value::Int(-2),
            Value::Str("a".into()),
        ];
        v.sort_by(canonical_cmp);
        assert_eq!(
            v,
            vec![
                Value::None,
                Value::Int(-2),
                Value::Int(10),
                Value::Str("a".into()),
                Value::Str("b".into())
            ]
        );
    }

    #[test]
    fn entry_per_line() {
        let v = Value::Map(vec![
            (
                Value::Str("a".into()),
                Value::List(vec![Value::Int(1), Value::Int(2)]),
            ),
            (
                Value::Str("b".into()),
                Value::Map(vec![(Value::Str("c".into()), Value::None)]),
            ),
        ]);
        assert_eq!(
            to_string_entry_per_line(&v),
            "{\n  \"a\": [1,2],\n  \"b\": {\"c\":null}\n}"
        );
        assert_eq!(to_string_entry_per_line(&Value::Map(vec![])), "{}");
        assert_eq!(to_string_entry_per_line(&Value::List(vec![])), "[]");
    }
}
