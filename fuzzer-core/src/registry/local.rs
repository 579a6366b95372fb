//! The thread-local half of the singleton: this thread's patch layers
//! ([`Local`]) and its view of the effective config ([`Fast`]). The
//! invariants are in the [module doc](super).

use std::cell::{Cell, RefCell};
use std::marker::PhantomData;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::global::{Published, Registry};
use crate::config::FuzzableConfig;
use crate::error::ConfigError;
use crate::value::Value;

/// This thread's view of its effective config: all a read looks at.
#[doc(hidden)]
#[derive(Debug)]
pub struct Fast<C: 'static> {
    /// The registry generation `config` was built at; 0, which is never a
    /// registry generation: rebuild before use.
    gen: Cell<u64>,
    /// The effective config; `Some` whenever `gen` is not 0.
    config: RefCell<Option<Arc<C>>>,
}

impl<C: 'static> Fast<C> {
    /// Not built: the first read builds it.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        Fast {
            gen: Cell::new(0),
            config: RefCell::new(None),
        }
    }
}

impl<C: FuzzableConfig> Fast<C> {
    /// Runs `f` (taken from its `Option`) on the effective config if the view
    /// is up to date; `None`, leaving `f` in place, if not.
    #[inline(always)]
    pub(crate) fn read<R>(
        &self,
        reg: &Registry<C>,
        f: &mut Option<impl FnOnce(&C) -> R>,
    ) -> Option<R> {
        if self.gen.get() != reg.gen.load(Ordering::Acquire) {
            return None;
        }
        let config = self.config.try_borrow().ok()?;
        let c = config.as_deref()?;
        f.take().map(|f| f(c))
    }

    /// The effective config, if the view is up to date.
    fn fresh(&self, reg_gen: u64) -> Option<Arc<C>> {
        if self.gen.get() != reg_gen {
            return None;
        }
        self.config.try_borrow().ok()?.clone()
    }

    /// Shows `config`, built at registry generation `gen`; returns what the
    /// view held, to be dropped by the caller. If a read on this thread is
    /// borrowing the view, marks it for rebuilding instead.
    fn show(&self, gen: u64, config: Arc<C>) -> Option<Arc<C>> {
        match self.config.try_borrow_mut() {
            Ok(mut shown) => {
                self.gen.set(gen);
                shown.replace(config)
            }
            Err(_) => {
                self.gen.set(0);
                None
            }
        }
    }
}

/// Runs `f` on this thread's view, unless the thread is being torn down.
fn view<C: FuzzableConfig, R>(f: impl FnOnce(&Fast<C>) -> R) -> Option<R> {
    C::__fast().try_with(f).ok()
}

/// Names a patch layer: its slot, and its place in push order (`order`
/// grows with every push, so of two layers the larger `order` is above).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LayerId {
    order: u64,
    slot: u32,
}

#[derive(Debug)]
struct Layer<C> {
    order: u64,
    /// The fields it overrides, ascending (every field for `install`).
    fields: Vec<u32>,
    /// Whether it overrides every field (`install`).
    whole: bool,
    /// The effective config when it was pushed, with `fields` changed.
    values: Arc<C>,
}

/// This thread's patch layers of one config type.
#[derive(Debug)]
struct Layers<C: 'static> {
    /// Live layers, each in its own slot; `None`: a free slot.
    slots: Vec<Option<Layer<C>>>,
    free: Vec<u32>,
    /// For each field, the layers that override it, oldest first. An entry
    /// whose layer was dropped stays until it surfaces on top (then it is
    /// popped) or until `compact`; the top entry is always a live layer.
    stacks: Vec<Vec<LayerId>>,
    live: usize,
    /// Live layers with `whole` set.
    wholes: usize,
    /// Stack entries of live layers, and of dropped ones.
    live_entries: usize,
    dead_entries: usize,
    next_order: u64,
    /// What the registry published when this thread's view was last built.
    published: Option<Published<C>>,
    /// Units of work done on the layers (a stack entry pushed or popped, a
    /// field copied or visited), for tests of their cost.
    work: u64,
}

fn is_live<C>(slots: &[Option<Layer<C>>], id: LayerId) -> bool {
    slots[id.slot as usize]
        .as_ref()
        .is_some_and(|l| l.order == id.order)
}

