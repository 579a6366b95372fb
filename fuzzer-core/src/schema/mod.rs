//! JSON Schema as a front end of the fuzzer: [`Schema`] reads a schema
//! (draft 2020-12, from any source) into the fields a [`DynConfig`] has.
//! See the [`schemas` guide](crate::guide::schemas) for what is accepted.

mod dyn_config;
pub(crate) mod emit;
mod outcome;
mod tree;
pub(crate) mod ty;

use std::fmt;

use tree::{Json, Map};

use crate::field::Domain;
use crate::value::Value;
use ty::DynType;

pub use dyn_config::DynConfig;
pub use outcome::RunOutcome;

/// What [`Schema::parse`] could not accept: the property (dotted path, or
/// `(root)`) and what is wrong with it, with what to do.
///
/// ```
/// use fuzzer_core::schema::Schema;
///
/// let err = Schema::parse(r#"{"type": "object", "properties": {"level": {"type": "integer"}}}"#)
///     .unwrap_err();
/// assert_eq!(err.path(), "level");
/// assert!(err.to_string().contains("add a `default`"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaError {
    path: String,
    message: String,
}

impl SchemaError {
    fn new(path: &str, message: impl Into<String>) -> Self {
        SchemaError {
            path: if path.is_empty() {
                "(root)".to_string()
            } else {
                path.to_string()
            },
            message: message.into(),
        }
    }

    /// The dotted name of the property the error is about, or `(root)`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong and what to do, without the path.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "schema property `{}`: {}", self.path, self.message)
    }
}

impl std::error::Error for SchemaError {}

/// How the fuzzer treats a schema field (`x-fuzz`, or `const`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Role {
    Fuzzed,
    Skip(String),
    Pin(Value),
}

/// One field of a [`Schema`], nested properties flattened to dotted names:
/// what [`Schema::fields`] lists, for tools that show or check a schema.
#[derive(Clone, Debug, PartialEq)]
pub struct SchemaField {
    pub(crate) name: String,
    pub(crate) ty: DynType,
    pub(crate) default: Value,
    pub(crate) doc: String,
    pub(crate) domain: Domain,
    pub(crate) role: Role,
    /// What the schema's validation keywords (`minimum`, `maximum`,
    /// `exclusiveMinimum`, `exclusiveMaximum`, a non-string `enum`) allow.
    pub(crate) bounds: Vec<Bound>,
}

/// One validation keyword set of a field: a value outside it is invalid
/// under the schema, whatever the fuzzer's domain.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Bound {
    /// `lo..=hi` (exclusive bounds already moved inward), and the keywords
    /// as the schema writes them (`` `minimum`: 1, `maximum`: 64 ``).
    Range { lo: Value, hi: Value, said: String },
    /// One of these values (`enum`), and the list as the schema writes it.
    OneOf { values: Vec<Value>, said: String },
}

/// Whether `v` lies in `lo..=hi` (a range of a schema or of a
/// `#[fuzz(range)]`); a value that is not a number of the range's kind is
/// not bounded by it. `Some(x)` is `x`; `None` is never out of range.
pub(crate) fn in_range(v: &Value, lo: &Value, hi: &Value) -> bool {
    match (lo, hi, v) {
        (_, _, Value::Some(inner)) => in_range(inner, lo, hi),
        (Value::Int(lo), Value::Int(hi), Value::Int(x)) => lo <= x && x <= hi,
        (Value::Float(lo), Value::Float(hi), Value::Float(x)) => lo <= x && x <= hi,
        (Value::Float(lo), Value::Float(hi), Value::Int(x)) => {
            let x = *x as f64;
            *lo <= x && x <= *hi
        }
        _ => true,
    }
}

impl Bound {
    /// Whether `v` (a value of the field's type, not null) is allowed.
    fn allows(&self, v: &Value) -> bool {
        match self {
            Bound::Range { lo, hi, .. } => in_range(v, lo, hi),
            Bound::OneOf { values, .. } => values.contains(v),
        }
    }

    fn said(&self) -> &str {
        match self {
            Bound::Range { said, .. } | Bound::OneOf { said, .. } => said,
        }
    }
}

/// A config's fields read from a JSON Schema: what a [`DynConfig`] is made
/// of. Parse one with [`Schema::parse`], then [`DynConfig::install`] it.
///
/// ```
/// use fuzzer_core::schema::Schema;
///
/// let schema = Schema::parse(r#"{
///     "type": "object",
///     "properties": {
///         "fast": {"type": "boolean", "default": false},
///         "cache": {"type": "object", "properties": {
///             "size": {"type": "integer", "default": 64, "minimum": 1, "maximum": 1024}
///         }}
///     }
/// }"#).unwrap();
/// assert_eq!(schema.field_names(), ["fast", "cache.size"]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Schema {
    pub(crate) title: String,
    pub(crate) fields: Vec<SchemaField>,
}

/// Keywords that restrict a value in ways the fuzzer cannot honour when it
/// draws from the type's domain.
const DOMAIN_KEYWORDS: &[&str] = &[
    "allOf",
    "not",
    "if",
    "then",
    "else",
    "pattern",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "contains",
    "minContains",
    "maxContains",
    "patternProperties",
    "propertyNames",
    "minProperties",
    "maxProperties",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedItems",
    "unevaluatedProperties",
];

