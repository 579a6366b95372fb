//! [`FieldMeta`]: what the derive knows about each field, and the fuzz
//! [`Domain`] it declares.

use crate::error::ConfigError;
use crate::sample::{FuzzRng, SamplingMethod};
use crate::value::Value;

/// Where the fuzzer may draw a field's values from.
#[derive(Clone, Debug, PartialEq)]
pub enum Domain {
    /// The type's own domain (`#[fuzz]` says nothing).
    Type,
    /// One of these values (`#[fuzz(values = [..])]`).
    Values(Vec<Value>),
    /// A number in `lo..=hi` (`#[fuzz(range = lo..=hi)]`).
    Range {
        /// The smallest value.
        lo: Value,
        /// The largest value.
        hi: Value,
    },
}

/// How the fuzzer treats a field.
#[derive(Clone, Debug, PartialEq)]
pub enum FuzzRole {
    /// Sampled like any field.
    Fuzzed,
    /// Never fuzzed: it stays at its declared default (`#[fuzz(skip)]` or
    /// `#[fuzz(skip = "reason")]`), or, by rule as in PyTorch's fuzzer, a
    /// field without `#[fuzz(..)]` whose dotted name has a part starting
    /// with `_` (reason [`PRIVATE_FIELD`]) or contains `TESTING_ONLY`
    /// (reason [`TESTING_ONLY`]).
    Skip {
        /// Why, as written in the attribute (empty when none was given), or
        /// the rule's reason.
        reason: &'static str,
    },
    /// Always this value while fuzzing (`#[fuzz(pin = ..)]`).
    Pin(Value),
}

/// The [`FuzzRole::Skip`] reason of a field the fuzzer skips because a part
/// of its dotted name starts with `_` (`_e_ignored`, `_private.x`).
///
/// ```
/// use fuzzer_core::prelude::*;
/// use fuzzer_core::{FuzzRole, PRIVATE_FIELD};
///
/// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
/// pub struct Knobs {
///     pub fast: bool,
///     pub _internal: bool,
/// }
///
/// let f = &Knobs::fields()[1];
/// assert_eq!(f.fuzz_role(), &FuzzRole::Skip { reason: PRIVATE_FIELD });
/// ```
pub const PRIVATE_FIELD: &str = "private field";

/// The [`FuzzRole::Skip`] reason of a field the fuzzer skips because its
/// dotted name contains `TESTING_ONLY` (case-sensitive, as in PyTorch).
///
/// ```
/// use fuzzer_core::prelude::*;
/// use fuzzer_core::{FuzzRole, TESTING_ONLY};
///
/// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
/// #[allow(non_snake_case)]
/// pub struct Knobs {
///     pub inject_bug_TESTING_ONLY: bool,
/// }
///
/// let f = &Knobs::fields()[0];
/// assert_eq!(f.fuzz_role(), &FuzzRole::Skip { reason: TESTING_ONLY });
/// ```
pub const TESTING_ONLY: &str = "testing only";

/// The role PyTorch's fuzzer gives a field by its name alone: skipped when a
/// part of the dotted name starts with `_`, or the name contains
/// `TESTING_ONLY`.
fn role_by_name(name: &str) -> Option<FuzzRole> {
    if name.split('.').any(|part| part.starts_with('_')) {
        Some(FuzzRole::Skip {
            reason: PRIVATE_FIELD,
        })
    } else if name.contains("TESTING_ONLY") {
        Some(FuzzRole::Skip {
            reason: TESTING_ONLY,
        })
    } else {
        None
    }
}

