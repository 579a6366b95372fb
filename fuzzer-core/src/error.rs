//! [`ConfigError`]: everything that can be wrong with a by-name, env or JSON
//! input, said so the user knows what to fix.

use std::fmt;
use std::io;

use crate::value::Value;

/// What was wrong with a config input. A call that returns an error has
/// applied nothing.
///
/// Its `Display` says what was wrong and what to do; match on the variant to
/// handle a kind of mistake. New variants may be added.
///
/// ```
/// use fuzzer_core::prelude::*;
/// use fuzzer_core::ConfigError;
///
/// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
/// pub struct Settings {
///     #[config(default = 64)]
///     pub max_fusion_size: i64,
/// }
///
/// let err = Settings::set_values([("max_fusion_sise", Value::Int(8))]).unwrap_err();
/// assert_eq!(err.to_string(), "`Settings` has no field `max_fusion_sise`; did you mean `max_fusion_size`?");
/// assert!(matches!(&err, ConfigError::UnknownField { suggestion: Some(s), .. } if s == "max_fusion_size"));
///
/// let err = Settings::set_values([("max_fusion_size", Value::Bool(true))]).unwrap_err();
/// assert!(matches!(&err, ConfigError::WrongType { field, expected, .. }
///     if field == "max_fusion_size" && expected == "i64"));
/// println!("{err}"); // field `max_fusion_size` has type `i64`, but the value given is ...
///
/// let err = Settings::load_json("{\"max_fusion_size\": 8,}").unwrap_err();
/// assert!(matches!(err, ConfigError::Json { line: 1, .. }));
///
/// assert_eq!(Settings::read(|c| c.max_fusion_size), 64); // nothing was applied
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// No field has this name.
    UnknownField {
        /// The config type's name.
        config: &'static str,
        /// The name that was asked for.
        name: String,
        /// The closest existing field name, if any is close.
        suggestion: Option<String>,
    },
    /// A value does not have the field's type.
    WrongType {
        /// The dotted field name (empty when not known at the point of failure).
        field: String,
        /// The field's type.
        expected: String,
        /// What came instead.
        found: String,
    },
    /// An environment variable's text does not parse as the field's type.
    BadEnv {
        /// The variable's name.
        var: String,
        /// Its text.
        value: String,
        /// The dotted field name it feeds (empty from
        /// [`tristate_env`](crate::tristate_env), which feeds no field).
        field: String,
        /// The expected form.
        expected: String,
    },
    /// A JSON text is malformed or not an object.
    Json {
        /// 1-based line of the problem (0 when not about a position).
        line: usize,
        /// 1-based column of the problem (0 when not about a position).
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// A fuzzer option names a field in a way it cannot be used.
    Invalid {
        /// What is wrong and what to do.
        message: String,
    },
    /// The knob provider (see [`set_knob_provider`](crate::set_knob_provider))
    /// answered a field's knob with a value that does not have the field's type.
    BadKnob {
        /// The knob's name (`#[config(knob = "..")]`).
        knob: String,
        /// The dotted field name it feeds.
        field: String,
        /// The field's type.
        expected: String,
        /// What the provider gave.
        found: String,
    },
    /// Two active implications (`#[config(implies(..))]`) give one field
    /// different values. The write that would cause it applies nothing.
    Conflict {
        /// The config type's name.
        config: String,
        /// The dotted name of the field both rules imply.
        target: String,
        /// The two rules, as written.
        rules: Vec<String>,
    },
    /// A `#[config(validate = ..)]` function rejected the config a write
    /// would make. The write applies nothing.
    Rejected {
        /// The config type's name.
        config: String,
        /// The validator's path, as written.
        validator: String,
        /// What the validator said.
        message: String,
    },
}

impl ConfigError {
    pub(crate) fn json(e: &serde_json::Error) -> Self {
        // serde_json's message ends with the position, which has fields of
        // its own here; its text can quote the input, so it is shortened.
        let text = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = text.strip_suffix(&suffix).unwrap_or(&text);
        ConfigError::Json {
            line: e.line(),
            column: e.column(),
            message: preview(message, MESSAGE_BYTES),
        }
    }