const SKIP_HINT: &str = "or mark it `\"x-fuzz\": {\"skip\": true}` to leave it out of fuzzing";

impl Schema {
    /// Reads a JSON Schema (draft 2020-12; the common parts of drafts 4-7
    /// too): an object whose `properties` are the fields. Nested objects
    /// with `properties` are sections whose fields get dotted names
    /// (`section.field`). Each field needs a type the fuzzer can draw from
    /// and a default; anything else is a [`SchemaError`] naming the
    /// property and what to do. The [`schemas` guide](crate::guide::schemas)
    /// lists every keyword.
    pub fn parse(text: &str) -> Result<Schema, SchemaError> {
        let root: Json = serde_json::from_str(text).map_err(|e| {
            SchemaError::new(
                "",
                format!("the schema is not valid JSON: {e}; fix the text at that line and column"),
            )
        })?;
        let Json::Object(obj) = &root else {
            return Err(SchemaError::new(
                "",
                "the schema must be a JSON object with `properties`",
            ));
        };
        let title = obj
            .get("title")
            .and_then(Json::as_str)
            .unwrap_or("DynConfig")
            .to_string();
        let mut p = Parser {
            root: &root,
            fields: Vec::new(),
            no_default: Vec::new(),
        };
        let node = p.resolve("", obj, 0)?;
        if let Some(t) = node.get("type") {
            if t.as_str() != Some("object") {
                return Err(SchemaError::new(
                    "",
                    format!("the schema's `type` is {t}: a config is an object, `\"type\": \"object\"` with `properties`"),
                ));
            }
        }
        if !node.contains_key("properties") {
            return Err(SchemaError::new(
                "",
                "the schema has no `properties`: list the config's fields under `\"properties\": {..}`",
            ));
        }
        p.object("", &node, 0)?;
        if let Some((first, others)) = p.no_default.split_first() {
            return Err(SchemaError::new(first, no_default_message(others)));
        }
        if p.fields.is_empty() {
            return Err(SchemaError::new(
                "",
                "the schema's `properties` is empty: there is nothing to fuzz",
            ));
        }
        Ok(Schema {
            title,
            fields: p.fields,
        })
    }

    /// The schema's `title`, or `DynConfig` when it has none.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The fields, in the schema's order.
    pub fn fields(&self) -> &[SchemaField] {
        &self.fields
    }

    /// The fields' dotted names, in the schema's order.
    pub fn field_names(&self) -> Vec<&str> {
        self.fields.iter().map(|f| f.name.as_str()).collect()
    }

    /// A hash of what fuzzing depends on (field names, types, defaults,
    /// domains, `x-fuzz` hints; not descriptions or the title), stable
    /// across runs, machines and releases: for state files that must refuse
    /// a campaign made from another schema.
    ///
    /// ```
    /// use fuzzer_core::schema::Schema;
    ///
    /// let a = Schema::parse(r#"{"properties": {"x": {"type": "boolean", "default": true, "description": "a"}}}"#).unwrap();
    /// let b = Schema::parse(r#"{"properties": {"x": {"type": "boolean", "default": true, "description": "b"}}}"#).unwrap();
    /// let c = Schema::parse(r#"{"properties": {"x": {"type": "boolean", "default": false}}}"#).unwrap();
    /// assert_eq!(a.fingerprint(), b.fingerprint());
    /// assert_ne!(a.fingerprint(), c.fingerprint());
    /// ```
    pub fn fingerprint(&self) -> u64 {
        // FNV-1a over a canonical text: fixed, simple, the same everywhere.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |s: &str| {
            for b in s.bytes().chain([0u8]) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        };
        for f in &self.fields {
            eat(&f.name);
            eat(&f.ty.to_string());
            eat(&f.default.to_json());
            match &f.domain {
                Domain::Type => eat("type"),
                Domain::Values(vs) => {
                    eat("values");
                    for v in vs {
                        eat(&v.to_json());
                    }
                }
                Domain::Range { lo, hi } => {
                    eat("range");
                    eat(&lo.to_json());
                    eat(&hi.to_json());
                }
            }
            match &f.role {
                Role::Fuzzed => eat("fuzzed"),
                Role::Skip(r) => {
                    eat("skip");
                    eat(r);
                }
                Role::Pin(v) => {
                    eat("pin");
                    eat(&v.to_json());
                }
            }
        }
        h
    }
}

impl SchemaField {
    /// The dotted name: `fast`, `cache.size`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The type as the schema writes it, e.g. `integer or null`.
    pub fn type_name(&self) -> String {
        self.ty.to_string()
    }

    /// The default, in the form [`DynConfig`] holds it (JSON through
    /// [`Value::from_json`], read as the field's type: `Value::Some(..)`
    /// for a non-null nullable value, `Value::Str` for an enum name).
    pub fn default_value(&self) -> &Value {
        &self.default
    }

    /// The `description`, trimmed (empty when none).
    pub fn doc(&self) -> &str {
        &self.doc
    }

    /// The values the fuzzer draws: `x-fuzz.values` or a non-string `enum`
    /// ([`Domain::Values`]), the bounds ([`Domain::Range`]), else the type's
    /// own domain.
    pub fn domain(&self) -> &Domain {
        &self.domain
    }

