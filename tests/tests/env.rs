//! Environment variables (spec area "environment variables" and precedence).
//! Every test here changes process-wide state, so each takes the global lock.

use fake_config::FakeConfig;
use fuzzer_core::prelude::*;
use fuzzer_core::ConfigError;
use tests::global_lock;

/// Restores the test environment of `.cargo/config.toml` and reloads.
struct EnvReset;

impl Drop for EnvReset {
    fn drop(&mut self) {
        for (k, v) in [
            ("ENV_TRUE", "1"),
            ("ENV_FALSE", "0"),
            ("ENV_STR", "1234"),
            ("ENV_STR_EMPTY", ""),
        ] {
            std::env::set_var(k, v);
        }
        for k in [
            "FAKE_CONFIG_E_INT",
            "FAKE_CONFIG_NESTED__E_BOOL",
            "FAKE_CONFIG_E_LIST",
            "FAKE_CONFIG_E_OPTIONAL",
        ] {
            std::env::remove_var(k);
        }
        FakeConfig::reset();
        FakeConfig::reload_env().unwrap();
    }
}

#[test]
fn spec_020_038_env_default_beats_the_declared_default() {
    let _l = global_lock();
    FakeConfig::read(|c| {
        assert!(c.e_env_default);
        assert!(!c.e_env_default_false);
        assert_eq!(c.e_env_default_str, "1234");
    });
}

#[test]
fn spec_034_an_empty_env_value_is_a_value() {
    let _l = global_lock();
    assert_eq!(FakeConfig::read(|c| c.e_env_default_str_empty.clone()), "");
}

#[test]
fn spec_021_023_a_user_override_beats_env_default() {
    let _l = global_lock();
    let _g = FakeConfig::patch(|c| {
        c.e_env_default = false;
        c.e_env_default_str = "override".into();
    });
    assert!(!FakeConfig::read(|c| c.e_env_default));
    assert_eq!(
        FakeConfig::read(|c| c.e_env_default_str.clone()),
        "override"
    );
}

#[test]
fn spec_022_env_force_beats_patch_and_set() {
    let _l = global_lock();
    let _r = EnvReset;
    let _g = FakeConfig::patch(|c| c.e_env_force = false);
    assert!(FakeConfig::read(|c| c.e_env_force));
    FakeConfig::set(|c| c.e_env_force = false);
    assert!(FakeConfig::read(|c| c.e_env_force));
    let _h = FakeConfig::patch_values([("e_env_force", Value::Bool(false))]).unwrap();
    assert!(FakeConfig::read(|c| c.e_env_force));
}

#[test]
fn spec_032_env_is_read_once_then_again_on_reload() {
    let _l = global_lock();
    let _r = EnvReset;
    std::env::set_var("ENV_TRUE", "0");
    // Not yet: env is read on first use and on reload_env().
    assert!(FakeConfig::read(|c| c.e_env_default));
    FakeConfig::reload_env().unwrap();
    assert!(!FakeConfig::read(|c| c.e_env_default));
    assert!(!FakeConfig::read(|c| c.e_env_force));
}

#[test]
fn env_prefix_names_every_field_including_nested() {
    let _l = global_lock();
    let _r = EnvReset;
    std::env::set_var("FAKE_CONFIG_E_INT", "17");
    std::env::set_var("FAKE_CONFIG_NESTED__E_BOOL", "off");
    std::env::set_var("FAKE_CONFIG_E_LIST", "[3, 4]");
    std::env::set_var("FAKE_CONFIG_E_OPTIONAL", "none");
    FakeConfig::reload_env().unwrap();
    FakeConfig::read(|c| {
        assert_eq!(c.e_int, 17);
        assert!(!c.nested.e_bool);
        assert_eq!(c.e_list, vec![3, 4]);
        assert_eq!(c.e_optional, None);
    });
}

#[test]
fn explicit_env_names_come_before_the_prefix_name() {
    let _l = global_lock();
    let _r = EnvReset;
    std::env::set_var("FAKE_CONFIG_E_ENV_DEFAULT", "0");
    FakeConfig::reload_env().unwrap();
    // ENV_TRUE=1 is listed first and is set, so it wins.
    assert!(FakeConfig::read(|c| c.e_env_default));
    std::env::remove_var("FAKE_CONFIG_E_ENV_DEFAULT");
}

#[test]
fn a_bad_env_value_is_an_error_naming_variable_value_and_type_and_applies_nothing() {
    let _l = global_lock();
    let _r = EnvReset;
    std::env::set_var("FAKE_CONFIG_E_INT", "17");
    FakeConfig::reload_env().unwrap();
    std::env::set_var("FAKE_CONFIG_E_INT", "seventeen");
    std::env::set_var("ENV_TRUE", "0");
    let err = FakeConfig::reload_env().unwrap_err();
    assert_eq!(
        err,
        ConfigError::BadEnv {
            var: "FAKE_CONFIG_E_INT".into(),
            value: "seventeen".into(),
            field: "e_int".into(),
            expected: "i64".into(),
        }
    );
    let msg = err.to_string();
    assert!(
        msg.contains("FAKE_CONFIG_E_INT") && msg.contains("seventeen") && msg.contains("i64"),
        "{msg}"
    );
    // Nothing applied: the old env values stay.
    assert_eq!(FakeConfig::read(|c| (c.e_int, c.e_env_default)), (17, true));
}

#[test]
fn a_bad_bool_env_value_says_which_spellings_work() {
    let _l = global_lock();
    let _r = EnvReset;
    std::env::set_var("ENV_TRUE", "maybe");
    let err = FakeConfig::reload_env().unwrap_err();
    assert!(
        err.to_string().contains("1/0/true/false/yes/no/on/off"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn a_non_utf8_env_value_is_an_error_naming_its_field() {
    use std::os::unix::ffi::OsStringExt;
    let _l = global_lock();
    let _r = EnvReset;
    std::env::set_var(
        "FAKE_CONFIG_E_INT",
        std::ffi::OsString::from_vec(b"1\xff7".to_vec()),
    );
    let err = FakeConfig::reload_env().unwrap_err();
    assert!(
        matches!(&err, ConfigError::BadEnv { var, field, .. }
            if var == "FAKE_CONFIG_E_INT" && field == "e_int"),
        "{err:?}"
    );
    assert!(err.to_string().contains("field `e_int`"), "{err}");
}

#[test]
fn bad_json_in_an_env_var_for_a_list() {
    let _l = global_lock();
    let _r = EnvReset;
    std::env::set_var("FAKE_CONFIG_E_LIST", "[1,");
    let err = FakeConfig::reload_env().unwrap_err();
    assert!(
        matches!(&err, ConfigError::BadEnv { expected, .. } if expected.contains("Vec<i64>")),
        "{err}"
    );
}

#[test]
fn set_values_holds_a_field_against_later_env_changes_and_set_records_only_changes() {
    let _l = global_lock();
    let _r = EnvReset;
    // e_env_default is already true from ENV_TRUE.
    FakeConfig::set(|c| c.e_env_default = true);
    FakeConfig::set_values([("e_env_default_false", Value::Bool(false))]).unwrap();
    std::env::set_var("ENV_TRUE", "0");
    std::env::set_var("ENV_FALSE", "1");
    FakeConfig::reload_env().unwrap();
    // `set` changed nothing, so the field follows its env var...
    assert!(!FakeConfig::read(|c| c.e_env_default));
    // ...while `set_values` recorded its field and holds it.
    assert!(!FakeConfig::read(|c| c.e_env_default_false));
}
