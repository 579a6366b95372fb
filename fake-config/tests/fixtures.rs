//! The generated fixtures against their source: `InductorConfig` against
//! `data/inductor_config_fields.json` (names, order, defaults, fuzz roles),
//! and the `Wide*` configs.

use std::collections::BTreeSet;

use fake_config::{InductorConfig, Wide100, Wide20, Wide300};
use fuzzer_core::prelude::*;
use fuzzer_core::{FieldMeta, FuzzRole, Value};
use serde_json::Value as Json;

const JSON: &str = include_str!("../data/inductor_config_fields.json");

/// The skip reasons of fields PyTorch's fuzzer pins to their default
/// (`fuzzer_pin == "DEFAULT"`), as the generator writes them.
const MODULE_DEFAULTS_REASONS: &[&str] = &[
    "out of scope",
    "timing",
    "typing",
    "known failure",
    "FSDP",
    "testing",
    "not a config",
    "pinned by PyTorch's MODULE_DEFAULTS",
];
/// The generator's other skip reasons.
const TYPING_REASON: &str = "Typing: Python-only type";
const OTHER_REASONS: &[&str] = &["private", "testing only", TYPING_REASON];

fn json_fields() -> Vec<Json> {
    let doc: Json = serde_json::from_str(JSON).expect("the checked-in JSON parses");
    doc["fields"]
        .as_array()
        .expect("`fields` is an array")
        .clone()
}

fn field(name: &str) -> &'static FieldMeta {
    let i = InductorConfig::field_index(name).unwrap_or_else(|e| panic!("{e}"));
    &InductorConfig::fields()[i]
}

fn is_unset(default: &Json) -> bool {
    default.get("__unset__").is_some()
}

/// The generator's variant name for a `Literal` string: CamelCase of its
/// alphanumeric words, all-caps words title-cased, `V` before a leading digit.
fn variant_of(s: &str) -> String {
    let mut out = String::new();
    for word in s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word = if word.len() > 1
            && word.chars().any(|c| c.is_ascii_alphabetic())
            && !word.chars().any(|c| c.is_ascii_lowercase())
        {
            let mut w = word[..1].to_string();
            w.push_str(&word[1..].to_ascii_lowercase());
            w
        } else {
            word.to_string()
        };
        out.push_str(&word[..1].to_ascii_uppercase());
        out.push_str(&word[1..]);
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    out
}

/// Whether a declared default equals the JSON default, reading enum variants
/// back as their `Literal` strings.
fn same(v: &Value, j: &Json) -> bool {
    match (v, j) {
        (Value::None, Json::Null) => true,
        (Value::Some(inner), j) => !j.is_null() && same(inner, j),
        (Value::Bool(a), Json::Bool(b)) => a == b,
        (Value::Int(a), Json::Number(n)) => n.as_i64().is_some_and(|b| i128::from(b) == *a),
        (Value::Float(a), Json::Number(n)) => n.as_f64() == Some(*a),
        (Value::Str(a), Json::String(b)) => a == b,
        (Value::Enum { variant, .. }, Json::String(b)) => *variant == variant_of(b),
        (Value::List(a) | Value::Tuple(a) | Value::Set(a), Json::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Value::Map(a), Json::Object(b)) => {
            a.len() == b.len()
                && a.iter().all(|(k, x)| match k {
                    Value::Str(k) => b.get(k).is_some_and(|y| same(x, y)),
                    _ => false,
                })
        }
        _ => false,
    }
}

/// The JSON entries that are aliases of a field of the same module.
fn is_module_alias(j: &Json) -> bool {
    j["alias"]
        .as_str()
        .is_some_and(|a| a.starts_with("torch._inductor.config."))
}

#[test]
fn has_666_entries_662_fields_and_4_aliases() {
    assert_eq!(InductorConfig::fields().len(), 662);
    assert_eq!(InductorConfig::aliases().len(), 4);
    assert_eq!(json_fields().len(), 666);
}

/// ALIAS-172: the JSON's aliases of this module are aliases, reading their
/// targets; the one of another module (`force_disable_caches`) stays a field.
#[test]
fn module_aliases_are_aliases_of_their_targets() {
    let json = json_fields();
    let expected: Vec<(String, String)> = json
        .iter()
        .filter(|j| is_module_alias(j))
        .map(|j| {
            let target = j["alias"].as_str().unwrap();
            (
                j["name"].as_str().unwrap().to_string(),
                target["torch._inductor.config.".len()..].to_string(),
            )
        })
        .collect();
    let actual: Vec<(String, String)> = InductorConfig::aliases()
        .iter()
        .map(|a| (a.name().to_string(), a.target().to_string()))
        .collect();
    assert_eq!(actual, expected);
    assert!(InductorConfig::field_index("force_disable_caches").is_ok());
    let _g = InductorConfig::patch(|c| c.set_use_static_triton_launcher(false));
    assert!(!InductorConfig::read(|c| c.use_static_cuda_launcher));
}

