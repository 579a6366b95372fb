//! Smoke.
use fuzzer_core::prelude::*;
use process_tests::Flags;

#[test]
fn abort_is_a_crash() {
    let fuzzer = ConfigFuzzer::<Flags>::new(
        || {
            if Flags::read(|c| c.a) {
                std::process::abort();
            }
        },
        0,
    )
    .isolation(Isolation::Process);
    let d = ConfigDiff::from([("a".to_string(), Value::Bool(true))]);
    println!("{:?}", fuzzer.reproduce(&[d]));
    let hunt = fuzzer.hunt(10, 0.5).unwrap();
    println!("{hunt}");
    assert_eq!(hunt.findings().len(), 1);
}