    /// `Some(reason)` (empty when none was given) if the fuzzer never
    /// changes the field: `x-fuzz.skip`, or a `const`.
    pub fn skip(&self) -> Option<&str> {
        match &self.role {
            Role::Skip(reason) => Some(reason),
            _ => None,
        }
    }

    /// `Some(value)` if `x-fuzz.pin` holds the field at a value while fuzzing.
    pub fn pin(&self) -> Option<&Value> {
        match &self.role {
            Role::Pin(v) => Some(v),
            _ => None,
        }
    }

    /// Checks `value` against the field's type and the schema's validation
    /// keywords (`minimum`, `maximum`, `exclusiveMinimum`,
    /// `exclusiveMaximum`, `enum`): in JSON Schema a value outside them is
    /// invalid, so a tool should refuse it before a run (as `config-fuzz
    /// --pin` does). The error names the field, the value and the bounds.
    ///
    /// ```
    /// use fuzzer_core::schema::Schema;
    /// use fuzzer_core::Value;
    ///
    /// let schema = Schema::parse(r#"{"type": "object", "properties": {
    ///     "tile_size": {"type": "integer", "default": 16, "minimum": 1, "maximum": 64}
    /// }}"#).unwrap();
    /// let field = &schema.fields()[0];
    /// assert!(field.check(&Value::Int(64)).is_ok());
    /// let err = field.check(&Value::Int(100)).unwrap_err();
    /// assert!(err.message().contains("`minimum`: 1, `maximum`: 64"));
    /// ```
    pub fn check(&self, value: &Value) -> Result<(), SchemaError> {
        let v = self
            .ty
            .normalize(value)
            .map_err(|e| SchemaError::new(&self.name, format!("{e}")))?;
        let inner = match &v {
            Value::None => return Ok(()),
            Value::Some(inner) => inner.as_ref(),
            other => other,
        };
        match self.bounds.iter().find(|b| !b.allows(inner)) {
            None => Ok(()),
            Some(b) => Err(SchemaError::new(
                &self.name,
                format!(
                    "{} is outside the bounds the schema gives `{}` ({}); JSON Schema makes such a value invalid",
                    value.to_json(),
                    self.name,
                    b.said()
                ),
            )),
        }
    }
}

struct Parser<'a> {
    root: &'a Json,
    fields: Vec<SchemaField>,
    /// The properties met so far that have no `default` (and need one).
    no_default: Vec<String>,
}

/// How the error about a property without a `default` starts.
const NO_DEFAULT: &str = "no `default`";

/// The error about a property without a `default`, naming `others` that
/// have none either.
fn no_default_message(others: &[String]) -> String {
    let mut m = format!(
        "{NO_DEFAULT}: the fuzzer changes fields from their defaults; add a `default`, {SKIP_HINT}"
    );
    if !others.is_empty() {
        let names: Vec<String> = others.iter().map(|o| format!("`{o}`")).collect();
        m.push_str(&format!(
            "; {} more propert{} need{} one too: {}",
            others.len(),
            if others.len() == 1 { "y" } else { "ies" },
            if others.len() == 1 { "s" } else { "" },
            names.join(", ")
        ));
    }
    m
}

/// The deepest chain of `$ref`s and nested objects followed.
const MAX_DEPTH: usize = 32;

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

