//! `bisect`, `n-tuple`, `reproduce --findings`, `--html` and
//! `--worker-runs` on the example subject.

mod common;
use common::*;
use serde_json::json;

#[test]
fn bisect_reports_one_minimal_config_per_failing_attempt() {
    require_python();
    // With these pins only the wrong answer is left, and fast_math alone
    // triggers it; every attempt (p = 1) sets fast_math.
    let ran = Cli::on_subject("bisect")
        .opts(&[
            "--env-prefix",
            "SUBJ_",
            "--attempts",
            "4",
            "--p",
            "1",
            "--pin",
            "mode=exact",
            "--pin",
            "cache.compress=false",
            "--pin",
            "verbose=false",
            "--confirm",
            "0",
        ])
        .run(true);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    let json = ran.json.unwrap();
    assert_eq!(json["findings"].as_array().unwrap().len(), 1, "{json:#}");
    let f = &json["findings"][0];
    assert_eq!(f["config"], json!({"fast_math": true}));
    assert_eq!(f["status"], "FailedError");
    assert_eq!(f["hits"], 4);
    assert_eq!(json["pins"]["mode"], "exact");
}

#[test]
fn n_tuple_finds_the_failing_pairs() {
    require_python();
    let ran = Cli::on_subject("n-tuple")
        .opts(&[
            "--env-prefix",
            "SUBJ_",
            "--n",
            "2",
            "--draw",
            "single",
            "--jobs",
            "2",
            "--timeout",
            "3s",
            "--confirm",
            "0",
        ])
        .run(true);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    let json = ran.json.unwrap();
    assert_eq!(json["draw"], "single");
    // 8 fields: 28 pairs.
    assert_eq!(json["combinations_run"], 28);
    let found = findings(&json);
    assert_eq!(
        fields_of(&found, "FailedCrash"),
        ["cache.compress", "cache.enabled"]
    );
    assert_eq!(fields_of(&found, "FailedTimeout"), ["log_level", "verbose"]);
    // Nothing else fails but the wrong answer (mode sampled to "exact").
    for f in &found {
        let names = field_names(&f.0);
        assert!(
            [
                vec!["cache.compress", "cache.enabled"],
                vec!["log_level", "verbose"],
                vec!["fast_math", "mode"]
            ]
            .contains(&names.iter().map(String::as_str).collect()),
            "{found:#?}"
        );
    }
}

