//! `config-fuzz`'s exit status: 0 nothing failed, 1 failures found, 2 usage
//! or schema errors; and the schema error's message.

mod common;
use common::*;

#[test]
fn nothing_failing_exits_0() {
    require_python();
    // With these pinned, none of the planted bugs can happen.
    let ran = Cli::on_subject("hunt")
        .opts(&[
            "--env-prefix",
            "SUBJ_",
            "--attempts",
            "6",
            "--seed",
            "3",
            "--pin",
            "fast_math=false",
            "--pin",
            "cache.compress=false",
            "--pin",
            "verbose=false",
        ])
        .run(true);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    assert_eq!(findings(&ran.json.unwrap()), []);
    assert!(ran.stdout.contains("no failure found"), "{}", ran.stdout);
}

#[test]
fn usage_errors_exit_2() {
    let ran = config_fuzz(&["hunt", "--env-prefix", "X_", "--", "true"], false);
    assert_eq!(ran.code, 2, "no --schema: {}", ran.stderr);
    assert!(ran.stderr.contains("--schema"), "{}", ran.stderr);

    let ran = Cli::on_subject("hunt")
        .opts(&["--timeout", "10"])
        .program(&["true"])
        .run(false);
    assert_eq!(ran.code, 2);
    assert!(ran.stderr.contains("no unit"), "{}", ran.stderr);

    let ran = config_fuzz(&["hunt", "--schema", &schema(), "--", "true"], false);
    assert_eq!(ran.code, 2, "no delivery: {}", ran.stderr);
    assert!(
        ran.stderr.contains("say how COMMAND gets each config"),
        "{}",
        ran.stderr
    );

    let ran = Cli::on_subject("hunt")
        .opts(&["--env-prefix", "X_", "--pin", "nope=1"])
        .program(&["true"])
        .run(false);
    assert_eq!(ran.code, 2);
    assert!(ran.stderr.contains("no field `nope`"), "{}", ran.stderr);
}

#[test]
fn a_schema_error_names_the_property_and_exits_2() {
    let dir = std::env::temp_dir().join(format!("config-fuzz-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        r#"{"type": "object", "properties": {"level": {"type": "integer"}}}"#,
    )
    .unwrap();
    let ran = config_fuzz(
        &[
            "hunt",
            "--schema",
            bad.to_str().unwrap(),
            "--env-prefix",
            "X_",
            "--",
            "true",
        ],
        false,
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stderr.starts_with("config-fuzz: "), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("bad.json"),
        "names the file: {}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains("level"),
        "names the property: {}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains("default"),
        "says what is missing: {}",
        ran.stderr
    );

    let ran = config_fuzz(
        &[
            "hunt",
            "--schema",
            "/no/such/schema.json",
            "--env-prefix",
            "X_",
            "--",
            "true",
        ],
        false,
    );
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr
            .contains("cannot read the schema /no/such/schema.json"),
        "{}",
        ran.stderr
    );
}

#[test]
fn help_lists_the_exit_statuses_and_examples() {
    let ran = config_fuzz(&["hunt", "--help"], false);
    assert_eq!(ran.code, 0);
    for text in [
        "Exit status:",
        "2  usage error",
        "--env-prefix",
        "--worker",
        "Examples:",
    ] {
        assert!(
            ran.stdout.contains(text),
            "{text} missing from:\n{}",
            ran.stdout
        );
    }
}

/// Runs `hunt` on the example schema with one `--pin`, for its message.
fn pin_error(pin: &str) -> String {
    let ran = Cli::on_subject("hunt")
        .opts(&["--env-prefix", "X_", "--pin", pin])
        .program(&["true"])
        .run(false);
    assert_eq!(ran.code, 2, "--pin {pin}: {}", ran.stderr);
    ran.stderr
}

#[test]
fn a_misspelt_pin_suggests_the_closest_field() {
    let e = pin_error("cache.enabeld=false");
    assert!(
        e.contains("no field `cache.enabeld`; did you mean `cache.enabled`?"),
        "{e}"
    );
    let e = pin_error("fast_maht=true");
    assert!(e.contains("did you mean `fast_math`?"), "{e}");
}

#[test]
fn a_pin_naming_a_section_lists_its_fields() {
    let e = pin_error("cache=true");
    assert!(
        e.contains("`cache` is a section of the schema, not a field; name one of its fields: cache.enabled, cache.compress"),
        "{e}"
    );
}

#[test]
fn a_whole_schema_error_does_not_advise_marking_a_property() {
    let dir = std::env::temp_dir().join(format!("config-fuzz-root-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let ran = config_fuzz(
            &[
                "hunt",
                "--schema",
                path.to_str().unwrap(),
                "--env-prefix",
                "X_",
                "--",
                "true",
            ],
            false,
        );
        assert_eq!(ran.code, 2, "{}", ran.stderr);
        ran.stderr
    };
    let not_json = run("not-json.json", "not json");
    let no_type = run("no-type.json", r#"{"properties": {"a": {"default": 1}}}"#);
    let no_default = run(
        "no-default.json",
        r#"{"properties": {"a": {"type": "integer"}}}"#,
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert!(not_json.contains("not valid JSON"), "{not_json}");
    assert!(!not_json.contains("x-fuzz"), "nothing to mark: {not_json}");
    // The message already says how to skip the property: once is enough.
    assert_eq!(no_type.matches("x-fuzz").count(), 1, "{no_type}");
    assert_eq!(no_default.matches("x-fuzz").count(), 1, "{no_default}");
}

#[test]
fn every_subcommand_s_help_lists_its_exit_statuses() {
    for sub in [
        "hunt",
        "bisect",
        "n-tuple",
        "reproduce",
        "minimize",
        "merge",
        "report",
    ] {
        let ran = config_fuzz(&[sub, "--help"], false);
        assert_eq!(ran.code, 0, "{sub}: {}", ran.stderr);
        assert!(
            ran.stdout.contains("Exit status") && ran.stdout.contains("  2  usage error"),
            "{sub} --help:\n{}",
            ran.stdout
        );
    }
}

#[test]
fn a_pin_outside_the_schema_bounds_is_a_usage_error_naming_them() {
    let e = pin_error("unroll=9");
    assert!(
        e.contains(
            "--pin unroll=9: 9 is outside the bounds the schema gives `unroll` (`minimum`: 1, `maximum`: 8); \
             JSON Schema makes such a value invalid; pin a value the schema allows"
        ),
        "{e}"
    );
    let e = pin_error("threads=0");
    assert!(e.contains("(`minimum`: 1, `maximum`: 64)"), "{e}");
    let e = pin_error("mode=turbo");
    assert!(e.contains("--pin mode="), "{e}");
    assert!(e.contains("safe"), "{e}");
}
