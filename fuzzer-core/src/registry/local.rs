//! The thread-local half of the singleton: this thread's patch layers and
//! its view of the effective config ([`Local`]), and the first tier of a
//! read ([`Fast`]). The invariants are in the [module doc](super).

use std::cell::{Cell, RefCell};
use std::marker::PhantomData;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};

use super::global::{Published, Registry};
use crate::config::FuzzableConfig;
use crate::error::ConfigError;
use crate::value::Value;

/// The first tier of a read: a `&'static` to the registry's initial config,
/// valid while `gen` equals the registry's. Set only while this thread has
/// no layer and the registry's base is its initial config; no destructor, so
/// a read reaches it with no borrow to count.
#[doc(hidden)]
#[derive(Debug)]
pub struct Fast<C: 'static> {
    gen: Cell<u64>,
    config: Cell<Option<&'static C>>,
}

impl<C: 'static> Fast<C> {
    /// Not set: reads take the second tier.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        Fast {
            gen: Cell::new(0),
            config: Cell::new(None),
        }
    }
}

impl<C: FuzzableConfig> Fast<C> {
    /// Runs `f` (taken from its `Option`) on the initial config if it is this
    /// thread's effective config; `None`, leaving `f` in place, if not.
    #[inline(always)]
    pub(crate) fn read<R>(
        &self,
        reg: &Registry<C>,
        f: &mut Option<impl FnOnce(&C) -> R>,
    ) -> Option<R> {
        if self.gen.get() != reg.gen.load(Ordering::Acquire) {
            return None;
        }
        let c = self.config.get()?;
        f.take().map(|f| f(c))
    }
}

/// This thread's view of its effective config: the second tier of a read.
#[derive(Debug)]
struct View<C: 'static> {
    /// The registry generation `config` was built at; 0, which is never a
    /// registry generation: rebuild before use.
    gen: Cell<u64>,
    /// The effective config; `Some` whenever `gen` is not 0.
    config: RefCell<Option<Arc<C>>>,
}

impl<C: FuzzableConfig> View<C> {
    #[inline(always)]
    fn read<R>(&self, reg: &Registry<C>, f: &mut Option<impl FnOnce(&C) -> R>) -> Option<R> {
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
    /// The fields it overrides, ascending; empty for a `whole` layer.
    fields: Vec<u32>,
    /// Whether it overrides every field (`install`).
    whole: bool,
    /// The effective config when it was pushed, with `fields` changed.
    values: Arc<C>,
    /// The effective config just before it was pushed, if the push could
    /// show `values` at once, with the registry generation and the `epoch`
    /// of that moment: while both hold, dropping this layer from the top
    /// shows `below` again, whatever the number of fields.
    below: Option<(u64, u64, Arc<C>)>,
}

/// What [`Layers::remove`] took out.
struct Removed<C> {
    layer: Layer<C>,
    /// Whether it was the topmost layer.
    top: bool,
    /// The fields that showed its values, which now show another source
    /// (taken from `layer.fields`); for an `install` layer that was the
    /// newest of its stack, also every field no newer layer overrides, which
    /// [`State::whole_showed`] adds only if the caller needs them.
    changed: Vec<u32>,
    /// Whether it was an `install` layer on top of the `install` stack.
    whole_top: bool,
}

/// A private copy of the config `of` points to, left by a drop from the top
/// for the next push, so that patch enter+exit clones and allocates nothing.
/// While `of` exists the config it points to cannot be edited in place
/// (`Arc::make_mut` moves it out), so equal pointers mean equal configs.
#[derive(Debug)]
struct Spare<C> {
    of: Weak<C>,
    copy: Arc<C>,
    /// An empty field list, its allocation kept.
    fields: Vec<u32>,
}

/// This thread's patch layers of one config type.
#[derive(Debug)]
struct Layers<C: 'static> {
    /// Live layers, each in its own slot; `None`: a free slot.
    slots: Vec<Option<Layer<C>>>,
    free: Vec<u32>,
    /// A stack per field, then one of `whole` layers (index `fields`), then
    /// one of every layer (index `fields + 1`): the layers in each, oldest
    /// first. An entry whose layer was dropped stays until it surfaces on
    /// top (then it is popped) or until `compact`; the top entry is always a
    /// live layer.
    stacks: Vec<Vec<LayerId>>,
    live: usize,
    /// Stack entries of live layers, and of dropped ones.
    live_entries: usize,
    dead_entries: usize,
    next_order: u64,
    /// Bumped when a layer that was not the topmost is dropped: that changes
    /// what the layers above it were pushed on.
    epoch: u64,
    /// What the registry published when this thread's view was last built.
    published: Option<Published<C>>,
    spare: Option<Spare<C>>,
    /// Units of work done on the layers (a stack entry pushed or popped, a
    /// field copied or visited), for tests of their cost.
    work: u64,
}

