//! The subject's bugs found with the candidate as command-line arguments
//! (`--arg TEMPLATE`).

mod common;
use common::*;

#[test]
fn hunt_through_arguments_finds_every_planted_bug() {
    require_python();
    let (schema, subject) = (schema(), subject());
    let ran = config_fuzz(
        &[
            "hunt",
            "--schema",
            &schema,
            "--arg",
            "--set",
            "--arg",
            "{name}={value}",
            "--attempts",
            "30",
            "--seed",
            "1",
            "--jobs",
            "2",
            "--timeout",
            "2s",
            "--confirm",
            "0",
            "--",
            "python3",
            &subject,
        ],
        true,
    );
    assert_all_bugs_found(&ran, "FailedError");
}
