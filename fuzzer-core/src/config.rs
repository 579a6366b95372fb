//! The [`FuzzableConfig`] trait: everything `#[derive(FuzzableConfig)]` gives a
//! config struct.

use std::fmt::Debug;
use std::sync::{Arc, OnceLock};

use crate::alias::AliasMeta;
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
/// use fake_config::{FakeConfig, Nested};
/// use fuzzer_core::prelude::*;
///
/// let _g = FakeConfig::patch(|c| c.nested.e_bool = false);
/// assert!(!FakeConfig::read(|c| c.nested.e_bool));
/// assert!(FakeConfig::fields().iter().any(|f| f.name() == "nested.e_bool"));
/// assert!(Nested::defaults().e_bool); // declared defaults: no singleton involved
/// ```
///
/// A section cannot be read on its own:
///
/// ```compile_fail
/// use fake_config::Nested;
/// use fuzzer_core::prelude::*;
/// let _ = Nested::read(|c| c.e_bool); // error: read it through `FakeConfig`
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
/// use fake_config::FakeConfig;
/// use fuzzer_core::prelude::*;
///
/// assert!(FakeConfig::read(|c| c.e_bool));
/// {
///     let _g = FakeConfig::patch(|c| c.e_bool = false);
///     assert!(!FakeConfig::read(|c| c.e_bool));
///     assert!(!FakeConfig::is_default("e_bool").unwrap());
/// }
/// assert!(FakeConfig::read(|c| c.e_bool));
/// ```
///
/// Value precedence, highest first: env force → this thread's patches
/// (innermost first) → process-wide `set` → env default → declared default.
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

    /// Reads the effective config of this thread. This is the hot path: with
    /// nothing changed since the last read it costs a thread-local access and
    /// one atomic load, takes no lock, allocates nothing and writes no shared
    /// memory.
    ///
    /// The closure must not hold on to the reference; take what you need:
    /// `let n = FakeConfig::read(|c| c.e_int);`.
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
    /// # use fake_config::FakeConfig; use fuzzer_core::prelude::*;
    /// let _g = FakeConfig::patch(|c| { c.e_int = 2; c.nested.e_bool = false; });
    /// assert_eq!(FakeConfig::read(|c| (c.e_int, c.nested.e_bool)), (2, false));
    /// ```
    fn patch(f: impl FnOnce(&mut Self)) -> PatchGuard<Self> {
        registry::patch::<Self>(f)
    }

    /// [`patch`](Self::patch) by dotted field name, for tools. Every name and
    /// value is checked before anything is applied.
    ///
    /// ```
    /// # use fake_config::FakeConfig; use fuzzer_core::prelude::*;
    /// let _g = FakeConfig::patch_values([("nested.e_bool", Value::Bool(false))]).unwrap();
    /// assert!(!FakeConfig::read(|c| c.nested.e_bool));
    /// assert!(FakeConfig::patch_values([("nested.e_bol", Value::Bool(false))]).is_err());
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
    /// # use fake_config::FakeConfig; use fuzzer_core::prelude::*;
    /// let _g = FakeConfig::patch(|c| c.e_int = 7);
    /// let snap = FakeConfig::current();
    /// std::thread::spawn(move || {
    ///     let _g = FakeConfig::install(snap);
    ///     assert_eq!(FakeConfig::read(|c| c.e_int), 7);
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
    fn set(f: impl FnOnce(&mut Self)) {
        registry::set::<Self>(f);
    }

    /// [`set`](Self::set) by dotted field name. Applies nothing if any name or
    /// value is wrong.
    fn set_values<N, I>(values: I) -> Result<(), ConfigError>
    where
        N: AsRef<str>,
        I: IntoIterator<Item = (N, Value)>,
    {
        registry::set_values::<Self, N, I>(values)
    }

    /// Drops every process-wide override made by `set`, `set_values` and
    /// `load_json`.
    fn reset() {
        registry::reset::<Self>();
    }

    /// Reads the environment variables again. On error nothing changes.
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
    /// # use fake_config::FakeConfig; use fuzzer_core::prelude::*;
    /// let a = FakeConfig::aliases().iter().find(|a| a.name() == "e_deprecated_alias").unwrap();
    /// assert_eq!(a.target(), "e_not_deprecated");
    /// assert!(FakeConfig::fields().iter().all(|f| f.name() != "e_deprecated_alias"));
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
    /// # use fake_config::FakeConfig; use fuzzer_core::prelude::*;
    /// FakeConfig::load_json(r#"{"e_int": 3, "nested": {"e_bool": false}}"#).unwrap();
    /// assert_eq!(FakeConfig::read(|c| (c.e_int, c.nested.e_bool)), (3, false));
    /// assert!(FakeConfig::load_json(r#"{"e_int": 3, "e_int": 4}"#).is_err());
    /// FakeConfig::reset();
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
    /// Empty when nothing differs from the defaults.
    fn codegen() -> String {
        crate::persist::codegen::<Self>(&Self::changed())
    }

    /// The value of the field called `name` on this instance.
    fn get_value(&self, name: &str) -> Result<Value, ConfigError> {
        Ok(self.__get_index(registry::index_by_name::<Self>(name)?))
    }

    /// Sets the field called `name` on this instance; on error nothing changes.
    fn set_value(&mut self, name: &str, value: &Value) -> Result<(), ConfigError> {
        let i = registry::index_by_name::<Self>(name)?;
        self.__set_index(i, value).map_err(|e| e.for_field(name))
    }
}
