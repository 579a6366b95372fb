//! `json_schema()`: a derived config's fields as a JSON Schema (draft
//! 2020-12) that [`Schema::parse`](super::Schema::parse) reads back into the
//! same fields, defaults and domains.

use super::tree::{Json, Map};
use super::ty::DynType;
use crate::field::{Domain, FieldMeta, FuzzRole, PRIVATE_FIELD, TESTING_ONLY};
use crate::value::Value;

/// The `$schema` every generated schema declares.
pub(crate) const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

fn s(text: &str) -> Json {
    Json::String(text.to_string())
}

fn obj(pairs: Vec<(&str, Json)>) -> Json {
    let mut m = Map::default();
    for (k, v) in pairs {
        m.insert(k.to_string(), v);
    }
    Json::Object(m)
}

fn value(v: &Value) -> Json {
    Json::from_serde(&serde_json::to_value(v).unwrap_or(serde_json::Value::Null))
}

/// The schema of a type: `type` and what it needs (`enum`, `items`, ...).
pub(crate) fn type_schema(ty: &DynType) -> Map {
    let mut m = Map::default();
    match ty {
        DynType::Bool => m.insert("type".into(), s("boolean")),
        DynType::Int => m.insert("type".into(), s("integer")),
        DynType::IntIn(lo, hi) => {
            m.insert("type".into(), s("integer"));
            match super::ty::int_format(*lo, *hi) {
                Some(f) => m.insert("format".into(), s(f)),
                None => {
                    m.insert("minimum".into(), Json::Number((*lo as i64).into()));
                    m.insert("maximum".into(), Json::Number((*hi as i64).into()));
                }
            }
        }
        DynType::Float => m.insert("type".into(), s("number")),
        DynType::Str => m.insert("type".into(), s("string")),
        DynType::Enum(names) => {
            m.insert("type".into(), s("string"));
            m.insert(
                "enum".into(),
                Json::Array(names.iter().map(|n| s(n)).collect()),
            );
        }
        DynType::Option(inner) => {
            m = type_schema(inner);
            if let Some(Json::String(t)) = m.get("type").cloned() {
                m.insert("type".into(), Json::Array(vec![Json::String(t), s("null")]));
            }
            if let Some(Json::Array(mut names)) = m.get("enum").cloned() {
                if !names.contains(&Json::Null) {
                    names.push(Json::Null);
                }
                m.insert("enum".into(), Json::Array(names));
            }
        }
        DynType::List(t) | DynType::Set(t) => {
            m.insert("type".into(), s("array"));
            m.insert("items".into(), Json::Object(type_schema(t)));
            if matches!(ty, DynType::Set(_)) {
                m.insert("uniqueItems".into(), Json::Bool(true));
            }
        }
        DynType::Tuple(ts) => {
            m.insert("type".into(), s("array"));
            m.insert(
                "prefixItems".into(),
                Json::Array(ts.iter().map(|t| Json::Object(type_schema(t))).collect()),
            );
            m.insert("items".into(), Json::Bool(false));
        }
        DynType::Map(k, t) => match key_names(k) {
            Some(names) => {
                m.insert("type".into(), s("object"));
                m.insert("additionalProperties".into(), Json::Object(type_schema(t)));
                if let Some(names) = names {
                    m.insert("propertyNames".into(), Json::Object(names));
                }
            }
            // Keys that are not JSON object keys: the map is written as an
            // array of `[key, value]` pairs (see `Value`; an empty one as
            // `{}`), and `x-fuzz.map` says it is a map.
            None => {
                m.insert("type".into(), s("array"));
                m.insert(
                    "items".into(),
                    Json::Object(type_schema(&DynType::Tuple(vec![
                        (**k).clone(),
                        (**t).clone(),
                    ]))),
                );
                m.insert("x-fuzz".into(), obj(vec![("map", Json::Bool(true))]));
            }
        },
    }
    m
}

/// `propertyNames` for map keys of type `k`: `Some(None)` for strings (no
/// keyword needed), `Some(Some(..))` for integers, bools and enums, `None`
/// for keys a JSON object cannot have.
pub(crate) fn key_names(k: &DynType) -> Option<Option<Map>> {
    let mut m = Map::default();
    match k {
        DynType::Str => return Some(None),
        DynType::Int | DynType::IntIn(..) => m.insert("pattern".into(), s(INT_KEY_PATTERN)),
        DynType::Bool => m.insert("enum".into(), Json::Array(vec![s("true"), s("false")])),
        DynType::Enum(names) => m.insert(
            "enum".into(),
            Json::Array(names.iter().map(|n| s(n)).collect()),
        ),
        _ => return None,
    }
    Some(Some(m))
}

