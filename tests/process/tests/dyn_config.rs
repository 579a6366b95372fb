//! Process isolation with a `DynConfig`: the child re-runs the test, which
//! installs the same schema before the fuzzer hands it the candidate.

use fuzzer_core::prelude::*;
use fuzzer_core::{DynConfig, Schema};

const SCHEMA: &str = r#"{"properties": {
    "a": {"type": "boolean", "default": false},
    "b": {"type": "boolean", "default": false},
    "n": {"type": "integer", "format": "uint8", "default": 1}
}}"#;

#[test]
fn a_dyn_config_crash_is_found_in_a_child_process() {
    DynConfig::install(Schema::parse(SCHEMA).unwrap()).unwrap();
    let fuzzer = ConfigFuzzer::<DynConfig>::new(
        || {
            if DynConfig::read(|c| c.get("a").and_then(|v| v.as_bool()) == Some(true)) {
                std::process::abort();
            }
        },
        1,
    )
    .isolation(Isolation::Process);
    let hunt = fuzzer.hunt(8, 0.5).expect("the baseline passes");
    assert_eq!(hunt.findings().len(), 1, "{hunt}");
    let f = &hunt.findings()[0];
    assert_eq!(
        f.config(),
        &ConfigDiff::from([("a".to_string(), Value::Bool(true))])
    );
    assert_eq!(f.status(), Status::FailedCrash, "{hunt}");
    let message = f.detail().message.as_deref().unwrap_or("");
    assert!(message.contains("SIGABRT"), "{message}");
    assert_eq!(f.repro_snippet(), r#"{"a":true}"#);
}