#[test]
fn reproduce_takes_the_findings_of_an_earlier_run_and_writes_html() {
    require_python();
    let dir = std::env::temp_dir().join(format!("config-fuzz-findings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let earlier = dir.join("earlier.json");
    std::fs::write(
        &earlier,
        json!({"findings": [
            {"config": {"cache.enabled": false, "cache.compress": true}, "status": "FailedCrash", "hits": 2},
            {"config": {"unroll": 3}, "status": "FailedError", "hits": 1},
        ]})
        .to_string(),
    )
    .unwrap();
    let html = dir.join("report.html");
    let ran = Cli::on_subject("reproduce")
        .opts(&[
            "--env-prefix",
            "SUBJ_",
            "--findings",
            earlier.to_str().unwrap(),
            "--html",
            html.to_str().unwrap(),
        ])
        .run(true);
    let page = std::fs::read_to_string(&html);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    let found = findings(&ran.json.unwrap());
    assert_eq!(found.len(), 1, "the unroll config passes now: {found:#?}");
    assert_eq!(
        found[0].0,
        json!({"cache.enabled": false, "cache.compress": true})
    );
    let page = page.expect("--html OUT was written");
    assert!(page.contains("cache.compress"), "{page}");
    assert!(page.contains("SIGSEGV"), "the detail is in the page");
    assert!(
        page.contains("SUBJ_CACHE__COMPRESS=1 SUBJ_CACHE__ENABLED=0 python3"),
        "an env-var line reproduces it"
    );
    assert!(
        page.contains("config-fuzz reproduce --schema"),
        "so does the exact command"
    );
}

#[test]
fn a_config_with_an_unknown_field_is_a_usage_error() {
    let ran = Cli::on_subject("reproduce")
        .opts(&["--env-prefix", "SUBJ_", "--config", r#"{"fastmath": true}"#])
        .program(&["true"])
        .run(false);
    assert_eq!(ran.code, 2);
    assert!(ran.stderr.contains("no field `fastmath`"), "{}", ran.stderr);
}

#[test]
fn worker_runs_restarts_each_worker_after_n_runs() {
    // This worker fails every run, numbering its runs in the detail.
    let script = r#"n=0; while read -r line; do n=$((n+1)); echo "{\"status\":\"failed\",\"detail\":\"run $n\"}"; done"#;
    let ran = Cli::on_subject("reproduce")
        .opts(&[
            "--worker",
            "--worker-runs",
            "2",
            "--confirm",
            "0",
            "--config",
            r#"{"unroll": 2}"#,
            "--config",
            r#"{"unroll": 3}"#,
            "--config",
            r#"{"unroll": 4}"#,
        ])
        .program(&["sh", "-c", script])
        .run(true);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    let details: Vec<String> = findings(&ran.json.unwrap())
        .into_iter()
        .map(|f| f.2)
        .collect();
    assert_eq!(details, ["run 1", "run 2", "run 1"]);
}

#[test]
fn report_renders_an_earlier_json_file() {
    let dir = std::env::temp_dir().join(format!("config-fuzz-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("findings.json");
    std::fs::write(
        &input,
        json!({
            "subcommand": "hunt",
            "command": ["python3", "subject.py"],
            "schema": "schema.json",
            "delivery": {"env_prefix": "SUBJ_", "config_file": false, "args": [], "worker": false},
            "timeout": "2s",
            "runs": 40,
            "elapsed_secs": 3.5,
            "findings": [{
                "config": {"fast_math": true, "mode": "exact"},
                "status": "FailedError",
                "hits": 3,
                "detail": "exited with code 1; stderr:\nwrong answer"
            }]
        })
        .to_string(),
    )
    .unwrap();
    let out = dir.join("report.html");
    let ran = config_fuzz(
        &["report", out.to_str().unwrap(), input.to_str().unwrap()],
        false,
    );
    let page = std::fs::read_to_string(&out);
    std::fs::write(
        &input,
        r#"{"findings": [{"config": {}, "status": "Broken"}]}"#,
    )
    .unwrap();
    let bad = config_fuzz(
        &["report", out.to_str().unwrap(), input.to_str().unwrap()],
        false,
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(ran.code, 1, "it reports failures: {}", ran.stderr);
    let page = page.unwrap();
    assert!(page.contains("fast_math"), "{page}");
    assert!(page.contains("wrong answer"));
    assert!(page.contains("SUBJ_FAST_MATH=1 SUBJ_MODE=exact python3 subject.py"));
    assert!(page.contains("config-fuzz reproduce --schema schema.json --env-prefix SUBJ_"));
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("finding 1 has no known \"status\""),
        "{}",
        bad.stderr
    );
}

#[test]
fn cover_reports_the_minimal_failing_pairs() {
    require_python();
    let ran = Cli::on_subject("cover")
        .opts(&[
            "--env-prefix",
            "SUBJ_",
            "--t",
            "2",
            "--timeout",
            "3s",
            "--confirm",
            "0",
        ])
        .run(true);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    let json = ran.json.unwrap();
    assert_eq!(json["t"], 2, "{json:#}");
    let found = findings(&json);
    assert_eq!(
        fields_of(&found, "FailedCrash"),
        ["cache.compress", "cache.enabled"]
    );
    assert_eq!(fields_of(&found, "FailedTimeout"), ["log_level", "verbose"]);
}

#[test]
fn n_tuple_tries_every_level_of_each_pair_by_default() {
    require_python();
    for seed in ["0", "1"] {
        let ran = Cli::on_subject("n-tuple")
            .opts(&[
                "--env-prefix",
                "SUBJ_",
                "--n",
                "2",
                "--seed",
                seed,
                "--pin",
                "verbose=false",
                "--pin",
                "cache.compress=false",
                "--confirm",
                "0",
                "--quiet",
            ])
            .run(true);
        assert_eq!(ran.code, 1, "{}", ran.stderr);
        let json = ran.json.unwrap();
        assert_eq!(json["draw"], "all-levels");
        // 6 unpinned fields, 15 pairs; the enums and ranges run at
        // several levels each, so more configs than pairs.
        assert!(json["combinations_run"].as_u64().unwrap() > 15, "{json:#}");
        // The wrong answer needs mode = "exact", one of mode's three
        // values: every seed finds it, and nothing else fails.
        let found = findings(&json);
        assert!(!found.is_empty(), "seed {seed}: {json:#}");
        for f in &found {
            let names: Vec<&String> = f.0.as_object().unwrap().keys().collect();
            assert!(
                names.contains(&&"fast_math".to_string()) || names.contains(&&"mode".to_string()),
                "seed {seed}: {found:#?}"
            );
            assert_eq!(f.1, found[0].1, "seed {seed}: {found:#?}");
        }
        assert!(
            found
                .iter()
                .any(|f| f.0 == json!({"fast_math": true, "mode": "exact"})),
            "seed {seed}: {found:#?}"
        );
    }
}

#[test]
fn n_tuple_rejects_an_unknown_draw() {
    let ran = config_fuzz(&["n-tuple", "--draw", "every", "--", "true"], false);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("all-levels") && ran.stderr.contains("single"),
        "{}",
        ran.stderr
    );
}
