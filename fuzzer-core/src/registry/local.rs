//! The thread-local half of the singleton: this thread's patch layers and
//! its cached effective config.
//!
//! Two thread-locals per config type:
//!
//! - [`Fast`]: two `Cell`s, no destructor. While this thread has no patch it
//!   holds the registry generation and a `&'static` to the process-wide base
//!   config, so a read is a thread-local load, one atomic load, a compare,
//!   and the field access.
//! - [`Local`]: the patch layers and the effective config while any patch is
//!   active (behind a `RefCell`, since patching may happen inside a read).

use std::cell::{Cell, RefCell};
use std::marker::PhantomData;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::global::{Base, Overlay, Snapshot};
use crate::config::FuzzableConfig;

/// `gen` value meaning "rebuild before use".
const STALE: u64 = u64::MAX;

/// The read fast path of one thread: valid when `gen` equals the registry's.
#[doc(hidden)]
#[derive(Debug)]
pub struct Fast<C: 'static> {
    gen: Cell<u64>,
    /// The base config, when this thread has no patch.
    base: Cell<Option<&'static C>>,
}

impl<C: FuzzableConfig> Fast<C> {
    /// The base config, if this thread has no patch and nothing changed.
    #[inline(always)]
    pub(crate) fn base_if_fresh(&self, reg: &super::Registry<C>) -> Option<&'static C> {
        if self.gen.get() == reg.gen.load(Ordering::Acquire) {
            self.base.get()
        } else {
            None
        }
    }
}

impl<C: 'static> Fast<C> {
    /// Empty: the first read takes the slow path.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        Fast {
            gen: Cell::new(STALE),
            base: Cell::new(None),
        }
    }
}

/// Which fields a patch layer overrides.
#[derive(Debug)]
enum Fields {
    /// Every field (`install`).
    All,
    /// These, by index.
    Some(Vec<u32>),
}

#[derive(Debug)]
struct Layer<C> {
    id: u64,
    fields: Fields,
    /// The effective config with this layer and those below applied.
    applied: Arc<C>,
    /// Identifies `applied` for the scratch buffer.
    version: u64,
}

#[derive(Debug)]
struct State<C: 'static> {
    snapshot: Option<Snapshot<C>>,
    base_version: u64,
    layers: Vec<Layer<C>>,
    /// A private copy of the effective config with version `scratch_version`,
    /// reused by the next `patch` so that enter+exit allocates nothing.
    scratch: Option<Arc<C>>,
    scratch_version: u64,
    next_version: u64,
    next_id: u64,
    spare: Vec<Vec<u32>>,
}

/// The per-type thread-local patch state. One `thread_local!` of this type
/// is emitted by the derive for each config.
#[doc(hidden)]
#[derive(Debug)]
pub struct Local<C: 'static> {
    /// The registry generation the layers were built under, or `STALE`.
    gen: Cell<u64>,
    /// The top layer's config while any patch is active.
    cached: RefCell<Option<Arc<C>>>,
    state: RefCell<State<C>>,
    /// Whether this thread's [`Snapshot`](super::Snapshot) capture list
    /// knows this type yet (done on the first layer pushed).
    registered: Cell<bool>,
}

impl<C: 'static> Local<C> {
    /// Empty state; built on first use.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        Local {
            gen: Cell::new(STALE),
            cached: RefCell::new(None),
            state: RefCell::new(State {
                snapshot: None,
                base_version: 0,
                layers: Vec::new(),
                scratch: None,
                scratch_version: u64::MAX,
                next_version: 0,
                next_id: 0,
                spare: Vec::new(),
            }),
            registered: Cell::new(false),
        }
    }
}

impl<C: FuzzableConfig> State<C> {
    fn new_version(&mut self) -> u64 {
        self.next_version += 1;
        self.next_version
    }

    fn snapshot(&self) -> &Snapshot<C> {
        self.snapshot.as_ref().expect("refreshed before use")
    }

    /// The effective config and its version, from the layers.
    fn top(&self) -> (Base<C>, u64) {
        match self.layers.last() {
            Some(l) => (Base::Shared(Arc::clone(&l.applied)), l.version),
            None => (self.base(), self.base_version),
        }
    }