fn kind_of(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

impl<'a> Parser<'a> {
    /// `node` with its `$ref` (and the `$ref`s that target has) replaced by
    /// the definition it names; the node's own keywords beside `$ref` win.
    fn resolve(&self, path: &str, node: &Map, depth: usize) -> Result<Map, SchemaError> {
        let Some(r) = node.get("$ref") else {
            return Ok(node.clone());
        };
        if depth > MAX_DEPTH {
            return Err(SchemaError::new(
                path,
                "`$ref` chain too deep (a definition that refers to itself?); give the field a type of its own",
            ));
        }
        let Some(r) = r.as_str() else {
            return Err(SchemaError::new(path, "`$ref` must be a string"));
        };
        let target = r
            .strip_prefix('#')
            .filter(|p| p.starts_with("/$defs/") || p.starts_with("/definitions/"))
            .and_then(|p| self.root.pointer(p));
        let Some(Json::Object(def)) = target else {
            return Err(SchemaError::new(
                path,
                format!(
                    "cannot resolve `$ref` `{r}`: only local references into `$defs` or `definitions` of this schema (`#/$defs/Name`) are followed; copy the definition into the schema"
                ),
            ));
        };
        let mut merged = self.resolve(path, def, depth + 1)?;
        for (k, v) in node {
            if k != "$ref" {
                merged.insert(k.clone(), v.clone());
            }
        }
        Ok(merged)
    }

    /// The fields of an object's `properties`, under `path`.
    fn object(&mut self, path: &str, node: &Map, depth: usize) -> Result<(), SchemaError> {
        if depth > MAX_DEPTH {
            return Err(SchemaError::new(path, "objects nested too deeply"));
        }
        let Some(props) = node.get("properties") else {
            return Ok(());
        };
        let Json::Object(props) = props else {
            return Err(SchemaError::new(
                path,
                format!("`properties` must be an object, not {}", kind_of(props)),
            ));
        };
        for (name, prop) in props {
            // An empty name shows as `""` in the error's path.
            let p = join(path, if name.is_empty() { "\"\"" } else { name });
            if name.is_empty() || name.contains('.') {
                return Err(SchemaError::new(
                    &p,
                    "a property name must be non-empty and contain no `.` (dots join nested names); rename it",
                ));
            }
            let Json::Object(prop) = prop else {
                return Err(SchemaError::new(
                    &p,
                    format!(
                        "the property's schema must be an object with a `type`, not {}",
                        kind_of(prop)
                    ),
                ));
            };
            let prop = self.resolve(&p, prop, 0)?;
            let is_section = prop.contains_key("properties")
                && matches!(prop.get("type"), None | Some(Json::String(_)))
                && prop.get("type").and_then(Json::as_str).unwrap_or("object") == "object";
            if is_section {
                if let Some(extra) = prop.get("additionalProperties") {
                    if !matches!(extra, Json::Bool(false)) && !extra.is_object() {
                        // `true`: other keys allowed; nothing to fuzz there.
                    } else if extra.is_object() {
                        return Err(SchemaError::new(
                            &p,
                            "an object with both `properties` and an `additionalProperties` schema cannot be fuzzed; keep one of the two",
                        ));
                    }
                }
                self.object(&p, &prop, depth + 1)?;
            } else {
                match self.field(&p, &prop) {
                    // Go on, to name every property without a default at
                    // once (a Helm chart's schema often has none).
                    Err(e) if e.message.starts_with(NO_DEFAULT) => self.no_default.push(p),
                    field => self.fields.push(field?),
                }
            }
        }
        Ok(())
    }

    /// A field's type, from `type`, `anyOf`/`oneOf` of a type and null, or
    /// `enum`/`const` alone.
    fn ty(&self, path: &str, node: &Map, depth: usize) -> Result<DynType, SchemaError> {
        if depth > MAX_DEPTH {
            return Err(SchemaError::new(path, "types nested too deeply"));
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(alts) = node.get(key) {
                return self.alternatives(path, key, alts, depth);
            }
        }
        let enum_names = match node.get("enum").or(node.get("const").map(|_| &Json::Null)) {
            Some(_) => Some(self.enum_values(path, node)?),
            None => None,
        };
        let (name, nullable) = match node.get("type") {
            Some(Json::String(t)) => (t.clone(), false),
            Some(Json::Array(ts)) => {
                let names: Vec<&str> = ts.iter().filter_map(Json::as_str).collect();
                let non_null: Vec<&str> = names.iter().copied().filter(|t| *t != "null").collect();
                if names.len() != ts.len() || non_null.len() != 1 || names.len() > 2 {
                    return Err(SchemaError::new(
                        path,
                        format!(
                            "`type` {} is not supported: give one type, or one type and \"null\" (`[\"integer\", \"null\"]`)",
                            Json::Array(ts.clone())
                        ),
                    ));
                }
                (non_null[0].to_string(), names.len() == 2)
            }
            Some(other) => {
                return Err(SchemaError::new(
                    path,
                    format!("`type` must be a string or an array of strings, not {}", kind_of(other)),
                ))
            }
            None => match &enum_names {
                Some(values) => (infer_type(path, values)?, false),
                None => {
                    return Err(SchemaError::new(
                        path,
                        format!("no `type`: add one (`\"type\": \"boolean\"`, `\"integer\"`, `\"number\"`, `\"string\"`, `\"array\"`, `\"object\"`), {SKIP_HINT}"),
                    ))
                }
            },
        };
        let base = match name.as_str() {
            "boolean" => DynType::Bool,
            "integer" => match node
                .get("format")
                .and_then(Json::as_str)
                .and_then(ty::format_bounds)
            {
                Some((lo, hi)) => DynType::IntIn(lo, hi),
                None => DynType::Int,
            },
            "number" => DynType::Float,
            "string" => match &enum_names {
                Some(values) => {
                    let names: Vec<String> = values
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect();
                    DynType::Enum(names)
                }
                None => DynType::Str,
            },
            "array" => self.array(path, node, depth)?,
            "object" => self.map(path, node, depth)?,
            "null" => {
                return Err(SchemaError::new(
                    path,
                    "`type` \"null\" alone leaves nothing to fuzz; remove the property or give it a type",
                ))
            }
            other => {
                return Err(SchemaError::new(
                    path,
                    format!("unknown `type` \"{other}\"; use one of boolean, integer, number, string, array, object, null"),
                ))
            }
        };
        let nullable = nullable
            || enum_names
                .as_ref()
                .is_some_and(|vs| vs.iter().any(Json::is_null));
        Ok(if nullable {
            DynType::Option(Box::new(base))
        } else {
            base
        })
    }

    /// `anyOf`/`oneOf`: a type and `{"type": "null"}`.
    fn alternatives(
        &self,
        path: &str,
        key: &str,
        alts: &Json,
        depth: usize,
    ) -> Result<DynType, SchemaError> {
        let unsupported = || {
            SchemaError::new(
                path,
                format!("`{key}` is supported only as a type and null (`[{{\"type\": \"integer\"}}, {{\"type\": \"null\"}}]`); give one type, {SKIP_HINT}"),
            )
        };
        let Json::Array(alts) = alts else {
            return Err(unsupported());
        };
        let mut inner = None;
        let mut null = false;
        for alt in alts {
            let Json::Object(alt) = alt else {
                return Err(unsupported());
            };
            let alt = self.resolve(path, alt, 0)?;
            if alt.get("type") == Some(&Json::String("null".into())) {
                null = true;
            } else if inner.is_none() {
                inner = Some(self.ty(path, &alt, depth + 1)?);
            } else {
                return Err(unsupported());
            }
        }
        match (inner, null) {
            (Some(t @ DynType::Option(_)), true) | (Some(t), false) => Ok(t),
            (Some(t), true) => Ok(DynType::Option(Box::new(t))),
            (None, _) => Err(unsupported()),
        }
    }

    fn enum_values(&self, path: &str, node: &Map) -> Result<Vec<Json>, SchemaError> {
        if let Some(c) = node.get("const") {
            return Ok(vec![c.clone()]);
        }
        match node.get("enum") {
            Some(Json::Array(vs)) if !vs.is_empty() => Ok(vs.clone()),
            _ => Err(SchemaError::new(
                path,
                "`enum` must be a non-empty array of the values the field may take",
            )),
        }
    }

    fn array(&self, path: &str, node: &Map, depth: usize) -> Result<DynType, SchemaError> {
        let pairs = matches!(node.get("x-fuzz"), Some(Json::Object(x)) if x.get("map") == Some(&Json::Bool(true)));
        if pairs {
            // `"x-fuzz": {"map": true}`: a map written as `[key, value]`
            // pairs, because its keys cannot be JSON object keys.
            let pair_error = || {
                SchemaError::new(
                    path,
                    "`\"x-fuzz\": {\"map\": true}` needs `items` to be a `[key, value]` pair: `{\"type\": \"array\", \"prefixItems\": [K, V], \"items\": false}`",
                )
            };
            let item = match node.get("items") {
                Some(Json::Object(i)) if i.contains_key("prefixItems") => {
                    self.resolve(path, i, 0)?
                }
                _ => return Err(pair_error()),
            };
            return match self.array(path, &item, depth + 1)? {
                DynType::Tuple(kv) if kv.len() == 2 => {
                    let mut kv = kv.into_iter();
                    match (kv.next(), kv.next()) {
                        (Some(k), Some(v)) => Ok(DynType::Map(Box::new(k), Box::new(v))),
                        _ => Err(pair_error()),
                    }
                }
                _ => Err(pair_error()),
            };
        }
        if let Some(Json::Array(prefix)) = node.get("prefixItems") {
            if node.get("items") != Some(&Json::Bool(false)) {
                return Err(SchemaError::new(
                    path,
                    "an array with `prefixItems` is fuzzed as a tuple: add `\"items\": false` so it has exactly those elements",
                ));
            }
            let mut ts = Vec::new();
            for (i, item) in prefix.iter().enumerate() {
                let Json::Object(item) = item else {
                    return Err(SchemaError::new(
                        path,
                        format!("`prefixItems[{i}]` must be a schema object"),
                    ));
                };
                let item = self.resolve(path, item, 0)?;
                ts.push(self.element(path, &item, depth)?);
            }
            return Ok(DynType::Tuple(ts));
        }
        match node.get("items") {
            Some(Json::Object(item)) => {
                let item = self.resolve(path, item, 0)?;
                let elem = Box::new(self.element(path, &item, depth)?);
                Ok(if node.get("uniqueItems") == Some(&Json::Bool(true)) {
                    DynType::Set(elem)
                } else {
                    DynType::List(elem)
                })
            }
            _ => Err(SchemaError::new(
                path,
                format!("an `array` needs `items` (the schema of its elements), e.g. `\"items\": {{\"type\": \"string\"}}`, {SKIP_HINT}"),
            )),
        }
    }

    fn map(&self, path: &str, node: &Map, depth: usize) -> Result<DynType, SchemaError> {
        match node.get("additionalProperties") {
            Some(Json::Object(v)) => {
                let v = self.resolve(path, v, 0)?;
                let key = self.key_type(path, node.get("propertyNames"))?;
                Ok(DynType::Map(Box::new(key), Box::new(self.element(path, &v, depth)?)))
            }
            _ => Err(SchemaError::new(
                path,
                format!("an `object` needs `properties` (a section) or an `additionalProperties` schema (a map with string keys), {SKIP_HINT}"),
            )),
        }
    }

    /// The type of a map's keys, from `propertyNames`: absent, a string;
    /// the pattern `^-?[0-9]+$`, an integer; `enum` of `"true"` and
    /// `"false"`, a bool; another `enum` of strings, an enum.
    fn key_type(&self, path: &str, names: Option<&Json>) -> Result<DynType, SchemaError> {
        let Some(names) = names else {
            return Ok(DynType::Str);
        };
        let unsupported = || {
            SchemaError::new(
                path,
                format!("`propertyNames` is supported as `{{\"pattern\": \"{}\"}}` (integer keys) or an `enum` of key names; keys are otherwise strings drawn freely: remove it, list whole maps in `\"x-fuzz\": {{\"values\": [..]}}`, {SKIP_HINT}", emit::INT_KEY_PATTERN),
            )
        };
        let Json::Object(names) = names else {
            return Err(unsupported());
        };
        if names.get("pattern").and_then(Json::as_str) == Some(emit::INT_KEY_PATTERN)
            && names.into_iter().count() == 1
        {
            return Ok(DynType::Int);
        }
        match names.get("enum") {
            Some(Json::Array(vs)) if names.into_iter().count() == 1 && !vs.is_empty() => {
                let texts: Option<Vec<String>> =
                    vs.iter().map(|v| v.as_str().map(str::to_string)).collect();
                let mut texts = texts.ok_or_else(unsupported)?;
                let mut sorted = texts.clone();
                sorted.sort();
                if sorted == ["false", "true"] {
                    return Ok(DynType::Bool);
                }
                texts.dedup();
                Ok(DynType::Enum(texts))
            }
            _ => Err(unsupported()),
        }
    }

    /// The type of an array element or map value: its own domain keywords
    /// are not honoured, so they are refused.
    fn element(&self, path: &str, node: &Map, depth: usize) -> Result<DynType, SchemaError> {
        for key in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]
            .iter()
            .chain(DOMAIN_KEYWORDS)
        {
            if node.contains_key(key) {
                return Err(SchemaError::new(
                    path,
                    format!("`{key}` on an element type is not supported: elements are drawn from their type's whole domain; list whole values to try in `\"x-fuzz\": {{\"values\": [..]}}`, {SKIP_HINT}"),
                ));
            }
        }
        self.ty(path, node, depth + 1)
    }

    /// One field: type, default, domain, description, `x-fuzz`.
    fn field(&self, path: &str, node: &Map) -> Result<SchemaField, SchemaError> {
        let ty = self.ty(path, node, 0)?;
        let read = |what: &str, v: &Json| -> Result<Value, SchemaError> {
            ty.normalize(&Value::from_json(&v.to_serde())).map_err(|e| {
                let detail = match e {
                    crate::ConfigError::WrongType { found, .. } => found,
                    other => other.to_string(),
                };
                SchemaError::new(path, format!("{what} {v} is not a value of the field's type ({ty}): it is {detail}; fix it"))
            })
        };
        let xfuzz = XFuzz::parse(path, node.get("x-fuzz"))?;
        let default = match (node.get("default"), node.get("const")) {
            (Some(d), _) => read("`default`", d)?,
            (None, Some(c)) => read("`const`", c)?,
            (None, None) if ty.is_nullable() => Value::None,
            (None, None) => return Err(SchemaError::new(path, no_default_message(&[]))),
        };
        let mut role = Role::Fuzzed;
        if node.contains_key("const") {
            role = Role::Skip("`const` in the schema".into());
        }
        if let Some(pin) = &xfuzz.pin {
            role = Role::Pin(read("`x-fuzz.pin`", pin)?);
        }
        if let Some(reason) = &xfuzz.skip {
            role = Role::Skip(reason.clone());
        }
        let mut domain = Domain::Type;
        let mut bounds = Vec::new();
        if let Some(Json::Array(vs)) = node.get("enum") {
            if !matches!(ty.inner(), DynType::Enum(_)) {
                let values: Vec<Value> = vs
                    .iter()
                    .map(|v| read("`enum` value", v))
                    .collect::<Result<_, _>>()?;
                bounds.push(Bound::OneOf {
                    values: values
                        .iter()
                        .map(|v| match v {
                            Value::Some(inner) => (**inner).clone(),
                            other => other.clone(),
                        })
                        .collect(),
                    said: format!("`enum`: {}", Json::Array(vs.clone())),
                });
                // A string enum's type already refuses such a default.
                if let Some(d) = node.get("default") {
                    if !values.contains(&default) {
                        return Err(SchemaError::new(
                            path,
                            format!("`default` {d} is not one of its `enum` values {}; add it to the `enum` or change the `default`", Json::Array(vs.clone())),
                        ));
                    }
                }
                domain = Domain::Values(values);
            }
        }
        if let Some(r) = self.range(path, node, &ty)? {
            if let Domain::Range { lo, hi } = &r {
                let said: Vec<String> =
                    ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]
                        .iter()
                        .filter_map(|k| node.get(k).map(|v| format!("`{k}`: {v}")))
                        .collect();
                bounds.push(Bound::Range {
                    lo: lo.clone(),
                    hi: hi.clone(),
                    said: said.join(", "),
                });
            }
            domain = r;
        }
        // `default`, `const` and `x-fuzz.pin` must be valid under the
        // bounds too.
        let with_bounds = SchemaField {
            name: path.to_string(),
            ty: ty.clone(),
            default: default.clone(),
            doc: String::new(),
            domain: Domain::Type,
            role: Role::Fuzzed,
            bounds: bounds.clone(),
        };
        for key in ["default", "const"] {
            if let Some(d) = node.get(key) {
                if let Err(e) = with_bounds.check(&read(&format!("`{key}`"), d)?) {
                    return Err(SchemaError::new(
                        path,
                        format!("`{key}` {}; change the `{key}` or the bounds", e.message()),
                    ));
                }
            }
        }
        if let Role::Pin(v) = &role {
            if let Err(e) = with_bounds.check(v) {
                return Err(SchemaError::new(
                    path,
                    format!(
                        "`x-fuzz.pin` {}; pin a value within the bounds",
                        e.message()
                    ),
                ));
            }
        }
        if let Some((lo, hi)) = &xfuzz.range {
            // Read like `minimum`/`maximum`, but only as where to draw.
            let mut ends = Map::default();
            ends.insert("minimum".into(), lo.clone());
            ends.insert("maximum".into(), hi.clone());
            match self.range(path, &ends, &ty) {
                Ok(Some(r)) => domain = r,
                Ok(None) => {}
                Err(e) => {
                    return Err(SchemaError::new(
                        path,
                        format!("`x-fuzz.range`: {}", e.message()),
                    ))
                }
            }
        }
        if let Some(values) = &xfuzz.values {
            let mut read_values = Vec::with_capacity(values.len());
            for (i, v) in values.iter().enumerate() {
                let value = read("`x-fuzz.values` entry", v)?;
                // Like `default` and `x-fuzz.pin`: an entry the schema
                // makes invalid would be drawn, and blamed on the program.
                if let Err(e) = with_bounds.check(&value) {
                    return Err(SchemaError::new(
                        path,
                        format!(
                            "`x-fuzz.values[{i}]` {}; remove it from `x-fuzz.values` or widen the bounds (`x-fuzz.range` only says where to draw and is no bound)",
                            e.message()
                        ),
                    ));
                }
                read_values.push(value);
            }
            domain = Domain::Values(read_values);
        }
        if role == Role::Fuzzed && domain == Domain::Type {
            for key in DOMAIN_KEYWORDS {
                // A map's `propertyNames` was read as its key type.
                let read = *key == "propertyNames" && matches!(ty.inner(), DynType::Map(..));
                if node.contains_key(key) && !read {
                    return Err(SchemaError::new(
                        path,
                        format!("`{key}` restricts the values in a way the fuzzer cannot honour when it draws from the type; list the values to try in `\"x-fuzz\": {{\"values\": [..]}}`, {SKIP_HINT}"),
                    ));
                }
            }
        }
        let doc = node
            .get("description")
            .and_then(Json::as_str)
            .unwrap_or("")
            .trim()
            .to_string();
        Ok(SchemaField {
            name: path.to_string(),
            ty,
            default,
            doc,
            domain,
            role,
            bounds,
        })
    }

    /// `minimum`/`maximum`/`exclusiveMinimum`/`exclusiveMaximum` as a range
    /// domain, for integer and number fields (and their nullable forms).
    fn range(&self, path: &str, node: &Map, ty: &DynType) -> Result<Option<Domain>, SchemaError> {
        let get = |k: &str| -> Result<Option<f64>, SchemaError> {
            match node.get(k) {
                None => Ok(None),
                Some(Json::Number(n)) => Ok(n.as_f64()),
                // Draft 4 writes `exclusiveMinimum: true` beside `minimum`.
                Some(Json::Bool(_)) => Ok(None),
                Some(other) => Err(SchemaError::new(
                    path,
                    format!("`{k}` must be a number, not {}", kind_of(other)),
                )),
            }
        };
        let draft4 = |k: &str| node.get(k) == Some(&Json::Bool(true));
        let (min, max) = (get("minimum")?, get("maximum")?);
        let (xmin, xmax) = (get("exclusiveMinimum")?, get("exclusiveMaximum")?);
        if min.is_none() && max.is_none() && xmin.is_none() && xmax.is_none() {
            return Ok(None);
        }
        let int_bound = |k: &str, n: &Json| -> Result<i128, SchemaError> {
            match n {
                Json::Number(n) => {
                    if let Some(i) = n.as_i64() {
                        Ok(i128::from(i))
                    } else if let Some(u) = n.as_u64() {
                        Ok(i128::from(u))
                    } else {
                        Err(SchemaError::new(
                            path,
                            format!("`{k}` of an integer field must be an integer"),
                        ))
                    }
                }
                _ => Err(SchemaError::new(path, format!("`{k}` must be a number"))),
            }
        };
        let domain = match ty.inner() {
            DynType::Int | DynType::IntIn(..) => {
                let (mut lo, mut hi) = match ty.inner() {
                    DynType::IntIn(a, b) => (*a, *b),
                    _ => (i128::from(i64::MIN), i128::from(i64::MAX)),
                };
                if let Some(n) = node.get("minimum").filter(|_| min.is_some()) {
                    lo = int_bound("minimum", n)? + i128::from(draft4("exclusiveMinimum"));
                }
                if let Some(n) = node.get("maximum").filter(|_| max.is_some()) {
                    hi = int_bound("maximum", n)? - i128::from(draft4("exclusiveMaximum"));
                }
                if let Some(n) = node.get("exclusiveMinimum").filter(|_| xmin.is_some()) {
                    lo = lo.max(int_bound("exclusiveMinimum", n)? + 1);
                }
                if let Some(n) = node.get("exclusiveMaximum").filter(|_| xmax.is_some()) {
                    hi = hi.min(int_bound("exclusiveMaximum", n)? - 1);
                }
                if lo > hi {
                    return Err(SchemaError::new(path, format!("the bounds leave no integer to draw ({lo} > {hi}); fix `minimum`/`maximum`")));
                }
                Domain::Range { lo: Value::Int(lo), hi: Value::Int(hi) }
            }
            DynType::Float => {
                let mut lo = min.unwrap_or(f64::NEG_INFINITY);
                let mut hi = max.unwrap_or(f64::INFINITY);
                if draft4("exclusiveMinimum") {
                    lo = next_up(lo);
                }
                if draft4("exclusiveMaximum") {
                    hi = next_down(hi);
                }
                if let Some(x) = xmin {
                    lo = lo.max(next_up(x));
                }
                if let Some(x) = xmax {
                    hi = hi.min(next_down(x));
                }
                if lo > hi {
                    return Err(SchemaError::new(path, format!("the bounds leave no number to draw ({lo} > {hi}); fix `minimum`/`maximum`")));
                }
                Domain::Range { lo: Value::Float(lo), hi: Value::Float(hi) }
            }
            _ => {
                return Err(SchemaError::new(
                    path,
                    format!("`minimum`/`maximum` apply to integer and number fields, but this one is {ty}; remove them"),
                ))
            }
        };
        Ok(Some(domain))
    }
}

