//! [`Snapshot`]: this thread's patches of every config type, carried into
//! other threads.
//!
//! Each thread keeps a list of the config types it has ever pushed a patch
//! layer for: [`Local`](super::Local) registers its type on its first layer.
//! Capturing walks only this thread's list, so it takes no lock, and a
//! thread that never patched anything captures an empty snapshot without
//! allocating.

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use crate::config::FuzzableConfig;

use super::{LayerId, PatchGuard};

/// Captures one config type's overrides on this thread, if it has any.
type Capturer = fn() -> Option<Box<dyn Captured>>;

thread_local! {
    /// One capturer per config type this thread has pushed a layer for.
    static CAPTURERS: RefCell<Vec<Capturer>> = const { RefCell::new(Vec::new()) };
}

/// Adds `C` to this thread's capture list. False during thread teardown,
/// when the list is gone (nothing can be captured then anyway).
pub(crate) fn register<C: FuzzableConfig>() -> bool {
    CAPTURERS
        .try_with(|list| list.borrow_mut().push(capture_one::<C>))
        .is_ok()
}

fn capture_one<C: FuzzableConfig>() -> Option<Box<dyn Captured>> {
    let (config, fields) = C::__local().try_with(|l| l.capture()).ok().flatten()?;
    Some(Box::new(CapturedConfig { config, fields }))
}

/// One config type's captured overrides, with its type erased.
trait Captured: Send + Sync {
    /// Pushes the overrides as one layer on this thread; returns its id.
    fn enter(&self) -> LayerId;
    /// Removes the layer `id` pushed by [`enter`](Captured::enter).
    fn exit(&self, id: LayerId);
    /// Records the overrides as process-wide `set`s.
    fn install_process_wide(&self);
    /// The captured fields and their values, for `Debug`.
    fn fmt_values(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
    fn name(&self) -> &'static str;
}

struct CapturedConfig<C> {
    /// The effective config of the capturing thread.
    config: Arc<C>,
    /// The fields its layers overrode, sorted; `None`: every field.
    fields: Option<Vec<u32>>,
}

impl<C: FuzzableConfig> Captured for CapturedConfig<C> {
    fn enter(&self) -> LayerId {
        C::__local().with(|l| l.enter_captured(&self.config, self.fields.as_deref()))
    }

    fn exit(&self, id: LayerId) {
        drop(PatchGuard::<C>::new(id));
    }

    fn install_process_wide(&self) {
        let reg = C::__registry();
        let done = match &self.fields {
            Some(fields) => reg.set_fields(&self.config, fields.iter().map(|&i| i as usize)),
            None => reg.set_fields(&self.config, 0..C::__field_count()),
        };
        // A thread's effective config holds its own implications; only a
        // validator can reject it (the thread's patches were never checked
        // together with this process's `set` values).
        if let Err(e) = done {
            panic!("{e}");
        }
    }

    fn fmt_values(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(fields) = &self.fields else {
            return write!(f, "(all {} fields)", C::__field_count());
        };
        let meta = C::fields();
        f.debug_map()
            .entries(fields.iter().map(|&i| {
                let i = i as usize;
                (meta[i].name(), self.config.__get_index(i))
            }))
            .finish()
    }

    fn name(&self) -> &'static str {
        C::__NAME
    }
}

/// Removes one entered layer when dropped, also when unwinding.
struct Entered<'a> {
    entry: &'a dyn Captured,
    id: LayerId,
}

impl Drop for Entered<'_> {
    fn drop(&mut self) {
        self.entry.exit(self.id);
    }
}