    /// The version of the effective config, without touching its `Arc`.
    fn top_version(&self) -> u64 {
        self.layers.last().map_or(self.base_version, |l| l.version)
    }

    /// The process-wide base; a non-interned base is read like a patched
    /// config (through `cached`).
    fn base(&self) -> Base<C> {
        self.snapshot().base.clone()
    }

    fn force(&self) -> &Overlay<C> {
        &self.snapshot().force
    }

    /// Rebuilds every layer on a fresh process-wide snapshot.
    fn rebuild(&mut self, snapshot: Snapshot<C>) -> Base<C> {
        self.base_version = self.new_version();
        self.snapshot = Some(snapshot);
        let mut prev = self.base();
        let mut layers = std::mem::take(&mut self.layers);
        for layer in &mut layers {
            let mut c = match &layer.fields {
                Fields::All => (*layer.applied).clone(),
                Fields::Some(fields) => {
                    let mut c = (*prev).clone();
                    for &i in fields {
                        c.__copy_field(&layer.applied, i as usize);
                    }
                    c
                }
            };
            self.force().apply_to(&mut c);
            layer.applied = Arc::new(c);
            layer.version = self.new_version();
            prev = Base::Shared(Arc::clone(&layer.applied));
        }
        self.layers = layers;
        self.scratch = None;
        prev
    }
}

/// Points this thread's fast path at `base` (no patch active), or turns it
/// off (`None`).
fn set_fast<C: FuzzableConfig>(gen: u64, base: Option<&'static C>) {
    // `Fast` has no destructor, so it is always accessible.
    C::__fast().with(|f| {
        f.base.set(base);
        f.gen.set(gen);
    });
}

impl<C: FuzzableConfig> Local<C> {
    /// The effective config, rebuilt if the registry or the layers changed.
    fn effective(&self) -> Base<C> {
        let reg = C::__registry();
        if self.gen.get() == reg.gen.load(Ordering::Acquire) {
            if let Ok(st) = self.state.try_borrow() {
                return st.top().0;
            }
        }
        let snapshot = reg.snapshot();
        let gen = snapshot.gen;
        let mut st = self.state.borrow_mut();
        let top = st.rebuild(snapshot);
        drop(st);
        self.publish(gen, &top);
        top
    }

    /// Makes `top` what reads see: through `cached` while a patch is active,
    /// through the fast path otherwise. If a read on this thread is borrowing
    /// `cached`, marks everything stale instead, to rebuild on the next read.
    /// Returns the config `cached` held before.
    fn publish(&self, gen: u64, top: &Base<C>) -> Option<Arc<C>> {
        let Ok(mut cached) = self.cached.try_borrow_mut() else {
            self.gen.set(STALE);
            set_fast::<C>(STALE, None);
            return None;
        };
        let old = match top {
            Base::Shared(a) => cached.replace(Arc::clone(a)),
            Base::Static(_) => cached.take(),
        };
        self.gen.set(gen);
        match top {
            Base::Static(b) => set_fast::<C>(gen, Some(&***b)),
            Base::Shared(_) => set_fast::<C>(gen, None),
        }
        old
    }

    pub(crate) fn read<R>(&self, f: impl FnOnce(&C) -> R) -> R {
        if self.gen.get() == C::__registry().gen.load(Ordering::Acquire) {
            if let Ok(cached) = self.cached.try_borrow() {
                if let Some(c) = cached.as_ref() {
                    return f(c);
                }
            }
        }
        let c = self.effective();
        f(&c)
    }

    pub(crate) fn current(&self) -> Arc<C> {
        self.effective().into_arc()
    }

    /// Where a new layer's config was copied from: the registry generation
    /// and the version of the effective config at that moment.
    fn basis(&self) -> (u64, u64) {
        (self.gen.get(), self.state.borrow().top_version())
    }