/// The next float above `x` (finite `x`).
fn next_up(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    if x == 0.0 {
        return f64::from_bits(1);
    }
    let bits = x.to_bits();
    f64::from_bits(if x > 0.0 { bits + 1 } else { bits - 1 })
}

/// The next float below `x` (finite `x`).
fn next_down(x: f64) -> f64 {
    -next_up(-x)
}

/// The type of a field with `enum`/`const` and no `type`.
fn infer_type(path: &str, values: &[Json]) -> Result<String, SchemaError> {
    let kinds: std::collections::BTreeSet<&str> = values
        .iter()
        .filter(|v| !v.is_null())
        .map(|v| match v {
            Json::Bool(_) => "boolean",
            Json::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Json::Number(_) => "number",
            Json::String(_) => "string",
            Json::Array(_) => "array",
            _ => "object",
        })
        .collect();
    let kinds: Vec<&str> = if kinds.contains("number") {
        kinds.into_iter().filter(|k| *k != "integer").collect()
    } else {
        kinds.into_iter().collect()
    };
    match kinds.as_slice() {
        [k] if *k != "array" && *k != "object" => Ok((*k).to_string()),
        _ => Err(SchemaError::new(
            path,
            "no `type`, and the `enum`/`const` values are not all booleans, numbers or strings; add a `type`",
        )),
    }
}

