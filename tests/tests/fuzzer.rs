//! Parity with PyTorch's `test/inductor/test_fuzzer.py` on FakeConfig, and
//! the defects of PyTorch's fuzzer, fixed (spec areas "Fuzzer ...").

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use fake_config::FakeConfig;
use fuzzer_core::prelude::*;

fn diff(pairs: &[(&str, Value)]) -> ConfigDiff {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// PyTorch's planted bug: fails iff `not e_bool and e_optional is None`.
fn planted() -> bool {
    FakeConfig::read(|c| c.e_bool || c.e_optional.is_some())
}

#[test]
fn test_config_fuzzer_bisector_boolean() {
    // spec 256, 265: seed 100, no pins, 2 attempts, p = 1.0.
    let fuzzer = ConfigFuzzer::<FakeConfig>::new(planted, 100);
    let found = fuzzer.bisect(2, 1.0);
    let expected = diff(&[("e_bool", Value::Bool(false)), ("e_optional", Value::None)]);
    assert_eq!(found, vec![expected.clone(), expected]);
}

#[test]
fn test_config_fuzzer_bisector_exception() {
    // spec 254, 266: an error is a failure of its own kind.
    #[derive(Debug)]
    struct MyException;
    impl std::fmt::Display for MyException {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("hi")
        }
    }
    let fuzzer =
        ConfigFuzzer::<FakeConfig>::new(|| if planted() { Ok(()) } else { Err(MyException) }, 100);
    let found = fuzzer.bisect(2, 1.0);
    let expected = diff(&[("e_bool", Value::Bool(false)), ("e_optional", Value::None)]);
    assert_eq!(found, vec![expected.clone(), expected.clone()]);
    assert_eq!(fuzzer.test_config(&expected), Status::FailedError);
}

#[test]
fn test_config_fuzzer_n_tuple() {
    // spec 240, 241, 271-274: PyTorch's one draw per pair.
    let fuzzer =
        ConfigFuzzer::<FakeConfig>::new(planted, 100).n_tuple_draw(fuzzer_core::NTupleDraw::Single);
    let results = fuzzer.fuzz_n_tuple(2, 100);
    assert_eq!(results.num_ran(), 100);
    assert_eq!(
        results.lookup(&["e_bool", "e_optional"]),
        Some(Status::FailedReturn)
    );
    assert_eq!(
        results.lookup(&["e_optional", "e_bool"]),
        Some(Status::FailedReturn)
    );
    assert_eq!(results.lookup(&["e_bool", "e_int"]), Some(Status::Passed));
    // Pairs with a private field are skipped and do not count: counted,
    // not stored, but `lookup` still says so.
    assert_eq!(
        results.lookup(&["e_bool", "_e_ignored"]),
        Some(Status::Skipped)
    );
    assert!(results.num_skipped() > 0);
    assert_eq!(results.len(), results.num_ran());
}

#[test]
fn test_fuzzer_running_test_call_counts() {
    // spec 264: one run per passing attempt. We also run the pins alone
    // once first (to refuse to fuzz a test that fails at the defaults), so
    // the count is 1 + attempts.
    let calls = Arc::new(AtomicUsize::new(0));
    let c = Arc::clone(&calls);
    let fuzzer = ConfigFuzzer::<FakeConfig>::new(
        move || {
            c.fetch_add(1, Ordering::SeqCst);
            true
        },
        0,
    );
    assert!(fuzzer.bisect(20, 0.5).is_empty());
    assert_eq!(calls.load(Ordering::SeqCst), 21);
    assert_eq!(fuzzer.num_runs(), 21);
}

#[test]
fn pytorch_defect_results_are_keyed_by_values_too() {
    // PyTorch reuses a cached result for the same names with other values.
    let fuzzer = ConfigFuzzer::<FakeConfig>::new(planted, 0);
    let failing = diff(&[("e_bool", Value::Bool(false)), ("e_optional", Value::None)]);
    let passing = diff(&[
        ("e_bool", Value::Bool(false)),
        ("e_optional", Value::Some(Box::new(Value::Bool(false)))),
    ]);
    assert_eq!(fuzzer.test_config(&failing), Status::FailedReturn);
    assert_eq!(fuzzer.test_config(&passing), Status::Passed);
    let results = fuzzer.reproduce(&[failing.clone(), passing.clone()]);
    assert_eq!(results.len(), 2);
    // Several value sets share the names: the failing one is reported.
    assert_eq!(
        results.lookup(&["e_bool", "e_optional"]),
        Some(Status::FailedReturn)
    );
    assert_eq!(results.get(&passing).unwrap().status, Status::Passed);
}