fn is_live<C>(slots: &[Option<Layer<C>>], id: LayerId) -> bool {
    slots[id.slot as usize]
        .as_ref()
        .is_some_and(|l| l.order == id.order)
}

/// The stack of `whole` layers, and the stack of every layer.
const fn whole_stack(fields: usize) -> usize {
    fields
}
const fn any_stack(fields: usize) -> usize {
    fields + 1
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

    /// The top layer overriding field `i`: its own top entry or the top
    /// `whole` layer, whichever is newer.
    fn top_of(&self, i: u32) -> Option<LayerId> {
        let own = self.stacks.get(i as usize).and_then(|s| s.last());
        let whole = self
            .stacks
            .get(whole_stack(C::__field_count()))
            .and_then(|s| s.last());
        match (own, whole) {
            (Some(a), Some(w)) => Some(if a.order > w.order { *a } else { *w }),
            (a, w) => a.or(w).copied(),
        }
    }

    /// Where field `i`'s effective value comes from (env force aside): its
    /// top layer, or the base.
    fn source(&self, i: u32) -> &C {
        match self.top_of(i) {
            Some(top) => {
                &self.slots[top.slot as usize]
                    .as_ref()
                    .expect("top is live")
                    .values
            }
            None => &self.published().base,
        }
    }

    /// The effective config on `published`, from scratch: O(fields). The
    /// stored values (the base's under the layers') with the config's
    /// implications applied; an error if two of them conflict.
    fn build(&mut self, published: Published<C>) -> Result<Arc<C>, ConfigError> {
        self.published = Some(published);
        if self.live == 0 {
            return Ok(Arc::clone(&self.published().effective));
        }
        let base = &self.published().base;
        let mut c = (**base).clone();
        for i in 0..C::__field_count() as u32 {
            if self.top_of(i).is_some() && !self.forced(i) {
                c.__copy_field(self.source(i), i as usize);
            }
        }
        self.work += C::__field_count() as u64;
        crate::constraint::imply(&mut c)?;
        Ok(Arc::new(c))
    }

    fn push(&mut self, mut layer: Layer<C>) -> LayerId {
        let n = C::__field_count();
        if self.stacks.is_empty() {
            self.stacks.resize_with(n + 2, Vec::new);
        }
        layer.fields.sort_unstable();
        layer.fields.dedup();
        layer.order = self.next_order;
        self.next_order += 1;
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                self.slots.push(None);
                u32::try_from(self.slots.len() - 1).expect("fewer than 2^32 live patches")
            }
        };
        let id = LayerId {
            order: layer.order,
            slot,
        };
        let whole = layer.whole.then_some(whole_stack(n));
        let stacks = layer.fields.iter().map(|&i| i as usize).chain(whole);
        let mut entries = 0;
        for i in stacks.chain([any_stack(n)]) {
            self.stacks[i].push(id);
            entries += 1;
        }
        self.work += entries as u64;
        self.live += 1;
        self.live_entries += entries;
        self.slots[slot as usize] = Some(layer);
        id
    }

    /// Takes layer `id` out, popping it from the stacks it tops; its other
    /// stack entries stay, dead, until they surface.
    fn remove(&mut self, id: LayerId) -> Option<Removed<C>> {
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
        let n = C::__field_count();
        let (stacks, slots) = (&mut self.stacks, &self.slots);
        let (mut entries, mut left, mut dead_popped) = (0, 0, 0);
        // Pops `id` off stack `i` if it is on top, then the dead entries
        // that surface; whether it was on top.
        let mut unstack = |i: usize| {
            entries += 1;
            let stack = &mut stacks[i];
            if stack.last() != Some(&id) {
                left += 1;
                return false;
            }
            stack.pop();
            while stack.last().is_some_and(|&e| !is_live(slots, e)) {
                stack.pop();
                dead_popped += 1;
            }
            true
        };
        let mut changed = std::mem::take(&mut layer.fields);
        changed.retain(|&i| unstack(i as usize));
        let whole_top = layer.whole && unstack(whole_stack(n));
        let top = unstack(any_stack(n));
        self.live_entries -= entries;
        self.dead_entries = self.dead_entries + left - dead_popped;
        self.work += (entries + dead_popped) as u64;
        if !top {
            self.epoch += 1;
        }
        if self.dead_entries > self.live_entries + 64 {
            self.compact();
        }
        Some(Removed {
            layer,
            top,
            changed,
            whole_top,
        })
    }

    /// Adds to `changed` every field that showed a dropped `install` layer
    /// pushed at `order`: those no newer layer overrides. O(fields), so a
    /// drop does it only when it must re-copy fields (not when it shows the
    /// config the layer was pushed on again, the fuzzer's case every run).
    fn whole_showed(&mut self, order: u64, changed: &mut Vec<u32>) {
        let n = C::__field_count();
        changed.extend((0..n as u32).filter(|&i| {
            self.stacks[i as usize]
                .last()
                .is_none_or(|e| e.order < order)
        }));
        changed.sort_unstable();
        changed.dedup();
        self.work += n as u64;
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

    /// The fields any live layer overrides, ascending (`None`: every
    /// field). Costs O(min(fields of the config, slots + entries)).
    fn overridden(&self) -> Option<Vec<u32>> {
        let n = C::__field_count();
        if self
            .stacks
            .get(whole_stack(n))
            .is_some_and(|s| !s.is_empty())
        {
            return None;
        }
        if self.slots.len() + self.live_entries < n {
            let mut fields: Vec<u32> = self
                .slots
                .iter()
                .flatten()
                .flat_map(|l| l.fields.iter().copied())
                .collect();
            fields.sort_unstable();
            fields.dedup();
            return Some(fields);
        }
        Some(
            (0..n.min(self.stacks.len()) as u32)
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
    view: View<C>,
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
            view: View {
                gen: Cell::new(0),
                config: RefCell::new(None),
            },
            layers: RefCell::new(Layers {
                slots: Vec::new(),
                free: Vec::new(),
                stacks: Vec::new(),
                live: 0,
                live_entries: 0,
                dead_entries: 0,
                next_order: 0,
                epoch: 0,
                published: None,
                spare: None,
                work: 0,
            }),
            registered: Cell::new(false),
        }
    }
}

