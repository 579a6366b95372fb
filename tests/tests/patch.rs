//! Scoped, thread-local patches (spec areas "patch", "value precedence",
//! "is_default", "subconfig nesting").

use std::collections::{BTreeMap, BTreeSet};

use fake_config::FakeConfig;
use fuzzer_core::prelude::*;

#[test]
fn spec_018_default_value_loading() {
    assert!(FakeConfig::read(|c| c.e_bool));
    assert_eq!(FakeConfig::read(|c| c.e_int), 1);
    assert_eq!(FakeConfig::read(|c| c.e_float), 1.0);
    assert_eq!(FakeConfig::read(|c| c.e_string.clone()), "string");
    assert_eq!(FakeConfig::read(|c| c.e_list.clone()), vec![1]);
    assert_eq!(FakeConfig::read(|c| c.e_set.clone()), BTreeSet::from([1]));
    assert_eq!(FakeConfig::read(|c| c.e_tuple), (1,));
    assert_eq!(
        FakeConfig::read(|c| c.e_dict.clone()),
        BTreeMap::from([(1, 2)])
    );
    assert_eq!(FakeConfig::read(|c| c.e_none), None);
    assert_eq!(FakeConfig::read(|c| c.e_optional), Some(true));
    // spec 214: nested fields read through the nested struct.
    assert!(FakeConfig::read(|c| c.nested.e_bool));
}

#[test]
fn spec_019_048_overrides_inside_a_patch_and_restored_after() {
    {
        let _g = FakeConfig::patch(|c| {
            c.e_bool = false;
            c.nested.e_bool = false;
            c.e_int = 2;
            c.e_float = 2.0;
            c.e_string = "string2".into();
            c.e_list = vec![2];
            c.e_set = BTreeSet::from([2]);
            c.e_tuple = (2,);
            c.e_dict = BTreeMap::from([(2, 3)]);
            c.e_none = Some(false);
            c.e_optional = None;
        });
        FakeConfig::read(|c| {
            assert!(!c.e_bool);
            assert!(!c.nested.e_bool);
            assert_eq!(c.e_int, 2);
            assert_eq!(c.e_float, 2.0);
            assert_eq!(c.e_string, "string2");
            assert_eq!(c.e_list, vec![2]);
            assert_eq!(c.e_set, BTreeSet::from([2]));
            assert_eq!(c.e_tuple, (2,));
            assert_eq!(c.e_dict, BTreeMap::from([(2, 3)]));
            assert_eq!(c.e_none, Some(false));
            assert_eq!(c.e_optional, None);
        });
    }
    assert_eq!(*FakeConfig::current(), {
        let mut expected = FakeConfig::defaults();
        // Env values stay (spec 20, 22).
        expected.e_env_default = true;
        expected.e_env_default_false = false;
        expected.e_env_default_str = "1234".into();
        expected.e_env_default_str_empty = String::new();
        expected.e_env_force = true;
        expected
    });
}

#[test]
fn spec_060_nested_patches_unwind_layer_by_layer() {
    let outer = FakeConfig::patch(|c| {
        c.e_int = 2;
        c.e_string = "inner".into();
    });
    {
        let _inner = FakeConfig::patch(|c| c.e_int = 3);
        assert_eq!(FakeConfig::read(|c| c.e_int), 3);
        let _more = FakeConfig::patch(|c| c.e_int = 4);
        assert_eq!(FakeConfig::read(|c| c.e_int), 4);
    }
    assert_eq!(
        FakeConfig::read(|c| (c.e_int, c.e_string.clone())),
        (2, "inner".into())
    );
    drop(outer);
    assert_eq!(
        FakeConfig::read(|c| (c.e_int, c.e_string.clone())),
        (1, "string".into())
    );
}