#[test]
fn names_follow_the_json_in_order() {
    let json: Vec<Json> = json_fields()
        .into_iter()
        .filter(|j| !is_module_alias(j))
        .collect();
    assert_eq!(json.len(), InductorConfig::fields().len());
    for (f, j) in InductorConfig::fields().iter().zip(&json) {
        assert_eq!(f.name(), j["name"].as_str().unwrap(), "field {}", f.index());
    }
}

#[test]
fn a_handful_of_defaults_match_the_json() {
    let json = json_fields();
    let json_default =
        |name: &str| json.iter().find(|j| j["name"] == name).unwrap()["default"].clone();
    let cases: &[(&str, Value)] = &[
        ("inplace_padding", Value::Bool(true)),
        ("precompilation_timeout_seconds", Value::Int(300)),
        ("cpp.threads", Value::Int(-1)),
        ("cpu_gpu_bw", Value::Float(50.0)),
        (
            "max_autotune_gemm_backends",
            Value::Str("ATEN,TRITON,CPP".into()),
        ),
        ("fx_graph_remote_cache", Value::None),
        (
            "bundle_triton_into_fx_graph_cache",
            Value::Some(Box::new(Value::Bool(true))),
        ),
        ("worker_log_path", Value::None),
        (
            "cutlass.cutlass_max_profiling_swizzle_options",
            Value::List([1, 2, 4, 8].map(Value::Int).to_vec()),
        ),
        (
            "cuda.cutlass_dynamic_cluster_shape",
            Value::Tuple([2, 1, 1].map(Value::Int).to_vec()),
        ),
        (
            "cpp.cxx",
            Value::Tuple(vec![Value::None, Value::Str("g++".into())]),
        ),
        (
            "memory_pool",
            Value::Enum {
                ty: "MemoryPool",
                variant: "Intermediates",
            },
        ),
        (
            "cutlass.compile_opt_level",
            Value::Enum {
                ty: "CutlassCompileOptLevel",
                variant: "O1",
            },
        ),
        ("aten_distributed_optimizations.bucket_mode", Value::None),
        (
            "rocm.ck_supported_arch",
            Value::List(
                ["Gfx90a", "Gfx942", "Gfx950"]
                    .map(|variant| Value::Enum {
                        ty: "CkSupportedArch",
                        variant,
                    })
                    .to_vec(),
            ),
        ),
        ("triton.multi_kernel", Value::Int(0)),
        (
            "aot_inductor.debug_intermediate_value_printer",
            Value::Str("0".into()),
        ),
    ];
    for (name, expected) in cases {
        let f = field(name);
        assert_eq!(&f.default_value(), expected, "{name}");
        assert!(
            same(expected, &json_default(name)),
            "{name}: {expected} vs JSON {}",
            json_default(name)
        );
    }
    // `Any` values are kept as JSON text.
    let Value::Map(pairs) = field("fx_passes_numeric_check").default_value() else {
        panic!("not a map")
    };
    let j = json_default("fx_passes_numeric_check");
    assert_eq!(pairs.len(), j.as_object().unwrap().len());
    for (k, v) in pairs {
        let (Value::Str(k), Value::Str(v)) = (k, v) else {
            panic!("not strings")
        };
        assert_eq!(serde_json::from_str::<Json>(&v).unwrap(), j[&k], "{k}");
    }
}

#[test]
fn every_default_matches_the_json() {
    let by_name: std::collections::BTreeMap<String, Json> = json_fields()
        .into_iter()
        .map(|j| (j["name"].as_str().unwrap().to_string(), j))
        .collect();
    for f in InductorConfig::fields() {
        let j = &by_name[f.name()];
        let mut default = j["default"].clone();
        if is_unset(&default) {
            // An alias: the default is its target's.
            let alias = j["alias"].as_str().unwrap();
            match alias.strip_prefix("torch._inductor.config.") {
                Some(target) => default = by_name[target]["default"].clone(),
                None => {
                    assert_eq!(alias, "torch.compiler.config.force_disable_caches");
                    default = Json::Bool(false);
                }
            }
        }
        if f.name() == "fx_passes_numeric_check" {
            continue; // `Any` values as JSON text; checked above
        }
        assert!(
            same(&f.default_value(), &default),
            "{}: {} vs JSON {default}",
            f.name(),
            f.default_value()
        );
    }
}