impl<C: FuzzableConfig> Local<C> {
    /// The second tier of a read: the view, if it is up to date.
    #[inline(always)]
    pub(crate) fn read<R>(
        &self,
        reg: &Registry<C>,
        f: &mut Option<impl FnOnce(&C) -> R>,
    ) -> Option<R> {
        self.view.read(reg, f)
    }

    /// Points the first tier at the registry's initial config if the view
    /// is up to date, this thread has no layer and the base is that config;
    /// turns it off otherwise.
    fn sync_fast(&self, st: &Layers<C>) {
        let pinned = match &st.published {
            Some(p) if st.live == 0 && self.view.gen.get() == p.gen => p.pinned,
            _ => None,
        };
        C::__fast().with(|f| {
            f.config.set(pinned);
            f.gen.set(if pinned.is_some() {
                self.view.gen.get()
            } else {
                0
            });
        });
    }

    /// The effective config, rebuilding the view if it is stale.
    ///
    /// Panics if this thread's patches and the process-wide values give a
    /// field two implied values (a process-wide write, or a dropped guard,
    /// made two rules active at once): there is no value to read.
    pub(crate) fn current(&self) -> Arc<C> {
        self.try_current().unwrap_or_else(|e| {
            panic!("{e} (on this thread, its patches over the process-wide values)")
        })
    }

