//! The thread-local half of the singleton: this thread's patch layers and
//! its cached effective config.

use std::cell::{Cell, RefCell};
use std::marker::PhantomData;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::global::{Overlay, Snapshot};
use crate::config::FuzzableConfig;

/// `gen` value meaning "rebuild before use".
const STALE: u64 = u64::MAX;

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
struct State<C> {
    snapshot: Option<Snapshot<C>>,
    base_version: u64,
    layers: Vec<Layer<C>>,
    /// A private copy of the effective config with version `scratch_version`,
    /// reused by the next `patch` so that enter+exit allocates nothing.
    scratch: Option<Arc<C>>,
    scratch_version: u64,
    next_version: u64,
    spare: Vec<Vec<u32>>,
}

/// The per-type thread-local state. One `thread_local!` of this type is
/// emitted by the derive for each config.
#[doc(hidden)]
#[derive(Debug)]
pub struct Local<C> {
    /// The registry generation `cached` was built under, or `STALE`.
    gen: Cell<u64>,
    cached: RefCell<Option<Arc<C>>>,
    state: RefCell<State<C>>,
}

impl<C> Local<C> {
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
                spare: Vec::new(),
            }),
        }
    }
}

fn next_layer_id() -> u64 {
    use std::sync::atomic::AtomicU64;
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl<C: FuzzableConfig> State<C> {
    fn new_version(&mut self) -> u64 {
        self.next_version += 1;
        self.next_version
    }

    /// The effective config and its version, from the layers.
    fn top(&self) -> (Arc<C>, u64) {
        match self.layers.last() {
            Some(l) => (Arc::clone(&l.applied), l.version),
            None => (
                Arc::clone(&self.snapshot.as_ref().expect("refreshed before use").base),
                self.base_version,
            ),
        }
    }

    fn force(&self) -> &Overlay<C> {
        &self.snapshot.as_ref().expect("refreshed before use").force
    }

    /// Rebuilds every layer on a fresh process-wide snapshot.
    fn rebuild(&mut self, snapshot: Snapshot<C>) -> Arc<C> {
        self.base_version = self.new_version();
        let mut prev = Arc::clone(&snapshot.base);
        self.snapshot = Some(snapshot);
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
            prev = Arc::clone(&layer.applied);
        }
        self.layers = layers;
        self.scratch = None;
        prev
    }
}

impl<C: FuzzableConfig> Local<C> {
    /// The effective config, rebuilt if the registry or the layers changed.
    /// Caches it unless a `read` on this thread is borrowing the cache.
    fn effective(&self) -> Arc<C> {
        let reg = C::__registry();
        if self.gen.get() == reg.gen.load(Ordering::Acquire) {
            if let Ok(cached) = self.cached.try_borrow() {
                if let Some(c) = cached.as_ref() {
                    return Arc::clone(c);
                }
            }
        }
        let snapshot = reg.snapshot();
        let gen = snapshot.gen;
        let top = self.state.borrow_mut().rebuild(snapshot);
        if let Ok(mut cached) = self.cached.try_borrow_mut() {
            *cached = Some(Arc::clone(&top));
            self.gen.set(gen);
        }
        top
    }

    /// Makes the top layer's config the cached one, or marks the cache stale
    /// when a `read` on this thread is borrowing it.
    fn publish(&self, top: Arc<C>) -> Option<Arc<C>> {
        match self.cached.try_borrow_mut() {
            Ok(mut cached) => cached.replace(top),
            Err(_) => {
                self.gen.set(STALE);
                None
            }
        }
    }

    #[inline]
    pub(crate) fn read<R>(&self, f: impl FnOnce(&C) -> R) -> R {
        if self.gen.get() == C::__registry().gen.load(Ordering::Acquire) {
            if let Ok(cached) = self.cached.try_borrow() {
                if let Some(c) = cached.as_ref() {
                    return f(c);
                }
            }
        }
        self.read_slow(f)
    }

    #[cold]
    fn read_slow<R>(&self, f: impl FnOnce(&C) -> R) -> R {
        let c = self.effective();
        f(&c)
    }

    pub(crate) fn current(&self) -> Arc<C> {
        self.effective()
    }

    /// Pushes a layer whose values are `new` (a private, unique `Arc`) for
    /// `fields`; returns the layer id.
    fn push(&self, new: Arc<C>, fields: Fields) -> u64 {
        let id = next_layer_id();
        let mut st = self.state.borrow_mut();
        let version = st.new_version();
        st.layers.push(Layer {
            id,
            fields,
            applied: Arc::clone(&new),
            version,
        });
        drop(st);
        // The old cached config is still referenced by the layer below or
        // the snapshot; dropping this handle frees nothing.
        drop(self.publish(new));
        id
    }

    pub(crate) fn patch(&self, f: impl FnOnce(&mut C)) -> u64 {
        let cur = self.effective();
        let cur_version = self.state.borrow().top().1;
        let mut scratch = {
            let mut st = self.state.borrow_mut();
            match st.scratch.take() {
                Some(s) if st.scratch_version == cur_version => s,
                _ => Arc::new((*cur).clone()),
            }
        };
        let work = Arc::get_mut(&mut scratch).expect("the scratch config is never shared");
        // No borrow is held here: the closure may read or patch.
        f(work);
        let mut fields = self.state.borrow_mut().spare.pop().unwrap_or_default();
        fields.clear();
        {
            let st = self.state.borrow();
            let force = st.force();
            for i in 0..C::__FIELD_COUNT {
                if !work.__field_eq(&cur, i) {
                    if force.contains(i) {
                        // Env force beats patches.
                        work.__copy_field(&cur, i);
                    } else {
                        fields.push(i as u32);
                    }
                }
            }
        }
        self.push(scratch, Fields::Some(fields))
    }

    pub(crate) fn patch_fields(&self, new: C, touched: Vec<usize>) -> u64 {
        let mut new = new;
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
        self.push(Arc::new(new), Fields::Some(fields))
    }

    pub(crate) fn install(&self, snapshot: Arc<C>) -> u64 {
        // Make sure the process-wide snapshot (and env force) is loaded.
        let _ = self.effective();
        let force_empty = self.state.borrow().force().fields.is_empty();
        let applied = if force_empty {
            snapshot
        } else {
            let mut c = (*snapshot).clone();
            self.state.borrow().force().apply_to(&mut c);
            Arc::new(c)
        };
        self.push(applied, Fields::All)
    }

    /// Removes the layer `id`, wherever it is in the stack.
    pub(crate) fn remove(&self, id: u64) {
        let mut st = self.state.borrow_mut();
        let Some(pos) = st.layers.iter().rposition(|l| l.id == id) else {
            return;
        };
        let layer = st.layers.remove(pos);
        let on_top = pos == st.layers.len();
        let fresh = self.gen.get() == C::__registry().gen.load(Ordering::Acquire);
        if !(on_top && fresh) {
            // Out of order, or the process-wide config changed: rebuild on
            // the next read.
            drop(st);
            drop(layer);
            self.gen.set(STALE);
            return;
        }
        let (prev, prev_version) = st.top();
        let Layer {
            fields, applied, ..
        } = layer;
        drop(applied);
        let popped = self.publish(Arc::clone(&prev));
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