#[test]
fn guards_dropped_out_of_order_each_remove_their_own_layer() {
    let a = FakeConfig::patch(|c| c.e_int = 10);
    let b = FakeConfig::patch(|c| c.e_string = "b".into());
    let c = FakeConfig::patch(|c| c.e_int = 30);
    drop(a); // the bottom layer goes; c still wins for e_int
    assert_eq!(
        FakeConfig::read(|c| (c.e_int, c.e_string.clone())),
        (30, "b".into())
    );
    drop(c); // e_int falls back past the removed layer to the default
    assert_eq!(
        FakeConfig::read(|c| (c.e_int, c.e_string.clone())),
        (1, "b".into())
    );
    drop(b);
    assert_eq!(
        FakeConfig::read(|c| (c.e_int, c.e_string.clone())),
        (1, "string".into())
    );
}

#[test]
fn a_patch_records_only_the_fields_it_changed() {
    let outer = FakeConfig::patch(|c| c.e_int = 5);
    let inner = FakeConfig::patch(|c| c.e_bool = false);
    // Removing the outer layer must not resurrect its e_int through the inner one.
    drop(outer);
    assert_eq!(FakeConfig::read(|c| (c.e_int, c.e_bool)), (1, false));
    drop(inner);
    assert!(FakeConfig::read(|c| c.e_bool));
}

#[test]
fn spec_065_a_panic_inside_the_scope_still_restores() {
    let result = std::panic::catch_unwind(|| {
        let _g = FakeConfig::patch(|c| c.e_bool = false);
        assert!(!FakeConfig::read(|c| c.e_bool));
        panic!("boom");
    });
    assert!(result.is_err());
    assert!(FakeConfig::read(|c| c.e_bool));
}

#[test]
fn a_panic_inside_the_patch_closure_applies_nothing() {
    let result = std::panic::catch_unwind(|| {
        FakeConfig::patch(|c| {
            c.e_int = 99;
            panic!("half-way");
        })
    });
    assert!(result.is_err());
    assert_eq!(FakeConfig::read(|c| c.e_int), 1);
    // And the next patch starts from the real config, not the half-edited one.
    let _g = FakeConfig::patch(|c| c.e_bool = false);
    assert_eq!(FakeConfig::read(|c| (c.e_int, c.e_bool)), (1, false));
}

#[test]
fn spec_061_repeated_patches_of_the_same_change_nest() {
    let a = FakeConfig::patch(|c| c.e_bool = false);
    let b = FakeConfig::patch(|c| c.e_bool = false);
    drop(b);
    assert!(!FakeConfig::read(|c| c.e_bool));
    drop(a);
    assert!(FakeConfig::read(|c| c.e_bool));
}

#[test]
fn spec_069_159_is_default_inside_a_patch() {
    assert!(FakeConfig::is_default("e_bool").unwrap());
    {
        let _g = FakeConfig::patch(|c| c.e_bool = false);
        assert!(!FakeConfig::is_default("e_bool").unwrap());
    }
    assert!(FakeConfig::is_default("e_bool").unwrap());
}

#[test]
fn spec_154_156_is_default_compares_values_not_override_state() {
    // PyTorch quirk 156: an explicit override equal to the default counts as
    // non-default. Here a value equal to the default is default.
    let _g = FakeConfig::patch(|c| c.e_bool = true);
    assert!(FakeConfig::is_default("e_bool").unwrap());
    let _h = FakeConfig::patch(|c| c.e_dict.insert(7, 8).map(drop).unwrap_or(()));
    assert!(!FakeConfig::is_default("e_dict").unwrap());
}

#[test]
fn spec_157_env_values_that_differ_are_not_default() {
    assert!(!FakeConfig::is_default("e_env_default").unwrap());
    assert!(!FakeConfig::is_default("e_env_force").unwrap());
    assert!(FakeConfig::is_default("e_jk").unwrap());
}

#[test]
fn spec_059_changes_made_inside_a_nested_patch_are_discarded_at_exit() {
    let _outer = FakeConfig::patch(|c| c.e_int = 2);
    {
        let _inner = FakeConfig::patch(|c| c.e_int = 3);
        assert_eq!(FakeConfig::read(|c| c.e_int), 3);
    }
    assert_eq!(FakeConfig::read(|c| c.e_int), 2);
}

