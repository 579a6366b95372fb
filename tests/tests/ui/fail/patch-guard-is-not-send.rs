// A patch lives on the thread that made it; its guard cannot move to another
// thread, where dropping it would remove the wrong thread's layer.
use fake_config::FakeConfig;
use fuzzer_core::prelude::*;

fn main() {
    let guard = FakeConfig::patch(|c| c.e_bool = false);
    std::thread::spawn(move || drop(guard));
}
