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
    // One config per field in the sweep below.
    let fuzzer = ConfigFuzzer::<Domains>::new(|| Domains::read(|c| !c.skipped && c.pinned), 5)
        .n_tuple_draw(fuzzer_core::NTupleDraw::Single);
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

/// Ranges at the edges of what the sampler must handle.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
struct Wide {
    #[config(default = 0)]
    #[fuzz(range = 0..=100)]
    u128_small: u128,
    #[config(default = 0)]
    u128_plain: u128,
    #[config(default = u128::MAX)]
    #[fuzz(range = u128::MAX - 1000..=u128::MAX)]
    u128_top: u128,
    #[config(default = 0)]
    #[fuzz(range = i128::MIN..=i128::MAX)]
    i128_full: i128,
    #[config(default = 0)]
    #[fuzz(range = 0..=u128::MAX)]
    u128_full: u128,
    #[config(default = 0.0)]
    #[fuzz(range = f64::NEG_INFINITY..=f64::INFINITY)]
    f64_all: f64,
    #[config(default = 1.0)]
    #[fuzz(range = 0.5..=f64::INFINITY)]
    f64_above: f64,
    #[config(default = 0.0)]
    #[fuzz(range = f32::NEG_INFINITY..=f32::INFINITY)]
    f32_all: f32,
    #[config(default = 64)]
    #[fuzz(range = 8..=1024)]
    tile_size: i64,
}

fn draws(name: &str, method: SamplingMethod, n: usize, seed: u64) -> Vec<Value> {
    let f = &Wide::fields()[Wide::field_index(name).unwrap()];
    let mut r = rng(seed);
    (0..n).map(|_| f.sample(method, &mut r)).collect()
}

fn as_u128(v: &Value) -> u128 {
    u128::from_value(v).unwrap()
}

#[test]
fn u128_fields_are_sampled_across_their_domain() {
    for m in [SamplingMethod::Toggle, SamplingMethod::Random] {
        let small: BTreeSet<u128> = draws("u128_small", m, 2000, 1)
            .iter()
            .map(as_u128)
            .collect();
        assert!(small.len() > 50, "{m:?}: {small:?}");
        assert!(
            small.iter().all(|v| *v <= 100) && small.contains(&100),
            "{m:?}"
        );

        let plain: BTreeSet<u128> = draws("u128_plain", m, 2000, 2)
            .iter()
            .map(as_u128)
            .collect();
        assert!(
            plain.len() > 200 && plain.iter().all(|v| *v <= 1000),
            "{m:?}"
        );

        // Beyond i128::MAX, where Value::UInt holds them.
        let top: Vec<u128> = draws("u128_top", m, 2000, 3).iter().map(as_u128).collect();
        assert!(top.iter().all(|v| *v >= u128::MAX - 1000), "{m:?}");
        assert!(top.iter().collect::<BTreeSet<_>>().len() > 200, "{m:?}");
        if m == SamplingMethod::Toggle {
            assert!(!top.contains(&u128::MAX), "toggle returned the default");
        }

        let full: Vec<u128> = draws("u128_full", m, 2000, 4).iter().map(as_u128).collect();
        assert!(full.iter().any(|v| *v > i128::MAX as u128), "{m:?}");
        assert!(full.iter().any(|v| *v < 1 << 64), "{m:?}");
    }
}

#[test]
fn the_full_i128_range_samples_without_overflow() {
    for m in [SamplingMethod::Toggle, SamplingMethod::Random] {
        let vals: Vec<i128> = draws("i128_full", m, 4000, 5)
            .iter()
            .map(|v| i128::from_value(v).unwrap())
            .collect();
        assert!(
            vals.contains(&i128::MIN) && vals.contains(&i128::MAX),
            "{m:?}"
        );
        assert!(vals.iter().any(|v| *v < -(1 << 100)), "{m:?}");
        assert!(vals.iter().any(|v| *v > 1 << 100), "{m:?}");
        assert!(vals.iter().collect::<BTreeSet<_>>().len() > 2000, "{m:?}");
    }
    // And in a campaign, with both methods.
    for m in [SamplingMethod::Toggle, SamplingMethod::Random] {
        let fuzzer = ConfigFuzzer::<Wide>::new(|| true, 0).sampling(m);
        assert!(fuzzer.bisect(20, 1.0).is_empty());
    }
}

fn floats(name: &str, method: SamplingMethod, seed: u64) -> Vec<f64> {
    draws(name, method, 4000, seed)
        .iter()
        .map(|v| match v {
            Value::Float(x) => *x,
            other => panic!("{other:?}"),
        })
        .collect()
}

