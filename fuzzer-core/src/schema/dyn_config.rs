//! [`DynConfig`]: a config whose fields come from a [`Schema`] at run time,
//! driven by the same registry and fuzzer as a derived config.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde_json::Value as Json;

use super::{Role, Schema, SchemaError};
use crate::config::{DeclaredDefaults, FuzzableConfig};
use crate::error::ConfigError;
use crate::field::{FieldMeta, FieldSpec, FuzzRole};
use crate::registry::{Fast, Local, Registry};
use crate::sample::sample_field;
use crate::value::{ConfigDiff, Value};

use super::ty::DynType;

/// The schema installed in this process, and what is derived from it once.
struct Installed {
    schema: Schema,
    declared: DynConfig,
    by_name: HashMap<String, usize>,
}

static INSTALLED: OnceLock<Installed> = OnceLock::new();

fn installed() -> &'static Installed {
    INSTALLED.get().unwrap_or_else(|| {
        panic!(
            "DynConfig was used before a schema was installed: call `DynConfig::install(Schema::parse(..)?)` once, at the start of the program, before reading or fuzzing it"
        )
    })
}

/// A config whose fields come from a JSON Schema read at run time
/// ([`Schema`]), for programs that are not a Rust closure: the same
/// registry (read, patch, set, by-name access) and the same fuzzer
/// (`ConfigFuzzer::<DynConfig>`: hunt, bisect, n-tuple, reproduce,
/// minimize, pins by name) as a derived config. Field names are the
/// schema's dotted property names, values are JSON.
///
/// One schema per process: [`install`](Self::install) it before the first
/// use; every use before that panics.
///
/// ```
/// use fuzzer_core::prelude::*;
/// use fuzzer_core::schema::{DynConfig, Schema};
///
/// let schema = Schema::parse(r#"{
///     "type": "object",
///     "properties": {
///         "fast": {"type": "boolean", "default": false},
///         "level": {"type": "integer", "default": 2, "minimum": 0, "maximum": 3}
///     }
/// }"#).unwrap();
/// DynConfig::install(schema).unwrap();
///
/// assert!(DynConfig::read(|c| c.changed()).is_empty());
/// let _g = DynConfig::patch_values([("level", Value::Int(3))]).unwrap();
/// assert_eq!(DynConfig::read(|c| c.changed()), [("level".to_string(), serde_json::json!(3))]);
/// assert_eq!(DynConfig::read(|c| c.get("fast").cloned()), Some(serde_json::json!(false)));
/// ```
///
/// Its [`repro_snippet`](crate::repro_snippet) is not Rust (there is no
/// struct to patch) but the JSON object of the changed fields, dotted
/// names, as `config-fuzz reproduce` and `--config-file` take it.
#[derive(Clone)]
pub struct DynConfig {
    values: Vec<Value>,
    json: Vec<Json>,
}

impl DynConfig {
    /// Makes `schema` the fields of `DynConfig` in this process. Call it
    /// once, before any other use; installing an equal schema again is
    /// `Ok`, a different one is an error (the registry and any campaign
    /// already built on the first one cannot change).
    pub fn install(schema: Schema) -> Result<(), SchemaError> {
        let mut ours = Some(schema);
        let inst = INSTALLED.get_or_init(|| {
            let schema = ours.take().expect("taken once");
            let by_name = schema
                .fields
                .iter()
                .enumerate()
                .map(|(i, f)| (f.name.clone(), i))
                .collect();
            let declared = DynConfig {
                values: schema.fields.iter().map(|f| f.default.clone()).collect(),
                json: schema
                    .fields
                    .iter()
                    .map(|f| serde_json::to_value(&f.default).unwrap_or(Json::Null))
                    .collect(),
            };
            Installed {
                schema,
                declared,
                by_name,
            }
        });
        match ours {
            Some(other) if other != inst.schema => Err(SchemaError::new(
                "",
                format!(
                    "DynConfig already has a different schema in this process (fingerprint {:016x}, this one {:016x}); a process fuzzes one schema: run each schema in its own process",
                    inst.schema.fingerprint(),
                    other.fingerprint()
                ),
            )),
            _ => Ok(()),
        }
    }

    /// The installed schema, if [`install`](Self::install) has run.
    pub fn schema() -> Option<&'static Schema> {
        INSTALLED.get().map(|i| &i.schema)
    }

    /// The value of the field called `name` (dotted), in the crate's JSON
    /// form (see [`Value`]), or `None` if the schema has no such field.
    pub fn get(&self, name: &str) -> Option<&Json> {
        installed().by_name.get(name).map(|&i| &self.json[i])
    }

    /// Every field's name and value, in the schema's order.
    pub fn values(&self) -> impl Iterator<Item = (&'static str, &Json)> + '_ {
        installed()
            .schema
            .fields
            .iter()
            .map(|f| f.name.as_str())
            .zip(&self.json)
    }

    /// The fields whose value differs from the schema's default, dotted
    /// names, in the schema's order: what a candidate hands a program.
    /// (Shadows [`FuzzableConfig::changed`] for method calls; call that one
    /// as `<DynConfig as FuzzableConfig>::changed()`.)
    pub fn changed(&self) -> Vec<(String, Json)> {
        let inst = installed();
        inst.schema
            .fields
            .iter()
            .enumerate()
            .filter(|(i, _)| !DynType::same(&self.values[*i], &inst.declared.values[*i]))
            .map(|(i, f)| (f.name.clone(), self.json[i].clone()))
            .collect()
    }
}

