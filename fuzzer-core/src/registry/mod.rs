//! The per-type singleton.
//!
//! Each config type gets, from its derive, one process-wide [`Registry`]
//! and two thread-locals: [`Local`] (this thread's patch layers and its view
//! of its effective config) and [`Fast`] (a shortcut for threads with no
//! patch). A [`Snapshot`] carries a thread's layers of every type to other
//! threads.
//!
//! # Invariants
//!
//! The registry:
//!
//! 1. `base` = declared defaults ← knob answers ← env defaults ← `set`
//!    overrides ← env force, a new `Arc` on every process-wide write. Nothing is interned or
//!    leaked: an old base is freed once no thread's view shows it, and a view
//!    moves on at its thread's next read (or when the thread exits).
//! 2. `gen` is the generation of `base`: it starts at 1 and every write bumps
//!    it while holding the state lock, so a `published()` (gen, base) pair
//!    is consistent. 0 is never a registry generation.
//! 3. Every process-wide write (`set`, `set_values`, `reset`, `load_json`,
//!    `reload_env`, a snapshot installed process-wide) holds the registry's
//!    writer lock from start to end, `set`'s closure included, so writes are
//!    serializable. Readers never take that lock; it is reentrant, so a `set`
//!    closure may read or even write the same config.
//!
//! A thread:
//!
//! 4. Its view (in [`Local`]) is `(gen, config)`: when `gen` equals the
//!    registry's, `config` is this thread's effective config. `gen == 0`
//!    means "rebuild on the next read". Reading it is a thread-local access,
//!    one atomic load, a compare and a `RefCell` borrow: no lock, no
//!    allocation, no shared-memory write, with or without patches.
//! 5. [`Fast`] (no destructor, no `RefCell`) is `(gen, &'static initial)`,
//!    set only while the view is up to date, this thread has no layer and
//!    the registry's base is its initial config (nothing `set`, env and
//!    knobs never re-read), which the registry keeps in a `OnceLock`. A read tries it
//!    first: one atomic load, a compare and the access, with no borrow flag
//!    written. Every change to the view re-derives it.
//! 6. Its layers ([`Local`]) sit in slots, each with an `order` that grows
//!    with every push. Stacks hold layers oldest first: one per field (the
//!    layers that override it), one of `install`ed layers (which override
//!    every field) and one of all layers. The effective value of field `i`
//!    is: env force if `i` is forced, else the value of the newer of the tops
//!    of `i`'s stack and the `install` stack, else the base's.
//! 7. A dropped layer leaves its slot at once, and the stacks it tops; its
//!    other entries stay, dead, until they surface (then they are popped) or
//!    until dead entries outnumber live ones (then all are swept). So the top
//!    entry of every stack is a live layer.
//! 8. Every change to the layers either updates the view in place or sets
//!    its `gen` to 0 (a read was borrowing the view, or the registry moved
//!    on meanwhile). A push shows the new layer's config (which is the
//!    config it was made from, with its fields changed) and keeps the config
//!    it replaced as `below`. Dropping the topmost layer shows `below` again
//!    if the registry generation and the thread's `epoch` (bumped whenever a
//!    layer that was not topmost is dropped) are what they were at the push;
//!    otherwise the drop re-copies just the fields that showed the layer.
//! 9. A drop from the top turns the config it stops showing back into a copy
//!    of `below` (re-copying the layer's fields) and keeps it as the
//!    thread's one spare, with a `Weak` to the config it copies; the next
//!    push uses it if that is still the config shown. (A `Weak` stops
//!    in-place edits, so the same pointer means the same values.)
//!
//! Costs, whatever the order of drops: a push is O(fields it overrides), an
//! `install` O(1); a drop from the top O(1) (or O(fields it overrode) after
//! an out-of-order drop), a drop from below O(fields it overrides), plus
//! popping dead entries, each popped once. A rebuild (after a process-wide
//! write) is O(fields of the config). Memory: one base per generation still
//! shown by some thread, a spare config per thread, and per live layer two
//! configs (its own and `below`) plus its stack entries.

mod global;
mod local;
mod snapshot;

use std::sync::Arc;

pub(crate) use global::index_by_name;
pub use global::Registry;
pub(crate) use local::LayerId;
pub use local::{Fast, Local, PatchGuard};
pub use snapshot::Snapshot;

use crate::config::FuzzableConfig;
use crate::error::ConfigError;
use crate::value::Value;

#[inline]
pub(crate) fn read<C: FuzzableConfig, R>(f: impl FnOnce(&C) -> R) -> R {
    let reg = C::__registry();
    let mut f = Some(f);
    // `Fast` has no destructor, so `with` never fails.
    if let Some(r) = C::__fast().with(|fast| fast.read(reg, &mut f)) {
        return r;
    }
    read_view(f.take().expect("not called"))
}

#[inline]
fn read_view<C: FuzzableConfig, R>(f: impl FnOnce(&C) -> R) -> R {
    let reg = C::__registry();
    let mut f = Some(f);
    if let Ok(Some(r)) = C::__local().try_with(|l| l.read(reg, &mut f)) {
        return r;
    }
    read_slow(f.take().expect("not called"))
}

#[cold]
#[inline(never)]
fn read_slow<C: FuzzableConfig, R>(f: impl FnOnce(&C) -> R) -> R {
    // The view was stale (or is being borrowed by an outer read, or this
    // thread is being torn down, when no patch can be active).
    let c = current::<C>();
    f(&c)
}

pub(crate) fn current<C: FuzzableConfig>() -> Arc<C> {
    C::__local()
        .try_with(|l| l.current())
        .unwrap_or_else(|_| C::__registry().published().effective)
}

pub(crate) fn patch<C: FuzzableConfig>(f: impl FnOnce(&mut C)) -> PatchGuard<C> {
    match C::__local().with(|l| l.patch(f)) {
        Ok(id) => PatchGuard::new(id),
        // The closure form cannot return the error; `patch_values` does.
        Err(e) => panic!("{e}"),
    }
}

pub(crate) fn patch_values<C, N, I>(values: I) -> Result<PatchGuard<C>, ConfigError>
where
    C: FuzzableConfig,
    N: AsRef<str>,
    I: IntoIterator<Item = (N, Value)>,
{
    C::__local()
        .with(|l| l.patch_values(values))
        .map(PatchGuard::new)
}

pub(crate) fn install<C: FuzzableConfig>(snapshot: Arc<C>) -> PatchGuard<C> {
    PatchGuard::new(C::__local().with(|l| l.install(snapshot)))
}

pub(crate) fn set<C: FuzzableConfig>(f: impl FnOnce(&mut C)) {
    if let Err(e) = C::__registry().set_with(f) {
        // The closure form cannot return the error; `set_values` does.
        panic!("{e}");
    }
}

pub(crate) fn set_values<C, N, I>(values: I) -> Result<(), ConfigError>
where
    C: FuzzableConfig,
    N: AsRef<str>,
    I: IntoIterator<Item = (N, Value)>,
{
    C::__registry().set_named(values)
}

pub(crate) fn reset<C: FuzzableConfig>() {
    if let Err(e) = C::__registry().reset() {
        panic!("{e}");
    }
}

pub(crate) fn reload_env<C: FuzzableConfig>() -> Result<(), ConfigError> {
    C::__registry().reload_env()
}

/// Units of work this thread has done on its patch layers of `C` (a stack
/// entry pushed or popped, a field copied or visited): for tests that check
/// what dropping guards costs without timing anything.
#[doc(hidden)]
pub fn layer_work<C: FuzzableConfig>() -> u64 {
    C::__local().with(|l| l.work())
}