    /// Pushes a layer whose values are `new` (a private `Arc`) for `fields`;
    /// returns the layer id. `basis` says what `new` was copied from: if the
    /// process-wide config or this thread's layers changed since (a `set` on
    /// another thread, a patch made inside the patch closure), `new` holds
    /// stale values outside `fields`, so it is not published; the next read
    /// rebuilds from each layer's own fields.
    fn push(&self, new: Arc<C>, fields: Fields, basis: (u64, u64)) -> u64 {
        if !self.registered.get() {
            self.registered.set(super::snapshot::register::<C>());
        }
        let mut st = self.state.borrow_mut();
        let current = (self.gen.get(), st.top_version());
        let fresh = current == basis && basis.0 == C::__registry().gen.load(Ordering::Acquire);
        st.next_id += 1;
        let id = st.next_id;
        let version = st.new_version();
        st.layers.push(Layer {
            id,
            fields,
            applied: Arc::clone(&new),
            version,
        });
        drop(st);
        if fresh {
            // The old cached config is still referenced by the layer below;
            // dropping this handle frees nothing.
            drop(self.publish(basis.0, &Base::Shared(new)));
        } else {
            self.gen.set(STALE);
            set_fast::<C>(STALE, None);
        }
        id
    }

    /// A private copy of `cur` (the effective config, of version
    /// `cur_version`): the scratch buffer if it holds that version, else a
    /// new clone.
    fn scratch_copy(&self, cur: &C, cur_version: u64) -> Arc<C> {
        let mut st = self.state.borrow_mut();
        match st.scratch.take() {
            Some(s) if st.scratch_version == cur_version => s,
            _ => Arc::new(cur.clone()),
        }
    }

    pub(crate) fn patch(&self, f: impl FnOnce(&mut C)) -> u64 {
        let cur = self.effective();
        let basis = self.basis();
        let mut scratch = self.scratch_copy(&cur, basis.1);
        let work = Arc::get_mut(&mut scratch).expect("the scratch config is never shared");
        // No borrow is held here: the closure may read or patch.
        f(work);
        let mut fields = self.state.borrow_mut().spare.pop().unwrap_or_default();
        fields.clear();
        work.__diff(&cur, 0, &mut fields);
        {
            let st = self.state.borrow();
            let force = st.force();
            if !force.fields.is_empty() {
                // Env force beats patches.
                fields.retain(|&i| {
                    let forced = force.contains(i as usize);
                    if forced {
                        work.__copy_field(&cur, i as usize);
                    }
                    !forced
                });
            }
        }
        self.push(scratch, Fields::Some(fields), basis)
    }

    /// `patch` by name: `values` are checked against a copy of the
    /// effective config before anything is applied.
    pub(crate) fn patch_values<N, I>(&self, values: I) -> Result<u64, crate::error::ConfigError>
    where
        N: AsRef<str>,
        I: IntoIterator<Item = (N, crate::value::Value)>,
    {
        let cur = self.effective();
        let basis = self.basis();
        let (mut new, touched) = C::__registry().apply_named(&cur, values)?;
        let fields = {
            let st = self.state.borrow();
            let force = st.force();
            force.apply_to(&mut new);
            touched
                .into_iter()
                .filter(|&i| !force.contains(i))
                .map(|i| i as u32)
                .collect()
        };
        Ok(self.push(Arc::new(new), Fields::Some(fields), basis))
    }

    pub(crate) fn install(&self, snapshot: Arc<C>) -> u64 {
        // Make sure the process-wide snapshot (and env force) is loaded.
        let _ = self.effective();
        let basis = self.basis();
        let forced_already = {
            let st = self.state.borrow();
            let force = st.force();
            force
                .fields
                .iter()
                .all(|&i| snapshot.__field_eq(&force.values, i as usize))
        };
        let applied = if forced_already {
            snapshot
        } else {
            let mut c = (*snapshot).clone();
            self.state.borrow().force().apply_to(&mut c);
            Arc::new(c)
        };
        self.push(applied, Fields::All, basis)
    }