impl<C: FuzzableConfig> Layers<C> {
    fn published(&self) -> &Published<C> {
        self.published
            .as_ref()
            .expect("published before any layer is made")
    }

    fn forced(&self, i: u32) -> bool {
        let force = &self.published().force;
        !force.fields.is_empty() && force.contains(i as usize)
    }

    /// Where field `i`'s effective value comes from (env force aside): its
    /// top layer, or the base.
    fn source(&self, i: u32) -> &C {
        match self.stacks.get(i as usize).and_then(|s| s.last()) {
            Some(top) => {
                &self.slots[top.slot as usize]
                    .as_ref()
                    .expect("top is live")
                    .values
            }
            None => &self.published().base,
        }
    }

    /// The effective config on `published`, from scratch: O(fields).
    fn build(&mut self, published: Published<C>) -> Arc<C> {
        self.published = Some(published);
        let base = &self.published().base;
        if self.live == 0 {
            return Arc::clone(base);
        }
        let mut c = (**base).clone();
        for i in 0..C::__FIELD_COUNT as u32 {
            if !self.stacks[i as usize].is_empty() && !self.forced(i) {
                c.__copy_field(self.source(i), i as usize);
            }
        }
        self.work += C::__FIELD_COUNT as u64;
        Arc::new(c)
    }

    fn push(&mut self, mut fields: Vec<u32>, whole: bool, values: Arc<C>) -> LayerId {
        if self.stacks.is_empty() {
            self.stacks.resize_with(C::__FIELD_COUNT, Vec::new);
        }
        fields.sort_unstable();
        fields.dedup();
        let order = self.next_order;
        self.next_order += 1;
        let layer = Layer {
            order,
            fields,
            whole,
            values,
        };
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                self.slots.push(None);
                u32::try_from(self.slots.len() - 1).expect("fewer than 2^32 live patches")
            }
        };
        let id = LayerId { order, slot };
        for &i in &layer.fields {
            self.stacks[i as usize].push(id);
        }
        self.work += layer.fields.len() as u64;
        self.live += 1;
        self.wholes += usize::from(whole);
        self.live_entries += layer.fields.len();
        self.slots[slot as usize] = Some(layer);
        id
    }

    /// Takes layer `id` out; its `fields` keep only those it was on top of
    /// (which now show the next live layer below, or the base). The other
    /// entries stay in their stacks, dead, until they surface.
    fn remove(&mut self, id: LayerId) -> Option<Layer<C>> {
        if !self
            .slots
            .get(id.slot as usize)
            .is_some_and(|_| is_live(&self.slots, id))
        {
            return None;
        }
        let mut layer = self.slots[id.slot as usize].take().expect("live");
        self.free.push(id.slot);
        self.live -= 1;
        self.wholes -= usize::from(layer.whole);
        self.live_entries -= layer.fields.len();
        let (stacks, slots) = (&mut self.stacks, &self.slots);
        let (mut popped, mut left) = (0, 0);
        layer.fields.retain(|&i| {
            let stack = &mut stacks[i as usize];
            if stack.last() != Some(&id) {
                left += 1;
                return false;
            }
            stack.pop();
            popped += 1;
            while stack.last().is_some_and(|&e| !is_live(slots, e)) {
                stack.pop();
                popped += 1;
            }
            true
        });
        // `popped` counts this layer's entries too, which were never dead.
        self.dead_entries = self.dead_entries + left + layer.fields.len() - popped;
        self.work += (popped + left) as u64;
        if self.dead_entries > self.live_entries + 64 {
            self.compact();
        }
        Some(layer)
    }

    /// Drops every dead stack entry: O(entries), done once the dead
    /// outnumber the live, so it costs O(1) per dropped entry.
    fn compact(&mut self) {
        let slots = &self.slots;
        for stack in &mut self.stacks {
            self.work += stack.len() as u64;
            stack.retain(|&e| is_live(slots, e));
        }
        self.dead_entries = 0;
    }

    /// The fields any live layer overrides (`None`: every field).
    fn overridden(&self) -> Option<Vec<u32>> {
        if self.wholes > 0 {
            return None;
        }
        Some(
            (0..self.stacks.len() as u32)
                .filter(|&i| !self.stacks[i as usize].is_empty())
                .collect(),
        )
    }
}

