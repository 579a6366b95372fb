//! The process-wide half of the singleton: declared defaults, env values,
//! `set` overrides, and the base config every thread starts from.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use parking_lot::ReentrantMutex;

use crate::alias::AliasMeta;
use crate::config::FuzzableConfig;
use crate::error::ConfigError;
use crate::field::{build_fields, FieldMeta};
use crate::value::Value;
use crate::warn::Deprecation;

/// Field metadata of one config type, built once.
#[derive(Debug)]
pub(crate) struct Meta {
    fields: Vec<FieldMeta>,
    by_name: HashMap<String, usize, BuildHasherDefault<NameHasher>>,
    aliases: Vec<AliasMeta>,
}

/// What a name given to a by-name call stands for.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Named<'m> {
    /// A field, by index.
    Field(usize),
    /// An alias (its target is `target_index()`).
    Alias(&'m AliasMeta),
}

/// A word-at-a-time multiplicative hash: field names are short and not
/// adversarial, and by-name look-ups sit on the fuzzer's per-run path.
#[derive(Default)]
pub(crate) struct NameHasher(u64);

impl Hasher for NameHasher {
    fn finish(&self) -> u64 {
        let h = self.0;
        h.wrapping_mul(0xBF58_476D_1CE4_E5B9) ^ (h >> 32)
    }

    /// `str`'s `Hash` ends with a `0xff` byte; fold it in cheaply rather than
    /// through a second `write`.
    fn write_u8(&mut self, i: u8) {
        self.0 = self.0.rotate_left(8) ^ u64::from(i);
    }

    fn write(&mut self, bytes: &[u8]) {
        // A few words, not every byte: the length, the first and last eight
        // bytes and the eight in the middle, each folded in with a
        // full-width multiply. Names that share a prefix (`triton.…`)
        // differ in one of these words but for rare pairs, which cost the
        // table one more comparison, not a wrong answer.
        let n = bytes.len();
        let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
        let (first, last, middle) = if n >= 8 {
            let mid = if n > 16 { word(n / 2 - 4) } else { 0 };
            (word(0), word(n - 8), mid)
        } else {
            let w = bytes.iter().fold(0u64, |w, &b| (w << 8) | u64::from(b));
            (w, 0, 0)
        };
        let mut h = self.0 ^ (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        for w in [first, last, middle] {
            h = (h ^ w).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            h ^= h >> 29;
        }
        self.0 = h;
    }
}

impl Meta {
    pub(crate) fn fields(&self) -> &[FieldMeta] {
        &self.fields
    }

    pub(crate) fn aliases(&self) -> &[AliasMeta] {
        &self.aliases
    }

    /// The index of the field called `name`, if there is one (not an
    /// alias): the fast path of resolving a diff's names.
    #[inline]
    pub(crate) fn field_named(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// The index of the field called `name`, or of the target of the alias
    /// called `name`.
    #[inline]
    pub(crate) fn index_of(&self, name: &str, config: &'static str) -> Result<usize, ConfigError> {
        // Field names first: the fuzzer resolves every name of a diff here.
        if let Some(&i) = self.by_name.get(name) {
            return Ok(i);
        }
        self.lookup(name, config).map(|n| match n {
            Named::Field(i) => i,
            Named::Alias(a) => a.target_index(),
        })
    }

    /// The field or alias called `name`.
    pub(crate) fn lookup(
        &self,
        name: &str,
        config: &'static str,
    ) -> Result<Named<'_>, ConfigError> {
        if let Some(&i) = self.by_name.get(name) {
            return Ok(Named::Field(i));
        }
        if let Some(a) = self.aliases.iter().find(|a| a.name() == name) {
            return Ok(Named::Alias(a));
        }
        Err(ConfigError::UnknownField {
            config,
            name: name.to_string(),
            suggestion: crate::error::closest(
                name,
                self.fields
                    .iter()
                    .map(FieldMeta::name)
                    .chain(self.aliases.iter().map(AliasMeta::name)),
            ),
        })
    }

