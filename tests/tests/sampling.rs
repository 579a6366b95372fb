//! Sampling (spec area "Fuzzer: SamplingMethod") and field domains.

use std::collections::{BTreeMap, BTreeSet};

use fuzzer_core::prelude::*;
use fuzzer_core::{rng, FuzzRole};

#[derive(FuzzValue, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum FooBar {
    Foo,
    Bar,
}

#[derive(FuzzValue, Clone, Copy, Debug, PartialEq, Eq)]
enum Level {
    Low,
    Mid,
    High,
}

/// A config with every kind of fuzz domain.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
struct Domains {
    #[config(default = 64)]
    #[fuzz(range = 1..=4)]
    small: i64,
    #[config(default = 0.5)]
    #[fuzz(range = 0.0..=1.0)]
    ratio: f64,
    #[config(default = Level::Low)]
    #[fuzz(values = [Level::Low, Level::High])]
    level: Level,
    #[config(default = String::from("a"))]
    #[fuzz(values = [String::from("a"), String::from("b")])]
    name: String,
    #[config(default = false)]
    #[fuzz(skip = "out of scope")]
    skipped: bool,
    #[config(default = false)]
    #[fuzz(pin = true)]
    pinned: bool,
    #[config(default = 7)]
    plain: u8,
}

#[test]
fn test_sampling_method_toggle() {
    let mut r = rng(0);
    let t = SamplingMethod::Toggle;
    // spec 224: bool → negation.
    assert!(t.sample(&false, &mut r));
    assert!(!t.sample(&true, &mut r));
    // spec 226: an enum → another variant.
    assert_eq!(t.sample(&FooBar::Foo, &mut r), FooBar::Bar);
    assert_eq!(t.sample(&FooBar::Bar, &mut r), FooBar::Foo);
    // spec 227: a Vec → 1..=3 elements toggled from the default's first.
    for _ in 0..20 {
        let v = t.sample(&vec![FooBar::Foo], &mut r);
        assert!(
            (1..=3).contains(&v.len()) && v.contains(&FooBar::Bar),
            "{v:?}"
        );
        let v = t.sample(&vec![FooBar::Bar], &mut r);
        assert!(v.contains(&FooBar::Foo), "{v:?}");
    }
    // spec 233: Option flips.
    assert_eq!(t.sample(&Some(true), &mut r), None);
    assert_eq!(t.sample(&None::<bool>, &mut r), Some(true));
}

#[test]
fn test_sampling_method_random() {
    // spec 225: 1000 random bools from a false default are not all true.
    let mut r = rng(1);
    let samples: Vec<bool> = (0..1000)
        .map(|_| SamplingMethod::Random.sample(&false, &mut r))
        .collect();
    assert!(samples.iter().any(|b| !b) && samples.iter().any(|b| *b));
    let levels: BTreeSet<String> = (0..200)
        .map(|_| format!("{:?}", SamplingMethod::Random.sample(&Level::Low, &mut r)))
        .collect();
    assert_eq!(levels.len(), 3);
}

#[test]
fn spec_228_numbers_and_strings_default_domains() {
    let mut r = rng(2);
    for _ in 0..500 {
        let n = SamplingMethod::Toggle.sample(&5i64, &mut r);
        assert!((0..=1000).contains(&n) && n != 5);
        let f = SamplingMethod::Random.sample(&1.0f64, &mut r);
        assert!((0.0..1000.0).contains(&f));
        let s = SamplingMethod::Toggle.sample(&String::from("x"), &mut r);
        assert!((1..=20).contains(&s.len()) && s != "x" && s.chars().all(|c| c.is_ascii_graphic()));
        let small = SamplingMethod::Toggle.sample(&3u8, &mut r);
        assert_ne!(small, 3);
    }
}

#[test]
fn collections_and_tuples_sample_elementwise() {
    let mut r = rng(3);
    for _ in 0..50 {
        let set = SamplingMethod::Toggle.sample(&BTreeSet::from([1i64]), &mut r);
        assert_ne!(set, BTreeSet::from([1]));
        let map = SamplingMethod::Toggle.sample(&BTreeMap::from([(1i64, 2i64)]), &mut r);
        assert!(map.len() <= 3 && map != BTreeMap::from([(1, 2)]));
        let (a, b) = SamplingMethod::Toggle.sample(&(true, FooBar::Foo), &mut r);
        assert!(!a && b == FooBar::Bar);
    }
}

#[test]
fn field_domains_are_honoured() {
    let fields = Domains::fields();
    let mut r = rng(4);
    let f = |n: &str| fields.iter().find(|f| f.name() == n).unwrap();
    for _ in 0..200 {
        for m in [SamplingMethod::Toggle, SamplingMethod::Random] {
            match f("small").sample(m, &mut r) {
                Value::Int(i) => assert!((1..=4).contains(&i)),
                other => panic!("{other:?}"),
            }
            match f("ratio").sample(m, &mut r) {
                Value::Float(x) => assert!((0.0..=1.0).contains(&x)),
                other => panic!("{other:?}"),
            }
            let level = f("level").sample(m, &mut r);
            assert!(level == Level::Low.to_value() || level == Level::High.to_value());
        }
        // Toggle picks a listed value other than the default.
        assert_eq!(
            f("level").sample(SamplingMethod::Toggle, &mut r),
            Level::High.to_value()
        );
        assert_eq!(
            f("name").sample(SamplingMethod::Toggle, &mut r),
            Value::Str("b".into())
        );
        match f("plain").sample(SamplingMethod::Toggle, &mut r) {
            Value::Int(i) => assert!((0..=255).contains(&i) && i != 7),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        f("skipped").fuzz_role(),
        &FuzzRole::Skip {
            reason: "out of scope"
        }
    );
    assert_eq!(f("pinned").fuzz_role(), &FuzzRole::Pin(Value::Bool(true)));
}

#[test]
fn skipped_and_pinned_fields_are_never_fuzzed() {
    let fuzzer = ConfigFuzzer::<Domains>::new(|| Domains::read(|c| !c.skipped && c.pinned), 5);
    assert_eq!(fuzzer.pinned().len(), 2);
    assert_eq!(fuzzer.pinned()["pinned"], Value::Bool(true));
    assert!(fuzzer.bisect(30, 1.0).is_empty());
    let results = fuzzer.fuzz_n_tuple(1, 100);
    assert_eq!(results.lookup(&["skipped"]), Some(Status::Skipped));
    assert_eq!(results.lookup(&["pinned"]), Some(Status::Skipped));
    assert_eq!(results.num_ran(), 5);
}

#[test]
fn the_rng_stream_is_fixed_for_a_seed() {
    let mut a = rng(99);
    let mut b = rng(99);
    let xs: Vec<u64> = (0..100).map(|_| a.below(1000)).collect();
    let ys: Vec<u64> = (0..100).map(|_| b.below(1000)).collect();
    assert_eq!(xs, ys);
    assert_ne!(
        xs,
        (0..100).map(|_| rng(98).below(1000)).collect::<Vec<_>>()
    );
}
