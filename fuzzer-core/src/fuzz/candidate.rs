//! Candidates: the pins every run starts from, sampled changes on top, their
//! memo keys, and the config each one builds (reusing buffers, since a
//! 666-field config is costly to clone per run).

use std::sync::Arc;

use super::memo::key_term;
use crate::config::FuzzableConfig;
use crate::error::ConfigError;
use crate::field::FuzzRole;
use crate::sample::{FuzzRng, SamplingMethod};
use crate::value::{ConfigDiff, Value};

/// One field change, by field index.
pub(crate) type Change = (u32, Value);
/// A borrowed [`Change`].
pub(crate) type ChangeRef<'a> = (u32, &'a Value);

pub(crate) fn borrowed(changes: &[Change]) -> Vec<ChangeRef<'_>> {
    changes.iter().map(|(i, v)| (*i, v)).collect()
}

pub(crate) fn owned(changes: &[ChangeRef<'_>]) -> Vec<Change> {
    changes.iter().map(|(i, v)| (*i, (*v).clone())).collect()
}

/// A field the environment forces (`#[config(env_force = ..)]` with the
/// variable set): no run can give it another value.
#[derive(Clone, Debug)]
pub(crate) struct Forced {
    /// The forced value, as the registry applies it.
    pub(crate) value: Value,
    /// The variable that forces it (the first one set), empty if none is
    /// set any more (the registry read it before it was unset).
    pub(crate) var: String,
}

/// The fields every run holds fixed, and the memo-key arithmetic over them.
#[derive(Clone, Debug)]
pub(crate) struct Pins {
    /// Env-forced fields by field index: pins the fuzzer cannot move.
    forced: Vec<Option<Forced>>,
    /// Whether any field is forced (most configs have none).
    any_forced: bool,
    /// Explicit pins (`pin`, `keep_default`) by field index.
    explicit: Vec<Option<Value>>,
    /// Every pin that differs from the declared default, sorted by index.
    pub(crate) active: Vec<Change>,
    /// The key term of each active pin, by field index (0 for a field
    /// without one: subtracting it changes nothing).
    terms: Vec<u128>,
    /// The sum of the active pins' key terms.
    key: u128,
    /// Each field's key terms for `false`, `true` and `None`, the commonest
    /// values, computed once.
    small_terms: Vec<[u128; 3]>,
}

impl Pins {
    pub(crate) fn new<C: FuzzableConfig>() -> Self {
        let forced = forced_fields::<C>();
        let mut pins = Pins {
            any_forced: forced.iter().any(Option::is_some),
            forced,
            explicit: vec![None; C::__field_count()],
            active: Vec::new(),
            terms: vec![0; C::__field_count()],
            key: 0,
            small_terms: (0..C::__field_count() as u32)
                .map(|i| {
                    [
                        key_term(i, &Value::Bool(false)),
                        key_term(i, &Value::Bool(true)),
                        key_term(i, &Value::None),
                    ]
                })
                .collect(),
        };
        pins.refresh::<C>();
        pins
    }

    /// Pins field `i` at `value` (checked by the caller).
    pub(crate) fn set<C: FuzzableConfig>(&mut self, i: usize, value: Value) {
        self.explicit[i] = Some(value);
        self.refresh::<C>();
    }

    fn refresh<C: FuzzableConfig>(&mut self) {
        let fields = C::fields();
        // Forced fields are left out: every config is built from the
        // declared defaults with env force applied, so they hold already.
        self.active = (0..fields.len())
            .filter(|&i| self.forced[i].is_none())
            .filter_map(|i| {
                self.pin_of::<C>(i)
                    .filter(|v| *v != fields[i].default_ref())
                    .map(|v| (i as u32, v.clone()))
            })
            .collect();
        self.terms = vec![0; C::__field_count()];
        self.key = 0;
        for (i, v) in &self.active {
            let t = key_term(*i, v);
            self.terms[*i as usize] = t;
            self.key = self.key.wrapping_add(t);
        }
    }

    /// The env force on field `i`, if any.
    pub(crate) fn forced(&self, i: usize) -> Option<&Forced> {
        self.forced[i].as_ref()
    }

    /// The value field `i` is pinned at, if any (an env-forced field at its
    /// forced value).
    pub(crate) fn pin_of<C: FuzzableConfig>(&self, i: usize) -> Option<&Value> {
        if let Some(f) = &self.forced[i] {
            return Some(&f.value);
        }
        if let Some(v) = &self.explicit[i] {
            return Some(v);
        }
        let f = &C::fields()[i];
        match f.fuzz_role() {
            FuzzRole::Pin(v) => Some(v),
            FuzzRole::Skip { .. } => Some(f.default_ref()),
            FuzzRole::Fuzzed => None,
        }
    }

    pub(crate) fn fuzzable<C: FuzzableConfig>(&self, i: usize) -> bool {
        self.pin_of::<C>(i).is_none()
    }

    /// The memo key of the full config (pins overridden by `changes`): a sum
    /// of per-field terms, so it needs no sorting.
    pub(crate) fn key(&self, changes: &[ChangeRef<'_>]) -> u128 {
        let mut key = self.key;
        for &(i, v) in changes {
            key = key.wrapping_sub(self.terms[i as usize]);
            let term = match v {
                Value::Bool(b) => self.small_terms[i as usize][usize::from(*b)],
                Value::None => self.small_terms[i as usize][2],
                other => key_term(i, other),
            };
            key = key.wrapping_add(term);
        }
        key
    }

    /// Samples each fuzzable field with probability `p`; values equal to
    /// the declared default are left out, since they change nothing.
    pub(crate) fn sample<C: FuzzableConfig>(
        &self,
        method: SamplingMethod,
        rng: &mut FuzzRng,
        p: f64,
    ) -> Vec<Change> {
        let mut out = Vec::new();
        for f in C::fields() {
            if !self.fuzzable::<C>(f.index()) || !rng.chance(p) {
                continue;
            }
            let v = f.sample(method, rng);
            if &v != f.default_ref() {
                out.push((f.index() as u32, v));
            }
        }
        out
    }
}

/// How many times a sampled candidate that breaks an implication or a
/// validator is sampled again before it is repaired by leaving changes out.
const RESAMPLES: usize = 8;

/// Whether the config `built` (pins plus `changes`, stored values) may run:
/// no two active implications conflict, every validator passes, and no
/// change is overridden by an active implication (the test would not see
/// it, yet the result would be filed under it).
pub(crate) fn check_candidate<C: FuzzableConfig>(
    built: &C,
    changes: &[ChangeRef<'_>],
) -> Result<(), ConfigError> {
    let effective = crate::constraint::effective(built)?;
    for &(i, v) in changes {
        if !effective.__field_eq(built, i as usize) {
            let name = C::fields()[i as usize].name();
            let rule = C::__rules()
                .iter()
                .find(|r| r.target == name && (r.active)(&effective))
                .map(|r| r.describe())
                .unwrap_or_else(|| "an active implication".to_string());
            return Err(ConfigError::Invalid {
                message: format!(
                    "field `{name}` is set to `{v}`, but {rule} gives it `{}`, so no run can see `{v}`; \
                     leave `{name}` out, or change the rule's source",
                    effective.__get_index(i as usize)
                ),
            });
        }
    }
    Ok(())
}

/// [`check_candidate`] for pins plus `changes` over `base` (the declared
/// defaults with env force). A pin an active implication overrides is as
/// wrong as an overridden change: the run would not see the pinned value.
pub(crate) fn check_changes<C: FuzzableConfig>(
    base: &C,
    pins: &[Change],
    changes: &[ChangeRef<'_>],
) -> Result<(), ConfigError> {
    let mut c = base.clone();
    let all: Vec<ChangeRef<'_>> = pins
        .iter()
        .map(|(i, v)| (*i, v))
        .chain(changes.iter().copied())
        .collect();
    for &(i, v) in &all {
        c.__set_index(i as usize, v)
            .map_err(|e| e.for_field(C::fields()[i as usize].name()))?;
    }
    check_candidate(&c, &all)
}

impl Pins {
    /// A sampled candidate that may run (see [`check_candidate`]): sampled
    /// again up to [`RESAMPLES`] times while it may not, then repaired by
    /// leaving out its last changes until it may. Changes an active
    /// implication overrides are left out first, since they change nothing.
    /// Configs without implications or validators take the first sample.
    pub(crate) fn sample_valid<C: FuzzableConfig>(
        &self,
        method: SamplingMethod,
        rng: &mut FuzzRng,
        p: f64,
    ) -> Vec<Change> {
        let first = self.sample::<C>(method, rng, p);
        if !crate::constraint::constrained::<C>() {
            return first;
        }
        let base = C::__registry().declared_with_force();
        let mut sample = first;
        for _ in 0..RESAMPLES {
            let sample_now = without_overridden::<C>(&base, &self.active, sample);
            if check_changes(&base, &self.active, &borrowed(&sample_now)).is_ok() {
                return sample_now;
            }
            sample = self.sample::<C>(method, rng, p);
        }
        let mut sample = without_overridden::<C>(&base, &self.active, sample);
        while !sample.is_empty() && check_changes(&base, &self.active, &borrowed(&sample)).is_err()
        {
            sample.pop();
            sample = without_overridden::<C>(&base, &self.active, sample);
        }
        sample
    }
}

/// `changes` without those an active implication overrides (if the config
/// has no conflict; a conflicting one is left as it is).
pub(crate) fn without_overridden<C: FuzzableConfig>(
    base: &C,
    pins: &[Change],
    changes: Vec<Change>,
) -> Vec<Change> {
    let mut c = base.clone();
    for (i, v) in pins.iter().chain(&changes) {
        if c.__set_index(*i as usize, v).is_err() {
            return changes;
        }
    }
    let mut effective = c.clone();
    if crate::constraint::imply(&mut effective).is_err() {
        return changes;
    }
    changes
        .into_iter()
        .filter(|(i, _)| effective.__field_eq(&c, *i as usize))
        .collect()
}

/// The env-forced fields of `C`, by index: those with an `env_force`
/// variable set, or whose value the registry's env force changed.
fn forced_fields<C: FuzzableConfig>() -> Vec<Option<Forced>> {
    let fields = C::fields();
    if fields.iter().all(|f| f.env_force_names().is_empty()) {
        return vec![None; fields.len()];
    }
    let base = C::__registry().declared_with_force();
    fields
        .iter()
        .map(|f| {
            if f.env_force_names().is_empty() {
                return None;
            }
            let value = base.__get_index(f.index());
            let var = f
                .env_force_names()
                .iter()
                .find(|v| std::env::var_os(v).is_some());
            (var.is_some() || value != *f.default_ref()).then(|| Forced {
                value,
                var: var.cloned().unwrap_or_default(),
            })
        })
        .collect()
}

/// Why a config cannot give a forced field `value`.
pub(crate) fn forced_error(name: &str, forced: &Forced, value: &Value) -> ConfigError {
    let by = if forced.var.is_empty() {
        "the environment".to_string()
    } else {
        format!("the environment variable {}", forced.var)
    };
    ConfigError::Invalid {
        message: format!(
            "field `{name}` is forced to `{}` by {by} (`env_force`), so no run can give it `{value}`; \
             leave it out of the config, or unset the variable to fuzz it",
            forced.value
        ),
    }
}

/// Resolves a user's diff against the pins: a change of an env-forced
/// field to its forced value is dropped (it holds in every run anyway);
/// to any other value, it is an error, since the test could never run
/// with it.
pub(crate) fn resolve_pinned<'d, C: FuzzableConfig>(
    diff: &'d ConfigDiff,
    pins: &Pins,
) -> Result<Vec<ChangeRef<'d>>, ConfigError> {
    let mut changes = resolve::<C>(diff)?;
    if !pins.any_forced
        || changes
            .iter()
            .all(|(i, _)| pins.forced(*i as usize).is_none())
    {
        return Ok(changes);
    }
    let mut check: Option<C> = None;
    let mut kept = Vec::with_capacity(changes.len());
    for (i, v) in changes.drain(..) {
        let Some(forced) = pins.forced(i as usize) else {
            kept.push((i, v));
            continue;
        };
        if *v == forced.value {
            continue;
        }
        // Compared as the field's type, so any form of the value counts.
        let name = C::fields()[i as usize].name();
        let check = check.get_or_insert_with(|| C::__registry().declared_with_force());
        check
            .__set_index(i as usize, v)
            .map_err(|e| e.for_field(name))?;
        if check.__get_index(i as usize) != forced.value {
            return Err(forced_error(name, forced, v));
        }
    }
    Ok(kept)
}

/// Resolves a diff's names into changes (in name order). Value types are
/// checked when a config is built.
pub(crate) fn resolve<C: FuzzableConfig>(
    diff: &ConfigDiff,
) -> Result<Vec<ChangeRef<'_>>, ConfigError> {
    let meta = C::__registry().meta();
    let mut out = Vec::with_capacity(diff.len());
    for (name, value) in diff {
        // Field names straight from the table; aliases and unknown names
        // (with their error) through `field_index`.
        let i = match meta.field_named(name) {
            Some(i) => i,
            None => C::field_index(name)?,
        };
        out.push((i as u32, value));
    }
    Ok(out)
}

/// Changes back into a diff by name.
pub(crate) fn to_diff<C: FuzzableConfig>(changes: &[ChangeRef<'_>]) -> ConfigDiff {
    let fields = C::fields();
    changes
        .iter()
        .map(|(i, v)| (fields[*i as usize].name().to_string(), (*v).clone()))
        .collect()
}

/// A built config and the fields it set, to reset when it is reused.
pub(crate) struct Built<C> {
    pub(crate) config: Arc<C>,
    touched: Vec<u32>,
}

/// Builds configs from `base` (declared defaults with env force) plus pins
/// plus changes, reusing the buffers of earlier runs that nothing else
/// holds any more: only the fields the last use set are reset.
pub(crate) struct Buffers<C> {
    base: C,
    spare: Vec<Built<C>>,
    /// `marks[i] == stamp` when the config being built sets field `i`.
    marks: Vec<u32>,
    stamp: u32,
}

/// Spare buffers kept beyond this many are freed.
const MAX_SPARE: usize = 16;

impl<C: FuzzableConfig> Buffers<C> {
    pub(crate) fn new() -> Self {
        Buffers {
            base: C::__registry().declared_with_force(),
            spare: Vec::new(),
            marks: vec![0; C::__field_count()],
            stamp: 0,
        }
    }

    /// The config of `pins` plus `changes`, or the first value of the wrong
    /// type (nothing is kept of a rejected config).
    pub(crate) fn build(
        &mut self,
        pins: &[Change],
        changes: &[ChangeRef<'_>],
    ) -> Result<Built<C>, ConfigError> {
        self.stamp = self.stamp.wrapping_add(1);
        let stamp = self.stamp;
        for (i, _) in pins {
            self.marks[*i as usize] = stamp;
        }
        for (i, _) in changes {
            self.marks[*i as usize] = stamp;
        }
        let mut built = loop {
            match self.spare.pop() {
                Some(mut b) => {
                    if let Some(c) = Arc::get_mut(&mut b.config) {
                        for &i in &b.touched {
                            if self.marks[i as usize] != stamp {
                                c.__copy_field(&self.base, i as usize);
                            }
                        }
                        break b;
                    }
                }
                None => {
                    break Built {
                        config: Arc::new(self.base.clone()),
                        touched: Vec::new(),
                    }
                }
            }
        };
        // Every field this build sets, or that kept an older value because
        // it was about to be set: the next use resets these.
        built.touched.clear();
        built.touched.extend(pins.iter().map(|(i, _)| *i));
        built.touched.extend(changes.iter().map(|(i, _)| *i));
        let c = Arc::get_mut(&mut built.config).expect("fresh or checked unique");
        // Two plain loops rather than a chained iterator: this is the
        // per-field work of every run.
        let set = |c: &mut C, i: u32, v: &Value| {
            c.__set_index(i as usize, v)
                .map_err(|e| e.for_field(C::fields()[i as usize].name()))
        };
        let applied = (|| {
            for (i, v) in pins {
                set(c, *i, v)?;
            }
            for &(i, v) in changes {
                set(c, i, v)?;
            }
            Ok(())
        })()
        .and_then(|()| {
            // No run sees a config that breaks an implication or a
            // validator, or whose pins an implication overrides.
            if crate::constraint::constrained::<C>() {
                let all: Vec<ChangeRef<'_>> = pins
                    .iter()
                    .map(|(i, v)| (*i, v))
                    .chain(changes.iter().copied())
                    .collect();
                check_candidate(&*c, &all)
            } else {
                Ok(())
            }
        });
        match applied {
            Ok(()) => Ok(built),
            Err(e) => {
                self.recycle(built);
                Err(e)
            }
        }
    }

    /// Gives a built config back for reuse, if nothing else holds it.
    pub(crate) fn recycle(&mut self, mut built: Built<C>) {
        if self.spare.len() < MAX_SPARE && Arc::get_mut(&mut built.config).is_some() {
            self.spare.push(built);
        }
    }
}