/// The per-type thread-local patch state. One `thread_local!` of this type
/// is emitted by the derive for each config.
#[doc(hidden)]
#[derive(Debug)]
pub struct Local<C: 'static> {
    layers: RefCell<Layers<C>>,
    /// Whether this thread's [`Snapshot`](super::Snapshot) capture list
    /// knows this type yet (done on the first layer pushed).
    registered: Cell<bool>,
}

impl<C: 'static> Local<C> {
    /// No layers.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        Local {
            layers: RefCell::new(Layers {
                slots: Vec::new(),
                free: Vec::new(),
                stacks: Vec::new(),
                live: 0,
                wholes: 0,
                live_entries: 0,
                dead_entries: 0,
                next_order: 0,
                published: None,
                work: 0,
            }),
            registered: Cell::new(false),
        }
    }
}

impl<C: FuzzableConfig> Local<C> {
    /// The effective config, rebuilding the view if it is stale.
    pub(crate) fn current(&self) -> Arc<C> {
        let reg_gen = C::__registry().gen.load(Ordering::Acquire);
        match view::<C, _>(|v| v.fresh(reg_gen)).flatten() {
            Some(c) => c,
            None => self.rebuild(),
        }
    }

    fn rebuild(&self) -> Arc<C> {
        let published = C::__registry().published();
        let gen = published.gen;
        let config = self.layers.borrow_mut().build(published);
        let old = view::<C, _>(|v| v.show(gen, Arc::clone(&config)));
        drop(old);
        config
    }

    /// Pushes a layer overriding `fields` with `values`, which must be `cur`
    /// (the effective config when the layer was made) with `fields` changed.
    fn push(&self, cur: Arc<C>, values: Arc<C>, fields: Vec<u32>, whole: bool) -> LayerId {
        if !self.registered.get() {
            self.registered.set(super::snapshot::register::<C>());
        }
        let id = self
            .layers
            .borrow_mut()
            .push(fields, whole, Arc::clone(&values));
        // The new layer is on top of every field it overrides, so if the view
        // still shows `cur` (no `set` since, no patch or drop made inside the
        // patch closure), `values` is the new effective config.
        let reg_gen = C::__registry().gen.load(Ordering::Acquire);
        let old = view::<C, _>(|v| match v.config.try_borrow_mut() {
            Ok(mut shown)
                if v.gen.get() == reg_gen
                    && shown.as_ref().is_some_and(|s| Arc::ptr_eq(s, &cur)) =>
            {
                shown.replace(values)
            }
            _ => {
                v.gen.set(0);
                None
            }
        });
        drop(old);
        id
    }

    /// Drops from `fields` those env force holds, restoring their values in
    /// `work` from `cur`: env force beats patches.
    fn unforce(&self, cur: &C, work: &mut C, fields: &mut Vec<u32>) {
        let st = self.layers.borrow();
        fields.retain(|&i| {
            let forced = st.forced(i);
            if forced {
                work.__copy_field(cur, i as usize);
            }
            !forced
        });
    }

    pub(crate) fn patch(&self, f: impl FnOnce(&mut C)) -> LayerId {
        let cur = self.current();
        let mut work = (*cur).clone();
        // No borrow is held here: the closure may read or patch.
        f(&mut work);
        let mut fields = Vec::new();
        work.__diff(&cur, 0, &mut fields);
        self.unforce(&cur, &mut work, &mut fields);
        self.push(cur, Arc::new(work), fields, false)
    }

    /// `patch` by name: `values` are checked against a copy of the
    /// effective config before anything is applied.
    pub(crate) fn patch_values<N, I>(&self, values: I) -> Result<LayerId, ConfigError>
    where
        N: AsRef<str>,
        I: IntoIterator<Item = (N, Value)>,
    {
        let cur = self.current();
        let (mut work, touched) = C::__registry().apply_named(&cur, values)?;
        let mut fields = touched.into_iter().map(|i| i as u32).collect();
        self.unforce(&cur, &mut work, &mut fields);
        Ok(self.push(cur, Arc::new(work), fields, false))
    }

