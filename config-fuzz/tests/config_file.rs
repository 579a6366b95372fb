//! The subject's bugs found with the candidate in a JSON file
//! (`--config-file`, its path in place of `{config}`).

mod common;
use common::*;

#[test]
fn hunt_through_the_config_file_finds_every_planted_bug() {
    require_python();
    let ran = Cli::on_subject("hunt")
        .opts(&["--config-file"])
        .opts(FIND_PLANTED)
        .subject_args(&["--config", "{config}"])
        .run(true);
    assert_all_bugs_found(&ran, "FailedError");
}