/// The `x-fuzz` object: `skip`, `pin`, `values`.
struct XFuzz {
    /// `"map": true`: an array of `[key, value]` pairs is a map (read by
    /// the type, recorded here so the key is known).
    map: bool,
    skip: Option<String>,
    pin: Option<Json>,
    values: Option<Vec<Json>>,
    /// `"range": [lo, hi]`: where to draw a number, without making values
    /// outside it invalid (what a Rust `#[fuzz(range = ..)]` means).
    range: Option<(Json, Json)>,
}

impl XFuzz {
    fn parse(path: &str, v: Option<&Json>) -> Result<XFuzz, SchemaError> {
        let mut out = XFuzz {
            map: false,
            skip: None,
            pin: None,
            values: None,
            range: None,
        };
        let Some(v) = v else {
            return Ok(out);
        };
        let Json::Object(obj) = v else {
            return Err(SchemaError::new(
                path,
                format!(
                    "`x-fuzz` must be an object with `skip`, `pin`, `values` or `range`, not {}",
                    kind_of(v)
                ),
            ));
        };
        for (k, v) in obj {
            match k.as_str() {
                "skip" => match v {
                    Json::Bool(true) => out.skip = Some(String::new()),
                    Json::Bool(false) => {}
                    Json::String(s) => out.skip = Some(s.clone()),
                    other => {
                        return Err(SchemaError::new(
                            path,
                            format!(
                                "`x-fuzz.skip` must be true, false or a reason (a string), not {}",
                                kind_of(other)
                            ),
                        ))
                    }
                },
                "pin" => out.pin = Some(v.clone()),
                "map" => match v {
                    Json::Bool(b) => out.map = *b,
                    other => {
                        return Err(SchemaError::new(
                            path,
                            format!("`x-fuzz.map` must be true or false, not {}", kind_of(other)),
                        ))
                    }
                },
                "values" => match v {
                    Json::Array(vs) if !vs.is_empty() => out.values = Some(vs.clone()),
                    _ => {
                        return Err(SchemaError::new(
                            path,
                            "`x-fuzz.values` must be a non-empty array of values to try",
                        ))
                    }
                },
                "range" => match v {
                    Json::Array(ends)
                        if ends.len() == 2 && ends.iter().all(|e| matches!(e, Json::Number(_))) =>
                    {
                        out.range = Some((ends[0].clone(), ends[1].clone()));
                    }
                    _ => {
                        return Err(SchemaError::new(
                            path,
                            "`x-fuzz.range` must be an array of two numbers `[lo, hi]`: the range to draw from",
                        ))
                    }
                },
                other => {
                    return Err(SchemaError::new(
                        path,
                        format!(
                        "unknown `x-fuzz` key `{other}`; expected one of `skip`, `pin`, `values`, `range`, `map`"
                    ),
                    ))
                }
            }
        }
        if out.skip.is_some() && out.pin.is_some() {
            return Err(SchemaError::new(
                path,
                "`x-fuzz` has both `skip` and `pin`; keep one",
            ));
        }
        Ok(out)
    }
}

impl DynType {
    /// `true` for a type that admits null.
    fn is_nullable(&self) -> bool {
        matches!(self, DynType::Option(_))
    }

    /// The type under any `Option`.
    fn inner(&self) -> &DynType {
        match self {
            DynType::Option(t) => t.inner(),
            t => t,
        }
    }
}