#[test]
fn spec_050_patch_values_by_dotted_name() {
    let _g = FakeConfig::patch_values([
        ("nested.e_bool", Value::Bool(false)),
        ("e_optional", Value::None),
    ])
    .unwrap();
    assert_eq!(
        FakeConfig::read(|c| (c.nested.e_bool, c.e_optional)),
        (false, None)
    );
}

#[test]
fn spec_215_nested_keys_are_dotted_and_nested_struct_is_not_a_field() {
    let names: Vec<&str> = FakeConfig::fields().iter().map(|f| f.name()).collect();
    assert!(names.contains(&"nested.e_bool"));
    assert!(!names.contains(&"nested"));
    assert!(FakeConfig::is_default("nested").is_err());
}

#[test]
fn patch_can_be_called_inside_a_read_closure() {
    let seen = FakeConfig::read(|c| {
        let _g = FakeConfig::patch(|c| c.e_int = 42);
        (c.e_int, FakeConfig::read(|c| c.e_int))
    });
    assert_eq!(seen, (1, 42));
    assert_eq!(FakeConfig::read(|c| c.e_int), 1);
}

#[test]
fn spec_004_fields_in_declaration_order_nested_where_declared() {
    let names: Vec<&str> = FakeConfig::fields().iter().map(|f| f.name()).collect();
    assert_eq!(names[0], "e_bool");
    let nested = names.iter().position(|n| *n == "nested.e_bool").unwrap();
    assert_eq!(names[nested - 1], "e_not_deprecated");
    assert_eq!(names[nested + 1], "_cache_config_ignore_prefix");
    assert_eq!(names.len(), 27);
}

#[test]
#[allow(deprecated)]
fn spec_166_deprecated_fields_still_work() {
    assert!(FakeConfig::read(|c| c.e_deprecated));
    let _g = FakeConfig::patch(|c| c.e_deprecated = false);
    assert!(!FakeConfig::read(|c| c.e_deprecated));
    assert!(FakeConfig::fields()
        .iter()
        .any(|f| f.name() == "e_deprecated" && f.deprecated()));
}

#[test]
fn field_meta_carries_docs_types_and_flags() {
    let f = |n: &str| FakeConfig::fields().iter().find(|f| f.name() == n).unwrap();
    assert_eq!(f("e_bool").doc(), "A plain bool.");
    assert_eq!(f("e_tuple").type_name(), "(i64,)");
    assert_eq!(f("e_dict").type_name(), "BTreeMap<i64, i64>");
    assert_eq!(f("nested.e_bool").doc(), "A nested bool.");
    assert!(f("e_compile_ignored").skip_hash());
    assert!(f("e_ignored").skip_save());
    assert_eq!(
        f("e_env_default").env_names(),
        ["ENV_TRUE", "FAKE_CONFIG_E_ENV_DEFAULT"]
    );
    assert_eq!(f("e_env_force").env_force_names(), ["ENV_TRUE"]);
    // The second name is its alias's, `e_nested_alias_bool`.
    assert_eq!(
        f("nested.e_bool").env_names(),
        [
            "FAKE_CONFIG_NESTED__E_BOOL",
            "FAKE_CONFIG_E_NESTED_ALIAS_BOOL"
        ]
    );
}

#[test]
fn spec_095_a_snapshot_is_a_deep_copy_unaffected_by_later_changes() {
    let snap = FakeConfig::current();
    let _g = FakeConfig::patch(|c| {
        c.e_dict.insert(2, 3);
        c.e_list.push(2);
    });
    assert_eq!(snap.e_dict.len(), 1);
    assert_eq!(snap.e_list, vec![1]);
    assert_eq!(FakeConfig::read(|c| c.e_dict.len()), 2);
}

#[test]
fn a_patch_made_inside_another_patch_closure_stays_visible() {
    let mut inner = Vec::new();
    let _outer = FakeConfig::patch(|c| {
        inner.push(FakeConfig::patch(|i| i.e_float = 9.0));
        c.e_int = 3;
    });
    assert_eq!(FakeConfig::read(|c| (c.e_float, c.e_int)), (9.0, 3));
    drop(inner);
    assert_eq!(FakeConfig::read(|c| (c.e_float, c.e_int)), (1.0, 3));
}

