//! Thread-locality (spec area "thread-locality").

use std::sync::{Arc, Barrier};

use fake_config::FakeConfig;
use fuzzer_core::prelude::*;

#[test]
fn spec_083_084_a_patch_is_invisible_to_other_threads_and_not_inherited() {
    let _g = FakeConfig::patch(|c| c.e_int = 999);
    let base_hash = std::thread::spawn(|| {
        assert_eq!(FakeConfig::read(|c| c.e_int), 1);
        FakeConfig::config_hash()
    })
    .join()
    .unwrap();
    assert_ne!(FakeConfig::config_hash(), base_hash);
    assert_eq!(FakeConfig::read(|c| c.e_int), 999);
}

#[test]
fn spec_083_085_a_child_threads_patch_does_not_leak_to_the_parent() {
    let before = FakeConfig::config_hash();
    let child = std::thread::spawn(|| {
        let _g = FakeConfig::patch(|c| c.e_int = 999);
        FakeConfig::config_hash()
    })
    .join()
    .unwrap();
    assert_ne!(child, before);
    assert_eq!(FakeConfig::config_hash(), before);
}

#[test]
fn spec_062_063_two_threads_patch_at_once_without_interference() {
    let barrier = Arc::new(Barrier::new(2));
    let handles: Vec<_> = (0..2)
        .map(|i| {
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                let _g = FakeConfig::patch(|c| {
                    c.e_bool = false;
                    c.e_int = i;
                });
                assert_eq!(FakeConfig::read(|c| (c.e_bool, c.e_int)), (false, i));
                barrier.wait();
                assert_eq!(FakeConfig::read(|c| (c.e_bool, c.e_int)), (false, i));
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert!(FakeConfig::read(|c| c.e_bool));
}

#[test]
fn install_carries_a_snapshot_into_a_spawned_thread() {
    let _g = FakeConfig::patch(|c| c.e_string = "carried".into());
    let snap = FakeConfig::current();
    let seen = std::thread::spawn(move || {
        let _g = FakeConfig::install(snap);
        FakeConfig::read(|c| c.e_string.clone())
    })
    .join()
    .unwrap();
    assert_eq!(seen, "carried");
}

#[test]
fn many_threads_patch_and_read_concurrently() {
    let handles: Vec<_> = (0..8)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..2000 {
                    let v = t * 10_000 + i;
                    let _g = FakeConfig::patch(|c| c.e_int = v);
                    assert_eq!(FakeConfig::read(|c| c.e_int), v);
                }
                FakeConfig::read(|c| c.e_int)
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 1);
    }
}