#[test]
fn infinite_float_ranges_sample_finite_values_and_the_infinities() {
    for m in [SamplingMethod::Toggle, SamplingMethod::Random] {
        let all = floats("f64_all", m, 6);
        assert!(all.iter().all(|x| !x.is_nan()), "{m:?}: NaN drawn");
        let finite: Vec<f64> = all.iter().copied().filter(|x| x.is_finite()).collect();
        assert!(finite.len() > all.len() * 3 / 4, "{m:?}");
        assert!(finite.iter().any(|x| *x < -1.0) && finite.iter().any(|x| *x > 1.0));
        // Ordinary magnitudes and huge ones both come up.
        assert!(
            finite.iter().filter(|x| x.abs() < 1e6).count() > 1000,
            "{m:?}"
        );
        assert!(finite.iter().any(|x| x.abs() > 1e100), "{m:?}");
        assert!(
            all.contains(&f64::INFINITY) && all.contains(&f64::NEG_INFINITY),
            "{m:?}"
        );
        if m == SamplingMethod::Toggle {
            assert!(!all.contains(&0.0), "toggle returned the default");
        }

        let above = floats("f64_above", m, 7);
        assert!(above.iter().all(|x| *x >= 0.5), "{m:?}");
        assert!(
            above.iter().filter(|x| x.is_finite()).count() > 3000,
            "{m:?}"
        );
        assert!(
            above.contains(&f64::INFINITY) && above.contains(&0.5),
            "{m:?}"
        );

        let f32s = floats("f32_all", m, 8);
        assert!(f32s.iter().all(|x| !x.is_nan()));
        // Finite draws stay finite as f32.
        let finite32 = f32s.iter().filter(|x| x.is_finite()).count();
        assert!(finite32 > 3000, "{m:?}: {finite32}");
        assert!(
            f32s.iter().any(|x| x.is_finite() && x.abs() > 1e30),
            "{m:?}"
        );
    }
}

#[test]
fn integer_sampling_favours_the_edges_of_the_domain() {
    // A bug below 64 in 8..=1024 is 5.5 % of the domain: a uniform draw
    // finds it once in 18 tries. The edge bias makes it about one in four.
    for m in [SamplingMethod::Toggle, SamplingMethod::Random] {
        let vals: Vec<i64> = draws("tile_size", m, 10_000, 9)
            .iter()
            .map(|v| i64::from_value(v).unwrap())
            .collect();
        assert!(vals.iter().all(|v| (8..=1024).contains(v)));
        let below_64 = vals.iter().filter(|v| **v < 64).count();
        assert!(below_64 > 1_800, "{m:?}: {below_64} of 10000 below 64");
        for edge in [8, 9, 16, 32, 63, 1023, 1024] {
            assert!(vals.contains(&edge), "{m:?}: never drew {edge}");
        }
        // The middle is still covered.
        assert!(vals.iter().filter(|v| (300..=700).contains(*v)).count() > 1_000);
        if m == SamplingMethod::Toggle {
            assert!(!vals.contains(&64), "toggle returned the default");
        } else {
            assert!(vals.contains(&64));
        }
    }
    // The same seed gives the same stream.
    assert_eq!(
        draws("tile_size", SamplingMethod::Random, 200, 10),
        draws("tile_size", SamplingMethod::Random, 200, 10)
    );
    assert_ne!(
        draws("tile_size", SamplingMethod::Random, 200, 10),
        draws("tile_size", SamplingMethod::Random, 200, 11)
    );
}

/// One integer knob among flags.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
struct Tiles {
    #[config(default = 64)]
    #[fuzz(range = 8..=1024)]
    tile_size: i64,
    unroll: bool,
    vectorize: bool,
}

#[test]
fn a_campaign_finds_a_bug_in_a_small_corner_of_an_integer_range() {
    // 8 values of 1017: a uniform sampler needs ~127 attempts (20 find it
    // one time in 7); with the edge bias about one attempt in five does.
    let fuzzer = ConfigFuzzer::<Tiles>::new(|| Tiles::read(|c| c.tile_size >= 16), 0);
    let hunt = fuzzer.hunt(20, 1.0).unwrap();
    assert!(!hunt.findings().is_empty(), "{hunt}");
    for f in hunt.findings() {
        assert_eq!(f.config().keys().collect::<Vec<_>>(), ["tile_size"]);
        assert!(i64::from_value(&f.config()["tile_size"]).unwrap() < 16);
    }
}
