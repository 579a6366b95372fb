//! The [`FuzzableConfig`] trait: everything `#[derive(FuzzableConfig)]` gives a
//! config struct.

use std::fmt::Debug;
use std::sync::{Arc, OnceLock};

use crate::alias::AliasMeta;
use crate::constraint::{Rule, Validator};
use crate::error::ConfigError;
use crate::field::{build_fields, FieldMeta, FieldSpec};
use crate::persist::ConfigHash;
use crate::registry::{self, Fast, Local, PatchGuard, Registry};
use crate::value::{ConfigDiff, Value};

/// The per-struct data every derived config and section has: field specs,
/// declared defaults, and by-index access. Emitted by both derives; never
/// implement or call these items by hand.
macro_rules! declare_data_items {
    () => {
        #[doc(hidden)]
        const __NAME: &'static str;
        /// The number of fields once nested sections are flattened.
        #[doc(hidden)]
        const __FIELD_COUNT: usize;
        #[doc(hidden)]
        fn __specs() -> &'static [FieldSpec];
        #[doc(hidden)]
        fn __env_prefix() -> Option<&'static str>;
        /// A copy of the declared defaults, which are evaluated once per
        /// process (see [`DeclaredDefaults`]).
        #[doc(hidden)]
        fn __declared_defaults() -> Self {
            Self::__declared().clone()
        }
        #[doc(hidden)]
        fn __get_index(&self, index: usize) -> Value;
        #[doc(hidden)]
        fn __set_index(&mut self, index: usize, value: &Value) -> Result<(), ConfigError>;
        #[doc(hidden)]
        fn __copy_field(&mut self, src: &Self, index: usize);
        #[doc(hidden)]
        fn __field_eq(&self, other: &Self, index: usize) -> bool;
        /// Pushes `offset + i` for every field `i` where `self` and `other` differ.
        #[doc(hidden)]
        fn __diff(&self, other: &Self, offset: u32, out: &mut Vec<u32>);
        /// The aliases of this struct and of its sections, targets not yet
        /// resolved to indices.
        #[doc(hidden)]
        fn __aliases() -> Vec<AliasMeta> {
            Vec::new()
        }
        /// The number of fields at run time: `__FIELD_COUNT` for a derived
        /// config; a config whose fields come from a schema loaded at run
        /// time ([`DynConfig`](crate::DynConfig)) overrides it.
        #[doc(hidden)]
        #[inline]
        fn __field_count() -> usize {
            Self::__FIELD_COUNT
        }
    };
}

/// The declared defaults of a derived config or section, evaluated once per
/// process: `fields()` (each field's default value) and `defaults()` read
/// this one instance, so they agree even for a default expression that is not
/// deterministic. Emitted by the derives; never implement it by hand.
///
/// It is its own trait, without the config traits' supertraits, so that the
/// generated code can name it without repeating an error about a missing
/// `Clone` or `Debug` once more.
#[doc(hidden)]
pub trait DeclaredDefaults: 'static {
    /// The declared defaults, evaluated on first use.
    fn __declared() -> &'static Self;
}

