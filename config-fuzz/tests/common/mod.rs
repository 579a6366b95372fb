//! Running the built `config-fuzz` on the example subject.

#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value as Json;

/// The example subject's folder.
pub fn subject_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/subject")
}

pub fn schema() -> String {
    subject_dir().join("schema.json").display().to_string()
}

pub fn subject() -> String {
    subject_dir().join("subject.py").display().to_string()
}

/// Fails the test, saying what to install, when python3 is missing.
pub fn require_python() {
    let ok = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "these tests run a Python 3 program: install python3 (e.g. `apt-get install python3`) and put it on PATH"
    );
}

/// What one `config-fuzz` run did.
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub json: Option<Json>,
}

/// Runs `config-fuzz ARGS`, with `--json OUT` added before `--` when
/// `with_json`.
pub fn config_fuzz(args: &[&str], with_json: bool) -> Ran {
    let dir = std::env::temp_dir().join(format!(
        "config-fuzz-test-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("out.json");
    let mut all: Vec<String> = Vec::new();
    let split = args.iter().position(|a| *a == "--").unwrap_or(args.len());
    all.extend(args[..split].iter().map(|s| s.to_string()));
    if with_json {
        all.push("--json".into());
        all.push(out.display().to_string());
    }
    all.extend(args[split..].iter().map(|s| s.to_string()));
    let output = Command::new(env!("CARGO_BIN_EXE_config-fuzz"))
        .args(&all)
        .output()
        .unwrap();
    let json = std::fs::read_to_string(&out)
        .ok()
        .map(|t| serde_json::from_str(&t).unwrap());
    let _ = std::fs::remove_dir_all(&dir);
    Ran {
        code: output
            .status
            .code()
            .expect("config-fuzz was killed by a signal"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        json,
    }
}

/// The findings of a `--json` document as (config, status, detail).
pub fn findings(json: &Json) -> Vec<(Json, String, String)> {
    json["findings"]
        .as_array()
        .expect("a findings array")
        .iter()
        .map(|f| {
            (
                f["config"].clone(),
                f["status"].as_str().unwrap().to_string(),
                f["detail"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// Asserts that the subject's three planted bugs are among the findings:
/// the wrong answer with `wrong_status`, the crash by SIGSEGV and the hang.
pub fn assert_all_bugs_found(ran: &Ran, wrong_status: &str) {
    assert_eq!(
        ran.code, 1,
        "exit status 1 when failures are found; stderr:\n{}",
        ran.stderr
    );
    let json = ran.json.as_ref().expect("--json OUT was written");
    let found = findings(json);
    let has = |config: Json, status: &str| {
        found
            .iter()
            .find(|(c, s, _)| *c == config && s == status)
            .map(|(_, _, d)| d.clone())
    };
    let wrong = has(
        serde_json::json!({"fast_math": true, "mode": "exact"}),
        wrong_status,
    );
    assert!(
        wrong.is_some(),
        "the wrong answer was not found: {found:#?}"
    );
    let crash = has(
        serde_json::json!({"cache.enabled": false, "cache.compress": true}),
        "FailedCrash",
    );
    let crash = crash.unwrap_or_else(|| panic!("the crash was not found: {found:#?}"));
    assert!(
        crash.contains("SIGSEGV"),
        "the crash names its signal: {crash}"
    );
    let hang = has(
        serde_json::json!({"verbose": true, "log_level": "debug"}),
        "FailedTimeout",
    );
    assert!(hang.is_some(), "the hang was not found: {found:#?}");
}

/// The options of the hunts for the subject's three planted bugs, whatever
/// way the candidate reaches it: 30 attempts from seed 1, two jobs, a
/// 2-second timeout (the hang is a bug), no confirmation runs.
pub const FIND_PLANTED: &[&str] = &[
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
];

/// A `config-fuzz` command line built a part at a time, for the tests that
/// differ only in a few options: `SUBCOMMAND --schema <example schema>`,
/// then the options in the order given, then `--` and the program
/// (`python3 <example subject>` unless replaced).
pub struct Cli {
    args: Vec<String>,
    program: Vec<String>,
}

impl Cli {
    /// `config-fuzz SUBCOMMAND --schema <example schema> -- python3
    /// <example subject>`.
    pub fn on_subject(subcommand: &str) -> Self {
        Cli {
            args: vec![subcommand.to_string(), "--schema".into(), schema()],
            program: vec!["python3".into(), subject()],
        }
    }

    /// Adds `options` before the `--`, after those already given.
    pub fn opts(mut self, options: &[&str]) -> Self {
        self.args.extend(options.iter().map(|s| s.to_string()));
        self
    }

    /// Adds `args` after the program (the subject's own arguments, such as
    /// `--worker` or `--config {config}`).
    pub fn subject_args(mut self, args: &[&str]) -> Self {
        self.program.extend(args.iter().map(|s| s.to_string()));
        self
    }

    /// Runs `program` instead of the example subject.
    pub fn program(mut self, program: &[&str]) -> Self {
        self.program = program.iter().map(|s| s.to_string()).collect();
        self
    }

    /// Runs the command line, as [`config_fuzz`] does.
    pub fn run(&self, with_json: bool) -> Ran {
        let mut all: Vec<&str> = self.args.iter().map(String::as_str).collect();
        all.push("--");
        all.extend(self.program.iter().map(String::as_str));
        config_fuzz(&all, with_json)
    }
}

/// The names of the fields a finding's config sets, sorted.
pub fn field_names(config: &Json) -> Vec<String> {
    let mut names: Vec<String> = config
        .as_object()
        .expect("a finding's config is a JSON object")
        .keys()
        .cloned()
        .collect();
    names.sort();
    names
}

/// The sorted field names of the first of `found` with `status`; fails the
/// test, listing `found`, when none has it.
pub fn fields_of(found: &[(Json, String, String)], status: &str) -> Vec<String> {
    let finding = found
        .iter()
        .find(|f| f.1 == status)
        .unwrap_or_else(|| panic!("no finding with status {status}: {found:#?}"));
    field_names(&finding.0)
}