/// The `propertyNames` pattern of integer map keys.
pub(crate) const INT_KEY_PATTERN: &str = "^-?[0-9]+$";

/// Whether a field's default and pin (if any) lie in its fuzz range, so the
/// range may be written as the validating `minimum`/`maximum`.
fn holds_role_values(f: &FieldMeta, lo: &Value, hi: &Value) -> bool {
    let pin_ok = match f.fuzz_role() {
        FuzzRole::Pin(v) => super::in_range(v, lo, hi),
        _ => true,
    };
    pin_ok && super::in_range(f.default_ref(), lo, hi)
}

/// One field's schema.
fn field_schema(f: &FieldMeta) -> Json {
    let mut m = type_schema(&f.schema_type);
    m.insert("default".into(), value(f.default_ref()));
    if !f.doc().is_empty() {
        m.insert("description".into(), s(f.doc()));
    }
    match f.domain() {
        Domain::Type => {}
        // A fuzz range says where to draw, not what is valid: when the
        // default or the pin lies outside it, `minimum`/`maximum` would make
        // the schema call the field's own default invalid, so the range goes
        // in `x-fuzz.range`, which only steers drawing.
        Domain::Range { lo, hi } if holds_role_values(f, lo, hi) => {
            m.insert("minimum".into(), value(lo));
            m.insert("maximum".into(), value(hi));
        }
        Domain::Range { .. } | Domain::Values(_) => {}
    }
    if f.deprecated() {
        m.insert("deprecated".into(), Json::Bool(true));
    }
    let mut hints = match m.get("x-fuzz") {
        Some(Json::Object(h)) => h.clone(),
        _ => Map::default(),
    };
    match f.fuzz_role() {
        // Skipped by name: `Schema::parse` applies the same rule.
        FuzzRole::Skip { reason } if *reason == PRIVATE_FIELD || *reason == TESTING_ONLY => {}
        FuzzRole::Skip { reason: "" } => hints.insert("skip".into(), Json::Bool(true)),
        FuzzRole::Skip { reason } => hints.insert("skip".into(), s(reason)),
        FuzzRole::Pin(v) => hints.insert("pin".into(), value(v)),
        FuzzRole::Fuzzed => {}
    }
    if let Domain::Range { lo, hi } = f.domain() {
        if !holds_role_values(f, lo, hi) {
            hints.insert("range".into(), Json::Array(vec![value(lo), value(hi)]));
        }
    }
    if let Domain::Values(vs) = f.domain() {
        hints.insert("values".into(), Json::Array(vs.iter().map(value).collect()));
    }
    if hints != Map::default() {
        m.insert("x-fuzz".into(), Json::Object(hints));
    }
    Json::Object(m)
}

/// The section object at `path` under `props`, made on first use.
fn section<'a>(props: &'a mut Map, part: &str) -> &'a mut Map {
    if props.get(part).is_none() {
        props.insert(
            part.to_string(),
            obj(vec![
                ("type", s("object")),
                ("additionalProperties", Json::Bool(false)),
                ("properties", Json::Object(Map::default())),
            ]),
        );
    }
    match props.get_mut(part) {
        Some(Json::Object(sec)) => match sec.get_mut("properties") {
            Some(Json::Object(inner)) => inner,
            _ => unreachable!("a section object has `properties`"),
        },
        _ => unreachable!("a section is an object"),
    }
}

/// The JSON Schema of a config called `name` with these fields.
pub(crate) fn json_schema(name: &str, fields: &[FieldMeta]) -> String {
    let mut props = Map::default();
    for f in fields {
        let mut parts: Vec<&str> = f.name().split('.').collect();
        let last = parts.pop().unwrap_or_default();
        let mut at = &mut props;
        for part in parts {
            at = section(at, part);
        }
        at.insert(last.to_string(), field_schema(f));
    }
    obj(vec![
        ("$schema", s(DRAFT)),
        ("title", s(name)),
        ("type", s("object")),
        ("additionalProperties", Json::Bool(false)),
        ("properties", Json::Object(props)),
    ])
    .pretty()
}