/// This thread's patches of every config type, captured to be entered on
/// other threads.
///
/// Patches are thread-local, so a thread spawned inside a patch reads the
/// process-wide config. Capture the patches before handing work to another
/// thread, and enter them there:
///
/// ```
/// use fuzzer_core::prelude::*;
///
/// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
/// pub struct Engine {
///     #[config(default = 1)]
///     pub workers: i64,
/// }
///
/// let _g = Engine::patch(|c| c.workers = 7);
/// let snap = Snapshot::capture();
/// let n = std::thread::spawn(move || snap.enter(|| Engine::read(|c| c.workers)))
///     .join()
///     .unwrap();
/// assert_eq!(n, 7);
/// ```
///
/// A snapshot holds only what this thread's patches override (the fields
/// they change, or every field of an [`install`](FuzzableConfig::install)ed
/// config), with the values effective at capture. Entering it elsewhere
/// patches just those fields, so the other thread's own patches and
/// process-wide [`set`](FuzzableConfig::set)s of the other fields still show
/// through, and env-forced fields keep their forced values. Later patches on
/// the capturing thread do not change a snapshot.
///
/// Cloning is cheap (a reference count); a snapshot of a thread with no
/// patches allocates nothing and enters for free.
#[derive(Clone, Default)]
pub struct Snapshot {
    /// `None` when nothing was captured.
    entries: Option<Arc<[Box<dyn Captured>]>>,
}

impl Snapshot {
    /// Captures this thread's patches of every config type.
    ///
    /// ```
    /// # use fuzzer_core::prelude::*;
    /// # #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// # pub struct Engine { #[config(default = 1)] pub workers: i64, #[config(default = true)] pub fuse: bool }
    /// assert!(Snapshot::capture().is_empty());
    /// let _g = Engine::patch(|c| c.fuse = false);
    /// assert_eq!(Snapshot::capture().len(), 1);
    /// ```
    pub fn capture() -> Self {
        let mut entries = Vec::new();
        let mut i = 0;
        // No borrow of the list is held while a capturer runs.
        while let Some(capturer) = CAPTURERS
            .try_with(|list| list.borrow().get(i).copied())
            .ok()
            .flatten()
        {
            entries.extend(capturer());
            i += 1;
        }
        Snapshot {
            entries: (!entries.is_empty()).then(|| entries.into()),
        }
    }

    /// Runs `f` with the captured patches in effect on this thread, as one
    /// patch per config type on top of this thread's own; they are removed
    /// when `f` returns or panics.
    ///
    /// ```
    /// # use fuzzer_core::prelude::*;
    /// # #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// # pub struct Engine { #[config(default = 1)] pub workers: i64, #[config(default = true)] pub fuse: bool }
    /// let snap = {
    ///     let _g = Engine::patch(|c| c.fuse = false);
    ///     Snapshot::capture()
    /// };
    /// assert!(Engine::read(|c| c.fuse));
    /// assert!(!snap.enter(|| Engine::read(|c| c.fuse)));
    /// assert!(Engine::read(|c| c.fuse));
    /// ```
    pub fn enter<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.entries {
            None => f(),
            Some(entries) => enter_all(entries, f),
        }
    }

    /// Wraps `f` so that each call runs inside [`enter`](Self::enter): for
    /// closures handed to thread pools (`par_iter().map(snap.wrap(|x| ..))`).
    ///
    /// ```
    /// # use fuzzer_core::prelude::*;
    /// # #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// # pub struct Engine { #[config(default = 1)] pub workers: i64, #[config(default = true)] pub fuse: bool }
    /// let _g = Engine::patch(|c| c.workers = 3);
    /// let scaled = Snapshot::capture().wrap(|x: i64| x * Engine::read(|c| c.workers));
    /// let results: Vec<i64> = std::thread::scope(|s| {
    ///     let handles: Vec<_> = (1..=2)
    ///         .map(|x| {
    ///             let scaled = scaled.clone();
    ///             s.spawn(move || scaled(x))
    ///         })
    ///         .collect();
    ///     handles.into_iter().map(|h| h.join().unwrap()).collect()
    /// });
    /// assert_eq!(results, [3, 6]);
    /// ```
    pub fn wrap<T, R, F>(self, f: F) -> impl Fn(T) -> R + Send + Sync + Clone
    where
        F: Fn(T) -> R + Send + Sync,
    {
        let f = Arc::new(f);
        move |x| self.enter(|| f(x))
    }

    /// Whether nothing was captured: the capturing thread had no patch.
    ///
    /// ```
    /// # use fuzzer_core::prelude::*;
    /// assert!(Snapshot::capture().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_none()
    }

    /// How many config types the snapshot carries patches of.
    ///
    /// ```
    /// # use fuzzer_core::prelude::*;
    /// # #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// # pub struct Engine { #[config(default = 1)] pub workers: i64, #[config(default = true)] pub fuse: bool }
    /// # #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
    /// # pub struct Cache { #[config(default = true)] pub enabled: bool }
    /// let _a = Engine::patch(|c| c.fuse = false);
    /// let _b = Cache::patch(|c| c.enabled = false);
    /// assert_eq!(Snapshot::capture().len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.as_ref().map_or(0, |e| e.len())
    }

    /// Makes every captured field effective for every thread, as
    /// [`set`](FuzzableConfig::set) does: for a child process to take over
    /// its parent's patches.
    pub(crate) fn install_process_wide(&self) {
        for entry in self.entries.iter().flat_map(|e| e.iter()) {
            entry.install_process_wide();
        }
    }
}

