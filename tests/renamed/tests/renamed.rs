//! The configs of this crate work through the renamed dependency.

use fc::prelude::*;
use renamed_dependency_tests::{Mode, Settings};

#[test]
fn a_config_derived_through_a_renamed_dependency_works() {
    assert_eq!(
        Settings::read(|c| (c.threads, c.mode, c.part.flag)),
        (4, Mode::Fast, true)
    );
    let _g = Settings::patch(|c| {
        c.mode = Mode::Slow;
        c.part.flag = false;
    });
    assert_eq!(
        Settings::read(|c| (c.mode, c.part.flag)),
        (Mode::Slow, false)
    );
    let names: Vec<&str> = Settings::fields().iter().map(|f| f.name()).collect();
    assert_eq!(names, ["threads", "mode", "pinned", "part.flag"]);
    assert_eq!(Mode::Slow.to_value().to_string(), "Mode::Slow");
}