/// A section of a config: a struct of settings that lives inside a root
/// config (a [`FuzzableConfig`]) as a `#[config(nested)]` field, and has no
/// singleton of its own.
///
/// Implement it with `#[derive(ConfigSection)]`, which takes the same
/// `#[config(..)]` and `#[fuzz(..)]` attributes as `#[derive(FuzzableConfig)]`.
/// A section's values are read, patched and set through its root, so there is
/// one source of truth: `Root::read(|c| c.section.field)`. In the root, the
/// section's fields have dotted names (`nested.e_bool`), and with the root's
/// `env_prefix` they read `<PREFIX><SECTION>__<FIELD>` (`FAKE_CONFIG_NESTED__E_BOOL`).
/// A section's own `env = ..` names, and the names its own `env_prefix` gives
/// (`<SECTION_PREFIX><FIELD>`), are read first, in every root that nests it.
///
/// ```
/// use fuzzer_core::prelude::*;
///
/// #[derive(ConfigSection, Clone, Debug, PartialEq)]
/// pub struct Nested {
///     #[config(default = true)]
///     pub e_bool: bool,
/// }
///
/// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
/// pub struct Root {
///     #[config(nested)]
///     pub nested: Nested,
/// }
///
/// let _g = Root::patch(|c| c.nested.e_bool = false);
/// assert!(!Root::read(|c| c.nested.e_bool));
/// assert!(Root::fields().iter().any(|f| f.name() == "nested.e_bool"));
/// assert!(Nested::defaults().e_bool); // declared defaults: no singleton involved
/// ```
///
/// A section cannot be read on its own:
///
/// ```compile_fail
/// use fuzzer_core::prelude::*;
///
/// #[derive(ConfigSection, Clone, Debug, PartialEq)]
/// pub struct Nested {
///     pub e_bool: bool,
/// }
///
/// let _ = Nested::read(|c| c.e_bool); // error: read it through the root that nests it
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a config section",
    label = "`#[config(nested)]` needs a type with #[derive(ConfigSection)]",
    note = "derive ConfigSection (not FuzzableConfig) for `{Self}`: a nested section has no singleton of its own and is read through the config that nests it; or remove #[config(nested)] to use it as a plain value"
)]
pub trait ConfigSection:
    Clone + Debug + PartialEq + Send + Sync + Sized + 'static + DeclaredDefaults
{
    declare_data_items!();

    /// Where [`fields`](Self::fields) keeps the section's field list.
    #[doc(hidden)]
    fn __fields_cell() -> &'static OnceLock<Vec<FieldMeta>>;

    /// The section's fields, in declaration order, as a root sees them before
    /// nesting them: names without the root's field name (`e_bool`, not
    /// `nested.e_bool`), env names from the section's own attributes only.
    /// The root's [`FuzzableConfig::fields`] lists them as they are used.
    fn fields() -> &'static [FieldMeta] {
        Self::__fields_cell().get_or_init(|| build_fields(Self::__specs(), Self::__env_prefix()))
    }

    /// The declared defaults only: no env, no overrides.
    fn defaults() -> Self {
        Self::__declared_defaults()
    }

    /// Not available: a section has no singleton. Read it through its root,
    /// `Root::read(|c| c.section.field)`.
    #[doc(hidden)]
    fn read<R>(_f: impl FnOnce(&Self) -> R) -> R
    where
        Self: SectionHasNoSingleton,
    {
        unreachable!("a config section has no singleton")
    }

    /// Not available: a section has no singleton. Patch it through its root,
    /// `Root::patch(|c| c.section.field = ..)`.
    #[doc(hidden)]
    fn patch(_f: impl FnOnce(&mut Self))
    where
        Self: SectionHasNoSingleton,
    {
        unreachable!("a config section has no singleton")
    }

    /// Not available: a section has no singleton. Set it through its root,
    /// `Root::set(|c| c.section.field = ..)`.
    #[doc(hidden)]
    fn set(_f: impl FnOnce(&mut Self))
    where
        Self: SectionHasNoSingleton,
    {
        unreachable!("a config section has no singleton")
    }
}

/// Implemented by no type: the bound on [`ConfigSection`]'s `read`, `patch`
/// and `set`, so that calling them says where a section's values live.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` is a config section: it has no singleton of its own to read, patch or set",
    label = "read, patch and set a section through the root config that nests it",
    note = "write `Root::read(|c| c.section.field)` or `Root::patch(|c| c.section.field = ..)`, where `Root` derives FuzzableConfig and has the `#[config(nested)]` field"
)]
pub trait SectionHasNoSingleton {}

