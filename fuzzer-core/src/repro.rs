//! Reproduce snippets: Rust that installs a config diff as a patch.

use crate::config::FuzzableConfig;
use crate::value::ConfigDiff;

/// Rust statements that install `diff` as a patch until the end of the
/// enclosing scope, ready to paste into a test of the user's crate (the
/// config type and any enum field types must be in scope there).
///
/// ```
/// use fake_config::FakeConfig;
/// use fuzzer_core::prelude::*;
///
/// let diff = ConfigDiff::from([
///     ("e_bool".to_string(), Value::Bool(false)),
///     ("e_optional".to_string(), Value::None),
/// ]);
/// assert_eq!(
///     fuzzer_core::repro_snippet::<FakeConfig>(&diff),
///     "#[allow(deprecated)]\nlet _config = FakeConfig::patch(|c| {\n    c.e_bool = false;\n    c.e_optional = None;\n});\n",
/// );
/// ```
pub fn repro_snippet<C: FuzzableConfig>(diff: &ConfigDiff) -> String {
    format!(
        "#[allow(deprecated)]\nlet _config = {}::patch(|c| {{\n{}}});\n",
        C::__NAME,
        crate::persist::assignments::<C>(diff, "    ")
    )
}
