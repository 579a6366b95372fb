//! `C::json_schema()` and `Schema::parse`: derived configs round-trip into
//! the same fields, defaults and domains; the text of a small config's
//! schema; every `SchemaError`.

use fake_config::{FakeConfig, ImplicationConfig, InductorConfig};
use fuzzer_core::prelude::*;
use fuzzer_core::{Domain, FuzzRole, Schema, SchemaError, PRIVATE_FIELD, TESTING_ONLY};

/// A value's JSON, so that an enum variant (`Value::Enum` in a derived
/// config) and its name (`Value::Str` in a schema) compare equal.
fn json(v: &Value) -> String {
    v.to_json()
}

fn domain_json(d: &Domain) -> String {
    match d {
        Domain::Type => "type".into(),
        Domain::Values(vs) => format!(
            "values {}",
            vs.iter().map(json).collect::<Vec<_>>().join(",")
        ),
        Domain::Range { lo, hi } => format!("range {}..={}", json(lo), json(hi)),
    }
}

/// `C`'s schema parses into `C`'s fields, in order, with the same defaults,
/// domains, docs and fuzz roles.
fn round_trip<C: FuzzableConfig>() {
    let text = C::json_schema();
    let schema = Schema::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let derived = C::fields();
    assert_eq!(
        schema.field_names(),
        derived.iter().map(|f| f.name()).collect::<Vec<_>>()
    );
    for (f, s) in derived.iter().zip(schema.fields()) {
        assert_eq!(
            json(f.default_ref()),
            json(s.default_value()),
            "{}",
            f.name()
        );
        assert_eq!(
            domain_json(f.domain()),
            domain_json(s.domain()),
            "{}",
            f.name()
        );
        assert_eq!(f.doc(), s.doc(), "{}", f.name());
        match f.fuzz_role() {
            FuzzRole::Skip { reason } if *reason == PRIVATE_FIELD || *reason == TESTING_ONLY => {
                // The rule by name applies again when the schema is installed.
                assert_eq!(s.skip(), None, "{}", f.name());
            }
            FuzzRole::Skip { reason } => assert_eq!(s.skip(), Some(*reason), "{}", f.name()),
            FuzzRole::Pin(v) => assert_eq!(s.pin().map(json), Some(json(v)), "{}", f.name()),
            _ => assert_eq!((s.skip(), s.pin()), (None, None), "{}", f.name()),
        }
    }
}

#[test]
fn fake_config_round_trips() {
    round_trip::<FakeConfig>();
}

#[test]
fn inductor_config_round_trips() {
    round_trip::<InductorConfig>();
    assert_eq!(
        Schema::parse(&InductorConfig::json_schema())
            .unwrap()
            .fields()
            .len(),
        InductorConfig::fields().len()
    );
}

#[test]
fn implication_config_round_trips() {
    round_trip::<ImplicationConfig>();
}

#[test]
fn schema_is_stable_across_calls() {
    assert_eq!(FakeConfig::json_schema(), FakeConfig::json_schema());
    let a = Schema::parse(&FakeConfig::json_schema()).unwrap();
    let b = Schema::parse(&FakeConfig::json_schema()).unwrap();
    assert_eq!(a.fingerprint(), b.fingerprint());
    let c = Schema::parse(&ImplicationConfig::json_schema()).unwrap();
    assert_ne!(a.fingerprint(), c.fingerprint());
}

/// The values of [`Small::backend`].
#[derive(FuzzValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Triton.
    Triton,
    /// Halide.
    Halide,
}

/// A section.
#[derive(ConfigSection, Clone, Debug, PartialEq)]
pub struct Cache {
    /// Use the cache.
    #[config(default = true)]
    pub enabled: bool,
}

