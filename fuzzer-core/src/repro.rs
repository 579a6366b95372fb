//! Reproduce snippets: Rust that installs a config diff as a patch.

use crate::config::FuzzableConfig;
use crate::value::ConfigDiff;

/// Rust statements that install `diff` as a patch until the end of the
/// enclosing scope, ready to paste into a test of the user's crate (the
/// config type and any enum field types must be in scope there).
///
/// ```
/// use fuzzer_core::prelude::*;
///
/// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
/// pub struct Flags {
///     #[config(default = true)]
///     pub fuse: bool,
///     #[config(default = Some(true))]
///     pub cache: Option<bool>,
/// }
///
/// let diff = ConfigDiff::from([
///     ("fuse".to_string(), Value::Bool(false)),
///     ("cache".to_string(), Value::None),
/// ]);
/// assert_eq!(
///     fuzzer_core::repro_snippet::<Flags>(&diff),
///     "#[allow(deprecated)]\nlet _config = Flags::patch(|c| {\n    c.fuse = false;\n    c.cache = None;\n});\n",
/// );
/// ```
///
/// For a [`DynConfig`](crate::DynConfig), which has no Rust struct to
/// patch, it is the JSON object of `diff` (dotted names), the form
/// `config-fuzz reproduce` and a `--config-file` take.
pub fn repro_snippet<C: FuzzableConfig>(diff: &ConfigDiff) -> String {
    C::__repro_snippet(diff)
}

/// [`repro_snippet`] for a derived config: a Rust patch.
pub(crate) fn rust_snippet<C: FuzzableConfig>(diff: &ConfigDiff) -> String {
    format!(
        "#[allow(deprecated)]\nlet _config = {}::patch(|c| {{\n{}}});\n",
        C::__NAME,
        crate::persist::assignments::<C>(diff, "    ")
    )
}