#[test]
fn force_disable_caches_is_pinned_to_true() {
    let i = InductorConfig::field_index("force_disable_caches").unwrap();
    assert_eq!(
        InductorConfig::fields()[i].fuzz_role(),
        &FuzzRole::Pin(Value::Bool(true))
    );
    let pins: Vec<&str> = InductorConfig::fields()
        .iter()
        .filter(|f| matches!(f.fuzz_role(), FuzzRole::Pin(_)))
        .map(FieldMeta::name)
        .collect();
    assert_eq!(pins, ["force_disable_caches"]);
}

#[test]
fn module_defaults_pins_are_the_41_skips_with_pytorch_reasons() {
    let pinned: BTreeSet<String> = json_fields()
        .iter()
        .filter(|j| j["fuzzer_pin"] == "DEFAULT")
        .map(|j| j["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(pinned.len(), 41);
    let mut by_reason = BTreeSet::new();
    for f in InductorConfig::fields() {
        if let FuzzRole::Skip { reason } = f.fuzz_role() {
            assert!(
                MODULE_DEFAULTS_REASONS.contains(reason) || OTHER_REASONS.contains(reason),
                "{}: unexpected skip reason {reason:?}",
                f.name()
            );
            if !OTHER_REASONS.contains(reason) {
                by_reason.insert(f.name().to_string());
            }
        }
    }
    assert_eq!(by_reason, pinned);
}

#[test]
fn private_and_testing_only_fields_are_never_fuzzed() {
    for f in InductorConfig::fields() {
        if f.name().starts_with('_') || f.name().contains("TESTING_ONLY") {
            assert!(
                matches!(f.fuzz_role(), FuzzRole::Skip { .. }),
                "{} is fuzzed",
                f.name()
            );
        }
    }
    assert_eq!(
        field("_profile_var").fuzz_role(),
        &FuzzRole::Skip { reason: "private" }
    );
    assert_eq!(
        field("_collective.auto_select").fuzz_role(),
        &FuzzRole::Skip { reason: "private" }
    );
    assert_eq!(
        field("force_disable_cudagraph_TESTING_ONLY").fuzz_role(),
        &FuzzRole::Skip {
            reason: "testing only"
        }
    );
    // Pinned by MODULE_DEFAULTS: PyTorch's reason wins.
    assert_eq!(
        field("sleep_sec_TESTING_ONLY").fuzz_role(),
        &FuzzRole::Skip { reason: "testing" }
    );
    // A Python-only type: the typing reason wins over "private".
    assert_eq!(
        field("_pre_fusion_custom_pass").fuzz_role(),
        &FuzzRole::Skip {
            reason: TYPING_REASON
        }
    );
}

#[test]
fn deprecated_fields_are_marked() {
    let deprecated: BTreeSet<&str> = InductorConfig::fields()
        .iter()
        .filter(|f| f.deprecated())
        .map(FieldMeta::name)
        .chain(
            InductorConfig::aliases()
                .iter()
                .filter(|a| a.deprecation().is_some())
                .map(fuzzer_core::AliasMeta::name),
        )
        .collect();
    let expected: BTreeSet<String> = json_fields()
        .iter()
        .filter(|j| j.get("deprecated").is_some())
        .map(|j| j["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(deprecated, expected.iter().map(String::as_str).collect());
}

#[test]
fn every_default_round_trips_through_json() {
    let mut c = InductorConfig::defaults();
    for f in InductorConfig::fields() {
        let v = Value::parse_json(&f.default_value().to_json()).unwrap();
        c.set_value(f.name(), &v)
            .unwrap_or_else(|e| panic!("{}: {e}", f.name()));
    }
    assert_eq!(c, InductorConfig::defaults());
}

#[test]
fn inductor_config_ignores_the_environment() {
    assert!(InductorConfig::fields()
        .iter()
        .all(|f| f.env_names().is_empty() && f.env_force_names().is_empty()));
}

#[test]
fn wide_configs_have_their_width_and_true_defaults() {
    fn check<C: FuzzableConfig>(n: usize) {
        let fields = C::fields();
        assert_eq!(fields.len(), n);
        for (i, f) in fields.iter().enumerate() {
            assert_eq!(f.name(), format!("f{i:03}"));
            assert_eq!(f.default_value(), Value::Bool(true), "{}", f.name());
        }
    }
    check::<Wide20>(20);
    check::<Wide100>(100);
    check::<Wide300>(300);
    assert!(Wide300::read(|c| c.f000 && c.f299));
}
