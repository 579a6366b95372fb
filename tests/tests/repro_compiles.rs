//! Reproduce snippets and `codegen()` output are Rust that compiles in a
//! user's crate and reproduces the config: this test generates them for
//! sampled configs covering every field type of `FakeConfig`, the 666-field
//! `InductorConfig` and `Every` (a field of every supported type: nested
//! options, maps with option and tuple keys, wide integers, `f32`, NaN and
//! infinities, keyword field names), also after the config went through
//! `Results::save_json` → `load_json` (which gives values back untyped),
//! writes them into a program, and has trybuild build and run it.

use std::fmt::Write as _;

use fake_config::{FakeConfig, InductorConfig};
use fuzzer_core::prelude::*;
use fuzzer_core::{repro_snippet, rng, FuzzRole};
use tests::every::{Every, Mode};

/// A diff of every fuzzable field, sampled with `method`.
fn sampled<C: FuzzableConfig>(seed: u64, method: SamplingMethod) -> ConfigDiff {
    let mut r = rng(seed);
    C::fields()
        .iter()
        .filter(|f| *f.fuzz_role() == FuzzRole::Fuzzed)
        .map(|f| (f.name().to_string(), f.sample(method, &mut r)))
        .collect()
}

/// Statements asserting that the effective config holds `diff`.
fn checks<C: FuzzableConfig>(diff: &ConfigDiff) -> String {
    let mut out = format!(
        "        let __values = {}::to_values();\n",
        std::any::type_name::<C>().rsplit("::").next().unwrap()
    );
    for (name, value) in diff {
        // Env force beats patches by design; the forced value is checked elsewhere.
        let forced = C::fields()
            .iter()
            .any(|f| f.name() == name && !f.env_force_names().is_empty());
        if forced {
            continue;
        }
        let _ = writeln!(
            out,
            "        assert_eq!(__values[{name:?}].to_json(), {:?}, {name:?});",
            value.to_json()
        );
    }
    out
}

/// Configs of `Every` with values that are easy to print wrong.
fn every_extremes() -> Vec<ConfigDiff> {
    let mut a = Every::defaults();
    a.big = i128::MIN;
    a.ubig = u128::MAX;
    a.i = i64::MIN;
    a.i8f = i8::MIN;
    a.f = f64::NAN;
    a.f32f = f32::NEG_INFINITY;
    a.of32 = Some(f32::NAN);
    a.vf32 = vec![0.1, f32::INFINITY, -0.0, f32::MIN_POSITIVE];
    a.oo = Some(None);
    a.oov = Some(Some(vec![None, Some(i64::MAX)]));
    a.mo = [(None, 1), (Some("null".into()), 2)].into_iter().collect();
    a.mt = [((1, true), vec![1]), ((-1, false), vec![])]
        .into_iter()
        .collect();
    a.mbig = [(u128::MAX, i128::MIN)].into_iter().collect();
    a.mmode = [(Mode::Loop, f64::NEG_INFINITY)].into_iter().collect();
    a.s = "quote\" backslash\\ nl\n nul\0 {} }} é \u{202e}".into();
    a.t4 = (u64::MAX, f32::MAX, Mode::Loop, Some("x".into()));
    a.t1 = (false,);
    a.smode = [Mode::Loop, Mode::Slow].into_iter().collect();
    a.hso = [None, Some(-1)].into_iter().collect();
    a.r#type = 3;
    a.r#loop = true;
    a.inner.scale = f32::INFINITY;
    let mut b = Every::defaults();
    b.f = 0.999_999_999_999_999_9;
    b.f32f = 1e-45;
    b.of32 = Some(0.1);
    b.oov = None;
    b.oo = Some(Some(false));
    b.mode = Mode::Slow;
    b.omode = Some(Mode::Loop);
    b.inner.scale = f32::NAN;
    [a, b]
        .iter()
        .map(|c| {
            Every::fields()
                .iter()
                .map(|f| (f.name().to_string(), c.get_value(f.name()).unwrap()))
                .collect()
        })
        .collect()
}

/// `diff` as it comes back from saved results: untyped.
fn reloaded(diff: &ConfigDiff) -> ConfigDiff {
    let fuzzer = ConfigFuzzer::<Every>::new(|| true, 0);
    let saved = fuzzer.reproduce(std::slice::from_ref(diff)).save_json();
    let loaded = Results::load_json(&saved).unwrap();
    loaded.entries()[0].config.clone()
}

fn indent(code: &str) -> String {
    code.lines().map(|l| format!("        {l}\n")).collect()
}

#[test]
fn repro_snippets_and_codegen_compile_and_reproduce() {
    let mut main = String::new();
    for (k, method) in [SamplingMethod::Toggle, SamplingMethod::Random]
        .into_iter()
        .enumerate()
    {
        for seed in 0..3 {
            let seed = seed + 10 * k as u64;
            for (snippet, check) in [
                {
                    let d = sampled::<FakeConfig>(seed, method);
                    (repro_snippet::<FakeConfig>(&d), checks::<FakeConfig>(&d))
                },
                {
                    let d = sampled::<InductorConfig>(seed, method);
                    (
                        repro_snippet::<InductorConfig>(&d),
                        checks::<InductorConfig>(&d),
                    )
                },
            ] {
                let _ = write!(main, "    {{\n{}{}    }}\n", indent(&snippet), check);
            }
        }
    }
    // Every field type, fresh and after save → load of the results.
    let mut every: Vec<ConfigDiff> = every_extremes();
    for seed in 0..4 {
        let method = if seed % 2 == 0 {
            SamplingMethod::Random
        } else {
            SamplingMethod::Toggle
        };
        every.push(sampled::<Every>(100 + seed, method));
    }
    for d in &every {
        for snippet in [
            repro_snippet::<Every>(d),
            repro_snippet::<Every>(&reloaded(d)),
        ] {
            let _ = write!(
                main,
                "    {{\n{}{}    }}\n",
                indent(&snippet),
                checks::<Every>(d)
            );
        }
        // codegen() of the same values.
        let _g = Every::patch_values(d.clone()).unwrap();
        let code = Every::codegen();
        let changed = Every::changed();
        let _ = write!(
            main,
            "    {{\n{}{}        Every::reset();\n    }}\n",
            indent(&code),
            checks::<Every>(&changed)
        );
    }
    // codegen(): process-wide statements reproducing `changed()`.
    for seed in 0..2 {
        let d = sampled::<InductorConfig>(seed, SamplingMethod::Toggle);
        let _g = InductorConfig::patch_values(d.clone()).unwrap();
        let code = InductorConfig::codegen();
        assert!(!code.is_empty());
        let changed = InductorConfig::changed();
        let _ = write!(
            main,
            "    {{\n{}{}        InductorConfig::reset();\n    }}\n",
            indent(&code),
            checks::<InductorConfig>(&changed)
        );
    }
    let program = format!(
        "// @generated by tests/tests/repro_compiles.rs\n\
         #![deny(warnings)]\n\
         use fake_config::inductor::*;\n\
         use fake_config::*;\n\
         use tests::every::*;\n\
         use fuzzer_core::prelude::*;\n\n\
         fn main() {{\n{main}}}\n"
    );
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("repro");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("generated_repros.rs");
    std::fs::write(&path, program).unwrap();
    trybuild::TestCases::new().pass(&path);
}