#[test]
fn pytorch_defect_pins_hold_in_every_run_including_while_shrinking() {
    // Fails iff e_bool is off and e_int is still 1. The pin keeps e_int at 1
    // in every run; PyTorch's shrinking drops pins and would lose the bug.
    let saw_unpinned = Arc::new(AtomicUsize::new(0));
    let s = Arc::clone(&saw_unpinned);
    let fuzzer = ConfigFuzzer::<FakeConfig>::new(
        move || {
            FakeConfig::read(|c| {
                if c.e_string != "pinned" {
                    s.fetch_add(1, Ordering::SeqCst);
                }
                c.e_bool
            })
        },
        3,
    )
    .pin("e_string", Value::Str("pinned".into()))
    .unwrap();
    let found = fuzzer.bisect(3, 1.0);
    assert_eq!(found.len(), 3);
    for m in &found {
        assert_eq!(m, &diff(&[("e_bool", Value::Bool(false))]));
    }
    assert_eq!(saw_unpinned.load(Ordering::SeqCst), 0);
    assert_eq!(fuzzer.pinned()["e_string"], Value::Str("pinned".into()));
}

#[test]
fn pytorch_defect_shrinking_never_slips_to_another_bug() {
    // Two bugs: e_bool off panics; e_bool off with e_int != 1 returns false
    // instead. Shrinking a "returned false" config must keep returning
    // false, not slide to the smaller panic.
    let fuzzer = ConfigFuzzer::<FakeConfig>::new(
        || {
            FakeConfig::read(|c| {
                if !c.e_bool && c.e_int != 1 {
                    return false;
                }
                assert!(c.e_bool, "e_bool off");
                true
            })
        },
        0,
    );
    let start = diff(&[
        ("e_bool", Value::Bool(false)),
        ("e_int", Value::Int(5)),
        ("e_float", Value::Float(3.0)),
    ]);
    assert_eq!(fuzzer.test_config(&start), Status::FailedReturn);
    let minimal = fuzzer.minimize(&start).unwrap();
    // Value shrinking moves `e_int` from the drawn 5 to 2, the value
    // next to its default (1) that still returns false; it never reaches
    // the default, which would slide to the panic.
    assert_eq!(
        minimal,
        diff(&[("e_bool", Value::Bool(false)), ("e_int", Value::Int(2))])
    );
    assert_eq!(fuzzer.test_config(&minimal), Status::FailedReturn);
    let panic_only = diff(&[("e_bool", Value::Bool(false))]);
    assert_eq!(fuzzer.test_config(&panic_only), Status::FailedPanic);
}

#[test]
fn pytorch_defect_a_test_failing_at_defaults_is_reported_not_fuzzed() {
    let fuzzer = ConfigFuzzer::<FakeConfig>::new(|| false, 0);
    assert!(fuzzer.bisect(10, 0.5).is_empty());
    // The baseline run, and its confirmation (DEFAULT_CONFIRM = 1).
    assert_eq!(fuzzer.num_runs(), 2);
    let once = ConfigFuzzer::<FakeConfig>::new(|| false, 0).confirm(0);
    assert!(once.bisect(10, 0.5).is_empty());
    assert_eq!(once.num_runs(), 1);
}

#[test]
fn pytorch_defect_timeout_is_its_own_status_and_never_fires_late() {
    let fuzzer = ConfigFuzzer::<FakeConfig>::new(
        || {
            if !FakeConfig::read(|c| c.e_bool) {
                std::thread::sleep(Duration::from_secs(30));
            }
            true
        },
        0,
    )
    .timeout(Duration::from_millis(200));
    let hang = diff(&[("e_bool", Value::Bool(false))]);
    let started = std::time::Instant::now();
    assert_eq!(fuzzer.test_config(&hang), Status::FailedTimeout);
    assert!(started.elapsed() < Duration::from_secs(5));
    // The campaign goes on with a fresh worker, and fast tests are not hit
    // by a stale timer.
    for i in 0..50 {
        let d = diff(&[("e_int", Value::Int(100 + i))]);
        assert_eq!(fuzzer.test_config(&d), Status::Passed);
    }
    let results = fuzzer.reproduce(&[hang]);
    assert_eq!(results.entries()[0].status, Status::FailedTimeout);
}