/// Enters `entries` in order, runs `f`, and leaves them in reverse order
/// (each guard drops as its frame unwinds).
fn enter_all<R>(entries: &[Box<dyn Captured>], f: impl FnOnce() -> R) -> R {
    match entries.split_first() {
        None => f(),
        Some((first, rest)) => {
            let _entered = Entered {
                entry: &**first,
                id: first.enter(),
            };
            enter_all(rest, f)
        }
    }
}

impl fmt::Debug for Snapshot {
    /// The captured fields and values, by config type.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Values<'a>(&'a dyn Captured);
        impl fmt::Debug for Values<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt_values(f)
            }
        }
        let mut s = f.debug_struct("Snapshot");
        for entry in self.entries.iter().flat_map(|e| e.iter()) {
            s.field(entry.name(), &Values(&**entry));
        }
        s.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::Snapshot;
    use crate::FuzzableConfig;

    // Used by no other test: `install_process_wide` changes it for the whole
    // test process.
    #[derive(crate::FuzzableConfig, Clone, Debug, PartialEq)]
    struct Carried {
        #[config(default = 1)]
        patched: i64,
        #[config(default = 1)]
        untouched: i64,
    }

    #[test]
    fn install_process_wide_sets_only_the_captured_fields() {
        let snap = std::thread::spawn(|| {
            let _g = Carried::patch(|c| c.patched = 5);
            Carried::set(|c| c.untouched = 3);
            let snap = Snapshot::capture();
            Carried::reset();
            snap
        })
        .join()
        .unwrap();
        assert_eq!(Carried::read(|c| (c.patched, c.untouched)), (1, 1));
        snap.install_process_wide();
        let seen = std::thread::spawn(|| Carried::read(|c| (c.patched, c.untouched)));
        assert_eq!(seen.join().unwrap(), (5, 1));
        Carried::reset();
        assert_eq!(Carried::read(|c| c.patched), 1);
    }

    #[test]
    fn install_process_wide_of_an_installed_config_sets_every_field() {
        #[derive(crate::FuzzableConfig, Clone, Debug, PartialEq)]
        struct Whole {
            #[config(default = false)]
            a: bool,
            #[config(default = false)]
            b: bool,
        }
        let snap = std::thread::spawn(|| {
            let mut c = Whole::defaults();
            c.a = true;
            let _g = Whole::install(std::sync::Arc::new(c));
            Snapshot::capture()
        })
        .join()
        .unwrap();
        snap.install_process_wide();
        Whole::set(|c| c.b = true);
        assert_eq!(Whole::read(|c| (c.a, c.b)), (true, true));
        Whole::reset();
        assert_eq!(Whole::read(|c| (c.a, c.b)), (false, false));
    }
}