impl PartialEq for DynConfig {
    fn eq(&self, other: &Self) -> bool {
        self.values.len() == other.values.len()
            && self
                .values
                .iter()
                .zip(&other.values)
                .all(|(a, b)| DynType::same(a, b))
    }
}

impl fmt::Debug for DynConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for (name, v) in self.values() {
            m.entry(&name, v);
        }
        m.finish()
    }
}

/// The fields of the installed schema, as the registry lists them.
fn dyn_fields() -> Vec<FieldMeta> {
    let inst = installed();
    inst.schema
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| FieldMeta {
            name: f.name.clone(),
            index: i,
            type_name: f.ty.to_string(),
            doc: f.doc.as_str(),
            default: f.default.clone(),
            env: Vec::new(),
            env_force: Vec::new(),
            skip_hash: false,
            skip_save: false,
            deprecated: false,
            role: match &f.role {
                Role::Fuzzed => FuzzRole::Fuzzed,
                Role::Skip(reason) => FuzzRole::Skip {
                    reason: reason.as_str(),
                },
                Role::Pin(v) => FuzzRole::Pin(v.clone()),
            },
            domain: f.domain.clone(),
            // Never called: `dynamic` takes over.
            sampler: sample_field::<bool>,
            env_parser: never_parse,
            rust_expr: never_print,
            knob: None,
            deprecation_note: None,
            dynamic: Some(&f.ty),
            schema_type: f.ty.clone(),
        })
        .collect()
}

fn never_parse(_: &str) -> Result<Value, String> {
    Err("a schema field parses through its type".into())
}

fn never_print(_: &Value) -> Result<String, ConfigError> {
    Err(ConfigError::Invalid {
        message: "a schema field prints through its type".into(),
    })
}

fn type_name() -> String {
    "DynConfig".into()
}

fn no_default() -> Value {
    Value::None
}

fn nested_type() -> DynType {
    DynType::Bool
}

fn type_domain() -> crate::field::Domain {
    crate::field::Domain::Type
}

/// One unnamed section holding every schema field: `build_fields` lists its
/// fields at the top level.
static SPECS: [FieldSpec; 1] = [FieldSpec {
    name: "",
    type_name,
    doc: "",
    default: no_default,
    env: &[],
    env_force: &[],
    skip_hash: false,
    skip_save: false,
    deprecated: false,
    skip: None,
    pin: None,
    domain: type_domain,
    sampler: sample_field::<bool>,
    env_parser: never_parse,
    rust_expr: never_print,
    nested: Some(dyn_fields),
    knob: None,
    deprecation_note: None,
    schema_type: nested_type,
}];

impl DeclaredDefaults for DynConfig {
    fn __declared() -> &'static Self {
        &installed().declared
    }
}

impl FuzzableConfig for DynConfig {
    const __NAME: &'static str = "DynConfig";
    // Not known at compile time: `__field_count` gives it.
    const __FIELD_COUNT: usize = 0;

    fn __field_count() -> usize {
        installed().schema.fields.len()
    }

    fn __specs() -> &'static [FieldSpec] {
        &SPECS
    }

    fn __env_prefix() -> Option<&'static str> {
        None
    }

    fn __get_index(&self, index: usize) -> Value {
        self.values[index].clone()
    }

    fn __set_index(&mut self, index: usize, value: &Value) -> Result<(), ConfigError> {
        let field = &installed().schema.fields[index];
        let v = field
            .ty
            .normalize(value)
            .map_err(|e| e.for_field(&field.name))?;
        self.json[index] = serde_json::to_value(&v).unwrap_or(Json::Null);
        self.values[index] = v;
        Ok(())
    }

    fn __copy_field(&mut self, src: &Self, index: usize) {
        self.values[index].clone_from(&src.values[index]);
        self.json[index].clone_from(&src.json[index]);
    }

    fn __field_eq(&self, other: &Self, index: usize) -> bool {
        DynType::same(&self.values[index], &other.values[index])
    }

    fn __diff(&self, other: &Self, offset: u32, out: &mut Vec<u32>) {
        for (i, (a, b)) in self.values.iter().zip(&other.values).enumerate() {
            if !DynType::same(a, b) {
                out.push(offset + i as u32);
            }
        }
    }

    fn __codegen(changed: &ConfigDiff) -> String {
        Self::__repro_snippet(changed)
    }

    fn __repro_snippet(diff: &ConfigDiff) -> String {
        let fields = Self::fields();
        let mut m = serde_json::Map::new();
        // In the schema's order (serde_json's map sorts keys; this keeps
        // the names and values, which is what a config file needs).
        for f in fields {
            if let Some(v) = diff.get(f.name()) {
                let v = f.schema_type.normalize(v).unwrap_or_else(|_| v.clone());
                m.insert(
                    f.name().to_string(),
                    serde_json::to_value(&v).unwrap_or(Json::Null),
                );
            }
        }
        serde_json::to_string(&Json::Object(m)).unwrap_or_default()
    }

    fn __registry() -> &'static Registry<Self> {
        static REGISTRY: Registry<DynConfig> = Registry::new();
        &REGISTRY
    }

    fn __local() -> &'static std::thread::LocalKey<Local<Self>> {
        thread_local! {
            static LOCAL: Local<DynConfig> = const { Local::new() };
        }
        &LOCAL
    }

    fn __fast() -> &'static std::thread::LocalKey<Fast<Self>> {
        thread_local! {
            static FAST: Fast<DynConfig> = const { Fast::new() };
        }
        &FAST
    }
}