/// A small config with every kind of hint (some fields without a doc
/// comment: their schema has no `description`).
#[allow(missing_docs)]
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Small {
    /// Fuse kernels.
    #[config(default = true)]
    pub fuse: bool,
    /// The largest fusion.
    #[config(default = 64)]
    #[fuzz(range = 1..=1024)]
    pub max_fusion: i64,
    #[config(default = Some(0.5))]
    pub ratio: Option<f64>,
    #[config(default = Backend::Triton)]
    pub backend: Backend,
    #[config(default = vec![String::from("a")])]
    #[fuzz(values = [vec![], vec![String::from("b")]])]
    pub passes: Vec<String>,
    #[config(default = String::from("cc"))]
    #[fuzz(skip = "comes from the environment")]
    pub cxx: String,
    #[config(default = false)]
    #[fuzz(pin = true)]
    pub no_cache: bool,
    #[config(nested)]
    pub cache: Cache,
}

const SMALL_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "Small",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "fuse": {
      "type": "boolean",
      "default": true,
      "description": "Fuse kernels."
    },
    "max_fusion": {
      "type": "integer",
      "format": "int64",
      "default": 64,
      "description": "The largest fusion.",
      "minimum": 1,
      "maximum": 1024
    },
    "ratio": {
      "type": [
        "number",
        "null"
      ],
      "default": 0.5
    },
    "backend": {
      "type": "string",
      "enum": [
        "Triton",
        "Halide"
      ],
      "default": "Triton"
    },
    "passes": {
      "type": "array",
      "items": {
        "type": "string"
      },
      "default": [
        "a"
      ],
      "x-fuzz": {
        "values": [
          [],
          [
            "b"
          ]
        ]
      }
    },
    "cxx": {
      "type": "string",
      "default": "cc",
      "x-fuzz": {
        "skip": "comes from the environment"
      }
    },
    "no_cache": {
      "type": "boolean",
      "default": false,
      "x-fuzz": {
        "pin": true
      }
    },
    "cache": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "enabled": {
          "type": "boolean",
          "default": true,
          "description": "Use the cache."
        }
      }
    }
  }
}"#;

#[test]
fn golden_schema_of_a_small_config() {
    assert_eq!(Small::json_schema(), SMALL_SCHEMA);
    round_trip::<Small>();
}

// Hand-written schemas, as other tools write them.

#[test]
fn refs_any_of_and_drafts() {
    let schema = Schema::parse(
        r##"{
        "definitions": {"Level": {"type": "integer", "minimum": 0, "exclusiveMaximum": 4}},
        "$defs": {"Mode": {"enum": ["fast", "slow"], "default": "fast"}},
        "properties": {
            "level": {"$ref": "#/definitions/Level", "default": 1, "description": " The level. "},
            "mode": {"$ref": "#/$defs/Mode"},
            "limit": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
            "ratio": {"type": "number", "default": 0.5, "minimum": 0, "maximum": 1, "exclusiveMinimum": true},
            "kind": {"const": "x"},
            "tile": {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "integer"}], "items": false, "default": [1, 2]},
            "env": {"type": "object", "additionalProperties": {"type": "string"}, "default": {"A": "1"}},
            "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true, "default": []},
            "name": {"type": "string", "default": "n", "pattern": "^[a-z]+$", "x-fuzz": {"values": ["a", "b"]}}
        }
    }"##,
    )
    .unwrap();
    let f = |name: &str| schema.fields().iter().find(|f| f.name() == name).unwrap();
    assert_eq!(
        schema.field_names(),
        ["level", "mode", "limit", "ratio", "kind", "tile", "env", "tags", "name"]
    );
    assert_eq!(f("level").doc(), "The level.");
    assert_eq!(
        f("level").domain(),
        &Domain::Range {
            lo: Value::Int(0),
            hi: Value::Int(3)
        }
    );
    assert_eq!(f("mode").default_value(), &Value::Str("fast".into()));
    assert_eq!(f("mode").type_name(), "string (one of fast, slow)");
    assert_eq!(f("limit").default_value(), &Value::None);
    assert_eq!(f("limit").type_name(), "integer or null");
    match f("ratio").domain() {
        Domain::Range {
            lo: Value::Float(lo),
            hi: Value::Float(hi),
        } => assert!(*lo > 0.0 && *lo < 1e-300 && *hi == 1.0),
        other => panic!("{other:?}"),
    }
    assert_eq!(f("kind").skip(), Some("`const` in the schema"));
    assert_eq!(
        f("tile").default_value(),
        &Value::Tuple(vec![Value::Int(1), Value::Int(2)])
    );
    assert_eq!(f("env").type_name(), "object of string");
    assert_eq!(f("tags").type_name(), "array of unique string");
    assert_eq!(
        f("name").domain(),
        &Domain::Values(vec![Value::Str("a".into()), Value::Str("b".into())])
    );
}