    /// The deprecations a by-name use of `named` reports: the alias's own,
    /// then its target's (PyTorch's DEP-167/168), or the field's.
    pub(crate) fn deprecations(&self, named: Named<'_>) -> Vec<Deprecation> {
        let mut out = Vec::new();
        let i = match named {
            Named::Field(i) => i,
            Named::Alias(a) => {
                if a.deprecated {
                    out.push(Deprecation {
                        field: a.name().to_string(),
                        note: a.deprecation_note,
                    });
                }
                a.target_index()
            }
        };
        let f = &self.fields[i];
        if f.deprecated {
            out.push(Deprecation {
                field: f.name().to_string(),
                note: f.deprecation_note,
            });
        }
        out
    }
}

/// Some fields of a config, with their values held in a full instance.
#[derive(Clone, Debug)]
pub(crate) struct Overlay<C> {
    pub(crate) values: C,
    pub(crate) fields: Vec<u32>,
}

impl<C: FuzzableConfig> Overlay<C> {
    fn new(values: C) -> Self {
        Overlay {
            values,
            fields: Vec::new(),
        }
    }

    pub(crate) fn apply_to(&self, target: &mut C) {
        for &i in &self.fields {
            target.__copy_field(&self.values, i as usize);
        }
    }

    pub(crate) fn contains(&self, i: usize) -> bool {
        self.fields.binary_search(&(i as u32)).is_ok()
    }

    fn take_field(&mut self, src: &C, i: usize) {
        self.values.__copy_field(src, i);
        if let Err(pos) = self.fields.binary_search(&(i as u32)) {
            self.fields.insert(pos, i as u32);
        }
    }

    /// Drops field `i`, its value back to `declared`'s.
    fn drop_field(&mut self, declared: &C, i: usize) {
        if let Ok(pos) = self.fields.binary_search(&(i as u32)) {
            self.fields.remove(pos);
            self.values.__copy_field(declared, i);
        }
    }
}

/// What the registry publishes to threads: its generation, the base config
/// made at that generation, and the env-forced fields.
#[derive(Debug)]
pub(crate) struct Published<C: 'static> {
    pub(crate) gen: u64,
    /// Stored values: what patch layers lie over.
    pub(crate) base: Arc<C>,
    /// `base` with its implications applied: what a thread with no patch
    /// reads (the same `Arc` as `base` for a config without implications).
    pub(crate) effective: Arc<C>,
    pub(crate) force: Arc<Overlay<C>>,
    /// The registry's initial config, when `base` is that config (nothing
    /// `set`, env not reloaded): threads with no patch read it through a
    /// plain `&'static`, with no borrow to count.
    pub(crate) pinned: Option<&'static C>,
}

impl<C> Clone for Published<C> {
    fn clone(&self) -> Self {
        Published {
            gen: self.gen,
            base: Arc::clone(&self.base),
            effective: Arc::clone(&self.effective),
            force: Arc::clone(&self.force),
            pinned: self.pinned,
        }
    }
}

#[derive(Debug)]
struct Inner<C: 'static> {
    /// Defaults from the knob provider, below everything but the declared
    /// defaults.
    knob: Overlay<C>,
    env_default: Overlay<C>,
    force: Arc<Overlay<C>>,
    set: Overlay<C>,
    /// declared ← knobs ← env defaults ← `set` overrides ← env force.
    base: Arc<C>,
    /// `base` with implications applied, checked by the validators.
    effective: Arc<C>,
    /// Whether `reload_env` ever ran, or the knobs were asked again: then
    /// `base` is never `initial`.
    env_reloaded: bool,
}

