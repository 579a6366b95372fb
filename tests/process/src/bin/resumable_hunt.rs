//! A hunt that keeps its campaign in a state file, for the kill-and-resume
//! test (`tests/resume.rs`): `resumable_hunt [STATE_FILE]` runs the hunt
//! (with the state file if one is given) and prints the hunt as JSON on
//! stdout. Each run sleeps a little, so a test can kill it mid-campaign.

use std::time::Duration;

use fuzzer_core::prelude::*;
use process_tests::Flags;

/// Three planted bugs of three kinds.
fn planted() -> Result<(), String> {
    std::thread::sleep(Duration::from_millis(2));
    let c = Flags::current();
    if c.a && c.b {
        panic!("a and b");
    }
    if c.c {
        return Err("c is an error".into());
    }
    if c.d && c.e {
        return Err("d and e give a wrong answer".into());
    }
    Ok(())
}

fn main() {
    let mut fuzzer = ConfigFuzzer::<Flags>::new(planted, 3).jobs(2);
    if let Some(path) = std::env::args_os().nth(1) {
        fuzzer = fuzzer.state(path);
    }
    match fuzzer.hunt(30, 0.3) {
        Ok(hunt) => println!("{}", hunt.save_json()),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}