    /// [`current`](Self::current), with a conflict as an error.
    fn try_current(&self) -> Result<Arc<C>, ConfigError> {
        let reg_gen = C::__registry().gen.load(Ordering::Acquire);
        match self.view.fresh(reg_gen) {
            Some(c) => Ok(c),
            None => self.rebuild(),
        }
    }

    fn rebuild(&self) -> Result<Arc<C>, ConfigError> {
        let published = C::__registry().published();
        let gen = published.gen;
        let mut st = self.layers.borrow_mut();
        let config = st.build(published)?;
        let old = self.view.show(gen, Arc::clone(&config));
        self.sync_fast(&st);
        drop(st);
        drop(old);
        Ok(config)
    }

    /// After pushing layer `id` on a config with implications or
    /// validators: the new effective config must have no conflict and pass
    /// every validator; if not, the layer is removed again and that is the
    /// error.
    fn check_pushed(&self, id: LayerId) -> Result<LayerId, ConfigError> {
        if !crate::constraint::constrained::<C>() {
            return Ok(id);
        }
        let checked = self
            .try_current()
            .and_then(|c| crate::constraint::validate(&*c));
        match checked {
            Ok(()) => Ok(id),
            Err(e) => {
                self.remove(id);
                Err(e)
            }
        }
    }