/// The per-type process-wide state. One static of this type is emitted by
/// the derive for each config.
#[doc(hidden)]
#[derive(Debug)]
pub struct Registry<C: 'static> {
    /// The generation of the published base: starts at 1, and every
    /// process-wide write bumps it while holding `inner`'s lock. Threads
    /// compare it on each read; 0 is never a registry generation.
    pub(crate) gen: AtomicU64,
    /// Held across every process-wide write, closure included, so that
    /// writes are serializable. Readers never take it; it is reentrant so
    /// that a `set` closure may itself write.
    writer: ReentrantMutex<()>,
    inner: Mutex<Option<Inner<C>>>,
    meta: OnceLock<Meta>,
    declared: OnceLock<C>,
    /// The first effective base config (declared defaults and env at first
    /// use, implications applied).
    initial: OnceLock<C>,
}

impl<C: 'static> Registry<C> {
    /// An empty registry; everything is built on first use.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        Registry {
            gen: AtomicU64::new(1),
            writer: parking_lot::const_reentrant_mutex(()),
            inner: Mutex::new(None),
            meta: OnceLock::new(),
            declared: OnceLock::new(),
            initial: OnceLock::new(),
        }
    }
}

impl<C: FuzzableConfig> Registry<C> {
    pub(crate) fn meta(&self) -> &Meta {
        self.meta.get_or_init(|| {
            let mut fields = build_fields(C::__specs(), C::__env_prefix());
            let by_name: HashMap<String, usize, BuildHasherDefault<NameHasher>> = fields
                .iter()
                .map(|f| (f.name().to_string(), f.index()))
                .collect();
            let mut aliases = C::__aliases();
            crate::alias::resolve(
                C::__NAME,
                &mut aliases,
                |n| by_name.get(n).copied(),
                |n| {
                    fields.iter().any(|f| {
                        f.name()
                            .strip_prefix(n)
                            .is_some_and(|rest| rest.starts_with('.'))
                    })
                },
            );
            // An env var named after an alias feeds its target, after the
            // target's own names.
            for a in &aliases {
                fields[a.target_index()].env.extend(a.env.iter().cloned());
            }
            Meta {
                fields,
                by_name,
                aliases,
            }
        })
    }

    pub(crate) fn declared(&self) -> &C {
        self.declared.get_or_init(C::__declared_defaults)
    }

