//! The per-type singleton.
//!
//! Each config type gets, from its derive, one process-wide [`Registry`]
//! (declared defaults, env values, `set` overrides, and the resulting base
//! config behind an `Arc`) and one thread-local [`Local`] (this thread's patch
//! layers and its cached effective config). A [`Snapshot`] carries a thread's
//! layers of every type to other threads. A read compares the thread's
//! cached generation with the registry's; when they match it reads the cached
//! config in place: no lock, no allocation, no shared-memory write.

mod global;
mod local;
mod snapshot;

use std::sync::Arc;

pub use global::Registry;
pub use local::{Fast, Local, PatchGuard};
pub use snapshot::Snapshot;

use crate::config::FuzzableConfig;
use crate::error::ConfigError;
use crate::value::Value;

#[inline]
pub(crate) fn read<C: FuzzableConfig, R>(f: impl FnOnce(&C) -> R) -> R {
    let reg = C::__registry();
    // `Fast` has no destructor, so `with` never fails.
    C::__fast().with(|fast| match fast.base_if_fresh(reg) {
        Some(base) => f(base),
        None => read_slow(f),
    })
}

#[cold]
#[inline(never)]
fn read_slow<C: FuzzableConfig, R>(f: impl FnOnce(&C) -> R) -> R {
    let mut f = Some(f);
    match C::__local().try_with(|l| l.read(|c| (f.take().expect("called once"))(c))) {
        Ok(r) => r,
        // Only during thread teardown: no patches can be active, read the
        // process-wide config.
        Err(_) => (f.take().expect("not called"))(C::__registry().snapshot().base.arc()),
    }
}

pub(crate) fn current<C: FuzzableConfig>() -> Arc<C> {
    C::__local()
        .try_with(|l| l.current())
        .unwrap_or_else(|_| Arc::clone(C::__registry().snapshot().base.arc()))
}

pub(crate) fn patch<C: FuzzableConfig>(f: impl FnOnce(&mut C)) -> PatchGuard<C> {
    PatchGuard::new(C::__local().with(|l| l.patch(f)))
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
    let reg = C::__registry();
    let base = reg.snapshot().base;
    let base = base.arc();
    let mut c = (**base).clone();
    // The closure runs without the lock held, so it may read the config.
    f(&mut c);
    let changed = (0..C::__FIELD_COUNT).filter(|&i| !c.__field_eq(base, i));
    reg.set_fields(&c, changed);
}

pub(crate) fn set_values<C, N, I>(values: I) -> Result<(), ConfigError>
where
    C: FuzzableConfig,
    N: AsRef<str>,
    I: IntoIterator<Item = (N, Value)>,
{
    let reg = C::__registry();
    let base = reg.snapshot().base;
    let (c, touched) = reg.apply_named(base.arc(), values)?;
    reg.set_fields(&c, touched);
    Ok(())
}

pub(crate) fn reset<C: FuzzableConfig>() {
    C::__registry().reset();
}

pub(crate) fn reload_env<C: FuzzableConfig>() -> Result<(), ConfigError> {
    C::__registry().reload_env()
}