    /// Pushes a layer overriding `fields` (every field if `whole`) with
    /// `values`, which must be `cur` (the effective config when the layer was
    /// made) with those fields changed and env-forced fields as in `cur`.
    fn push(&self, cur: Arc<C>, values: Arc<C>, fields: Vec<u32>, whole: bool) -> LayerId {
        if !self.registered.get() {
            self.registered.set(super::snapshot::register::<C>());
        }
        let reg_gen = C::__registry().gen.load(Ordering::Acquire);
        let mut st = self.layers.borrow_mut();
        // The new layer is on top of every field it overrides, so if the view
        // still shows `cur` (no `set` since, no patch or drop made inside the
        // patch closure), `values` is the new effective config.
        let v = &self.view;
        // With implications, the effective config is rebuilt from the
        // stored values (a changed source may release or claim a target).
        let plain = C::__rules().is_empty();
        let old = match v.config.try_borrow_mut() {
            Ok(mut shown)
                if plain
                    && v.gen.get() == reg_gen
                    && shown.as_ref().is_some_and(|s| Arc::ptr_eq(s, &cur)) =>
            {
                shown.replace(Arc::clone(&values))
            }
            _ => {
                v.gen.set(0);
                None
            }
        };
        let below = old.map(|old| (reg_gen, st.epoch, old));
        let id = st.push(Layer {
            order: 0,
            fields,
            whole,
            values,
            below,
        });
        self.sync_fast(&st);
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

    /// A private copy of `cur` and an empty field list: the spare if it
    /// copies `cur`, else new.
    fn copy_of(&self, cur: &Arc<C>) -> (Arc<C>, Vec<u32>) {
        match self.layers.borrow_mut().spare.take() {
            Some(spare) if std::ptr::eq(spare.of.as_ptr(), Arc::as_ptr(cur)) => {
                (spare.copy, spare.fields)
            }
            _ => (Arc::new((**cur).clone()), Vec::new()),
        }
    }

    /// `patch`; on a config with implications or validators, a change that
    /// breaks them is removed again and returned.
    pub(crate) fn patch(&self, f: impl FnOnce(&mut C)) -> Result<LayerId, ConfigError> {
        let cur = self.current();
        let (mut copy, mut fields) = self.copy_of(&cur);
        let work = Arc::get_mut(&mut copy).expect("a private copy");
        // No borrow is held here: the closure may read or patch.
        f(work);
        work.__diff(&cur, 0, &mut fields);
        self.unforce(&cur, work, &mut fields);
        let id = self.push(cur, copy, fields, false);
        self.check_pushed(id)
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
        let id = self.push(cur, Arc::new(work), fields, false);
        self.check_pushed(id)
    }

    pub(crate) fn install(&self, snapshot: Arc<C>) -> LayerId {
        let cur = self.current();
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
        self.push(cur, values, Vec::new(), true)
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
        let (mut copy, mut kept) = self.copy_of(&cur);
        let work = Arc::get_mut(&mut copy).expect("a private copy");
        {
            let st = self.layers.borrow();
            for &i in fields {
                if !st.forced(i) {
                    work.__copy_field(captured, i as usize);
                    kept.push(i);
                }
            }
        }
        self.push(cur, copy, kept, false)
    }

    /// Removes layer `id`, wherever it is. Touches only its own fields.
    pub(crate) fn remove(&self, id: LayerId) {
        let reg_gen = C::__registry().gen.load(Ordering::Acquire);
        if !C::__rules().is_empty() {
            // The effective config is rebuilt from the stored values on the
            // next read (a drop may release or claim a target). A drop never
            // fails: a conflict it leaves is reported by that read.
            self.view.gen.set(0);
        }
        let mut st = self.layers.borrow_mut();
        let Some(Removed {
            layer,
            top,
            mut changed,
            whole_top,
        }) = st.remove(id)
        else {
            return;
        };
        let whole = layer.whole;
        let order = layer.order;
        // What the layer was pushed on is still what lies under it.
        let below = match layer.below {
            Some((gen, epoch, below)) if top && gen == reg_gen && epoch == st.epoch => Some(below),
            _ => None,
        };
        // Dropped first, so that the view's config may be the only handle
        // left on it and be edited in place.
        drop(layer.values);
        let v = &self.view;
        let old = (|| {
            if v.gen.get() != reg_gen {
                // Stale already: the next read rebuilds.
                return None;
            }
            let Ok(mut shown) = v.config.try_borrow_mut() else {
                v.gen.set(0);
                return None;
            };
            if let Some(below) = below {
                let old = shown.replace(below);
                let below = shown.as_ref().expect("just shown");
                // Turn the config this layer showed back into a copy of
                // `below`, for the next push.
                let mut old = old?;
                let Some(c) = Arc::get_mut(&mut old).filter(|_| !whole) else {
                    return Some(old);
                };
                for &i in &changed {
                    c.__copy_field(below, i as usize);
                }
                st.work += changed.len() as u64;
                let mut fields = changed;
                fields.clear();
                st.spare = Some(Spare {
                    of: Arc::downgrade(below),
                    copy: old,
                    fields,
                });
                return None;
            }
            if st.live == 0 {
                return shown.replace(Arc::clone(&st.published().base));
            }
            let Some(shown) = shown.as_mut() else {
                v.gen.set(0);
                return None;
            };
            if whole_top {
                st.whole_showed(order, &mut changed);
            }
            let changed: Vec<u32> = changed.into_iter().filter(|&i| !st.forced(i)).collect();
            if !changed.is_empty() {
                if Arc::get_mut(shown).is_none() {
                    st.work += C::__field_count() as u64;
                }
                let c = Arc::make_mut(shown);
                for &i in &changed {
                    c.__copy_field(st.source(i), i as usize);
                }
                st.work += changed.len() as u64;
            }
            None
        })();
        self.sync_fast(&st);
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