    fn lock(&self) -> MutexGuard<'_, Option<Inner<C>>> {
        // A panic while holding the lock cannot leave `Inner` half-updated:
        // every update builds new values first and assigns them last.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock_init(&self) -> MutexGuard<'_, Option<Inner<C>>> {
        let guard = self.lock();
        if guard.is_some() {
            return guard;
        }
        drop(guard);
        // The knob provider is the user's code: it is asked with no lock
        // held. A provider that reads this config would come back here.
        let knob = {
            let _asking = AskingProvider::enter(C::__NAME);
            self.read_knobs()
        };
        let mut guard = self.lock();
        if guard.is_none() {
            // Env is read without the state lock, so that the warning handler
            // (called for deprecated fields an env var sets) may read this
            // config: a read from it initializes the registry itself, and
            // the outer call then finds it initialized.
            drop(guard);
            let (env_default, force, warnings) = match self.read_env() {
                Ok(env) => env,
                // The one panic the API allows: a first use that meets an
                // invalid env var. `reload_env()` returns the same as an error.
                Err(e) => panic!("{e}"),
            };
            warn_all::<C>(&warnings);
            // Knob warnings too, before the state lock is taken again: the
            // handler may read or write this config.
            let (knob, errors, generation) = knob;
            self.warn_knobs(&errors, generation);
            guard = self.lock();
            if guard.is_some() {
                return guard;
            }
            if self.meta().fields().iter().any(|f| f.knob().is_some()) {
                crate::knob::register(refresh_knobs::<C>);
            }
            let set = Overlay::new(self.declared().clone());
            let base = Arc::new(self.build_base(&knob, &env_default, &force, &set));
            // The same panic for declared defaults and env values that break
            // an implication or a validator.
            let effective = match self.effective_of(&base) {
                Ok(e) => e,
                Err(e) => panic!("{e}"),
            };
            self.initial.get_or_init(|| (*effective).clone());
            *guard = Some(Inner {
                knob,
                env_default,
                force: Arc::new(force),
                set,
                base,
                effective,
                env_reloaded: false,
            });
        }
        guard
    }

    /// The current base config, its generation and the env force.
    pub(crate) fn published(&'static self) -> Published<C> {
        let guard = self.lock_init();
        let inner = guard.as_ref().expect("initialized by lock_init");
        Published {
            // Bumped only under this lock: it is `base`'s generation.
            gen: self.gen.load(Ordering::Acquire),
            base: Arc::clone(&inner.base),
            effective: Arc::clone(&inner.effective),
            force: Arc::clone(&inner.force),
            pinned: self
                .initial
                .get()
                .filter(|_| !inner.env_reloaded && inner.set.fields.is_empty()),
        }
    }

    /// The effective base config: what a `set` closure sees.
    fn base(&self) -> Arc<C> {
        Arc::clone(&self.lock_init().as_ref().expect("initialized").effective)
    }

    /// `base` with its implications applied and its validators passed; the
    /// same `Arc` for a config with neither.
    fn effective_of(&self, base: &Arc<C>) -> Result<Arc<C>, ConfigError> {
        if !crate::constraint::constrained::<C>() {
            return Ok(Arc::clone(base));
        }
        crate::constraint::effective(&**base).map(Arc::new)
    }

    /// Replaces parts of `Inner` and publishes the new base; `update` runs
    /// with the state lock held and must not call back into the registry.
    /// (Each update builds its new values first and assigns them last, so a
    /// panic cannot leave `Inner` half-updated.) If the new base breaks an
    /// implication or a validator, nothing changes and that is the error.
    fn publish(&self, update: impl FnOnce(&mut Inner<C>)) -> Result<(), ConfigError> {
        let mut guard = self.lock_init();
        let inner = guard.as_mut().expect("initialized by lock_init");
        let saved = crate::constraint::constrained::<C>().then(|| {
            (
                inner.knob.clone(),
                inner.env_default.clone(),
                Arc::clone(&inner.force),
                inner.set.clone(),
                inner.env_reloaded,
            )
        });
        update(inner);
        let base =
            Arc::new(self.build_base(&inner.knob, &inner.env_default, &inner.force, &inner.set));
        match self.effective_of(&base) {
            Ok(effective) => {
                inner.base = base;
                inner.effective = effective;
                self.gen.fetch_add(1, Ordering::Release);
                Ok(())
            }
            Err(e) => {
                let (knob, env_default, force, set, env_reloaded) =
                    saved.expect("only a constrained config fails its check");
                inner.knob = knob;
                inner.env_default = env_default;
                inner.force = force;
                inner.set = set;
                inner.env_reloaded = env_reloaded;
                Err(e)
            }
        }
    }

    /// The declared defaults with env-forced fields at their forced values:
    /// the starting point of every fuzzer run.
    pub(crate) fn declared_with_force(&self) -> C {
        let mut c = self.declared().clone();
        let force = Arc::clone(&self.lock_init().as_ref().expect("initialized").force);
        force.apply_to(&mut c);
        c
    }

    fn build_base(
        &self,
        knob: &Overlay<C>,
        env_default: &Overlay<C>,
        force: &Overlay<C>,
        set: &Overlay<C>,
    ) -> C {
        let mut c = self.declared().clone();
        knob.apply_to(&mut c);
        env_default.apply_to(&mut c);
        set.apply_to(&mut c);
        force.apply_to(&mut c);
        c
    }

    /// Reads every field's env vars: (env defaults, env force, the
    /// deprecated fields and aliases an env var was read for).
    #[allow(clippy::type_complexity)]
    fn read_env(&self) -> Result<(Overlay<C>, Overlay<C>, Vec<Deprecation>), ConfigError> {
        let meta = self.meta();
        let mut default = Overlay::new(self.declared().clone());
        let mut force = Overlay::new(self.declared().clone());
        let mut warnings = Vec::new();
        for f in meta.fields() {
            for (names, target) in [(&f.env, &mut default), (&f.env_force, &mut force)] {
                let Some((var, text)) = first_set(names, f.name())? else {
                    continue;
                };
                let named = match meta.aliases().iter().find(|a| a.env.contains(&var)) {
                    Some(a) => Named::Alias(a),
                    None => Named::Field(f.index()),
                };
                warnings.extend(meta.deprecations(named));
                let bad = |expected: String| ConfigError::BadEnv {
                    var: var.clone(),
                    value: text.clone(),
                    field: f.name().to_string(),
                    expected,
                };
                let value = f.parse_env(&text).map_err(bad)?;
                target
                    .values
                    .__set_index(f.index(), &value)
                    .map_err(|e| bad(e.to_string()))?;
                target.fields.push(f.index() as u32);
            }
        }
        Ok((default, force, warnings))
    }

    /// Asks the knob provider for every knob field: the overlay of the
    /// answers that fit their field, the errors of those that do not, and
    /// the provider's generation.
    fn read_knobs(&self) -> (Overlay<C>, Vec<ConfigError>, u64) {
        let mut out = Overlay::new(self.declared().clone());
        let (provider, generation) = crate::knob::provider();
        let mut errors = Vec::new();
        let Some(provider) = provider else {
            return (out, errors, generation);
        };
        for f in self.meta().fields() {
            let Some(knob) = f.knob() else { continue };
            let Some(value) = provider.knob(knob, f.default_ref()) else {
                continue;
            };
            match out.values.__set_index(f.index(), &value) {
                Ok(()) => out.fields.push(f.index() as u32),
                Err(_) => errors.push(ConfigError::BadKnob {
                    knob: knob.to_string(),
                    field: f.name().to_string(),
                    expected: f.type_name().to_string(),
                    found: format!("{} {}", value.kind(), crate::error::preview_value(&value)),
                }),
            }
        }
        // A failed `__set_index` may have changed part of a value: start
        // the bad fields over from their declared defaults.
        for e in &errors {
            if let ConfigError::BadKnob { field, .. } = e {
                let i = self
                    .meta()
                    .index_of(field, C::__NAME)
                    .expect("a field of C");
                out.values.__copy_field(self.declared(), i);
            }
        }
        (out, errors, generation)
    }

    fn warn_knobs(&self, errors: &[ConfigError], generation: u64) {
        for e in errors {
            if let ConfigError::BadKnob { field, .. } = e {
                crate::knob::warn_once(C::__NAME, field, generation, &e.to_string());
            }
        }
    }

    /// Asks the knob provider again and publishes the answers; a config not
    /// built yet asks on first use.
    pub(crate) fn refresh_knobs(&self) {
        let _w = self.writer.lock();
        if self.lock().is_none() {
            return;
        }
        let (knob, errors, generation) = self.read_knobs();
        self.warn_knobs(&errors, generation);
        let published = self.publish(|inner| {
            inner.knob = knob;
            inner.env_reloaded = true;
        });
        // No caller to return it to: the provider's answers would break an
        // implication or a validator, so they are not applied, and said so.
        if let Err(e) = published {
            crate::knob::warn_once(
                C::__NAME,
                "",
                generation,
                &format!("the knob provider's answers were not applied: {e}"),
            );
        }
    }

    pub(crate) fn reload_env(&self) -> Result<(), ConfigError> {
        let _w = self.writer.lock();
        let (env_default, force, warnings) = self.read_env()?;
        let (knob, errors, _) = self.read_knobs();
        if let Some(e) = errors.into_iter().next() {
            return Err(e);
        }
        self.publish(|inner| {
            inner.knob = knob;
            inner.env_default = env_default;
            inner.force = Arc::new(force);
            inner.env_reloaded = true;
        })?;
        warn_all::<C>(&warnings);
        Ok(())
    }

    /// `set`: runs `f` on a copy of the base config and records as
    /// process-wide overrides the fields it changed. The writer lock is held
    /// throughout, so no other write comes between the copy and the record.
    /// A change that breaks an implication or a validator is not applied,
    /// and is returned.
    pub(crate) fn set_with(&self, f: impl FnOnce(&mut C)) -> Result<(), ConfigError> {
        let _w = self.writer.lock();
        let base = self.base();
        let mut c = (*base).clone();
        // No state lock is held: the closure may read the config.
        f(&mut c);
        let changed = (0..C::__field_count()).filter(|&i| !c.__field_eq(&base, i));
        self.set_fields(&c, changed)
    }

    /// `set_values`: checks `(name, value)` pairs against the base config and
    /// records every field named, or nothing on an error.
    pub(crate) fn set_named<N, I>(&self, values: I) -> Result<(), ConfigError>
    where
        N: AsRef<str>,
        I: IntoIterator<Item = (N, Value)>,
    {
        let _w = self.writer.lock();
        let base = self.base();
        let (c, touched) = self.apply_named(&base, values)?;
        self.set_fields(&c, touched)
    }

    /// Records as process-wide overrides the given fields of `values`; on
    /// an implication conflict or a validator's rejection, nothing.
    pub(crate) fn set_fields(
        &self,
        values: &C,
        fields: impl IntoIterator<Item = usize>,
    ) -> Result<(), ConfigError> {
        let _w = self.writer.lock();
        self.publish(|inner| {
            let mut set = inner.set.clone();
            for i in fields {
                set.take_field(values, i);
            }
            inner.set = set;
        })
    }

    /// Drops the process-wide override of field `i`, if it has one. Declared
    /// defaults and env values that break an implication or a validator
    /// without it are the error.
    pub(crate) fn unset(&self, i: usize) -> Result<(), ConfigError> {
        let _w = self.writer.lock();
        if !self
            .lock_init()
            .as_ref()
            .expect("initialized")
            .set
            .contains(i)
        {
            return Ok(());
        }
        self.publish(|inner| {
            let mut set = inner.set.clone();
            set.drop_field(self.declared(), i);
            inner.set = set;
        })
    }

    /// Drops the `set` overrides. Declared defaults and env values that
    /// break an implication or a validator without them are the error.
    pub(crate) fn reset(&self) -> Result<(), ConfigError> {
        let _w = self.writer.lock();
        self.publish(|inner| inner.set = Overlay::new(self.declared().clone()))
    }

    /// Checks `(name, value)` pairs against a copy of `start`: the updated
    /// copy and the touched field indices, or the first error.
    pub(crate) fn apply_named<N, I>(
        &self,
        start: &C,
        values: I,
    ) -> Result<(C, Vec<usize>), ConfigError>
    where
        N: AsRef<str>,
        I: IntoIterator<Item = (N, Value)>,
    {
        let meta = self.meta();
        let mut c = start.clone();
        let mut touched = Vec::new();
        // The name each field was given by, to reject an alias and its
        // target (or two aliases of one field) in one call.
        let mut given: Vec<(usize, String)> = Vec::new();
        let mut warnings = Vec::new();
        for (name, value) in values {
            let name = name.as_ref();
            let named = meta.lookup(name, C::__NAME)?;
            let i = match named {
                Named::Field(i) => i,
                Named::Alias(a) => a.target_index(),
            };
            if let Some((_, other)) = given.iter().find(|(j, n)| *j == i && n != name) {
                return Err(ConfigError::Invalid {
                    message: format!(
                        "`{other}` and `{name}` name the same field of `{}`, `{}` (one is an alias of it); give it once",
                        C::__NAME,
                        meta.fields()[i].name()
                    ),
                });
            }
            given.push((i, name.to_string()));
            warnings.extend(meta.deprecations(named));
            c.__set_index(i, &value).map_err(|e| e.for_field(name))?;
            touched.push(i);
        }
        warn_all::<C>(&warnings);
        Ok((c, touched))
    }
}

