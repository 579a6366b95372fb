//! Run-time warnings: a deprecated field or alias used by name, through an
//! env var or in loaded JSON, and a knob provider's answer that could not be
//! applied. Each warns once per process (a knob once per provider), through
//! a handler the program can route ([`set_warning_handler`]).
//!
//! Snapshot APIs (`save_json`, `config_hash`, `codegen`, `to_values`,
//! `changed`) and the fuzzer go by index, never by name, so they never warn.

use std::any::TypeId;
use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

/// A run-time warning about a config, handed to the warning handler.
///
/// ```
/// use fuzzer_core::prelude::*;
///
/// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
/// pub struct Settings {
///     #[deprecated(note = "is no longer needed")]
///     #[config(default = true)]
///     pub legacy: bool,
/// }
///
/// let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
/// let sink = seen.clone();
/// fuzzer_core::set_warning_handler(move |w| sink.lock().unwrap().push(w.to_string()));
/// Settings::is_default("legacy").unwrap();
/// assert_eq!(
///     seen.lock().unwrap()[0],
///     "`Settings.legacy` is deprecated and is no longer needed; it will be removed in a future version"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    config: &'static str,
    field: String,
    message: String,
    kind: WarningKind,
}

/// What a [`Warning`] is about, so a handler can route each kind on its own
/// (say, deprecations to the log and knob mistakes to an alert).
///
/// ```
/// use fuzzer_core::WarningKind;
///
/// fuzzer_core::set_warning_handler(|w| match w.kind() {
///     WarningKind::Knob => eprintln!("knob provider: {w}"),
///     _ => eprintln!("config: {w}"),
/// });
/// # fuzzer_core::set_warning_handler(|w| eprintln!("warning: {w}"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningKind {
    /// A `#[deprecated]` field or alias was used by name, through an env var
    /// or in loaded JSON. Once per field per process.
    Deprecation,
    /// The knob provider (`set_knob_provider`) gave an answer that was not
    /// applied: a value of the wrong type for its field, or answers that
    /// would break an implication or validator. Once per field per installed
    /// provider.
    Knob,
    /// An entry of a fuzzer's regressions file
    /// (`ConfigFuzzer::regressions`) could not be replayed (a field that no
    /// longer exists, a value of the wrong type), or the file could not be
    /// read or written. The campaign goes on without it.
    Regression,
}

impl Warning {
    /// What the warning is about.
    ///
    /// ```
    /// use fuzzer_core::WarningKind;
    ///
    /// fuzzer_core::set_warning_handler(|w| {
    ///     if w.kind() == WarningKind::Deprecation {
    ///         eprintln!("deprecated: {}", w.field());
    ///     }
    /// });
    /// # fuzzer_core::set_warning_handler(|w| eprintln!("warning: {w}"));
    /// ```
    pub fn kind(&self) -> WarningKind {
        self.kind
    }

    /// The config type's name, e.g. `FakeConfig`.
    pub fn config(&self) -> &str {
        self.config
    }

    /// The dotted name of the field or alias the warning is about; empty for
    /// a knob warning about the provider's answers as a whole.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The full text, e.g. "`FakeConfig.e_deprecated` is deprecated and is
    /// no longer needed; it will be removed in a future version".
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

type Handler = Arc<dyn Fn(&Warning) + Send + Sync>;

static HANDLER: RwLock<Option<Handler>> = RwLock::new(None);

/// The fields and aliases that have warned, per config type.
static WARNED: Mutex<Option<HashSet<(TypeId, String)>>> = Mutex::new(None);

/// Routes run-time config warnings (deprecated fields and aliases used by
/// name, through env vars or in loaded JSON; knob provider answers that were
/// not applied) to `handler`, for every thread, instead of the default,
/// which prints each to stderr as `warning: <message>`. Each deprecated
/// field or alias warns once per process (see
/// [`reset_deprecation_warnings`]); each bad knob answer once per installed
/// provider. [`Warning::kind`] tells them apart.
///
/// To send them to the `log` or `tracing` facade:
/// `fuzzer_core::set_warning_handler(|w| log::warn!("{w}"))`.
///
/// ```
/// fuzzer_core::set_warning_handler(|w| eprintln!("config: {w}"));
/// ```
pub fn set_warning_handler(handler: impl Fn(&Warning) + Send + Sync + 'static) {
    *HANDLER.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(handler));
}

/// Lets every deprecated field and alias warn again, once. For tests that
/// check warnings (PyTorch's tests reset `_deprecation_warned` the same way);
/// a program never needs it.
///
/// ```
/// fuzzer_core::reset_deprecation_warnings();
/// ```
pub fn reset_deprecation_warnings() {
    *WARNED.lock().unwrap_or_else(PoisonError::into_inner) = None;
}

/// A deprecation to report for config `C` (by type id and name).
#[derive(Clone, Debug)]
pub(crate) struct Deprecation {
    pub(crate) field: String,
    pub(crate) note: Option<&'static str>,
}

/// The warning text, in PyTorch's wording adapted.
fn message(config: &str, field: &str, note: Option<&str>) -> String {
    match note.filter(|n| !n.is_empty()) {
        Some(note) => format!(
            "`{config}.{field}` is deprecated and {note}; it will be removed in a future version"
        ),
        None => format!("`{config}.{field}` is deprecated; it will be removed in a future version"),
    }
}

/// Warns about `d`, unless it already warned in this process. The handler
/// is called with no lock of this module or of any config held.
pub(crate) fn deprecated(ty: TypeId, config: &'static str, d: &Deprecation) {
    {
        let mut warned = WARNED.lock().unwrap_or_else(PoisonError::into_inner);
        if !warned
            .get_or_insert_with(HashSet::new)
            .insert((ty, d.field.clone()))
        {
            return;
        }
    }
    emit(Warning {
        config,
        field: d.field.clone(),
        message: message(config, &d.field, d.note),
        kind: WarningKind::Deprecation,
    });
}

/// Reports a knob provider's answer for `field` of `config` that was not
/// applied. The caller keeps the once-per-provider bookkeeping.
pub(crate) fn knob(config: &'static str, field: &str, text: &str) {
    emit(Warning {
        config,
        field: field.to_string(),
        message: format!("{config}: {text}"),
        kind: WarningKind::Knob,
    });
}

/// Reports a problem with the regressions file of a fuzzer of `config`.
pub(crate) fn regression(config: &'static str, field: &str, text: &str) {
    emit(Warning {
        config,
        field: field.to_string(),
        message: text.to_string(),
        kind: WarningKind::Regression,
    });
}

/// Hands `warning` to the handler, or prints it. No lock of this module is
/// held while the handler runs.
fn emit(warning: Warning) {
    let handler = HANDLER
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    match handler {
        Some(h) => h(&warning),
        None => eprintln!("warning: {warning}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// DEP-162, DEP-163
    #[test]
    fn wording_with_and_without_a_note() {
        assert_eq!(
            message("FakeConfig", "e_deprecated", Some("is no longer needed")),
            "`FakeConfig.e_deprecated` is deprecated and is no longer needed; it will be removed in a future version"
        );
        assert_eq!(
            message("C", "x", None),
            "`C.x` is deprecated; it will be removed in a future version"
        );
        assert_eq!(message("C", "x", Some("")), message("C", "x", None));
    }
}
