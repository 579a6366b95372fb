//! Knob providers: where `#[config(knob = "name")]` fields get their default
//! from, PyTorch's JustKnobs in Rust form.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use crate::value::Value;

/// Answers knobs: given a knob's name and the field's declared default,
/// the value the field should default to, or `None` for no opinion (the
/// declared default then stays).
///
/// Any `Fn(&str, &Value) -> Option<Value> + Send + Sync + 'static` closure is
/// a provider; implement the trait for a type that holds state (a client of
/// a feature-flag service, say). Install one with [`set_knob_provider`].
///
/// ```
/// use fuzzer_core::{KnobProvider, Value};
///
/// /// Turns every knob on.
/// struct AllOn;
///
/// impl KnobProvider for AllOn {
///     fn knob(&self, _name: &str, default: &Value) -> Option<Value> {
///         matches!(default, Value::Bool(_)).then_some(Value::Bool(true))
///     }
/// }
///
/// assert_eq!(AllOn.knob("fast_path", &Value::Bool(false)), Some(Value::Bool(true)));
/// assert_eq!(AllOn.knob("threads", &Value::Int(4)), None);
/// ```
pub trait KnobProvider: Send + Sync + 'static {
    /// The value of knob `name`, whose field's declared default is `default`;
    /// `None` keeps the declared default.
    fn knob(&self, name: &str, default: &Value) -> Option<Value>;
}

impl<F> KnobProvider for F
where
    F: Fn(&str, &Value) -> Option<Value> + Send + Sync + 'static,
{
    fn knob(&self, name: &str, default: &Value) -> Option<Value> {
        self(name, default)
    }
}

/// The installed provider; `None` is the default provider, which answers
/// every knob with its declared default.
static PROVIDER: RwLock<Option<Arc<dyn KnobProvider>>> = RwLock::new(None);
/// Bumped by every install, so that each provider's bad answers are
/// reported once.
static GENERATION: AtomicU64 = AtomicU64::new(0);
/// One function per config type with knob fields, built already: each
/// re-reads its knobs and publishes the result.
static REFRESHERS: Mutex<Vec<fn()>> = Mutex::new(Vec::new());
/// A reported bad answer: (config, field, provider generation).
type Reported = (&'static str, String, u64);
/// The bad answers already reported.
static WARNED: Mutex<Option<HashSet<Reported>>> = Mutex::new(None);

/// Installs `provider` process-wide: every `#[config(knob = "..")]` field of
/// every config type asks it for its default from now on. The configs
/// already in use re-read their knobs at once (every thread sees the new
/// values at its next read, as after `set`); the others on first use.
///
/// A knob only supplies a default: precedence, highest first, is env force
/// → this thread's patches → process-wide `set` → env default → knob →
/// declared default. The fuzzer starts every run from the declared
/// defaults, as it does for env defaults: knob values are not fuzz state.
///
/// A provider must not read config values itself (it is called while the
/// configs are being built), and should answer quickly: it is asked once
/// per knob field when a config is first used, here, and on `reload_env()`.
///
/// A value of the wrong type for its field is not applied: the field keeps
/// its declared default and the mistake is reported once per provider
/// through the warning handler ([`set_warning_handler`](crate::set_warning_handler),
/// a [`WarningKind::Knob`](crate::WarningKind::Knob) warning with
/// [`ConfigError::BadKnob`](crate::ConfigError::BadKnob)'s text; by default
/// printed to stderr as `warning: ..`); `C::reload_env()` returns it as that error, so start-up code can
/// check the provider.
///
/// ```
/// use fuzzer_core::prelude::*;
///
/// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
/// pub struct Rollout {
///     #[config(default = false, knob = "rollout/new_scheduler")]
///     pub new_scheduler: bool,
/// }
///
/// assert!(!Rollout::read(|c| c.new_scheduler));
/// fuzzer_core::set_knob_provider(|name: &str, _default: &Value| {
///     (name == "rollout/new_scheduler").then_some(Value::Bool(true))
/// });
/// assert!(Rollout::read(|c| c.new_scheduler));
/// Rollout::set(|c| c.new_scheduler = false); // an override still wins
/// assert!(!Rollout::read(|c| c.new_scheduler));
/// Rollout::reset();
/// fuzzer_core::reset_knob_provider();
/// assert!(!Rollout::read(|c| c.new_scheduler));
/// ```
pub fn set_knob_provider(provider: impl KnobProvider) {
    install(Some(Arc::new(provider)));
}

/// Goes back to the default provider, which answers every knob with the
/// field's declared default (open-source JustKnobs do the same).
///
/// ```
/// fuzzer_core::set_knob_provider(|_: &str, _: &fuzzer_core::Value| None);
/// fuzzer_core::reset_knob_provider();
/// ```
pub fn reset_knob_provider() {
    install(None);
}

fn install(provider: Option<Arc<dyn KnobProvider>>) {
    {
        let mut slot = PROVIDER.write().unwrap_or_else(PoisonError::into_inner);
        *slot = provider;
        GENERATION.fetch_add(1, Ordering::AcqRel);
    }
    // Copied out, so that a config built meanwhile can register.
    let refreshers = REFRESHERS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    for refresh in refreshers {
        refresh();
    }
}

/// The installed provider and its generation.
pub(crate) fn provider() -> (Option<Arc<dyn KnobProvider>>, u64) {
    let slot = PROVIDER.read().unwrap_or_else(PoisonError::into_inner);
    (slot.clone(), GENERATION.load(Ordering::Acquire))
}

/// Registers a config type's refresher (once per type: its registry calls
/// this when it is first built).
pub(crate) fn register(refresh: fn()) {
    let mut list = REFRESHERS.lock().unwrap_or_else(PoisonError::into_inner);
    if !list.contains(&refresh) {
        list.push(refresh);
    }
}

/// Reports a provider's bad answer once per (field, provider),
/// through the warning handler ([`crate::set_warning_handler`]), called with
/// no lock of this module held.
pub(crate) fn warn_once(config: &'static str, field: &str, generation: u64, message: &str) {
    let first = WARNED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get_or_insert_with(HashSet::new)
        .insert((config, field.to_string(), generation));
    if first {
        crate::warn::knob(config, field, message);
    }
}

/// How many bad answers have been reported so far, for tests.
#[doc(hidden)]
pub fn knob_warnings() -> usize {
    WARNED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
        .map_or(0, HashSet::len)
}
