//! [`FakeConfig`]: the fields of PyTorch's
//! `torch.testing._internal.fake_config_module`, in the same order.

use std::collections::{BTreeMap, BTreeSet};

use fuzzer_core::prelude::*;

/// The fields of PyTorch's `fake_config_module`, in its order, for parity
/// tests and examples.
///
/// Differences from the Python module: `e_env_default_FALSE` is
/// `e_env_default_false`; the two alias entries (`e_aliased_bool`,
/// `e_deprecated_alias`) are left out until aliases exist; `e_env_default_str*` are `String`s (the Python
/// annotation says `bool` but the values are strings). Fields whose name
/// starts with `_` are never fuzzed, as in PyTorch. PyTorch's
/// `_cache_config_ignore_prefix` is `portable_ignore`; the JustKnob fields
/// (`e_jk`, `e_jk_false`) ask the knob provider, whose default answers
/// with the declared default, as open-source JustKnobs do.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
#[config(env_prefix = "FAKE_CONFIG_", portable_ignore = ["magic_cache_config"])]
pub struct FakeConfig {
    /// A plain bool.
    #[config(default = true)]
    pub e_bool: bool,
    /// A plain integer.
    #[config(default = 1)]
    pub e_int: i64,
    /// A plain float.
    #[config(default = 1.0)]
    pub e_float: f64,
    /// A plain string.
    #[config(default = String::from("string"))]
    pub e_string: String,
    /// A list.
    #[config(default = vec![1])]
    pub e_list: Vec<i64>,
    /// A set.
    #[config(default = BTreeSet::from([1]))]
    pub e_set: BTreeSet<i64>,
    /// A one-element tuple.
    #[config(default = (1,))]
    pub e_tuple: (i64,),
    /// A map.
    #[config(default = BTreeMap::from([(1, 2)]))]
    pub e_dict: BTreeMap<i64, i64>,
    /// An optional bool that defaults to `None`.
    #[config(default = None)]
    pub e_none: Option<bool>,
    /// An optional bool that defaults to `Some(true)`.
    #[config(default = Some(true))]
    pub e_optional: Option<bool>,
    /// Left out of `save_json` (PyTorch's `_save_config_ignore`).
    #[config(default = true, skip_save)]
    pub e_ignored: bool,
    /// A private field (never fuzzed).
    #[config(default = true)]
    #[fuzz(skip = "private")]
    pub _e_ignored: bool,
    /// Matches PyTorch's `_cache_config_ignore_prefix`.
    #[config(default = true)]
    pub magic_cache_config_ignored: bool,
    /// Left out of `config_hash` (PyTorch's `@compile_ignored`).
    #[config(default = true, skip_hash)]
    pub e_compile_ignored: bool,
    /// Declared with `Config(default=True)` in PyTorch.
    #[config(default = true)]
    pub e_config: bool,
    /// A JustKnob-backed field; the default knob provider returns the default.
    #[config(default = true, knob = "does_not_exist")]
    pub e_jk: bool,
    /// A JustKnob-backed field defaulting to `false`.
    #[config(default = false, knob = "does_not_exist")]
    pub e_jk_false: bool,
    /// Defaults from `ENV_TRUE` ("1" in the tests), overridable.
    #[config(default = false, env = "ENV_TRUE")]
    pub e_env_default: bool,
    /// Defaults from `ENV_FALSE` ("0" in the tests), overridable.
    #[config(default = true, env = "ENV_FALSE")]
    pub e_env_default_false: bool,
    /// Defaults from `ENV_STR` ("1234" in the tests).
    #[config(default = String::from("default"), env = "ENV_STR")]
    pub e_env_default_str: String,
    /// Defaults from `ENV_STR_EMPTY` ("" in the tests: empty is a value).
    #[config(default = String::from("default"), env = "ENV_STR_EMPTY")]
    pub e_env_default_str_empty: String,
    /// Forced by `ENV_TRUE`: beats every override.
    #[config(default = false, env_force = "ENV_TRUE")]
    pub e_env_force: bool,
    /// A deprecated field: still works, warns where user code names it.
    #[deprecated(note = "is no longer needed")]
    #[config(default = true)]
    pub e_deprecated: bool,
    /// Not deprecated.
    #[config(default = false)]
    pub e_not_deprecated: bool,
    /// A deprecated alias of `e_not_deprecated`.
    #[deprecated(note = "use something else instead")]
    #[config(alias = "e_not_deprecated")]
    pub e_deprecated_alias: Alias<bool>,
    /// An alias of a section's field.
    #[config(alias = "nested.e_bool")]
    pub e_nested_alias_bool: Alias<bool>,
    /// A nested section: its fields are `nested.*`.
    #[config(nested)]
    pub nested: Nested,
    /// PyTorch's meta field listing cache-ignored prefixes.
    #[config(default = vec![String::from("magic_cache_config")])]
    #[fuzz(skip = "private")]
    pub _cache_config_ignore_prefix: Vec<String>,
    /// PyTorch's meta field listing save-ignored fields.
    #[config(default = vec![String::from("e_ignored")])]
    #[fuzz(skip = "private")]
    pub _save_config_ignore: Vec<String>,
}

/// The nested part of [`FakeConfig`] (PyTorch's `class nested`): a section,
/// read and patched through its root, `FakeConfig::read(|c| c.nested.e_bool)`.
#[derive(ConfigSection, Clone, Debug, PartialEq)]
pub struct Nested {
    /// A nested bool.
    #[config(default = true)]
    pub e_bool: bool,
}
