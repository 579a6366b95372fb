//! The one panic the API allows: the first use of a config meets an invalid
//! env var in a program that never called `reload_env()`. This file is its
//! own test binary, so FakeConfig is untouched when the test starts.

use fake_config::FakeConfig;
use fuzzer_core::prelude::*;

#[test]
fn first_read_with_a_bad_env_var_panics_with_the_error_message_and_reload_env_returns_it() {
    std::env::set_var("FAKE_CONFIG_E_FLOAT", "one point five");
    let panic = std::panic::catch_unwind(|| FakeConfig::read(|c| c.e_float)).unwrap_err();
    let msg = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert_eq!(
        msg,
        "environment variable FAKE_CONFIG_E_FLOAT=\"one point five\" (for field `e_float`) does not parse: expected f64; fix or unset it"
    );
    // The same report as an error, for programs that check up front.
    let err = FakeConfig::reload_env().unwrap_err();
    assert_eq!(err.to_string(), msg);
    std::env::set_var("FAKE_CONFIG_E_FLOAT", "1.5");
    FakeConfig::reload_env().unwrap();
    assert_eq!(FakeConfig::read(|c| c.e_float), 1.5);
}