#[test]
fn panics_are_caught_quietly_with_their_message_kept() {
    let fuzzer = ConfigFuzzer::<FakeConfig>::new(
        || {
            let n = FakeConfig::read(|c| c.e_int);
            assert!(n == 1, "e_int was {n}");
        },
        0,
    );
    let d = diff(&[("e_int", Value::Int(9))]);
    let results = fuzzer.reproduce(&[d]);
    let e = &results.entries()[0];
    assert_eq!(e.status, Status::FailedPanic);
    let msg = e.detail.message.as_deref().unwrap();
    assert!(
        msg.contains("e_int was 9") && msg.contains("fuzzer.rs"),
        "{msg}"
    );
}

#[test]
fn the_same_seed_gives_the_same_configs_and_results() {
    let run = || {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let s = Arc::clone(&seen);
        let fuzzer = ConfigFuzzer::<FakeConfig>::new(
            move || {
                s.lock().unwrap().push(FakeConfig::save_json());
                FakeConfig::read(|c| c.e_int < 500)
            },
            42,
        )
        .sampling(SamplingMethod::Random);
        let found = fuzzer.bisect(10, 0.5);
        let seen = seen.lock().unwrap().clone();
        (found, seen)
    };
    assert_eq!(run(), run());
}

#[test]
fn reproduce_is_keyed_by_the_reproduced_configs_own_names_and_dedups() {
    // spec 276, 277, 279.
    let fuzzer = ConfigFuzzer::<FakeConfig>::new(planted, 0);
    let d = diff(&[("e_bool", Value::Bool(false)), ("e_optional", Value::None)]);
    let results = fuzzer.reproduce(&[d.clone(), d.clone()]);
    assert_eq!(results.len(), 1);
    assert_eq!(
        results.lookup(&["e_bool", "e_optional"]),
        Some(Status::FailedReturn)
    );
    let bad = diff(&[("e_bol", Value::Bool(false))]);
    let results = fuzzer.reproduce(&[bad]);
    let e = &results.entries()[0];
    assert_eq!(e.status, Status::Skipped);
    assert!(e
        .detail
        .message
        .as_deref()
        .unwrap()
        .contains("did you mean `e_bool`"));
}

#[test]
fn pin_and_keep_default_check_names_and_types() {
    let f = ConfigFuzzer::<FakeConfig>::new(planted, 0);
    let err = f.pin("e_bol", Value::Bool(true)).unwrap_err();
    assert!(err.to_string().contains("did you mean `e_bool`"));
    let f = ConfigFuzzer::<FakeConfig>::new(planted, 0);
    let err = f.pin("e_bool", Value::Int(1)).unwrap_err();
    assert!(
        err.to_string().contains("field `e_bool` has type `bool`"),
        "{err}"
    );
    let f = ConfigFuzzer::<FakeConfig>::new(planted, 0)
        .keep_default("e_bool")
        .unwrap();
    // With e_bool held, the planted bug cannot be reached.
    assert!(f.bisect(5, 1.0).is_empty());
}

#[test]
fn results_print_a_terminal_summary() {
    // One config per pair, as the counts below say.
    let fuzzer =
        ConfigFuzzer::<FakeConfig>::new(planted, 100).n_tuple_draw(fuzzer_core::NTupleDraw::Single);
    let text = fuzzer.fuzz_n_tuple(2, 30).to_string();
    // 4 of the first 34 pairs hold a field the fuzzer must not change: the
    // private `_e_ignored`, and `e_env_force`, which ENV_TRUE=1 (set for
    // the tests in .cargo/config.toml) forces.
    assert!(text.starts_with("34 configs, 30 ran, 1 failed\n"), "{text}");
    assert!(text.contains("  failed: returned false  e_bool = false, e_optional = None\n      the test returned false\n"), "{text}");
}

#[test]
fn results_render_as_html_with_the_grid_and_details() {
    let fuzzer = ConfigFuzzer::<FakeConfig>::new(planted, 100);
    let html = fuzzer.fuzz_n_tuple(2, 30).to_html();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains(
        "<td class=\"failed\" title=\"failed: returned false\ne_bool = false\ne_optional = None"
    ));
    assert!(html.contains("R returned false"));
}