    pub(crate) fn install(&self, snapshot: Arc<C>) -> LayerId {
        let cur = self.current();
        let all = (0..C::__FIELD_COUNT as u32).collect();
        let values = {
            let st = self.layers.borrow();
            let force = &st.published().force;
            let forced_already = force
                .fields
                .iter()
                .all(|&i| snapshot.__field_eq(&force.values, i as usize));
            if forced_already {
                snapshot
            } else {
                let mut c = (*snapshot).clone();
                force.apply_to(&mut c);
                Arc::new(c)
            }
        };
        self.push(cur, values, all, true)
    }

    /// What this thread's layers override, for a [`Snapshot`](super::Snapshot):
    /// the effective config and the fields the layers override (`None`:
    /// every field, when some layer is an `install`). `None` when no layer
    /// overrides anything.
    pub(crate) fn capture(&self) -> Option<(Arc<C>, Option<Vec<u32>>)> {
        if self.layers.borrow().live == 0 {
            return None;
        }
        let top = self.current();
        match self.layers.borrow().overridden() {
            None => Some((top, None)),
            Some(fields) if fields.is_empty() => None,
            Some(fields) => Some((top, Some(fields))),
        }
    }

    /// Pushes one layer carrying a captured config: `fields` of `captured`
    /// (every field, if `None`, as `install` does) over the effective config.
    /// Env-forced fields keep their forced values.
    pub(crate) fn enter_captured(&self, captured: &Arc<C>, fields: Option<&[u32]>) -> LayerId {
        let Some(fields) = fields else {
            return self.install(Arc::clone(captured));
        };
        let cur = self.current();
        let mut work = (*cur).clone();
        let mut kept = Vec::with_capacity(fields.len());
        {
            let st = self.layers.borrow();
            for &i in fields {
                if !st.forced(i) {
                    work.__copy_field(captured, i as usize);
                    kept.push(i);
                }
            }
        }
        self.push(cur, Arc::new(work), kept, false)
    }

    /// Removes layer `id`, wherever it is. Touches only its own fields.
    pub(crate) fn remove(&self, id: LayerId) {
        let reg_gen = C::__registry().gen.load(Ordering::Acquire);
        let mut st = self.layers.borrow_mut();
        let Some(layer) = st.remove(id) else {
            return;
        };
        let Layer {
            fields: surfaced,
            values,
            ..
        } = layer;
        // Dropped first, so that the view's config may be the only handle
        // left on it and be edited in place.
        drop(values);
        let old = view::<C, _>(|v| {
            if v.gen.get() != reg_gen {
                // Stale already: the next read rebuilds.
                return None;
            }
            let Ok(mut shown) = v.config.try_borrow_mut() else {
                v.gen.set(0);
                return None;
            };
            if st.live == 0 {
                return shown.replace(Arc::clone(&st.published().base));
            }
            let Some(shown) = shown.as_mut() else {
                v.gen.set(0);
                return None;
            };
            let surfaced: Vec<u32> = surfaced.into_iter().filter(|&i| !st.forced(i)).collect();
            if !surfaced.is_empty() {
                if Arc::get_mut(shown).is_none() {
                    st.work += C::__FIELD_COUNT as u64;
                }
                let c = Arc::make_mut(shown);
                for &i in &surfaced {
                    c.__copy_field(st.source(i), i as usize);
                }
                st.work += surfaced.len() as u64;
            }
            None
        });
        drop(st);
        drop(old);
    }

    /// Units of work this thread has done on its layers of `C`.
    pub(crate) fn work(&self) -> u64 {
        self.layers.borrow().work
    }
}

/// Restores a patch when dropped. Returned by `patch`, `patch_values` and
/// `install`.
///
/// Guards belong to the thread that made them (`!Send`), may drop in any
/// order, and each removes exactly its own layer. Dropping one while
/// unwinding from a panic restores too. Dropping a guard, and the next read,
/// cost the same whatever the order: time proportional to the fields its
/// patch overrides.
#[must_use = "the patch is removed as soon as the guard drops; bind it: `let _g = ...;`"]
pub struct PatchGuard<C: FuzzableConfig> {
    id: LayerId,
    /// `!Send` and `!Sync`: the layer lives on this thread.
    _thread: PhantomData<*const C>,
}

impl<C: FuzzableConfig> PatchGuard<C> {
    pub(crate) fn new(id: LayerId) -> Self {
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
            .field("layer", &self.id.order)
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
