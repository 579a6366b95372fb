//! The subject's bugs found with the candidate as command-line arguments
//! (`--arg TEMPLATE`).

mod common;
use common::*;

#[test]
fn hunt_through_arguments_finds_every_planted_bug() {
    require_python();
    let ran = Cli::on_subject("hunt")
        .opts(&["--arg", "--set", "--arg", "{name}={value}"])
        .opts(FIND_PLANTED)
        .run(true);
    assert_all_bugs_found(&ran, "FailedError");
}
