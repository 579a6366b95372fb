//! [`tristate_env`]: an env var read as yes, no or not said (PyTorch's
//! `get_tristate_env`, INST-17).

use crate::error::ConfigError;
use crate::value::FuzzValue;

/// Reads environment variable `name` as a tristate: `Ok(None)` when it is
/// unset (or set to `none`), `Ok(Some(true))` or `Ok(Some(false))` when it
/// holds one of the spellings a `bool` field's env var takes (`1`/`0`,
/// `true`/`false`, `yes`/`no`, `on`/`off`, any case, surrounding spaces
/// ignored), the same text an `Option<bool>` field with
/// `#[config(env = "..")]` accepts.
///
/// Use it for a switch read outside any config, where "not said" must stay
/// distinct from "off" (a config field should be an `Option<bool>` with
/// `#[config(env = "NAME")]` instead, which also gives it a default, a
/// place in `save_json` and the fuzzer). PyTorch's `get_tristate_env`
/// quietly returns its default for any other text; here other text (or a
/// value that is not UTF-8) is a [`ConfigError::BadEnv`] naming the
/// variable, what it holds and what it should hold, so a typo such as
/// `ENABLE=ture` is not taken for "not said".
///
/// ```
/// use fuzzer_core::{tristate_env, ConfigError};
///
/// std::env::set_var("TRISTATE_DOC_FAST", "yes");
/// assert_eq!(tristate_env("TRISTATE_DOC_FAST"), Ok(Some(true)));
/// std::env::set_var("TRISTATE_DOC_FAST", "0");
/// assert_eq!(tristate_env("TRISTATE_DOC_FAST"), Ok(Some(false)));
/// std::env::remove_var("TRISTATE_DOC_FAST");
/// assert_eq!(tristate_env("TRISTATE_DOC_FAST"), Ok(None));
///
/// std::env::set_var("TRISTATE_DOC_FAST", "ture");
/// let err = tristate_env("TRISTATE_DOC_FAST").unwrap_err();
/// assert!(matches!(&err, ConfigError::BadEnv { var, value, .. }
///     if var == "TRISTATE_DOC_FAST" && value == "ture"));
/// // The caller picks the default for "not said":
/// let fast = tristate_env("TRISTATE_DOC_UNSET").unwrap_or(None).unwrap_or(false);
/// assert!(!fast);
/// ```
pub fn tristate_env(name: &str) -> Result<Option<bool>, ConfigError> {
    let text = match std::env::var(name) {
        Ok(text) => text,
        Err(std::env::VarError::NotPresent) => return Ok(None),
        Err(std::env::VarError::NotUnicode(raw)) => {
            return Err(bad(name, raw.to_string_lossy().into_owned(), "UTF-8 text"));
        }
    };
    <Option<bool> as FuzzValue>::parse_env(&text).map_err(|expected| bad(name, text, &expected))
}

fn bad(var: &str, value: String, expected: &str) -> ConfigError {
    ConfigError::BadEnv {
        var: var.to_string(),
        value,
        field: String::new(),
        expected: format!("{expected}, or unset it for \"not said\""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// INST-17: every spelling of yes and no, in any case and with spaces;
    /// `none` and unset are "not said"; other text is an error naming the
    /// variable and the expected forms.
    #[test]
    fn inst_017_tristate_env_reads_yes_no_and_not_said() {
        // One variable name per test process: nothing else reads it.
        const VAR: &str = "FUZZER_CORE_TRISTATE_UNIT_TEST";
        for (text, want) in [
            ("1", Some(true)),
            ("true", Some(true)),
            (" YES ", Some(true)),
            ("On", Some(true)),
            ("0", Some(false)),
            ("False", Some(false)),
            ("no", Some(false)),
            ("off", Some(false)),
            ("none", None),
        ] {
            std::env::set_var(VAR, text);
            assert_eq!(tristate_env(VAR), Ok(want), "{text:?}");
        }
        for text in ["", "2", "maybe", "ture"] {
            std::env::set_var(VAR, text);
            let err = tristate_env(VAR).unwrap_err();
            let msg = err.to_string();
            assert!(
                matches!(&err, ConfigError::BadEnv { var, value, field, .. }
                    if var == VAR && value == text && field.is_empty()),
                "{err:?}"
            );
            assert!(msg.contains(VAR) && msg.contains("1/0/true/false"), "{msg}");
            assert!(!msg.contains("for field"), "{msg}");
        }
        std::env::remove_var(VAR);
        assert_eq!(tristate_env(VAR), Ok(None));
    }
}
