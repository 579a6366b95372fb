//! Value fidelity: every value of every field type survives `save_json` →
//! `load_json`, `Results::save_json` → `load_json` and env vars exactly, in
//! the one JSON form documented on `Value`; numbers that cannot be held
//! exactly, duplicate keys and malformed saved results are errors; errors
//! quote long values shortened.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use fuzzer_core::prelude::*;
use fuzzer_core::{rng, ConfigError, FuzzRole};
use tests::every::{Every, Mode};
use tests::global_lock;

struct Reset;
impl Drop for Reset {
    fn drop(&mut self) {
        Every::reset();
    }
}

/// Equal, floats bit for bit and NaN equal to NaN.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => {
            x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
        }
        (Value::Some(x), Value::Some(y)) => same(x, y),
        (Value::List(x), Value::List(y))
        | (Value::Set(x), Value::Set(y))
        | (Value::Tuple(x), Value::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k1, v1), (k2, v2))| same(k1, k2) && same(v1, v2))
        }
        _ => a == b,
    }
}

/// Saves the effective config, resets, loads it back process-wide, and
/// checks every saved field and the hash came back exactly.
fn assert_save_load_round_trip(label: &str) {
    let before = Every::to_values();
    let hash = Every::config_hash();
    let saved = Every::save_json();
    Every::reset();
    Every::load_json(&saved).unwrap_or_else(|e| panic!("{label}: {e}\n{saved}"));
    let after = Every::to_values();
    for (name, v) in &before {
        assert!(
            same(v, &after[name]),
            "{label}: `{name}` was {v:?}, came back as {:?}\n{saved}",
            after[name]
        );
    }
    assert_eq!(hash, Every::config_hash(), "{label}: config_hash changed");
}

fn extreme() {
    Every::set(|c| {
        c.b = false;
        c.i8f = i8::MIN;
        c.i = i64::MIN;
        c.big = i128::MIN;
        c.isz = isize::MAX;
        c.u64f = u64::MAX;
        c.ubig = u128::MAX;
        c.usz = usize::MAX;
        c.f = f64::NAN;
        c.f32f = f32::NEG_INFINITY;
        c.s = "quote\" backslash\\ nl\n nul\0 é 😀 \u{202e}".into();
        c.os = Some("null".into());
        c.oi = None;
        c.of32 = Some(f32::NAN);
        c.oo = Some(None);
        c.oov = Some(Some(vec![None]));
        c.vf32 = vec![0.1, f32::MIN_POSITIVE, -0.0, f32::INFINITY];
        c.vt = vec![(255, Mode::Loop)];
        c.mode = Mode::Loop;
        c.omode = Some(Mode::Slow);
        c.t = (-1, "}\"{".into());
        c.t1 = (false,);
        c.t4 = (u64::MAX, f32::MAX, Mode::Fast, Some(String::new()));
        c.m = BTreeMap::from([(String::new(), 1), ("k\"ey".into(), 2)]);
        c.hm = HashMap::from([(-5, true), (7, false)]);
        c.mmode = BTreeMap::from([(Mode::Slow, f64::INFINITY), (Mode::Fast, 0.1)]);
        c.mo = BTreeMap::from([(None, 1), (Some("null".into()), 2), (Some("x".into()), 3)]);
        c.mt = HashMap::from([((1, true), vec![1]), ((-1, false), vec![])]);
        c.mbig = BTreeMap::from([(u128::MAX, i128::MIN), (0, (1 << 64) + 1)]);
        c.set = BTreeSet::from([3, -3]);
        c.smode = BTreeSet::from([Mode::Loop, Mode::Slow]);
        c.hs = HashSet::from(["x".into(), "y".into()]);
        c.hso = HashSet::from([None, Some(-1), Some(i16::MAX)]);
        c.r#type = 9;
        c.r#loop = true;
        c.inner.depth = 0;
        c.inner.scale = f32::NAN;
    });
}

#[test]
fn extreme_values_of_every_type_survive_save_and_load() {
    let _l = global_lock();
    let _r = Reset;
    extreme();
    assert_save_load_round_trip("extreme");
    Every::read(|c| {
        assert_eq!(c.oo, Some(None));
        assert_eq!(c.oov, Some(Some(vec![None])));
        assert_eq!(c.ubig, u128::MAX);
        assert_eq!(c.big, i128::MIN);
        assert_eq!(c.mo.get(&None), Some(&1));
        assert_eq!(c.mo.get(&Some("null".into())), Some(&2));
        assert_eq!(c.mbig.get(&u128::MAX), Some(&i128::MIN));
        assert!(c.f.is_nan() && c.inner.scale.is_nan());
    });
}