#[test]
fn a_helm_style_values_schema() {
    // Nested objects without `type`, `title`s and `examples` (annotations).
    let schema = Schema::parse(
        r#"{
        "$schema": "http://json-schema.org/schema#",
        "type": "object",
        "properties": {
            "replicaCount": {"type": "integer", "default": 1, "title": "Replicas", "examples": [3]},
            "image": {
                "properties": {
                    "pullPolicy": {"type": "string", "enum": ["Always", "IfNotPresent", "Never"], "default": "IfNotPresent"},
                    "tag": {"type": "string", "default": "", "x-fuzz": {"skip": true}}
                }
            }
        }
    }"#,
    )
    .unwrap();
    assert_eq!(
        schema.field_names(),
        ["replicaCount", "image.pullPolicy", "image.tag"]
    );
    assert_eq!(schema.title(), "DynConfig");
    assert_eq!(schema.fields()[2].skip(), Some(""));
}

/// The error for `properties` holding `prop`, checked to name `path` and
/// to say `says`.
fn error(text: &str, path: &str, says: &str) -> SchemaError {
    let err = Schema::parse(text).unwrap_err();
    assert_eq!(err.path(), path, "{err}");
    assert!(
        err.to_string().contains(says),
        "`{err}` does not say `{says}`"
    );
    err
}