/// A config struct with a process-wide, thread-locally patchable singleton.
///
/// Implement it with `#[derive(FuzzableConfig)]`; never by hand. All the
/// run-time API is associated functions on the type:
///
/// ```
/// use fuzzer_core::prelude::*;
///
/// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
/// pub struct Settings {
///     #[config(default = true)]
///     pub fuse: bool,
/// }
///
/// assert!(Settings::read(|c| c.fuse));
/// {
///     let _g = Settings::patch(|c| c.fuse = false);
///     assert!(!Settings::read(|c| c.fuse));
///     assert!(!Settings::is_default("fuse").unwrap());
/// }
/// assert!(Settings::read(|c| c.fuse));
/// ```
///
/// Every attribute the derive takes is in [`attributes`](crate::attributes).
///
/// Value precedence, highest first: env force → this thread's patches
/// (innermost first) → process-wide `set` → env default → knob (see
/// [`set_knob_provider`](crate::set_knob_provider)) → declared default.
/// Over all of them, the target of an active implication
/// (`#[config(implies(..))]`) reads its implied value; what was stored shows
/// again once the rule is inactive. A read panics if this thread's patches
/// and the process-wide values make two implications conflict (only a
/// dropped guard or another thread's `set` can cause that: every write is
/// checked).
///
/// Parts of a config can be split into sections ([`ConfigSection`]) held in
/// `#[config(nested)]` fields; they are read and patched through this root.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a root config",
    label = "needs a type with #[derive(FuzzableConfig)]",
    note = "derive FuzzableConfig for `{Self}`; a section (#[derive(ConfigSection)]) is read, patched and fuzzed through the config that nests it"
)]
pub trait FuzzableConfig:
    Clone + Debug + PartialEq + Send + Sync + Sized + 'static + DeclaredDefaults
{
    declare_data_items!();

    #[doc(hidden)]
    fn __registry() -> &'static Registry<Self>;
    #[doc(hidden)]
    fn __local() -> &'static std::thread::LocalKey<Local<Self>>;
    #[doc(hidden)]
    fn __fast() -> &'static std::thread::LocalKey<Fast<Self>>;
    /// `#[config(portable_ignore = [..])]`: dotted-name prefixes that
    /// [`save_json_portable`](Self::save_json_portable) leaves out.
    #[doc(hidden)]
    fn __portable_ignore() -> &'static [&'static str] {
        &[]
    }
    /// The `#[config(implies(..))]` rules, sources in dependency order.
    #[doc(hidden)]
    fn __rules() -> &'static [Rule<Self>] {
        &[]
    }
    /// The `#[config(validate = ..)]` functions.
    #[doc(hidden)]
    fn __validators() -> &'static [Validator<Self>] {
        &[]
    }
    /// What [`codegen`](Self::codegen) gives for these changed values:
    /// Rust assignments, for a derived config.
    #[doc(hidden)]
    fn __codegen(changed: &ConfigDiff) -> String {
        crate::persist::codegen::<Self>(changed)
    }
    /// What [`repro_snippet`](crate::repro_snippet) gives: Rust that
    /// patches the config, for a derived one.
    #[doc(hidden)]
    fn __repro_snippet(diff: &ConfigDiff) -> String {
        crate::repro::rust_snippet::<Self>(diff)
    }

    /// Reads the effective config of this thread. This is the hot path: with
    /// nothing changed since the last read it costs a thread-local access and
    /// one atomic load, takes no lock, allocates nothing and writes no shared
    /// memory.
    ///
    /// The closure must not hold on to the reference; take what you need,
    /// cloning what is not `Copy`:
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Settings {
    ///     #[config(default = 64)]
    ///     pub max_fusion_size: i64,
    ///     #[config(default = String::from("triton"))]
    ///     pub backend: String,
    /// }
    ///
    /// let n = Settings::read(|c| c.max_fusion_size);
    /// let (n2, backend) = Settings::read(|c| (c.max_fusion_size * 2, c.backend.clone()));
    /// assert_eq!((n, n2, backend.as_str()), (64, 128, "triton"));
    /// ```
    #[inline]
    fn read<R>(f: impl FnOnce(&Self) -> R) -> R {
        registry::read::<Self, R>(f)
    }

    /// A snapshot of this thread's effective config. Pass it to
    /// [`install`](Self::install) in a spawned thread to carry patches over.
    fn current() -> Arc<Self> {
        registry::current::<Self>()
    }

    /// Overrides, on this thread only, the fields the closure changes, until
    /// the returned guard drops. Guards may drop in any order; each removes
    /// exactly its own change, also when unwinding from a panic.
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Settings {
    ///     #[config(default = 1)]
    ///     pub level: i64,
    ///     #[config(default = true)]
    ///     pub fuse: bool,
    /// }
    ///
    /// {
    ///     let _outer = Settings::patch(|c| { c.level = 2; c.fuse = false; });
    ///     {
    ///         let _inner = Settings::patch(|c| c.level = 3);  // innermost wins
    ///         assert_eq!(Settings::read(|c| (c.level, c.fuse)), (3, false));
    ///     }
    ///     assert_eq!(Settings::read(|c| (c.level, c.fuse)), (2, false));
    ///     // Another thread does not see this thread's patches.
    ///     let there = std::thread::spawn(|| Settings::read(|c| c.level)).join().unwrap();
    ///     assert_eq!(there, 1);
    /// }
    /// assert_eq!(Settings::read(|c| (c.level, c.fuse)), (1, true));
    /// ```
    ///
    /// # Panics
    ///
    /// On a config with implications or validators, if the change makes two
    /// implications conflict or a validator reject the config: the closure
    /// cannot return the error, and the change is not applied. Use
    /// [`patch_values`](Self::patch_values) to get it as a `Result`.
    fn patch(f: impl FnOnce(&mut Self)) -> PatchGuard<Self> {
        registry::patch::<Self>(f)
    }

    /// [`patch`](Self::patch) by dotted field name, for tools. Every name and
    /// value is checked before anything is applied, and so are the config's
    /// implications ([`ConfigError::Conflict`]) and validators
    /// ([`ConfigError::Rejected`]).
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    ///
    /// #[derive(ConfigSection, Clone, Debug, PartialEq)]
    /// pub struct Cache {
    ///     #[config(default = true)]
    ///     pub enabled: bool,
    /// }
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Settings {
    ///     #[config(nested)]
    ///     pub cache: Cache,
    /// }
    ///
    /// let _g = Settings::patch_values([("cache.enabled", Value::Bool(false))]).unwrap();
    /// assert!(!Settings::read(|c| c.cache.enabled));
    /// assert!(Settings::patch_values([("cache.enabeld", Value::Bool(false))]).is_err());
    /// ```
    fn patch_values<N, I>(values: I) -> Result<PatchGuard<Self>, ConfigError>
    where
        N: AsRef<str>,
        I: IntoIterator<Item = (N, Value)>,
    {
        registry::patch_values::<Self, N, I>(values)
    }

    /// Makes `snapshot` (every field of it) effective on this thread until the
    /// guard drops. Env-forced fields keep their forced values.
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Settings {
    ///     #[config(default = 1)]
    ///     pub level: i64,
    /// }
    ///
    /// let _g = Settings::patch(|c| c.level = 7);
    /// let snap = Settings::current();
    /// std::thread::spawn(move || {
    ///     let _g = Settings::install(snap);
    ///     assert_eq!(Settings::read(|c| c.level), 7);
    /// }).join().unwrap();
    /// ```
    fn install(snapshot: Arc<Self>) -> PatchGuard<Self> {
        registry::install::<Self>(snapshot)
    }

    /// Changes, for every thread, the fields the closure changes. For
    /// start-up code; tests should prefer [`patch`](Self::patch).
    ///
    /// Process-wide writes of one config type (`set`, `set_values`, `reset`,
    /// `load_json`, `reload_env`) are serializable: each runs, closure
    /// included, while holding the type's writer lock, which reads never
    /// take. The closure may read the config (it sees it as before the write)
    /// and may write it again on the same thread, but must not wait for
    /// another thread's write of the same type.
    ///
    /// Only changed values are recorded: assigning a field the value it
    /// already has (say, one that came from an env var) records nothing, so
    /// the field keeps following its env var after `reload_env()`. To hold a
    /// field at a value whatever the environment says, name it with
    /// [`set_values`](Self::set_values), which records every field it is given.
    ///
    /// # Panics
    ///
    /// If the change makes two implications conflict or a validator reject
    /// the config (nothing is applied); [`set_values`](Self::set_values)
    /// returns that as an error.
    fn set(f: impl FnOnce(&mut Self)) {
        registry::set::<Self>(f);
    }

    /// [`set`](Self::set) by dotted field name. Applies nothing if any name or
    /// value is wrong, or if the result breaks an implication or a validator.
    fn set_values<N, I>(values: I) -> Result<(), ConfigError>
    where
        N: AsRef<str>,
        I: IntoIterator<Item = (N, Value)>,
    {
        registry::set_values::<Self, N, I>(values)
    }

    /// Drops every process-wide override made by `set`, `set_values` and
    /// `load_json`. Panics (changing nothing) if the declared defaults and
    /// env values alone break an implication or a validator.
    fn reset() {
        registry::reset::<Self>();
    }

    /// Reads the environment variables again, and asks the knob provider
    /// again for `#[config(knob = ..)]` fields. On error (an env var that
    /// does not parse, a knob answered with the wrong type) nothing changes.
    ///
    /// Env vars are otherwise read once, on first use, and a bad value then
    /// panics (a read cannot return an error); call this at start-up to get
    /// the error instead, and after changing the environment to see the
    /// change (see [`guide::testing`](crate::guide::testing) for tests).
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    /// use fuzzer_core::ConfigError;
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Settings {
    ///     #[config(default = 1, env = "RELOAD_DOC_LEVEL")]
    ///     pub level: i64,
    /// }
    ///
    /// std::env::set_var("RELOAD_DOC_LEVEL", "3");
    /// Settings::reload_env().unwrap();
    /// assert_eq!(Settings::read(|c| c.level), 3);
    ///
    /// std::env::set_var("RELOAD_DOC_LEVEL", "three");
    /// let err = Settings::reload_env().unwrap_err();
    /// assert_eq!(
    ///     err,
    ///     ConfigError::BadEnv {
    ///         var: "RELOAD_DOC_LEVEL".into(),
    ///         value: "three".into(),
    ///         field: "level".into(),
    ///         expected: "i64".into(),
    ///     }
    /// );
    /// assert_eq!(Settings::read(|c| c.level), 3); // nothing changed
    /// ```
    fn reload_env() -> Result<(), ConfigError> {
        registry::reload_env::<Self>()
    }

    /// Every field, in declaration order, nested ones flattened to dotted names.
    fn fields() -> &'static [FieldMeta] {
        Self::__registry().meta().fields()
    }

    /// The index of the field called `name` (for an alias, of its target),
    /// or an error naming the closest field. Never warns: a look-up is not
    /// a use.
    fn field_index(name: &str) -> Result<usize, ConfigError> {
        Self::__registry().meta().index_of(name, Self::__NAME)
    }

    /// The aliases (`#[config(alias = "..")]` fields), with the field each
    /// stands for. They are not in [`fields`](Self::fields): an alias has no
    /// value of its own, so it is never fuzzed, saved, hashed, generated or
    /// listed by [`changed`](Self::changed); by-name calls, env vars named
    /// after it and [`load_json`](Self::load_json) reach its target.
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Settings {
    ///     pub cache: bool,
    ///     #[config(alias = "cache")]
    ///     pub use_cache: Alias<bool>,
    /// }
    ///
    /// let a = &Settings::aliases()[0];
    /// assert_eq!((a.name(), a.target()), ("use_cache", "cache"));
    /// assert!(Settings::fields().iter().all(|f| f.name() != "use_cache"));
    /// ```
    fn aliases() -> &'static [AliasMeta] {
        Self::__registry().meta().aliases()
    }

    /// The declared defaults only: no env, no overrides.
    fn defaults() -> Self {
        Self::__registry().declared().clone()
    }

    /// Every effective value of this thread, by dotted name.
    fn to_values() -> ConfigDiff {
        Self::read(|c| {
            Self::fields()
                .iter()
                .map(|f| (f.name().to_string(), c.__get_index(f.index())))
                .collect()
        })
    }

    /// The effective values of this thread that differ from the declared
    /// defaults (whatever made them differ: env, `set`, a patch).
    fn changed() -> ConfigDiff {
        let declared = Self::__registry().declared();
        Self::read(|c| {
            Self::fields()
                .iter()
                .filter(|f| !c.__field_eq(declared, f.index()))
                .map(|f| (f.name().to_string(), c.__get_index(f.index())))
                .collect()
        })
    }

    /// Whether the field's effective value on this thread equals its declared
    /// default. Unlike PyTorch, this compares values: setting a field to its
    /// default makes it default again.
    fn is_default(name: &str) -> Result<bool, ConfigError> {
        let i = registry::index_by_name::<Self>(name)?;
        let declared = Self::__registry().declared();
        Ok(Self::read(|c| c.__field_eq(declared, i)))
    }

    /// The effective values of this thread as a JSON object, in declaration
    /// order, without `skip_save` fields.
    fn save_json() -> String {
        Self::read(crate::persist::save_json::<Self>)
    }

    /// Applies a JSON object (as written by [`save_json`](Self::save_json)),
    /// process-wide, like [`set_values`](Self::set_values). Keys are dotted
    /// field names; a section may also be an object of its own fields:
    /// `{"nested": {"e_bool": false}}` is `{"nested.e_bool": false}`. Values
    /// take the form documented on [`Value`]; a key given twice is an error.
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    /// use fuzzer_core::ConfigError;
    ///
    /// #[derive(ConfigSection, Clone, Debug, PartialEq)]
    /// pub struct Cache {
    ///     #[config(default = true)]
    ///     pub enabled: bool,
    /// }
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Settings {
    ///     #[config(default = 1)]
    ///     pub level: i64,
    ///     #[config(nested)]
    ///     pub cache: Cache,
    /// }
    ///
    /// Settings::load_json(r#"{"level": 3, "cache": {"enabled": false}}"#).unwrap();
    /// assert_eq!(Settings::read(|c| (c.level, c.cache.enabled)), (3, false));
    ///
    /// // A round trip through `save_json`.
    /// let saved = Settings::save_json();
    /// Settings::reset();
    /// Settings::load_json(&saved).unwrap();
    /// assert_eq!(Settings::read(|c| c.level), 3);
    ///
    /// // Mistakes are errors, and apply nothing.
    /// assert!(matches!(Settings::load_json(r#"{"level": 3, "level": 4}"#), Err(ConfigError::Json { .. })));
    /// assert!(matches!(Settings::load_json(r#"{"levle": 4}"#), Err(ConfigError::UnknownField { .. })));
    /// assert!(matches!(Settings::load_json(r#"{"level": true}"#), Err(ConfigError::WrongType { .. })));
    /// assert_eq!(Settings::read(|c| c.level), 3);
    /// Settings::reset();
    /// ```
    fn load_json(json: &str) -> Result<(), ConfigError> {
        let values = crate::persist::parse_json_object::<Self>(json)?;
        Self::set_values(values)
    }

    /// A hash of the effective values of this thread, stable across runs,
    /// machines and releases; `skip_hash` fields are left out.
    fn config_hash() -> ConfigHash {
        Self::read(crate::persist::config_hash::<Self>)
    }

    /// Rust statements that, pasted into a function of the user's crate,
    /// reproduce [`changed()`](Self::changed) (without `skip_save` fields).
    /// Empty when nothing differs from the defaults. For a
    /// [`DynConfig`](crate::DynConfig), which has no Rust struct, the JSON
    /// object of the changed fields (`{}` when none).
    fn codegen() -> String {
        Self::__codegen(&Self::changed())
    }

    /// The value of the field called `name` on this instance.
    fn get_value(&self, name: &str) -> Result<Value, ConfigError> {
        Ok(self.__get_index(registry::index_by_name::<Self>(name)?))
    }

    /// Sets the field called `name` on this instance; on error nothing changes.
    ///
    /// On a config with implications (`#[config(implies(..))]`) the instance
    /// is treated as an effective config: the targets of rules the change
    /// activates take their implied values, and a change that makes two
    /// rules conflict, or that a validator (`#[config(validate = ..)]`)
    /// rejects, is an error.
    fn set_value(&mut self, name: &str, value: &Value) -> Result<(), ConfigError> {
        let i = registry::index_by_name::<Self>(name)?;
        if !crate::constraint::constrained::<Self>() {
            return self.__set_index(i, value).map_err(|e| e.for_field(name));
        }
        let mut c = self.clone();
        c.__set_index(i, value).map_err(|e| e.for_field(name))?;
        *self = crate::constraint::effective(&c)?;
        Ok(())
    }

    /// Drops the process-wide override (`set`, `set_values`, `load_json`)
    /// of the field called `name`, which goes back to its env value, knob
    /// or declared default; patches and env force are untouched. Unsetting
    /// a field with no override does nothing. An unknown name is an error
    /// naming the closest field (PyTorch's `del config.name`, without
    /// hiding the field). If the config without that override would make
    /// two implications conflict or fail a validator, that is the error and
    /// nothing changes. An alias's name unsets its target; a deprecated
    /// field or alias warns, as other by-name writes do.
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Settings {
    ///     #[config(default = 1)]
    ///     pub level: i64,
    ///     #[config(default = true)]
    ///     pub fuse: bool,
    /// }
    ///
    /// Settings::set(|c| { c.level = 5; c.fuse = false; });
    /// Settings::unset("level").unwrap();
    /// assert_eq!(Settings::read(|c| (c.level, c.fuse)), (1, false));
    /// assert!(Settings::unset("levle").unwrap_err().to_string().contains("did you mean `level`"));
    /// Settings::reset();
    /// ```
    fn unset(name: &str) -> Result<(), ConfigError> {
        // A write by name: a deprecated field or alias warns.
        let i = registry::index_by_name::<Self>(name)?;
        Self::__registry().unset(i)
    }

    /// The Rust type of the field called `name`, as
    /// [`FieldMeta::type_name`] gives it (PyTorch's `get_type`). An
    /// unknown name is an error naming the closest field.
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    ///
    /// #[derive(ConfigSection, Clone, Debug, PartialEq)]
    /// pub struct Cache {
    ///     pub enabled: bool,
    /// }
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Settings {
    ///     pub limit: Option<u32>,
    ///     #[config(nested)]
    ///     pub cache: Cache,
    /// }
    ///
    /// assert_eq!(Settings::field_type("limit").unwrap(), "Option<u32>");
    /// assert_eq!(Settings::field_type("cache.enabled").unwrap(), "bool");
    /// assert!(Settings::field_type("limt").is_err());
    /// ```
    fn field_type(name: &str) -> Result<&'static str, ConfigError> {
        let i = Self::field_index(name)?;
        Ok(Self::fields()[i].type_name())
    }

    /// The effective values of this thread as a JSON object, like
    /// [`save_json`](Self::save_json), for sharing between machines (a
    /// cache key, say): it leaves out private fields (a part of the dotted
    /// name starts with `_`) and fields under the prefixes of
    /// `#[config(portable_ignore = ["trace.", ..])]` on the config, and
    /// keeps `skip_save` fields, as PyTorch's `save_config_portable`
    /// does. [`load_json`](Self::load_json) reads it back.
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// #[config(portable_ignore = ["local_"])]
    /// pub struct Build {
    ///     #[config(default = 2)]
    ///     pub opt_level: i64,
    ///     pub local_cache_dir: String,
    ///     pub _scratch: bool,
    /// }
    ///
    /// assert_eq!(Build::save_json_portable(), "{\n  \"opt_level\": 2\n}");
    /// ```
    fn save_json_portable() -> String {
        Self::read(crate::persist::save_json_portable::<Self>)
    }

    /// [`load_json`](Self::load_json) that skips keys naming no field, as
    /// PyTorch's `load_config` does (it warns and goes on): applies the
    /// known keys, process-wide, and returns the unknown ones, in the
    /// text's order (dotted, for keys inside a section object), for the
    /// caller to report. Malformed JSON, a key given twice or a value of the
    /// wrong type for a known field is still an error, and then nothing is
    /// applied.
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    ///
    /// #[derive(ConfigSection, Clone, Debug, PartialEq)]
    /// pub struct Cache {
    ///     #[config(default = true)]
    ///     pub enabled: bool,
    /// }
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Settings {
    ///     #[config(default = 1)]
    ///     pub level: i64,
    ///     #[config(nested)]
    ///     pub cache: Cache,
    /// }
    ///
    /// let unknown = Settings::load_json_lenient(
    ///     r#"{"level": 3, "removed_flag": true, "cache": {"enabled": false, "gone": 1}}"#,
    /// ).unwrap();
    /// assert_eq!(unknown, ["removed_flag", "cache.gone"]);
    /// assert_eq!(Settings::read(|c| (c.level, c.cache.enabled)), (3, false));
    /// // A known key of the wrong type is still an error, and nothing is applied.
    /// assert!(Settings::load_json_lenient(r#"{"level": "three", "x": 1}"#).is_err());
    /// Settings::reset();
    /// ```
    fn load_json_lenient(json: &str) -> Result<Vec<String>, ConfigError> {
        let values = crate::persist::parse_json_object::<Self>(json)?;
        let (known, unknown): (Vec<_>, Vec<_>) = values
            .into_iter()
            .partition(|(name, _)| Self::field_index(name).is_ok());
        Self::set_values(known)?;
        Ok(unknown.into_iter().map(|(name, _)| name).collect())
    }

    /// The config as a JSON Schema (draft 2020-12), for tools and for
    /// `config-fuzz`: `title` is the type's name, each field a property
    /// (sections nested objects) with its `type`, `default` (in the JSON
    /// form of [`Value`]), `description` (the doc comment), `enum` for
    /// enums, `minimum`/`maximum` for `#[fuzz(range = ..)]`, and
    /// `"x-fuzz": {"skip": true | "reason", "pin": v, "values": [..]}` for
    /// the other fuzz hints. [`Schema::parse`](crate::Schema::parse) reads
    /// it back into the same field names, defaults and domains. Aliases are
    /// left out: they hold no value. The [`schemas`
    /// guide](crate::guide::schemas) has the mapping of every type.
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    ///
    /// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// pub struct Knobs {
    ///     /// Fuse kernels.
    ///     #[config(default = true)]
    ///     pub fuse: bool,
    /// }
    ///
    /// let schema: serde_json::Value = serde_json::from_str(&Knobs::json_schema()).unwrap();
    /// assert_eq!(schema["title"], "Knobs");
    /// assert_eq!(schema["properties"]["fuse"]["type"], "boolean");
    /// assert_eq!(schema["properties"]["fuse"]["description"], "Fuse kernels.");
    /// ```
    fn json_schema() -> String {
        crate::schema::emit::json_schema(Self::__NAME, Self::fields())
    }
}