#[test]
fn sampled_values_of_every_type_survive_save_and_load() {
    let _l = global_lock();
    let _r = Reset;
    let mut r = rng(3);
    for round in 0..40 {
        let method = if round % 2 == 0 {
            SamplingMethod::Random
        } else {
            SamplingMethod::Toggle
        };
        let diff: ConfigDiff = Every::fields()
            .iter()
            .filter(|f| *f.fuzz_role() == FuzzRole::Fuzzed)
            .map(|f| (f.name().to_string(), f.sample(method, &mut r)))
            .collect();
        Every::set_values(diff).unwrap();
        assert_save_load_round_trip(&format!("round {round}"));
        Every::reset();
    }
}

#[test]
fn every_float_survives_save_load_and_env_bit_for_bit() {
    let _l = global_lock();
    let _r = Reset;
    let mut r = rng(1);
    for k in 0..3000 {
        let x = match k {
            0 => 0.999_999_999_999_999_9,
            1 => 5e-324,
            2 => -0.0,
            3 => f64::MAX,
            _ if k % 2 == 0 => r.unit(),
            _ => f64::from_bits(r.next_u64()),
        };
        #[allow(clippy::cast_possible_truncation)]
        let y = x as f32;
        Every::set(|c| {
            c.f = x;
            c.f32f = y;
            c.vf32 = vec![y];
        });
        let saved = Every::save_json();
        let hash = Every::config_hash();
        Every::reset();
        Every::load_json(&saved).unwrap();
        let (f, g, v) = Every::read(|c| (c.f, c.f32f, c.vf32.clone()));
        if x.is_nan() {
            assert!(f.is_nan() && g.is_nan() && v[0].is_nan());
        } else {
            assert_eq!(f.to_bits(), x.to_bits(), "{x:e} came back as {f:e}");
            assert_eq!(g.to_bits(), y.to_bits(), "{y:e} came back as {g:e}");
            assert_eq!(v[0].to_bits(), y.to_bits(), "{y:e} came back as {:e}", v[0]);
            assert_eq!(hash, Every::config_hash());
        }
        Every::reset();
    }
    // Env vars: plain text for a float, JSON for a list of floats.
    let x = 0.999_999_999_999_999_9_f64;
    std::env::set_var("EVERY_F", format!("{x:?}"));
    std::env::set_var("EVERY_V", "[1]");
    std::env::set_var(
        "EVERY_MMODE",
        format!("{{\"Slow\": {x:?}, \"Fast\": \"-inf\"}}"),
    );
    let loaded = Every::reload_env();
    std::env::remove_var("EVERY_F");
    std::env::remove_var("EVERY_V");
    std::env::remove_var("EVERY_MMODE");
    loaded.unwrap();
    let (f, m) = Every::read(|c| (c.f, c.mmode.clone()));
    Every::reload_env().unwrap();
    assert_eq!(f.to_bits(), x.to_bits());
    assert_eq!(m[&Mode::Slow].to_bits(), x.to_bits());
    assert_eq!(m[&Mode::Fast], f64::NEG_INFINITY);
}

#[test]
fn non_finite_floats_have_one_encoding_everywhere() {
    let _l = global_lock();
    let _r = Reset;
    for (x, text) in [
        (f64::NAN, "\"NaN\""),
        (f64::INFINITY, "\"inf\""),
        (f64::NEG_INFINITY, "\"-inf\""),
    ] {
        assert_eq!(Value::Float(x).to_json(), text);
        assert_eq!(serde_json::to_string(&Value::Float(x)).unwrap(), text);
    }
    Every::set(|c| {
        c.f = f64::NAN;
        c.f32f = f32::INFINITY;
    });
    let saved = Every::save_json();
    assert!(saved.contains("\"f\": \"NaN\""), "{saved}");
    assert!(saved.contains("\"f32f\": \"inf\""), "{saved}");
    // Results write the same form.
    let fuzzer = ConfigFuzzer::<Every>::new(|| true, 0);
    let results = fuzzer.reproduce(&[Every::changed()]);
    let saved = results.save_json();
    assert!(saved.contains("\"f\":\"NaN\""), "{saved}");
    // Env vars take it too.
    std::env::set_var("EVERY_F", "NaN");
    std::env::set_var("EVERY_F32F", "-inf");
    let loaded = Every::reload_env();
    std::env::remove_var("EVERY_F");
    std::env::remove_var("EVERY_F32F");
    loaded.unwrap();
    Every::reset();
    let (f, g) = Every::read(|c| (c.f, c.f32f));
    Every::reload_env().unwrap();
    assert!(f.is_nan());
    assert_eq!(g, f32::NEG_INFINITY);
}

