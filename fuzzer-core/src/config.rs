//! The [`FuzzableConfig`] trait: everything `#[derive(FuzzableConfig)]` gives a
//! config struct.

use std::fmt::Debug;
use std::sync::Arc;

use crate::error::ConfigError;
use crate::field::{FieldMeta, FieldSpec};
use crate::persist::ConfigHash;
use crate::registry::{self, Fast, Local, PatchGuard, Registry};
use crate::value::{ConfigDiff, Value};

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
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a config struct",
    label = "`#[config(nested)]` needs a type with #[derive(FuzzableConfig)]",
    note = "derive FuzzableConfig for `{Self}`, or remove #[config(nested)] to use it as a plain value"
)]
pub trait FuzzableConfig: Clone + Debug + PartialEq + Send + Sync + Sized + 'static {
    #[doc(hidden)]
    const __NAME: &'static str;
    #[doc(hidden)]
    const __FIELD_COUNT: usize;
    #[doc(hidden)]
    fn __specs() -> &'static [FieldSpec];
    #[doc(hidden)]
    fn __env_prefix() -> Option<&'static str>;
    #[doc(hidden)]
    fn __declared_defaults() -> Self;
    #[doc(hidden)]
    fn __get_index(&self, index: usize) -> Value;
    #[doc(hidden)]
    fn __set_index(&mut self, index: usize, value: &Value) -> Result<(), ConfigError>;
    #[doc(hidden)]
    fn __copy_field(&mut self, src: &Self, index: usize);
    #[doc(hidden)]
    fn __field_eq(&self, other: &Self, index: usize) -> bool;
    #[doc(hidden)]
    fn __registry() -> &'static Registry<Self>;
    #[doc(hidden)]
    fn __local() -> &'static std::thread::LocalKey<Local<Self>>;
    #[doc(hidden)]
    fn __fast() -> &'static std::thread::LocalKey<Fast<Self>>;
    /// Pushes `offset + i` for every field `i` where `self` and `other` differ.
    #[doc(hidden)]
    fn __diff(&self, other: &Self, offset: u32, out: &mut Vec<u32>);

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

    /// The index of the field called `name`, or an error naming the closest field.
    fn field_index(name: &str) -> Result<usize, ConfigError> {
        Self::__registry().meta().index_of(name, Self::__NAME)
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
        let i = Self::field_index(name)?;
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
        Ok(self.__get_index(Self::field_index(name)?))
    }

    /// Sets the field called `name` on this instance; on error nothing changes.
    fn set_value(&mut self, name: &str, value: &Value) -> Result<(), ConfigError> {
        let i = Self::field_index(name)?;
        self.__set_index(i, value).map_err(|e| e.for_field(name))
    }
}
