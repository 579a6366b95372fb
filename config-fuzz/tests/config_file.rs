//! The subject's bugs found with the candidate in a JSON file
//! (`--config-file`, its path in place of `{config}`).

mod common;
use common::*;

#[test]
fn hunt_through_the_config_file_finds_every_planted_bug() {
    require_python();
    let (schema, subject) = (schema(), subject());
    let ran = config_fuzz(
        &[
            "hunt",
            "--schema",
            &schema,
            "--config-file",
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
            "--config",
            "{config}",
        ],
        true,
    );
    assert_all_bugs_found(&ran, "FailedError");
}