std::thread_local! {
    /// Whether this thread is asking the knob provider for a config being
    /// built.
    static IN_PROVIDER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Marks this thread as asking the knob provider while a config is built,
/// until dropped (also when unwinding).
struct AskingProvider(bool);

impl AskingProvider {
    /// # Panics
    ///
    /// If this thread is already asking: the provider read a config that
    /// is being built, which would otherwise recurse without end.
    fn enter(config: &str) -> Self {
        // During thread teardown the flag is gone; nothing can recurse then.
        let was = IN_PROVIDER
            .try_with(|busy| busy.replace(true))
            .unwrap_or(false);
        assert!(
            !was,
            "the knob provider read the config `{config}` while it was being built; a knob provider must not read config values"
        );
        AskingProvider(true)
    }
}

impl Drop for AskingProvider {
    fn drop(&mut self) {
        if self.0 {
            let _ = IN_PROVIDER.try_with(|busy| busy.set(false));
        }
    }
}

/// Re-reads `C`'s knobs (registered with the knob provider).
fn refresh_knobs<C: FuzzableConfig>() {
    C::__registry().refresh_knobs();
}

/// The field index `name` stands for in config `C` (an alias gives its
/// target), warning if the field or alias is deprecated: every user-facing
/// by-name call goes through here.
pub(crate) fn index_by_name<C: FuzzableConfig>(name: &str) -> Result<usize, ConfigError> {
    let meta = C::__registry().meta();
    let named = meta.lookup(name, C::__NAME)?;
    warn_all::<C>(&meta.deprecations(named));
    Ok(match named {
        Named::Field(i) => i,
        Named::Alias(a) => a.target_index(),
    })
}

/// Reports deprecations of config `C` (each once per process).
pub(crate) fn warn_all<C: FuzzableConfig>(warnings: &[Deprecation]) {
    for d in warnings {
        crate::warn::deprecated(std::any::TypeId::of::<C>(), C::__NAME, d);
    }
}

/// The first of `names` that is set: (name, text). `field` is the dotted
/// name of the field the variables feed, for the error.
fn first_set(names: &[String], field: &str) -> Result<Option<(String, String)>, ConfigError> {
    for name in names {
        match std::env::var(name) {
            Ok(text) => return Ok(Some((name.clone(), text))),
            Err(std::env::VarError::NotPresent) => {}
            Err(std::env::VarError::NotUnicode(raw)) => {
                return Err(ConfigError::BadEnv {
                    var: name.clone(),
                    value: raw.to_string_lossy().into_owned(),
                    field: field.to_string(),
                    expected: "valid UTF-8 text".into(),
                })
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_hash_alike_still_find_their_own_field() {
        // Same length, same first, middle and last eight bytes: the name
        // hasher gives them one hash, and the table must still tell them
        // apart by comparing the names.
        let alike = [
            "triton.AAAA_xx_0123456789_yy_BBBB.suffix",
            "triton.AAAA_xy_0123456789_yx_BBBB.suffix",
        ];
        let hash = |s: &str| {
            let mut h = NameHasher::default();
            std::hash::Hash::hash(s, &mut h);
            h.finish()
        };
        assert_eq!(hash(alike[0]), hash(alike[1]));
        let mut names: Vec<String> = alike.iter().map(|s| s.to_string()).collect();
        // Every length from 0 to 40, sharing prefixes.
        let long = "triton.cudagraph_trees_history_recording";
        names.extend((0..=long.len()).map(|n| long[..n].to_string()));
        let table: HashMap<String, usize, BuildHasherDefault<NameHasher>> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i))
            .collect();
        assert_eq!(table.len(), names.len());
        for (i, n) in names.iter().enumerate() {
            assert_eq!(table.get(n.as_str()), Some(&i), "{n:?}");
        }
        assert_eq!(table.get("triton.AAAA_yy_0123456789_xx_BBBB.suffix"), None);
    }
}
