//! `Snapshot`: carrying a thread's patches of every config type to other
//! threads.
//!
//! Tests run in parallel threads of one process. Only
//! `a_set_after_capture_shows_through_on_fields_not_captured` calls `set`,
//! and only on `e_jk_false`, which no other test here reads.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use fake_config::{FakeConfig, Wide20};
use fuzzer_core::prelude::*;

fn spawn_join<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::spawn(f).join().unwrap()
}

#[test]
fn a_snapshot_is_send_sync_clone_and_debug() {
    fn check<T: Send + Sync + Clone + std::fmt::Debug + 'static>() {}
    check::<Snapshot>();
}

#[test]
fn capture_without_patches_is_empty_and_enter_runs_f() {
    let snap = spawn_join(Snapshot::capture);
    assert!(snap.is_empty());
    assert_eq!(snap.len(), 0);
    assert_eq!(snap.enter(|| FakeConfig::read(|c| c.e_int) + 1), 2);
    assert_eq!(format!("{snap:?}"), "Snapshot");

    // A thread whose patches are all gone has nothing to carry either.
    let snap = spawn_join(|| {
        drop(FakeConfig::patch(|c| c.e_int = 5));
        Snapshot::capture()
    });
    assert!(snap.is_empty());
}

#[test]
fn patches_of_two_config_types_reach_a_spawned_thread() {
    let _a = FakeConfig::patch(|c| c.e_int = 11);
    let _b = Wide20::patch(|c| c.f003 = false);
    let snap = Snapshot::capture();
    assert_eq!(snap.len(), 2);
    let seen = spawn_join(move || {
        assert_eq!(FakeConfig::read(|c| c.e_int), 1);
        let inside = snap.enter(|| (FakeConfig::read(|c| c.e_int), Wide20::read(|c| c.f003)));
        let after = (FakeConfig::read(|c| c.e_int), Wide20::read(|c| c.f003));
        (inside, after)
    });
    assert_eq!(seen, ((11, false), (1, true)));
}

#[test]
fn patches_of_two_config_types_reach_a_scoped_thread() {
    let _a = FakeConfig::patch(|c| c.nested.e_bool = false);
    let _b = Wide20::patch(|c| {
        c.f004 = false;
        c.f005 = false;
    });
    let snap = Snapshot::capture();
    let seen = std::thread::scope(|s| {
        s.spawn(|| {
            snap.enter(|| {
                (
                    FakeConfig::read(|c| c.nested.e_bool),
                    Wide20::read(|c| (c.f004, c.f005, c.f006)),
                )
            })
        })
        .join()
        .unwrap()
    });
    assert_eq!(seen, (false, (false, false, true)));
}

#[test]
fn entering_keeps_the_target_threads_own_patches_of_other_fields() {
    let _g = FakeConfig::patch(|c| c.e_int = 21);
    let snap = Snapshot::capture();
    let seen = spawn_join(move || {
        let _own = FakeConfig::patch(|c| {
            c.e_int = 22;
            c.e_string = "own".into();
        });
        let inside = snap.enter(|| FakeConfig::read(|c| (c.e_int, c.e_string.clone())));
        (inside, FakeConfig::read(|c| c.e_int))
    });
    assert_eq!(seen, ((21, "own".to_string()), 22));
}

#[test]
fn nested_patches_capture_the_effective_values() {
    let _outer = FakeConfig::patch(|c| {
        c.e_int = 31;
        c.e_bool = false;
    });
    let _inner = FakeConfig::patch(|c| c.e_int = 32);
    let snap = Snapshot::capture();
    let seen = spawn_join(move || snap.enter(|| FakeConfig::read(|c| (c.e_int, c.e_bool))));
    assert_eq!(seen, (32, false));
}

#[test]
fn patches_dropped_out_of_order_capture_the_effective_values() {
    let outer = FakeConfig::patch(|c| {
        c.e_int = 41;
        c.e_bool = false;
    });
    let _inner = FakeConfig::patch(|c| c.e_int = 42);
    drop(outer);
    let snap = Snapshot::capture();
    assert_eq!(
        format!("{snap:?}"),
        "Snapshot { FakeConfig: {\"e_int\": Int(42)} }"
    );
    let seen = spawn_join(move || snap.enter(|| FakeConfig::read(|c| (c.e_int, c.e_bool))));
    assert_eq!(seen, (42, true));
}

#[test]
fn an_installed_config_is_carried_whole() {
    let mut installed = FakeConfig::defaults();
    installed.e_int = 51;
    let _g = FakeConfig::install(Arc::new(installed));
    let _top = FakeConfig::patch(|c| c.e_bool = false);
    let snap = Snapshot::capture();
    let seen = spawn_join(move || {
        let _own = FakeConfig::patch(|c| c.e_string = "own".into());
        snap.enter(|| FakeConfig::read(|c| (c.e_int, c.e_bool, c.e_string.clone())))
    });
    // The target's own `e_string` is overridden: every field is carried.
    assert_eq!(seen, (51, false, "string".to_string()));
}