fn prop_error(prop: &str, says: &str) {
    let text = format!(r#"{{"properties": {{"x": {prop}}}}}"#);
    error(&text, "x", says);
}

#[test]
fn root_errors() {
    error("{", "(root)", "not valid JSON");
    error("[]", "(root)", "must be a JSON object");
    error(r#"{"type": "object"}"#, "(root)", "has no `properties`");
    error(
        r#"{"type": "array", "properties": {"a": {"type": "boolean", "default": true}}}"#,
        "(root)",
        "the schema's `type` is \"array\": a config is an object",
    );
    error(r#"{"properties": {}}"#, "(root)", "nothing to fuzz");
    error(
        r#"{"properties": {"a": {"type": "boolean", "default": true, "default": false}}}"#,
        "(root)",
        "appears twice",
    );
    error(
        r#"{"properties": []}"#,
        "(root)",
        "`properties` must be an object",
    );
}

#[test]
fn property_errors() {
    prop_error("true", "must be an object with a `type`");
    prop_error(r#"{"default": 1}"#, "no `type`");
    prop_error(r#"{"type": "integer"}"#, "add a `default`");
    prop_error(
        r#"{"type": "integer"}"#,
        r#"or mark it `"x-fuzz": {"skip": true}`"#,
    );
    prop_error(
        r#"{"type": "integer", "default": "x"}"#,
        "`default` \"x\" is not a value of the field's type (integer)",
    );
    prop_error(
        r#"{"type": "unicorn", "default": 1}"#,
        "unknown `type` \"unicorn\"",
    );
    prop_error(
        r#"{"type": "integer", "format": "uint8", "default": 300}"#,
        "`default` 300 is not a value of the field's type (integer (uint8))",
    );
    prop_error(
        r#"{"type": ["integer", "string"], "default": 1}"#,
        "is not supported",
    );
    prop_error(r#"{"type": 3, "default": 1}"#, "`type` must be a string");
    prop_error(r#"{"type": "null"}"#, "leaves nothing to fuzz");
    prop_error(
        r#"{"$ref": "other.json#/x"}"#,
        "cannot resolve `$ref` `other.json#/x`",
    );
    prop_error(r##"{"$ref": "#/$defs/Missing"}"##, "cannot resolve");
    prop_error(r#"{"$ref": 3}"#, "`$ref` must be a string");
    prop_error(
        r#"{"anyOf": [{"type": "integer"}, {"type": "string"}], "default": 1}"#,
        "`anyOf` is supported only as a type and null",
    );
    prop_error(
        r#"{"oneOf": [{"type": "null"}], "default": null}"#,
        "`oneOf` is supported only as a type and null",
    );
    prop_error(
        r#"{"type": "string", "enum": [], "default": "a"}"#,
        "`enum` must be a non-empty array",
    );
    prop_error(r#"{"enum": [[1], [2]], "default": [1]}"#, "add a `type`");
    prop_error(
        r#"{"type": "array", "default": []}"#,
        "an `array` needs `items`",
    );
    prop_error(
        r#"{"type": "array", "prefixItems": [{"type": "integer"}], "default": [1]}"#,
        "add `\"items\": false`",
    );
    prop_error(
        r#"{"type": "array", "items": {"type": "integer", "minimum": 1}, "default": []}"#,
        "`minimum` on an element type is not supported",
    );
    prop_error(
        r#"{"type": "object", "default": {}}"#,
        "an `object` needs `properties`",
    );
    prop_error(
        r#"{"type": "string", "default": "a", "pattern": "^a$"}"#,
        "`pattern` restricts the values",
    );
    prop_error(
        r#"{"type": "integer", "default": 1, "allOf": [{"minimum": 0}]}"#,
        "`allOf` restricts the values",
    );
    prop_error(
        r#"{"type": "integer", "default": 1, "minimum": 5, "maximum": 2}"#,
        "leave no integer",
    );
    prop_error(
        r#"{"type": "number", "default": 1, "minimum": 5, "maximum": 2}"#,
        "leave no number",
    );
    prop_error(
        r#"{"type": "integer", "default": 1, "minimum": 0.5}"#,
        "must be an integer",
    );
    prop_error(
        r#"{"type": "integer", "default": 1, "minimum": "0"}"#,
        "`minimum` must be a number",
    );
    prop_error(
        r#"{"type": "string", "default": "a", "minimum": 0}"#,
        "apply to integer and number fields",
    );
    prop_error(
        r#"{"type": "boolean", "default": true, "x-fuzz": 1}"#,
        "`x-fuzz` must be an object",
    );
    prop_error(
        r#"{"type": "boolean", "default": true, "x-fuzz": {"skip": 1}}"#,
        "`x-fuzz.skip` must be",
    );
    prop_error(
        r#"{"type": "boolean", "default": true, "x-fuzz": {"values": []}}"#,
        "`x-fuzz.values` must be a non-empty array",
    );
    prop_error(
        r#"{"type": "boolean", "default": true, "x-fuzz": {"skip": true, "pin": false}}"#,
        "both `skip` and `pin`",
    );
    prop_error(
        r#"{"type": "boolean", "default": true, "x-fuzz": {"pinn": false}}"#,
        "unknown `x-fuzz` key `pinn`",
    );
    prop_error(
        r#"{"type": "boolean", "default": true, "x-fuzz": {"pin": 3}}"#,
        "`x-fuzz.pin` 3 is not a value",
    );
    prop_error(
        r#"{"type": "boolean", "default": true, "x-fuzz": {"values": [true, 1]}}"#,
        "`x-fuzz.values` entry 1 is not a value",
    );
    prop_error(
        r#"{"type": "integer", "default": 1, "enum": [1, "a"]}"#,
        "`enum` value \"a\" is not a value",
    );
    prop_error(
        r#"{"properties": {"y": {"type": "boolean", "default": true}}, "additionalProperties": {"type": "integer"}}"#,
        "both `properties` and an `additionalProperties` schema",
    );
    prop_error(
        r#"{"type": "object", "additionalProperties": {"type": "integer"}, "propertyNames": {"pattern": "^a"}, "default": {}}"#,
        "`propertyNames` is supported as",
    );
    prop_error(
        r#"{"type": "object", "additionalProperties": {"type": "integer"}, "propertyNames": {"enum": [1]}, "default": {}}"#,
        "`propertyNames` is supported as",
    );
}

#[test]
fn maps_with_keys_json_objects_cannot_have() {
    // `json_schema()` writes them as `[key, value]` pairs, with `x-fuzz.map`.
    let schema = Schema::parse(
        r#"{"properties": {"m": {"type": "array", "items": {"type": "array", "prefixItems": [{"type": ["string", "null"]}, {"type": "integer"}], "items": false}, "default": [[null, 1], ["a", 2]], "x-fuzz": {"map": true}}}}"#,
    )
    .unwrap();
    let m = &schema.fields()[0];
    assert_eq!(m.type_name(), "object of string or null keys to integer");
    assert_eq!(m.default_value().to_json(), r#"[[null,1],["a",2]]"#);
    prop_error(
        r#"{"type": "array", "items": {"type": "integer"}, "default": [], "x-fuzz": {"map": true}}"#,
        "needs `items` to be a `[key, value]` pair",
    );
    prop_error(
        r#"{"type": "array", "items": {"type": "integer"}, "default": [], "x-fuzz": {"map": 1}}"#,
        "`x-fuzz.map` must be true or false",
    );
}

#[test]
fn map_key_types() {
    let schema = Schema::parse(
        r#"{"properties": {
            "ints": {"type": "object", "additionalProperties": {"type": "boolean"}, "propertyNames": {"pattern": "^-?[0-9]+$"}, "default": {"2": true, "10": false}},
            "flags": {"type": "object", "additionalProperties": {"type": "integer"}, "propertyNames": {"enum": ["true", "false"]}, "default": {}},
            "modes": {"type": "object", "additionalProperties": {"type": "integer"}, "propertyNames": {"enum": ["b", "a"]}, "default": {"a": 1, "b": 2}}
        }}"#,
    )
    .unwrap();
    let f = schema.fields();
    assert_eq!(f[0].type_name(), "object of integer keys to boolean");
    // Keys in the key type's order: 2 before 10; `b` before `a` (declared order).
    assert_eq!(f[0].default_value().to_json(), r#"{"2":true,"10":false}"#);
    assert_eq!(f[1].type_name(), "object of boolean keys to integer");
    assert_eq!(f[2].default_value().to_json(), r#"{"b":2,"a":1}"#);
}

#[test]
fn nested_and_name_errors() {
    error(
        r#"{"properties": {"a": {"properties": {"b": {"type": "integer"}}}}}"#,
        "a.b",
        "add a `default`",
    );
    error(
        r#"{"properties": {"a.b": {"type": "integer", "default": 1}}}"#,
        "a.b",
        "contain no `.`",
    );
    error(
        r##"{"$defs": {"A": {"$ref": "#/$defs/A"}}, "properties": {"a": {"$ref": "#/$defs/A"}}}"##,
        "a",
        "too deep",
    );
}

#[test]
fn a_skipped_or_listed_field_may_use_any_keyword() {
    let schema = Schema::parse(
        r#"{"properties": {
            "a": {"type": "string", "default": "x", "pattern": "^x$", "x-fuzz": {"skip": "fixed"}},
            "b": {"type": "string", "default": "x", "minLength": 1, "x-fuzz": {"pin": "y"}}
        }}"#,
    )
    .unwrap();
    assert_eq!(schema.fields()[0].skip(), Some("fixed"));
    assert_eq!(schema.fields()[1].pin(), Some(&Value::Str("y".into())));
}

#[test]
fn every_field_type_round_trips() {
    round_trip::<tests::every::Every>();
}

#[test]
fn remaining_error_paths() {
    prop_error(
        r#"{"type": "array", "prefixItems": [1], "items": false, "default": [1]}"#,
        "`prefixItems[0]` must be a schema object",
    );
    prop_error(
        r#"{"type": "object", "properties": 3}"#,
        "`properties` must be an object, not a number",
    );
    error(
        r#"{"properties": {"": {"type": "boolean", "default": true}}}"#,
        "\"\"",
        "must be non-empty",
    );
    // Sections nested deeper than the parser follows.
    let mut deep = String::from(r#"{"type": "boolean", "default": true}"#);
    for _ in 0..40 {
        deep = format!(r#"{{"properties": {{"s": {deep}}}}}"#);
    }
    let err = Schema::parse(&deep).unwrap_err();
    assert!(err.to_string().contains("nested too deeply"), "{err}");
    // Types nested deeper than the parser follows.
    let mut ty = String::from(r#"{"type": "boolean"}"#);
    for _ in 0..40 {
        ty = format!(r#"{{"type": "array", "items": {ty}}}"#);
    }
    let text =
        format!(r#"{{"properties": {{"x": {{"type": "array", "items": {ty}, "default": []}}}}}}"#);
    error(&text, "x", "nested too deeply");
}

#[test]
fn a_default_outside_a_non_string_enum_is_refused() {
    prop_error(
        r#"{"type": "integer", "enum": [1, 2], "default": 3}"#,
        "`default` 3 is not one of its `enum` values [1,2]",
    );
    prop_error(
        r#"{"type": "number", "enum": [0.5, 1.5], "default": 1.0}"#,
        "is not one of its `enum` values",
    );
    // Inside it, or a nullable field with no `default` (null), is fine.
    Schema::parse(r#"{"properties": {"x": {"type": "integer", "enum": [1, 2], "default": 2}}}"#)
        .unwrap();
    Schema::parse(r#"{"properties": {"x": {"type": ["integer", "null"], "enum": [1, 2]}}}"#)
        .unwrap();
}

#[test]
fn every_property_without_a_default_is_named_at_once() {
    // A Helm chart's values.schema.json: types and bounds, no defaults.
    let err = error(
        r#"{"properties": {
            "replicaCount": {"type": "integer", "minimum": 1},
            "image": {"type": "object", "properties": {
                "tag": {"type": "string"},
                "pullPolicy": {"type": "string", "enum": ["Always", "Never"], "default": "Never"}
            }},
            "debug": {"type": "boolean"}
        }}"#,
        "replicaCount",
        "no `default`",
    );
    assert!(
        err.message()
            .ends_with("; 2 more properties need one too: `image.tag`, `debug`"),
        "{err}"
    );
    let err = error(
        r#"{"properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}}"#,
        "a",
        "no `default`",
    );
    assert!(
        err.message()
            .ends_with("; 1 more property needs one too: `b`"),
        "{err}"
    );
    // Another mistake after a missing default is still reported as itself.
    error(
        r#"{"properties": {"a": {"type": "integer"}, "b": {"type": "strng", "default": 1}}}"#,
        "b",
        "unknown `type`",
    );
}

#[test]
fn a_default_outside_the_bounds_is_an_error_naming_value_and_bounds() {
    prop_error(
        r#"{"type": "integer", "default": 100, "minimum": 1, "maximum": 64}"#,
        "`default` 100 is outside the bounds the schema gives `x` (`minimum`: 1, `maximum`: 64); \
         JSON Schema makes such a value invalid; change the `default` or the bounds",
    );
    prop_error(
        r#"{"type": "integer", "default": 0, "minimum": 1}"#,
        "`default` 0 is outside the bounds the schema gives `x` (`minimum`: 1)",
    );
    prop_error(
        r#"{"type": "number", "default": 1.5, "maximum": 1}"#,
        "`default` 1.5 is outside the bounds the schema gives `x` (`maximum`: 1)",
    );
    prop_error(
        r#"{"type": ["integer", "null"], "default": 9, "maximum": 8}"#,
        "`default` 9 is outside",
    );
    prop_error(
        r#"{"type": "integer", "const": 9, "maximum": 8}"#,
        "`const` 9 is outside the bounds the schema gives `x` (`maximum`: 8)",
    );
    prop_error(
        r#"{"type": "integer", "default": 1, "maximum": 8, "x-fuzz": {"pin": 9}}"#,
        "`x-fuzz.pin` 9 is outside the bounds the schema gives `x` (`maximum`: 8); \
         JSON Schema makes such a value invalid; pin a value within the bounds",
    );
}

#[test]
fn exclusive_bounds_leave_out_the_bound_itself() {
    prop_error(
        r#"{"type": "integer", "default": 4, "exclusiveMaximum": 4}"#,
        "`default` 4 is outside the bounds the schema gives `x` (`exclusiveMaximum`: 4)",
    );
    prop_error(
        r#"{"type": "number", "default": 0, "exclusiveMinimum": 0}"#,
        "`default` 0.0 is outside the bounds the schema gives `x` (`exclusiveMinimum`: 0)",
    );
    // Draft 4's form: a flag beside `minimum`.
    prop_error(
        r#"{"type": "number", "default": 0, "minimum": 0, "exclusiveMinimum": true}"#,
        "(`minimum`: 0, `exclusiveMinimum`: true)",
    );
    // On the bounds, and inside exclusive ones, is fine.
    for ok in [
        r#"{"type": "integer", "default": 64, "minimum": 1, "maximum": 64}"#,
        r#"{"type": "integer", "default": 1, "minimum": 1, "maximum": 64}"#,
        r#"{"type": "integer", "default": 3, "exclusiveMaximum": 4}"#,
        r#"{"type": "number", "default": 0.001, "exclusiveMinimum": 0}"#,
        r#"{"type": ["integer", "null"], "default": null, "minimum": 1}"#,
    ] {
        let text = format!(r#"{{"properties": {{"x": {ok}}}}}"#);
        Schema::parse(&text).unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
}

#[test]
fn check_refuses_values_outside_the_bounds_or_enum() {
    let schema = Schema::parse(
        r#"{"properties": {
            "tile": {"type": "integer", "default": 16, "minimum": 1, "maximum": 64},
            "level": {"type": "integer", "default": 1, "enum": [1, 2, 4]},
            "ratio": {"type": ["number", "null"], "default": 0.5, "minimum": 0, "maximum": 1},
            "free": {"type": "integer", "default": 0}
        }}"#,
    )
    .unwrap();
    let field = |n: &str| {
        schema
            .fields()
            .iter()
            .find(|f| f.name() == n)
            .unwrap()
            .clone()
    };
    let tile = field("tile");
    assert!(tile.check(&Value::Int(1)).is_ok());
    assert!(tile.check(&Value::Int(64)).is_ok());
    let e = tile.check(&Value::Int(65)).unwrap_err();
    assert_eq!(e.path(), "tile");
    assert!(
        e.message().contains(
            "65 is outside the bounds the schema gives `tile` (`minimum`: 1, `maximum`: 64)"
        ),
        "{e}"
    );
    assert!(tile.check(&Value::Int(0)).is_err());
    let level = field("level");
    assert!(level.check(&Value::Int(4)).is_ok());
    let e = level.check(&Value::Int(3)).unwrap_err();
    assert!(e.message().contains("(`enum`: [1,2,4])"), "{e}");
    let ratio = field("ratio");
    assert!(ratio.check(&Value::None).is_ok());
    assert!(ratio.check(&Value::Float(1.0)).is_ok());
    assert!(ratio.check(&Value::Float(1.5)).is_err());
    assert!(ratio.check(&Value::Float(f64::NAN)).is_err());
    assert!(field("free")
        .check(&Value::Int(i128::from(i64::MAX)))
        .is_ok());
    // A value of another type is refused too.
    assert!(tile.check(&Value::Str("x".into())).is_err());
}

/// A fuzz range that leaves out the default (`0` meaning "choose for me").
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct AutoThreads {
    /// Worker threads; 0 picks one per core.
    #[config(default = 0)]
    #[fuzz(range = 1..=8)]
    pub threads: u32,
    /// Tile size.
    #[config(default = 16)]
    #[fuzz(range = 1..=64)]
    pub tile: u32,
}

#[test]
fn a_fuzz_range_without_the_default_is_written_as_a_drawing_hint() {
    // `minimum: 1` would make the field's own default invalid: the range
    // goes in `x-fuzz.range`, and the schema still parses into the same
    // fields (the round trip checks defaults and domains).
    let text = AutoThreads::json_schema();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let threads = &json["properties"]["threads"];
    assert_eq!(threads.get("minimum"), None, "{text}");
    assert_eq!(
        threads["x-fuzz"]["range"],
        serde_json::json!([1, 8]),
        "{text}"
    );
    // A range that holds its default stays a validating one.
    assert_eq!(json["properties"]["tile"]["minimum"], serde_json::json!(1));
    round_trip::<AutoThreads>();
    let schema = Schema::parse(&text).unwrap();
    let threads = schema
        .fields()
        .iter()
        .find(|f| f.name() == "threads")
        .unwrap();
    assert!(threads.check(&Value::Int(0)).is_ok());
    assert!(threads.check(&Value::Int(100)).is_ok());
}

#[test]
fn x_fuzz_range_errors_say_what_it_must_be() {
    prop_error(
        r#"{"type": "integer", "default": 0, "x-fuzz": {"range": [1]}}"#,
        "`x-fuzz.range` must be an array of two numbers `[lo, hi]`",
    );
    prop_error(
        r#"{"type": "integer", "default": 0, "x-fuzz": {"range": [8, 1]}}"#,
        "`x-fuzz.range`: the bounds leave no integer to draw (8 > 1)",
    );
    prop_error(
        r#"{"type": "string", "default": "a", "x-fuzz": {"range": [1, 2]}}"#,
        "`x-fuzz.range`: `minimum`/`maximum` apply to integer and number fields",
    );
}

#[test]
fn an_x_fuzz_values_entry_outside_the_bounds_is_refused_naming_it() {
    prop_error(
        r#"{"type": "integer", "default": 16, "minimum": 1, "maximum": 64, "x-fuzz": {"values": [8, 128]}}"#,
        "`x-fuzz.values[1]` 128 is outside the bounds the schema gives `x` (`minimum`: 1, `maximum`: 64); \
         JSON Schema makes such a value invalid; remove it from `x-fuzz.values` or widen the bounds \
         (`x-fuzz.range` only says where to draw and is no bound)",
    );
    prop_error(
        r#"{"type": "number", "default": 0.5, "exclusiveMaximum": 1, "x-fuzz": {"values": [1]}}"#,
        "`x-fuzz.values[0]` 1.0 is outside the bounds the schema gives `x` (`exclusiveMaximum`: 1)",
    );
    prop_error(
        r#"{"type": "integer", "default": 2, "exclusiveMinimum": 1, "x-fuzz": {"values": [2, 3, 1]}}"#,
        "`x-fuzz.values[2]` 1 is outside the bounds the schema gives `x` (`exclusiveMinimum`: 1)",
    );
    prop_error(
        r#"{"type": "integer", "default": 1, "enum": [1, 2, 4], "x-fuzz": {"values": [2, 3]}}"#,
        "`x-fuzz.values[1]` 3 is outside the bounds the schema gives `x` (`enum`: [1,2,4])",
    );
    prop_error(
        r#"{"type": ["integer", "null"], "default": null, "maximum": 8, "x-fuzz": {"values": [null, 9]}}"#,
        "`x-fuzz.values[1]` 9 is outside the bounds the schema gives `x` (`maximum`: 8)",
    );
    // Entries on or inside the bounds, and null for a nullable field, are
    // fine; `x-fuzz.range` is where to draw, not a bound, so an entry
    // outside it is fine too.
    let schema = Schema::parse(
        r#"{"properties": {
            "tile": {"type": "integer", "default": 16, "minimum": 1, "maximum": 64,
                     "x-fuzz": {"values": [1, 32, 64]}},
            "level": {"type": "integer", "default": 1, "enum": [1, 2, 4],
                      "x-fuzz": {"values": [2, 4]}},
            "ratio": {"type": ["number", "null"], "default": 0.5, "exclusiveMaximum": 1,
                      "x-fuzz": {"values": [null, 0.25]}},
            "threads": {"type": "integer", "default": 0, "x-fuzz": {"range": [1, 8], "values": [0, 100]}}
        }}"#,
    )
    .unwrap();
    let domains: Vec<String> = schema
        .fields()
        .iter()
        .map(|f| format!("{}: {}", f.name(), domain_json(f.domain())))
        .collect();
    assert_eq!(
        domains,
        [
            "tile: values 1,32,64",
            "level: values 2,4",
            "ratio: values null,0.25",
            "threads: values 0,100"
        ]
    );
}