#[test]
fn saved_results_load_back_and_replay_with_the_same_statuses() {
    let fuzzer = ConfigFuzzer::<FakeConfig>::new(
        || FakeConfig::read(|c| c.e_tuple == (1,) && c.e_dict.len() == 1 && c.e_optional.is_some()),
        0,
    );
    let configs = vec![
        diff(&[("e_tuple", Value::Tuple(vec![Value::Int(5)]))]),
        diff(&[(
            "e_dict",
            Value::Map(vec![
                (Value::Int(3), Value::Int(4)),
                (Value::Int(5), Value::Int(6)),
            ]),
        )]),
        diff(&[("e_optional", Value::None), ("e_float", Value::Float(2.5))]),
        diff(&[("e_float", Value::Float(2.0))]),
    ];
    let first = fuzzer.reproduce(&configs);
    let statuses: Vec<Status> = first.iter().map(|(_, s)| s).collect();
    assert_eq!(
        statuses,
        [
            Status::FailedReturn,
            Status::FailedReturn,
            Status::FailedReturn,
            Status::Passed
        ]
    );
    let loaded = fuzzer_core::Results::load_json(&first.save_json()).unwrap();
    assert_eq!(loaded.len(), 4);
    assert_eq!(
        loaded.entries()[0].detail.message.as_deref(),
        Some("the test returned false")
    );
    let replay: Vec<ConfigDiff> = loaded.iter().map(|(c, _)| c.clone()).collect();
    let again = fuzzer.reproduce(&replay);
    assert_eq!(again.iter().map(|(_, s)| s).collect::<Vec<_>>(), statuses);

    let err =
        fuzzer_core::Results::load_json(r#"[{"config": {}, "status": "exploded"}]"#).unwrap_err();
    assert!(
        err.to_string().contains("unknown status `exploded`"),
        "{err}"
    );
    assert!(fuzzer_core::Results::load_json("{").is_err());
}

#[test]
fn a_config_with_a_wrong_type_runs_nothing_and_leaves_no_trace_in_later_runs() {
    let fuzzer = ConfigFuzzer::<FakeConfig>::new(
        || FakeConfig::read(|c| c.e_int == 1 && c.e_string == "string" && c.e_bool),
        0,
    );
    let earlier = diff(&[("e_string", Value::Str("earlier".into()))]);
    assert_eq!(fuzzer.test_config(&earlier), Status::FailedReturn);
    // e_bool is applied before the badly typed e_int is met; e_string,
    // changed by the run before, is never reached.
    let bad = diff(&[
        ("e_bool", Value::Bool(false)),
        ("e_int", Value::Str("nine".into())),
        ("e_string", Value::Str("changed".into())),
    ]);
    assert_eq!(fuzzer.test_config(&bad), Status::Skipped);
    let results = fuzzer.reproduce(&[bad]);
    let msg = results.entries()[0].detail.message.as_deref().unwrap();
    assert!(msg.contains("field `e_int` has type `i64`"), "{msg}");
    // Nothing of the rejected config leaks into the next run.
    let next = diff(&[("e_float", Value::Float(4.0))]);
    assert_eq!(fuzzer.test_config(&next), Status::Passed);
    // `earlier` ran and was confirmed once; `next` ran.
    assert_eq!(fuzzer.num_runs(), 3);
}

#[test]
fn a_huge_timeout_means_no_deadline_and_progress_callbacks_may_query_the_fuzzer() {
    let seen = Arc::new(AtomicUsize::new(0));
    let s = Arc::clone(&seen);
    let fuzzer = Arc::new(std::sync::OnceLock::<ConfigFuzzer<FakeConfig>>::new());
    let f2 = Arc::clone(&fuzzer);
    let built = ConfigFuzzer::<FakeConfig>::new(planted, 1)
        .timeout(Duration::MAX)
        .on_progress(move |p| {
            // Calling back into the fuzzer from its own callback must not deadlock.
            if let Some(f) = f2.get() {
                assert_eq!(f.num_runs(), p.runs);
            }
            s.fetch_add(1, Ordering::SeqCst);
        });
    assert!(fuzzer.set(built).is_ok());
    let fuzzer = fuzzer.get().unwrap();
    assert_eq!(fuzzer.bisect(3, 1.0).len(), 3);
    assert_eq!(seen.load(Ordering::SeqCst), fuzzer.num_runs());
}

#[test]
fn n_tuple_sweeps_scale_to_tens_of_thousands_of_configs() {
    let fuzzer = ConfigFuzzer::<fake_config::Wide300>::new(|| true, 0).without_timeout();
    let results = fuzzer.fuzz_n_tuple(2, 20_000);
    assert_eq!(results.num_ran(), 20_000);
    assert_eq!(results.len(), 20_000);
}