#[test]
fn a_set_after_capture_shows_through_on_fields_not_captured() {
    let _g = FakeConfig::patch(|c| c.e_int = 61);
    let snap = Snapshot::capture();
    FakeConfig::set(|c| c.e_jk_false = true);
    let seen = spawn_join(move || snap.enter(|| FakeConfig::read(|c| (c.e_int, c.e_jk_false))));
    FakeConfig::reset();
    assert_eq!(seen, (61, true));
}

#[test]
fn enter_restores_on_panic() {
    let _a = FakeConfig::patch(|c| c.e_int = 71);
    let _b = Wide20::patch(|c| c.f007 = false);
    let snap = Snapshot::capture();
    let seen = spawn_join(move || {
        let _own = FakeConfig::patch(|c| c.e_int = 72);
        let caught = catch_unwind(AssertUnwindSafe(|| {
            snap.enter(|| {
                assert_eq!(FakeConfig::read(|c| c.e_int), 71);
                assert!(!Wide20::read(|c| c.f007));
                panic!("inside enter");
            })
        }));
        assert!(caught.is_err());
        (FakeConfig::read(|c| c.e_int), Wide20::read(|c| c.f007))
    });
    assert_eq!(seen, (72, true));
}

#[test]
fn env_forced_fields_keep_their_forced_values() {
    // `e_env_force` is forced to `true` by ENV_TRUE=1 (.cargo/config.toml).
    let _g = FakeConfig::patch(|c| {
        c.e_env_force = false;
        c.e_int = 81;
    });
    let snap = Snapshot::capture();
    let mut installed = FakeConfig::defaults();
    installed.e_env_force = false;
    installed.e_int = 82;
    let whole = spawn_join(move || {
        let _g = FakeConfig::install(Arc::new(installed));
        Snapshot::capture()
    });
    let seen = spawn_join(move || {
        (
            snap.enter(|| FakeConfig::read(|c| (c.e_int, c.e_env_force))),
            whole.enter(|| FakeConfig::read(|c| (c.e_int, c.e_env_force))),
        )
    });
    assert_eq!(seen, ((81, true), (82, true)));
}

#[test]
fn wrap_enters_the_snapshot_on_every_call_from_several_threads() {
    let _g = FakeConfig::patch(|c| c.e_int = 91);
    let _w = Wide20::patch(|c| c.f009 = false);
    let f = Snapshot::capture()
        .wrap(|x: i64| (x + FakeConfig::read(|c| c.e_int), Wide20::read(|c| c.f009)));
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let f = f.clone();
                s.spawn(move || {
                    let first = f(i);
                    let second = f(i * 10);
                    let after = (FakeConfig::read(|c| c.e_int), Wide20::read(|c| c.f009));
                    (first, second, after)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (i, (first, second, after)) in (0i64..).zip(results) {
        assert_eq!(first, (91 + i, false));
        assert_eq!(second, (91 + i * 10, false));
        assert_eq!(after, (1, true));
    }
    // Also through an ordinary iterator adapter on this thread.
    let sums: Vec<_> = [1, 2].into_iter().map(f).collect();
    assert_eq!(sums, [(92, false), (93, false)]);
}

#[test]
fn a_snapshot_is_unaffected_by_later_patches_on_its_thread() {
    let first = FakeConfig::patch(|c| c.e_int = 101);
    let snap = Snapshot::capture();
    let _later = FakeConfig::patch(|c| {
        c.e_int = 102;
        c.e_bool = false;
    });
    drop(first);
    let _wide = Wide20::patch(|c| c.f010 = false);
    assert_eq!(snap.len(), 1);
    // On this thread: the captured value wins over the later patch while
    // entered, and the later patch is back afterwards.
    assert_eq!(snap.enter(|| FakeConfig::read(|c| c.e_int)), 101);
    assert_eq!(FakeConfig::read(|c| c.e_int), 102);
    let seen = spawn_join(move || {
        snap.enter(|| {
            (
                FakeConfig::read(|c| (c.e_int, c.e_bool)),
                Wide20::read(|c| c.f010),
            )
        })
    });
    assert_eq!(seen, ((101, true), true));
}

#[test]
fn a_snapshot_captured_inside_enter_carries_the_entered_patches_on() {
    let _g = FakeConfig::patch(|c| c.e_int = 111);
    let snap = Snapshot::capture();
    let seen = spawn_join(move || {
        snap.enter(|| {
            let again = Snapshot::capture();
            spawn_join(move || again.enter(|| FakeConfig::read(|c| c.e_int)))
        })
    });
    assert_eq!(seen, 111);
}