    /// What this thread's layers override, for a [`Snapshot`](super::Snapshot):
    /// the effective config and the union of the fields the layers override
    /// (`None`: every field, when some layer is an `install`). `None` when no
    /// layer overrides anything.
    pub(crate) fn capture(&self) -> Option<(Arc<C>, Option<Vec<u32>>)> {
        if self.state.borrow().layers.is_empty() {
            return None;
        }
        let top = self.effective().into_arc();
        let st = self.state.borrow();
        let mut union = Vec::new();
        for layer in &st.layers {
            match &layer.fields {
                Fields::All => return Some((top, None)),
                Fields::Some(fields) => union.extend_from_slice(fields),
            }
        }
        if union.is_empty() {
            return None;
        }
        union.sort_unstable();
        union.dedup();
        Some((top, Some(union)))
    }

    /// Pushes one layer carrying a captured config: `fields` of `captured`
    /// (every field, if `None`, as `install` does) over the effective config.
    /// Env-forced fields keep their forced values.
    pub(crate) fn enter_captured(&self, captured: &Arc<C>, fields: Option<&[u32]>) -> u64 {
        let Some(fields) = fields else {
            return self.install(Arc::clone(captured));
        };
        let cur = self.effective();
        let basis = self.basis();
        let mut scratch = self.scratch_copy(&cur, basis.1);
        let work = Arc::get_mut(&mut scratch).expect("the scratch config is never shared");
        let kept = {
            let mut st = self.state.borrow_mut();
            let mut kept = st.spare.pop().unwrap_or_default();
            kept.clear();
            let force = st.force();
            for &i in fields {
                // Env force beats patches.
                if !force.contains(i as usize) {
                    work.__copy_field(captured, i as usize);
                    kept.push(i);
                }
            }
            kept
        };
        self.push(scratch, Fields::Some(kept), basis)
    }

    /// Removes the layer `id`, wherever it is in the stack.
    pub(crate) fn remove(&self, id: u64) {
        let mut st = self.state.borrow_mut();
        let Some(pos) = st.layers.iter().rposition(|l| l.id == id) else {
            return;
        };
        let layer = st.layers.remove(pos);
        let on_top = pos == st.layers.len();
        let gen = self.gen.get();
        let fresh = gen == C::__registry().gen.load(Ordering::Acquire);
        if !(on_top && fresh) {
            // Out of order, or the process-wide config changed: rebuild on
            // the next read.
            drop(st);
            drop(layer);
            self.gen.set(STALE);
            set_fast::<C>(STALE, None);
            return;
        }
        let (prev, prev_version) = st.top();
        let Layer {
            fields, applied, ..
        } = layer;
        drop(applied);
        let popped = self.publish(gen, &prev);
        // Turn the popped config back into the scratch copy of `prev` by
        // restoring just the fields this layer changed.
        if let (Some(mut popped), Fields::Some(mut fields)) = (popped, fields) {
            if let Some(c) = Arc::get_mut(&mut popped) {
                for &i in &fields {
                    c.__copy_field(&prev, i as usize);
                }
                st.scratch = Some(popped);
                st.scratch_version = prev_version;
            }
            fields.clear();
            if st.spare.len() < 8 {
                st.spare.push(fields);
            }
        }
    }
}

/// Restores a patch when dropped. Returned by `patch`, `patch_values` and
/// `install`.
///
/// Guards belong to the thread that made them (`!Send`), may drop in any
/// order, and each removes exactly its own layer. Dropping one while
/// unwinding from a panic restores too.
#[must_use = "the patch is removed as soon as the guard drops; bind it: `let _g = ...;`"]
pub struct PatchGuard<C: FuzzableConfig> {
    id: u64,
    /// `!Send` and `!Sync`: the layer lives on this thread.
    _thread: PhantomData<*const C>,
}

impl<C: FuzzableConfig> PatchGuard<C> {
    pub(crate) fn new(id: u64) -> Self {
        PatchGuard {
            id,
            _thread: PhantomData,
        }
    }
}

impl<C: FuzzableConfig> std::fmt::Debug for PatchGuard<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PatchGuard")
            .field("config", &C::__NAME)
            .field("layer", &self.id)
            .finish()
    }
}

impl<C: FuzzableConfig> Drop for PatchGuard<C> {
    fn drop(&mut self) {
        // During thread teardown the state may already be gone; then there
        // is nothing left to restore.
        let _ = C::__local().try_with(|l| l.remove(self.id));
    }
}
