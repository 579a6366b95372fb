//! The process-wide half of the singleton: declared defaults, env values,
//! `set` overrides, and the base config every thread starts from.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use crate::config::FuzzableConfig;
use crate::error::ConfigError;
use crate::field::{build_fields, FieldMeta};
use crate::value::Value;

/// Field metadata of one config type, built once.
#[derive(Debug)]
pub(crate) struct Meta {
    fields: Vec<FieldMeta>,
    by_name: HashMap<String, usize, BuildHasherDefault<NameHasher>>,
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
        // Eight bytes a step, each folded in with a full-width multiply, so
        // names that share long prefixes (`triton.…`) still spread out.
        let mut h = self.0 ^ (bytes.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
            h = (h ^ w).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            h ^= h >> 29;
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // The tail as one word: the last eight bytes (overlapping the
            // chunks) when there are that many, else the bytes one by one.
            // Either way no small stores feed a wide load.
            let tail = if bytes.len() >= 8 {
                u64::from_le_bytes(bytes[bytes.len() - 8..].try_into().expect("8 bytes"))
            } else {
                rest.iter().fold(0u64, |w, &b| (w << 8) | u64::from(b))
            };
            h = (h ^ tail).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            h ^= h >> 29;
        }
        self.0 = h;
    }
}

impl Meta {
    pub(crate) fn fields(&self) -> &[FieldMeta] {
        &self.fields
    }

    pub(crate) fn index_of(&self, name: &str, config: &'static str) -> Result<usize, ConfigError> {
        self.by_name
            .get(name)
            .copied()
            .ok_or_else(|| ConfigError::UnknownField {
                config,
                name: name.to_string(),
                suggestion: crate::error::closest(name, self.fields.iter().map(FieldMeta::name)),
            })
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
}

/// A config a thread reads: interned for the life of the process (readable
/// through a plain `&'static`), or an ordinary shared `Arc` (a patched
/// config, or a base past [`MAX_INTERNED`] distinct ones).
#[derive(Debug)]
pub(crate) enum Base<C: 'static> {
    Static(&'static Arc<C>),
    Shared(Arc<C>),
}

impl<C> Clone for Base<C> {
    fn clone(&self) -> Self {
        match self {
            Base::Static(b) => Base::Static(b),
            Base::Shared(a) => Base::Shared(Arc::clone(a)),
        }
    }
}

impl<C> Base<C> {
    pub(crate) fn arc(&self) -> &Arc<C> {
        match self {
            Base::Static(b) => b,
            Base::Shared(a) => a,
        }
    }

    pub(crate) fn into_arc(self) -> Arc<C> {
        match self {
            Base::Static(b) => Arc::clone(b),
            Base::Shared(a) => a,
        }
    }
}

impl<C> std::ops::Deref for Base<C> {
    type Target = C;
    fn deref(&self) -> &C {
        self.arc()
    }
}

/// How many distinct base configs are kept for the life of the process.
/// Past this (a program calling `set` with ever new values), bases are
/// ordinary `Arc`s and threads read them through the slower patched path,
/// so memory stays bounded.
pub(crate) const MAX_INTERNED: usize = 256;

/// What a thread needs to build its effective config.
#[derive(Debug)]
pub(crate) struct Snapshot<C: 'static> {
    pub(crate) gen: u64,
    pub(crate) base: Base<C>,
    pub(crate) force: Arc<Overlay<C>>,
}

#[derive(Debug)]
struct Inner<C: 'static> {
    env_default: Overlay<C>,
    force: Arc<Overlay<C>>,
    set: Overlay<C>,
    base: Base<C>,
    /// Distinct base configs so far, by a hash of every field. Bases live
    /// for the rest of the process, so that a thread with no patch can read
    /// one through a plain `&'static` kept in a thread-local: no lock, no
    /// reference count, no shared write. They change only on `set`, `reset`,
    /// `load_json` and `reload_env`; equal bases are shared, and at most
    /// [`MAX_INTERNED`] are kept.
    interned: HashMap<u128, Vec<&'static Arc<C>>>,
    interned_count: usize,
}

/// Equal field by field, with each field type's own `PartialEq` (not a
/// user's `PartialEq` for the whole struct, which may be approximate), and
/// values that are not equal to themselves (NaN) compared by their text.
fn same_config<C: FuzzableConfig>(a: &C, b: &C) -> bool {
    (0..C::__FIELD_COUNT)
        .all(|i| a.__field_eq(b, i) || a.__get_index(i).to_json() == b.__get_index(i).to_json())
}

/// A hash of every field's value, for finding equal bases.
fn identity_hash<C: FuzzableConfig>(c: &C) -> u128 {
    let mut text = String::new();
    for i in 0..C::__FIELD_COUNT {
        c.__get_index(i).write_json(&mut text);
        text.push('\n');
    }
    crate::persist::fnv128(text.as_bytes())
}