fn wrong_type_field(e: &ConfigError) -> &str {
    match e {
        ConfigError::WrongType { field, .. } => field,
        other => panic!("expected a wrong-type error, got {other:?}"),
    }
}

#[test]
fn numbers_that_cannot_be_held_exactly_are_errors_naming_the_field() {
    let _l = global_lock();
    let _r = Reset;
    for (json, field) in [
        // Beyond 64 bits: serde_json reads it as a float, already rounded.
        (r#"{"big": 18446744073709551617}"#, "big"),
        (
            r#"{"ubig": 340282366920938463463374607431768211455}"#,
            "ubig",
        ),
        (r#"{"f32f": 1e300}"#, "f32f"),
        (r#"{"inner": {"scale": -1e39}}"#, "inner.scale"),
        // 2^53 + 1 is no f64.
        (r#"{"f": 9007199254740993}"#, "f"),
        (r#"{"i": 2.5}"#, "i"),
        (r#"{"u8f": 256}"#, "u8f"),
        (r#"{"big": "12x"}"#, "big"),
    ] {
        let e = Every::load_json(json).unwrap_err();
        assert_eq!(wrong_type_field(&e), field, "{json}: {e}");
        assert!(e.to_string().contains(&format!("`{field}`")), "{e}");
        assert_eq!(
            Every::changed(),
            ConfigDiff::new(),
            "{json} applied something"
        );
    }
    let e = Every::load_json(r#"{"big": 18446744073709551617}"#).unwrap_err();
    assert!(e.to_string().contains("strings of their digits"), "{e}");
    // The string form of wide integers loads exactly.
    Every::load_json(
        r#"{"big": "18446744073709551617", "ubig": "340282366920938463463374607431768211455"}"#,
    )
    .unwrap();
    assert_eq!(Every::read(|c| (c.big, c.ubig)), ((1 << 64) + 1, u128::MAX));
    let saved = Every::save_json();
    assert!(
        saved.contains("\"big\": \"18446744073709551617\""),
        "{saved}"
    );
    // By name: integers a float type cannot hold exactly.
    let e = Every::patch_values([("f", Value::Int((1 << 53) + 1))]).unwrap_err();
    assert_eq!(wrong_type_field(&e), "f");
    assert!(Every::patch_values([("f32f", Value::Int(i128::MAX))]).is_err());
    assert!(Every::patch_values([("f", Value::UInt(u128::MAX))]).is_err());
    assert!(Every::patch_values([("f", Value::Int(1 << 60))]).is_ok());
    // Env vars: a float out of the type's range is not infinity.
    std::env::set_var("EVERY_F32F", "1e300");
    let loaded = Every::reload_env();
    std::env::remove_var("EVERY_F32F");
    let e = loaded.unwrap_err();
    assert!(
        matches!(&e, ConfigError::BadEnv { field, .. } if field == "f32f"),
        "{e}"
    );
}

#[test]
fn duplicate_keys_are_errors_with_their_position() {
    let _l = global_lock();
    let _r = Reset;
    let e = Every::load_json("{\"i\": 5,\n  \"i\": 6}").unwrap_err();
    match &e {
        ConfigError::Json { line, message, .. } => {
            assert_eq!(*line, 2, "{e}");
            assert!(message.contains("`i`") && message.contains("twice"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    // Inside a value, and in either form of a section.
    assert!(Every::load_json(r#"{"m": {"a": 1, "a": 2}}"#).is_err());
    let e = Every::load_json(r#"{"inner.depth": 1, "inner": {"depth": 2}}"#).unwrap_err();
    assert!(e.to_string().contains("inner.depth"), "{e}");
    // A map written as pairs with a repeated key.
    assert!(Every::load_json(r#"{"mo": [[null, 1], [null, 2]]}"#).is_err());
    assert_eq!(Every::changed(), ConfigDiff::new());
    // Env JSON.
    std::env::set_var("EVERY_M", r#"{"a": 1, "a": 2}"#);
    let loaded = Every::reload_env();
    std::env::remove_var("EVERY_M");
    assert!(
        matches!(loaded, Err(ConfigError::BadEnv { .. })),
        "{loaded:?}"
    );
    // Saved results.
    let e = Results::load_json("[\n{\"config\": {\"i\": 1, \"i\": 2}, \"status\": \"passed\"}]")
        .unwrap_err();
    assert!(matches!(e, ConfigError::Json { line: 2, .. }), "{e}");
}

#[test]
fn sets_and_maps_have_one_documented_order() {
    let _l = global_lock();
    let _r = Reset;
    Every::set(|c| {
        c.set = BTreeSet::from([10, -3, 2]);
        c.smode = BTreeSet::from([Mode::Loop, Mode::Slow]);
        c.hso = HashSet::from([Some(3), None, Some(-1)]);
        c.hm = HashMap::from([(10, true), (-3, false), (2, true)]);
    });
    let saved = Every::save_json();
    // BTreeSet: its own `Ord` order (not the order of the JSON text).
    assert!(saved.contains("\"set\": [-3,2,10]"), "{saved}");
    assert!(saved.contains("\"smode\": [\"Slow\",\"Loop\"]"), "{saved}");
    // HashSet/HashMap: by value, whatever the hasher did.
    assert!(saved.contains("\"hso\": [null,-1,3]"), "{saved}");
    assert!(
        saved.contains("\"hm\": {\"-3\":false,\"2\":true,\"10\":true}"),
        "{saved}"
    );
    let v = Every::read(|c| c.get_value("smode").unwrap());
    assert_eq!(
        v.to_string(),
        "[Mode::Slow, Mode::Loop].into_iter().collect()"
    );
}

#[test]
fn load_json_takes_sections_as_objects_or_dotted_names() {
    let _l = global_lock();
    let _r = Reset;
    Every::load_json(r#"{"inner": {"depth": 5, "scale": 2.5}, "i": 2}"#).unwrap();
    assert_eq!(
        Every::read(|c| (c.inner.depth, c.inner.scale, c.i)),
        (5, 2.5, 2)
    );
    Every::reset();
    Every::load_json(r#"{"inner.depth": 6}"#).unwrap();
    assert_eq!(Every::read(|c| c.inner.depth), 6);
    Every::reset();
    let e = Every::load_json(r#"{"inner": {"depht": 5}}"#).unwrap_err();
    assert_eq!(
        e,
        ConfigError::UnknownField {
            config: "Every",
            name: "inner.depht".into(),
            suggestion: Some("inner.depth".into()),
        }
    );
    let e = Every::load_json(r#"{"inner": {"depth": "deep"}}"#).unwrap_err();
    assert_eq!(wrong_type_field(&e), "inner.depth");
}

#[test]
fn results_survive_save_and_load_exactly_and_malformed_ones_are_errors() {
    let _l = global_lock();
    let _r = Reset;
    let fuzzer = ConfigFuzzer::<Every>::new(|| Every::read(|c| c.f < 0.5), 0);
    let mut r = rng(9);
    let f = &Every::fields()[Every::field_index("f").unwrap()];
    let mut diffs: Vec<ConfigDiff> = (0..200)
        .map(|_| ConfigDiff::from([("f".to_string(), f.sample(SamplingMethod::Random, &mut r))]))
        .collect();
    extreme();
    diffs.push(Every::changed());
    Every::reset();
    let results = fuzzer.reproduce(&diffs);
    let loaded = Results::load_json(&results.save_json()).unwrap();
    assert!(loaded == results);
    for e in results.entries() {
        let back = loaded.get(&e.config).expect("every entry is found again");
        assert_eq!(back.status, e.status);
    }
    // Replaying the loaded configs runs the same values.
    let again: Vec<ConfigDiff> = loaded.entries().iter().map(|e| e.config.clone()).collect();
    let replayed = fuzzer.reproduce(&again);
    for (a, b) in results.entries().iter().zip(replayed.entries()) {
        assert_eq!(a.status, b.status, "{:?}", a.config);
    }
    for (label, text) in [
        ("not an array", "{}"),
        ("entry not an object", "[1]"),
        ("no status", r#"[{"config": {}}]"#),
        ("no config", r#"[{"status": "passed"}]"#),
        ("unknown status", r#"[{"config": {}, "status": "FAILED"}]"#),
        (
            "config not an object",
            r#"[{"config": [1], "status": "passed"}]"#,
        ),
        (
            "message not a string",
            r#"[{"config": {}, "status": "passed", "message": 5}]"#,
        ),
        (
            "negative duration",
            r#"[{"config": {}, "status": "passed", "duration_us": -3}]"#,
        ),
        (
            "unknown key",
            r#"[{"config": {}, "status": "passed", "xx": 1}]"#,
        ),
        (
            "two entries for one config",
            r#"[{"config": {"b": false}, "status": "passed"}, {"config": {"b": false}, "status": "failed_panic"}]"#,
        ),
    ] {
        let e = Results::load_json(text);
        assert!(matches!(e, Err(ConfigError::Json { .. })), "{label}: {e:?}");
    }
}

#[test]
fn errors_quote_long_values_shortened_with_a_count() {
    let _l = global_lock();
    let _r = Reset;
    let big = format!("{{\"i\": \"{}\"}}", "x".repeat(10_000_000));
    let e = Every::load_json(&big).unwrap_err().to_string();
    assert!(e.len() < 400, "{} bytes", e.len());
    assert!(
        e.contains("field `i`") && e.contains("10000002 bytes"),
        "{e}"
    );
    assert!(e.contains("not shown"), "{e}");
    let e = Every::patch_values([("i", Value::List(vec![Value::Int(0); 1_000_000]))])
        .unwrap_err()
        .to_string();
    assert!(e.len() < 400, "{} bytes", e.len());
    let name = "n".repeat(100_000);
    let e = Every::patch_values([(name.as_str(), Value::Int(0))])
        .unwrap_err()
        .to_string();
    assert!(e.len() < 400, "{} bytes", e.len());
    let e = Results::load_json(&format!(
        r#"[{{"config": {{}}, "status": "{}"}}]"#,
        "s".repeat(1_000_000)
    ))
    .unwrap_err()
    .to_string();
    assert!(e.len() < 2000, "{} bytes", e.len());
    std::env::set_var("EVERY_I", "9".repeat(1_000_000));
    let loaded = Every::reload_env();
    std::env::remove_var("EVERY_I");
    let e = loaded.unwrap_err().to_string();
    assert!(e.len() < 400 && e.contains("EVERY_I"), "{} bytes", e.len());
}

/// Floats at the values `==` gets wrong.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
struct Zeros {
    #[config(default = 0.0)]
    z: f64,
    #[config(default = f64::NAN)]
    n: f64,
    #[config(default = vec![0.0])]
    v: Vec<f32>,
    #[config(default = 1)]
    other: i32,
}

/// A field changes when its value changes, floats by their bits: `-0.0`
/// set over `0.0` is kept (with `==` it was "no change" and read back as
/// `0.0`), and a NaN default stays default (with `==` it never was).
#[test]
fn negative_zero_is_kept_and_a_nan_default_is_default() {
    assert!(Zeros::is_default("n").unwrap());
    assert!(Zeros::changed().is_empty(), "{:?}", Zeros::changed());
    assert_eq!(Zeros::codegen(), "");
    {
        let _g = Zeros::patch(|c| {
            c.z = -0.0;
            c.v[0] = -0.0;
        });
        assert_eq!(Zeros::read(|c| c.z.to_bits()), (-0.0f64).to_bits());
        assert_eq!(Zeros::read(|c| c.v[0].to_bits()), (-0.0f32).to_bits());
        assert_eq!(
            Zeros::changed().keys().collect::<Vec<_>>(),
            ["v", "z"],
            "only the fields patched"
        );
    }
    Zeros::set(|c| c.z = -0.0);
    assert_eq!(Zeros::read(|c| c.z.to_bits()), (-0.0f64).to_bits());
    assert!(!Zeros::is_default("z").unwrap());
    assert!(
        Zeros::codegen().contains("c.z = -0.0;"),
        "{}",
        Zeros::codegen()
    );
    // A patch of another field leaves the NaN field out of its layer.
    let _g = Zeros::patch(|c| c.other = 2);
    assert_eq!(Zeros::changed().len(), 2, "{:?}", Zeros::changed());
    drop(_g);
    Zeros::reset();
    assert!(Zeros::changed().is_empty());
}