/// Units of layer work done by `f` on this thread (see
/// `fuzzer_core::__private::layer_work`): counts, not time.
fn work_of(f: impl FnOnce()) -> u64 {
    let before = fuzzer_core::__private::layer_work::<FakeConfig>();
    f();
    fuzzer_core::__private::layer_work::<FakeConfig>() - before
}

/// `n` guards on `e_int`, and on `e_bool` (alternately false, true, true:
/// the second `true` changes nothing, so that guard leaves `e_bool` alone),
/// dropped in `order` with a read after each drop that checks the values.
fn drop_in_order(n: usize, order: impl FnOnce(&mut Vec<usize>)) {
    let mut guards: Vec<Option<_>> = (0..n)
        .map(|k| {
            Some(FakeConfig::patch(|c| {
                c.e_int = k as i64 + 2;
                c.e_bool = k % 3 != 0;
            }))
        })
        .collect();
    let mut live: std::collections::BTreeSet<usize> = (0..n).collect();
    let mut idx: Vec<usize> = (0..n).collect();
    order(&mut idx);
    for k in idx {
        drop(guards[k].take());
        live.remove(&k);
        // Each field shows the top live guard that set it, else its default.
        let e_int = live.last().map_or(1, |&t| t as i64 + 2);
        let e_bool = live
            .iter()
            .rev()
            .find(|&&j| j % 3 != 2)
            .is_none_or(|&j| j % 3 != 0);
        let want = (e_int, e_bool);
        assert_eq!(
            FakeConfig::read(|c| (c.e_int, c.e_bool)),
            want,
            "after dropping {k}"
        );
    }
}

#[test]
fn dropping_guards_costs_o1_each_whatever_the_order() {
    std::thread::spawn(|| {
        const N: usize = 3000;
        type Order = fn(&mut Vec<usize>);
        let orders: [(&str, Order); 3] = [
            ("innermost first", |v| v.reverse()),
            ("outermost first", |_| {}),
            ("shuffled", |v| fuzzer_core::rng(3).shuffle(v)),
        ];
        for (name, order) in orders {
            let work = work_of(|| drop_in_order(N, order));
            // Each guard: its two stack entries pushed and popped, its two
            // fields copied back, and a share of sweeping dead entries.
            assert!(
                work <= 12 * N as u64,
                "{name}: {work} units of work for {N} guards"
            );
        }
    })
    .join()
    .unwrap();
}

#[test]
fn twenty_thousand_guards_dropped_outermost_first_with_reads_between() {
    // Quadratic layers would make this take many minutes.
    std::thread::spawn(|| drop_in_order(20_000, |_| {}))
        .join()
        .unwrap();
}

#[test]
fn a_guard_forgotten_every_run_does_not_slow_the_runs_after_it() {
    // What a test that leaks a guard does to a campaign: each run installs
    // a config, the test forgets a patch, the run's guard drops.
    std::thread::spawn(|| {
        let mut run = |k: i64| {
            let mut c = FakeConfig::defaults();
            c.e_int = k;
            let g = FakeConfig::install(std::sync::Arc::new(c));
            std::mem::forget(FakeConfig::patch(|c| c.e_bool = false));
            assert_eq!(FakeConfig::read(|c| (c.e_int, c.e_bool)), (k, false));
            drop(g);
            assert_eq!(FakeConfig::read(|c| (c.e_int, c.e_bool)), (1, false));
        };
        let first = work_of(|| (0..500).for_each(&mut run));
        (500..4500).for_each(&mut run);
        let last = work_of(|| (4500..5000).for_each(&mut run));
        assert!(
            last <= first + first / 10,
            "runs 4500..5000 did {last} units of work, runs 0..500 {first}"
        );
    })
    .join()
    .unwrap();
}