/// The description of one field, in declaration order, nested fields
/// flattened to dotted names. Returned by `FuzzableConfig::fields()`.
///
/// ```
/// use fuzzer_core::prelude::*;
///
/// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
/// pub struct Flags {
///     /// Use the on-disk cache.
///     #[config(default = Some(true), env = "FLAGS_CACHE")]
///     pub cache: Option<bool>,
/// }
///
/// let f = Flags::fields().iter().find(|f| f.name() == "cache").unwrap();
/// assert_eq!(f.type_name(), "Option<bool>");
/// assert_eq!(f.doc(), "Use the on-disk cache.");
/// assert_eq!(f.default_value(), Value::Some(Box::new(Value::Bool(true))));
/// assert_eq!(f.env_names(), ["FLAGS_CACHE"]);
/// ```
#[derive(Clone, Debug)]
pub struct FieldMeta {
    pub(crate) name: String,
    pub(crate) index: usize,
    pub(crate) type_name: String,
    pub(crate) doc: &'static str,
    pub(crate) default: Value,
    pub(crate) env: Vec<String>,
    pub(crate) env_force: Vec<String>,
    pub(crate) skip_hash: bool,
    pub(crate) skip_save: bool,
    pub(crate) deprecated: bool,
    pub(crate) role: FuzzRole,
    pub(crate) domain: Domain,
    pub(crate) sampler: SampleFn,
    pub(crate) env_parser: EnvParseFn,
    pub(crate) rust_expr: RustExprFn,
    pub(crate) knob: Option<&'static str>,
    pub(crate) deprecation_note: Option<&'static str>,
    /// For a field of a [`DynConfig`](crate::DynConfig): its schema type,
    /// which samples, parses and prints its values instead of the fn
    /// pointers above.
    pub(crate) dynamic: Option<&'static crate::schema::ty::DynType>,
    /// The field type's shape in a JSON Schema.
    pub(crate) schema_type: crate::schema::ty::DynType,
}

/// Samples a field's value: (default, method, domain, rng) -> value.
pub(crate) type SampleFn = fn(&Value, SamplingMethod, &Domain, &mut FuzzRng) -> Value;
/// Parses an env var's text into a field's value, or gives the expected form.
pub(crate) type EnvParseFn = fn(&str) -> Result<Value, String>;
/// Prints a value as a Rust expression of the field's type.
pub(crate) type RustExprFn = fn(&Value) -> Result<String, ConfigError>;

impl FieldMeta {
    /// The dotted name: `e_bool`, `nested.e_bool`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The position of the field in `fields()`.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The field's Rust type, e.g. `Option<bool>`.
    pub fn type_name(&self) -> &str {
        &self.type_name
    }

    /// The field's doc comment, trimmed (empty if it has none).
    pub fn doc(&self) -> &str {
        self.doc
    }

    /// The declared default (`#[config(default = ..)]` or `Default::default()`).
    pub fn default_value(&self) -> Value {
        self.default.clone()
    }

    /// The declared default, borrowed.
    pub fn default_ref(&self) -> &Value {
        &self.default
    }

    /// Env vars that give this field an overridable default, first set wins:
    /// `#[config(env = ..)]` names, then the `env_prefix` name.
    pub fn env_names(&self) -> &[String] {
        &self.env
    }

    /// Env vars that force this field's value above everything else
    /// (`#[config(env_force = ..)]`), first set wins.
    pub fn env_force_names(&self) -> &[String] {
        &self.env_force
    }

    /// `true` if `config_hash()` ignores this field (`skip_hash`).
    pub fn skip_hash(&self) -> bool {
        self.skip_hash
    }

    /// `true` if `save_json()` and `codegen()` leave this field out (`skip_save`).
    pub fn skip_save(&self) -> bool {
        self.skip_save
    }

    /// `true` if the field carries `#[deprecated]`.
    pub fn deprecated(&self) -> bool {
        self.deprecated
    }