impl<C: FuzzableConfig> Inner<C> {
    fn intern(&mut self, c: C) -> Base<C> {
        let key = identity_hash(&c);
        let bucket = self.interned.entry(key).or_default();
        if let Some(found) = bucket.iter().find(|b| same_config(&****b, &c)) {
            return Base::Static(found);
        }
        if self.interned_count >= MAX_INTERNED {
            return Base::Shared(Arc::new(c));
        }
        let leaked: &'static Arc<C> = Box::leak(Box::new(Arc::new(c)));
        bucket.push(leaked);
        self.interned_count += 1;
        Base::Static(leaked)
    }

    fn rebuild(&mut self, registry: &Registry<C>) {
        let c = registry.build_base(&self.env_default, &self.force, &self.set);
        self.base = self.intern(c);
    }
}

/// The per-type process-wide state. One static of this type is emitted by
/// the derive for each config.
#[doc(hidden)]
#[derive(Debug)]
pub struct Registry<C: 'static> {
    /// Bumped on every process-wide change; threads compare it on each read.
    pub(crate) gen: AtomicU64,
    inner: Mutex<Option<Inner<C>>>,
    meta: OnceLock<Meta>,
    declared: OnceLock<C>,
}

impl<C: 'static> Registry<C> {
    /// An empty registry; everything is built on first use.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        Registry {
            gen: AtomicU64::new(0),
            inner: Mutex::new(None),
            meta: OnceLock::new(),
            declared: OnceLock::new(),
        }
    }
}

impl<C: FuzzableConfig> Registry<C> {
    pub(crate) fn meta(&self) -> &Meta {
        self.meta.get_or_init(|| {
            let fields = build_fields(C::__specs(), C::__env_prefix());
            let by_name = fields
                .iter()
                .map(|f| (f.name().to_string(), f.index()))
                .collect();
            Meta { fields, by_name }
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
        let mut guard = self.lock();
        if guard.is_none() {
            let (env_default, force) = match self.read_env() {
                Ok(env) => env,
                // The one panic the API allows: a first use that meets an
                // invalid env var. `reload_env()` returns the same as an error.
                Err(e) => panic!("{e}"),
            };
            let set = Overlay::new(self.declared().clone());
            let first = self.build_base(&env_default, &force, &set);
            let mut inner = Inner {
                env_default,
                force: Arc::new(force),
                set,
                base: Base::Shared(Arc::new(self.declared().clone())),
                interned: HashMap::new(),
                interned_count: 0,
            };
            inner.base = inner.intern(first);
            *guard = Some(inner);
            self.gen.fetch_add(1, Ordering::Release);
        }
        guard
    }

    pub(crate) fn snapshot(&self) -> Snapshot<C> {
        let guard = self.lock_init();
        let inner = guard.as_ref().expect("initialized by lock_init");
        Snapshot {
            gen: self.gen.load(Ordering::Acquire),
            base: inner.base.clone(),
            force: Arc::clone(&inner.force),
        }
    }

    /// The declared defaults with env-forced fields at their forced values:
    /// the starting point of every fuzzer run.
    pub(crate) fn declared_with_force(&self) -> C {
        let mut c = self.declared().clone();
        self.snapshot().force.apply_to(&mut c);
        c
    }

    fn build_base(&self, env_default: &Overlay<C>, force: &Overlay<C>, set: &Overlay<C>) -> C {
        let mut c = self.declared().clone();
        env_default.apply_to(&mut c);
        set.apply_to(&mut c);
        force.apply_to(&mut c);
        c
    }

    /// Reads every field's env vars: (env defaults, env force).
    fn read_env(&self) -> Result<(Overlay<C>, Overlay<C>), ConfigError> {
        let mut default = Overlay::new(self.declared().clone());
        let mut force = Overlay::new(self.declared().clone());
        for f in self.meta().fields() {
            for (names, target) in [(&f.env, &mut default), (&f.env_force, &mut force)] {
                let Some((var, text)) = first_set(names, f.name())? else {
                    continue;
                };
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
        Ok((default, force))
    }

    pub(crate) fn reload_env(&self) -> Result<(), ConfigError> {
        let (env_default, force) = self.read_env()?;
        let mut guard = self.lock_init();
        let inner = guard.as_mut().expect("initialized by lock_init");
        inner.env_default = env_default;
        inner.force = Arc::new(force);
        inner.rebuild(self);
        self.gen.fetch_add(1, Ordering::Release);
        Ok(())
    }

    /// Records as process-wide overrides the given fields of `values`.
    pub(crate) fn set_fields(&self, values: &C, fields: impl IntoIterator<Item = usize>) {
        let mut guard = self.lock_init();
        let inner = guard.as_mut().expect("initialized by lock_init");
        let mut set = inner.set.clone();
        for i in fields {
            set.take_field(values, i);
        }
        inner.set = set;
        inner.rebuild(self);
        self.gen.fetch_add(1, Ordering::Release);
    }

    pub(crate) fn reset(&self) {
        let mut guard = self.lock_init();
        let inner = guard.as_mut().expect("initialized by lock_init");
        inner.set = Overlay::new(self.declared().clone());
        inner.rebuild(self);
        self.gen.fetch_add(1, Ordering::Release);
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
        for (name, value) in values {
            let name = name.as_ref();
            let i = meta.index_of(name, C::__NAME)?;
            c.__set_index(i, &value).map_err(|e| e.for_field(name))?;
            touched.push(i);
        }
        Ok((c, touched))
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