    /// Fills in the field name of a [`ConfigError::WrongType`] raised by a
    /// typed conversion that did not know it.
    pub(crate) fn for_field(self, name: &str) -> Self {
        match self {
            ConfigError::WrongType {
                field,
                expected,
                found,
            } if field.is_empty() => ConfigError::WrongType {
                field: name.to_string(),
                expected,
                found,
            },
            other => other,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::UnknownField {
                config,
                name,
                suggestion,
            } => {
                write!(f, "`{config}` has no field `{}`", preview(name, VALUE_BYTES))?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean `{s}`?"),
                    None => write!(f, "; `{config}::fields()` lists the valid names"),
                }
            }
            ConfigError::WrongType {
                field,
                expected,
                found,
            } => {
                if field.is_empty() {
                    write!(f, "expected a value of type `{expected}`, found {found}")
                } else {
                    write!(f, "field `{field}` has type `{expected}`, but the value given is {found}")
                }
            }
            ConfigError::BadEnv {
                var,
                value,
                field,
                expected,
            } if field.is_empty() => write!(
                f,
                "environment variable {}={} does not parse: expected {expected}",
                preview(var, VALUE_BYTES),
                preview_debug(value),
            ),
            ConfigError::BadEnv {
                var,
                value,
                field,
                expected,
            } => write!(
                f,
                "environment variable {}={} (for field `{field}`) does not parse: expected {expected}; fix or unset it",
                preview(var, VALUE_BYTES),
                preview_debug(value),
            ),
            ConfigError::Json {
                line,
                column,
                message,
            } => {
                let message = preview(message, MESSAGE_BYTES);
                if *line > 0 {
                    write!(f, "malformed config JSON at line {line}, column {column}: {message}")
                } else {
                    write!(f, "malformed config JSON: {message}")
                }
            }
            ConfigError::Invalid { message } => f.write_str(&preview(message, MESSAGE_BYTES)),
            ConfigError::BadKnob {
                knob,
                field,
                expected,
                found,
            } => write!(
                f,
                "the knob provider answered knob `{}` (for field `{field}`) with {found}, but the field has type `{expected}`; fix the provider, or have it return `None` to keep the declared default",
                preview(knob, VALUE_BYTES),
            ),
            ConfigError::Conflict {
                config,
                target,
                rules,
            } => write!(
                f,
                "conflicting implications in `{config}`: {} give `{target}` different values; change one of their sources so that at most one of them is active",
                rules.join(" and "),
            ),
            ConfigError::Rejected {
                config,
                validator,
                message,
            } => write!(
                f,
                "`{config}` rejected by its validator `{validator}`: {}",
                preview(message, MESSAGE_BYTES),
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

/// How much of a value an error message quotes.
pub(crate) const VALUE_BYTES: usize = 80;
/// How much of a free-text message (a parser's, say) an error keeps.
pub(crate) const MESSAGE_BYTES: usize = 1000;

/// `text` if it is at most `limit` bytes, else its first `limit` bytes (cut
/// at a character boundary), `…`, and how much was left out.
pub(crate) fn preview(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_string();
    }
    let mut cut = limit;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!(
        "{}… ({} bytes, {} not shown)",
        &text[..cut],
        text.len(),
        text.len() - cut
    )
}

/// `text` quoted as a Rust string (`{:?}`), shortened like [`preview`].
fn preview_debug(text: &str) -> String {
    if text.len() <= VALUE_BYTES {
        return format!("{text:?}");
    }
    let mut cut = VALUE_BYTES;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!(
        "{:?}… ({} bytes, {} not shown)",
        &text[..cut],
        text.len(),
        text.len() - cut
    )
}

/// Keeps the first bytes written to it and counts the rest.
struct Head {
    head: Vec<u8>,
    total: usize,
}

impl io::Write for Head {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.total += buf.len();
        let room = (VALUE_BYTES + 4).saturating_sub(self.head.len());
        self.head.extend_from_slice(&buf[..buf.len().min(room)]);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A value's JSON form in backticks for an error message; a long one is cut
/// with a count of what was left out, in memory bounded whatever its size:
/// `` `"aaaa…` (10485762 bytes, 10485680 not shown) ``.
pub(crate) fn preview_value(v: &Value) -> String {
    let mut head = Head {
        head: Vec::new(),
        total: 0,
    };
    // Writing to memory cannot fail.
    let _ = serde_json::to_writer(&mut head, v);
    if head.total <= VALUE_BYTES {
        return format!("`{}`", String::from_utf8_lossy(&head.head));
    }
    let mut cut = VALUE_BYTES;
    let text = loop {
        match std::str::from_utf8(&head.head[..cut]) {
            Ok(text) => break text,
            Err(_) => cut -= 1,
        }
    };
    format!(
        "`{text}…` ({} bytes, {} not shown)",
        head.total,
        head.total - cut
    )
}

/// The closest of `candidates` to `name` by edit distance, if it is close
/// enough to be a plausible typo.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(name, c);
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    let (d, c) = best?;
    // Allow roughly one edit in three characters.
    (d <= (name.len().max(c.len()) / 3).max(1)).then(|| c.to_string())
}

/// Edit distance over chars, counting a swap of two adjacent characters as
/// one edit (optimal string alignment), since that is the commonest typo.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // d[i][j]: distance between a[..i] and b[..j].
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_name() {
        let names = ["e_bool", "e_int", "nested.e_bool"];
        assert_eq!(closest("e_bol", names), Some("e_bool".into()));
        assert_eq!(closest("nested.e_bol", names), Some("nested.e_bool".into()));
        assert_eq!(closest("completely_different", names), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("e_itn", "e_int"), 1);
        assert_eq!(closest("e_itn", names), Some("e_int".into()));
    }
}