    /// `Some(note)` if the field carries `#[deprecated]`: the note of
    /// `#[deprecated(note = "..")]` (or `#[deprecated = ".."]`), or `""` when
    /// it has none. Using the field by name, through an env var or in loaded
    /// JSON warns once with it (see `fuzzer_core::set_warning_handler`).
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Settings {
    ///     pub fuse: bool,
    ///     #[deprecated(note = "is no longer needed")]
    ///     pub legacy: bool,
    ///     #[deprecated]
    ///     pub old: bool,
    /// }
    ///
    /// let notes: Vec<_> = Settings::fields().iter().map(|f| f.deprecation()).collect();
    /// assert_eq!(notes, [None, Some("is no longer needed"), Some("")]);
    /// ```
    pub fn deprecation(&self) -> Option<&str> {
        self.deprecated
            .then_some(self.deprecation_note.unwrap_or(""))
    }

    /// How the fuzzer treats the field: its `#[fuzz(skip)]` or
    /// `#[fuzz(pin = ..)]` attribute, else [`FuzzRole::Skip`] by name for a
    /// private (`_`) or `TESTING_ONLY` field, else [`FuzzRole::Fuzzed`].
    /// The fuzzer's `.pin()` and `.keep_default()` still apply on top.
    pub fn fuzz_role(&self) -> &FuzzRole {
        &self.role
    }

    /// The values the fuzzer may draw.
    pub fn domain(&self) -> &Domain {
        &self.domain
    }

    /// Samples a value for this field with `method`, honouring its domain.
    pub fn sample(&self, method: SamplingMethod, rng: &mut FuzzRng) -> Value {
        if let Some(ty) = self.dynamic {
            return ty.sample_field(&self.default, method, &self.domain, rng);
        }
        (self.sampler)(&self.default, method, &self.domain, rng)
    }

    /// The Rust expression of the field's type that builds `value`: the
    /// value is first read as the field's type, so values in their JSON
    /// form (a string for an enum variant, a list for a tuple) print as
    /// the field's Rust type needs (`Mode::Slow`, `(2, String::from("y"))`,
    /// `f32::NAN` for an `f32`). An error if `value` does not fit the type.
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Shapes {
    ///     #[config(default = (1,))]
    ///     pub tile: (i64,),
    /// }
    ///
    /// let f = &Shapes::fields()[Shapes::field_index("tile").unwrap()];
    /// assert_eq!(f.rust_expr(&Value::List(vec![Value::Int(3)])).unwrap(), "(3,)");
    /// assert!(f.rust_expr(&Value::Bool(true)).is_err());
    /// ```
    pub fn rust_expr(&self, value: &Value) -> Result<String, ConfigError> {
        if let Some(ty) = self.dynamic {
            // A schema field has no Rust type: its value as JSON.
            return ty
                .normalize(value)
                .map(|v| v.to_json())
                .map_err(|e| e.for_field(&self.name));
        }
        (self.rust_expr)(value).map_err(|e| e.for_field(&self.name))
    }

    /// The knob that gives this field its default
    /// (`#[config(knob = "name")]`), asked of the process-wide provider
    /// (see [`set_knob_provider`](crate::set_knob_provider)).
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Rollout {
    ///     #[config(default = false, knob = "rollout/fast")]
    ///     pub fast: bool,
    ///     pub slow: bool,
    /// }
    ///
    /// assert_eq!(Rollout::fields()[0].knob(), Some("rollout/fast"));
    /// assert_eq!(Rollout::fields()[1].knob(), None);
    /// ```
    pub fn knob(&self) -> Option<&str> {
        self.knob
    }

    pub(crate) fn parse_env(&self, text: &str) -> Result<Value, String> {
        if let Some(ty) = self.dynamic {
            return ty.parse_env(text);
        }
        (self.env_parser)(text)
    }
}

/// The derive's description of one field, before nesting is flattened.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct FieldSpec {
    /// The field's own name.
    pub name: &'static str,
    /// The type as written.
    pub type_name: fn() -> String,
    /// The doc comment.
    pub doc: &'static str,
    /// The declared default.
    pub default: fn() -> Value,
    /// `env = ..` names.
    pub env: &'static [&'static str],
    /// `env_force = ..` names.
    pub env_force: &'static [&'static str],
    /// `skip_hash`.
    pub skip_hash: bool,
    /// `skip_save`.
    pub skip_save: bool,
    /// `#[deprecated]`.
    pub deprecated: bool,
    /// `#[fuzz(skip = "...")]`: `Some(reason)`.
    pub skip: Option<&'static str>,
    /// `#[fuzz(pin = ..)]`.
    pub pin: Option<fn() -> Value>,
    /// `#[fuzz(values = ..)]` / `#[fuzz(range = ..)]`.
    pub domain: fn() -> Domain,
    /// The sampler for the field's type.
    pub sampler: SampleFn,
    /// The env parser for the field's type.
    pub env_parser: EnvParseFn,
    /// The Rust-expression printer for the field's type.
    pub rust_expr: RustExprFn,
    /// For `#[config(nested)]`: the section's own field list.
    pub nested: Option<fn() -> Vec<FieldMeta>>,
    /// `knob = ".."`.
    pub knob: Option<&'static str>,
    /// `#[deprecated(note = "..")]`.
    pub deprecation_note: Option<&'static str>,
    /// The field type's shape in a JSON Schema.
    pub schema_type: fn() -> crate::schema::ty::DynType,
}

/// Flattens the derive's specs into `FieldMeta`s, nested fields under
/// `name.`, env names under the prefix.
///
/// # Panics
///
/// If two fields would read the same env var made from their names, like a
/// field `x__y` and a nested section `x` with a field `y` (both
/// `<PREFIX>X__Y`). The derive rejects the collisions it can see, within one
/// struct; this one spans two types, so it is reported here, the first time
/// the config's field list is built.
#[doc(hidden)]
pub fn build_fields(specs: &[FieldSpec], env_prefix: Option<&str>) -> Vec<FieldMeta> {
    let mut out = Vec::new();
    // Env var names made from field names, and the field each belongs to.
    let mut made: Vec<(String, String)> = Vec::new();
    let mut claim = |var: &str, field: &str| {
        if let Some((_, other)) = made.iter().find(|(v, _)| v == var) {
            panic!(
                "fields `{other}` and `{field}` would both read the environment variable `{var}`; rename one of them"
            );
        }
        made.push((var.to_string(), field.to_string()));
    };
    for spec in specs {
        if let Some(nested) = spec.nested {
            for mut inner in nested() {
                // A spec without a name lists its fields at the top level
                // (a config whose fields come from a schema at run time).
                if !spec.name.is_empty() {
                    inner.name = format!("{}.{}", spec.name, inner.name);
                }
                if let Some(prefix) = env_prefix {
                    // The nested config's own prefix names stay; the outer
                    // prefix adds `<PREFIX><NESTED>__<FIELD>`.
                    let var = format!(
                        "{prefix}{}",
                        inner.name.replace('.', "__").to_ascii_uppercase()
                    );
                    claim(&var, &inner.name);
                    inner.env.push(var);
                }
                inner.index = out.len();
                // The rule by name, on the dotted name: a section called
                // `_x` makes its fields private.
                if inner.role == FuzzRole::Fuzzed {
                    if let Some(role) = role_by_name(&inner.name) {
                        inner.role = role;
                    }
                }
                out.push(inner);
            }
            continue;
        }
        let mut env: Vec<String> = spec.env.iter().map(|s| (*s).to_string()).collect();
        if let Some(prefix) = env_prefix {
            let var = format!("{prefix}{}", spec.name.to_ascii_uppercase());
            claim(&var, spec.name);
            env.push(var);
        }
        let role = match (spec.skip, spec.pin) {
            (Some(reason), _) => FuzzRole::Skip { reason },
            (None, Some(pin)) => FuzzRole::Pin(pin()),
            (None, None) => role_by_name(spec.name).unwrap_or(FuzzRole::Fuzzed),
        };
        out.push(FieldMeta {
            name: spec.name.to_string(),
            index: out.len(),
            type_name: (spec.type_name)(),
            doc: spec.doc,
            default: (spec.default)(),
            env,
            env_force: spec.env_force.iter().map(|s| (*s).to_string()).collect(),
            skip_hash: spec.skip_hash,
            skip_save: spec.skip_save,
            deprecated: spec.deprecated,
            role,
            domain: (spec.domain)(),
            sampler: spec.sampler,
            env_parser: spec.env_parser,
            rust_expr: spec.rust_expr,
            knob: spec.knob,
            deprecation_note: spec.deprecation_note,
            dynamic: None,
            schema_type: (spec.schema_type)(),
        });
    }
    out
}
