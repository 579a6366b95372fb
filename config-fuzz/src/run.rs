//! One run of COMMAND per candidate: the candidate delivered through env
//! vars, a config file and/or argument templates, the run bounded by the
//! timeout, and its end classified as a [`Status`].

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use fuzzer_core::{Status, TestOutcome};
use serde_json::Value as Json;

use crate::child::{describe_exit, Pumped, Supervised};

/// The fields of one candidate that differ from the schema defaults, by
/// dotted name, in name order.
pub(crate) type Candidate = Vec<(String, Json)>;

/// The env var that holds the config file's path.
pub(crate) const CONFIG_FILE_ENV: &str = "CONFIG_FUZZ_FILE";

/// How one run ended, as the fuzzer engine takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Passed,
    Failed(Status, String),
}

impl TestOutcome for Outcome {
    fn into_outcome(self) -> Result<(), (Status, String)> {
        match self {
            Outcome::Passed => Ok(()),
            Outcome::Failed(status, detail) => Err((status, detail)),
        }
    }
}

/// How the candidate reaches COMMAND; any combination may be on.
#[derive(Clone, Debug, Default)]
pub(crate) struct Delivery {
    /// `--env-prefix`: each changed field as `PFX` + `NAME` (`.` → `__`).
    pub(crate) env_prefix: Option<String>,
    /// `--config-file`: a JSON file per run, its path in `CONFIG_FUZZ_FILE`
    /// and in place of `{config}` in the arguments.
    pub(crate) config_file: bool,
    /// `--arg`: templates appended per changed field.
    pub(crate) arg_templates: Vec<String>,
    /// Every field of the schema: with `env_prefix`, the variables of the
    /// fields a candidate leaves at their default are removed from the
    /// inherited environment, so each run starts from the schema defaults.
    pub(crate) field_names: Vec<String>,
}

/// The env var a field is delivered in: `PFX` + the upper-cased dotted name
/// with `.` → `__`.
pub(crate) fn env_name(prefix: &str, field: &str) -> String {
    format!("{prefix}{}", field.to_uppercase().replace('.', "__"))
}

/// A value as env var text: bool `1`/`0`, strings as they are, numbers as
/// text, arrays and objects as JSON; `None` for null (unset).
pub(crate) fn env_text(value: &Json) -> Option<String> {
    match value {
        Json::Null => None,
        Json::Bool(b) => Some(if *b { "1" } else { "0" }.to_string()),
        Json::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// A value as it replaces `{value}` in an `--arg` template: strings as
/// they are, everything else as JSON (`true`, `3`, `null`, `[1,2]`).
pub(crate) fn arg_text(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The candidate as the config file holds it: one JSON object, dotted names.
pub(crate) fn config_json(candidate: &Candidate) -> String {
    let map: serde_json::Map<String, Json> = candidate.iter().cloned().collect();
    Json::Object(map).to_string()
}

impl Delivery {
    /// Puts `candidate` into `cmd` (env vars and argument templates); the
    /// config file, if any, is at `file`.
    pub(crate) fn apply(&self, cmd: &mut Command, candidate: &Candidate, file: Option<&Path>) {
        if let Some(prefix) = &self.env_prefix {
            for name in &self.field_names {
                cmd.env_remove(env_name(prefix, name));
            }
            for (name, value) in candidate {
                let var = env_name(prefix, name);
                match env_text(value) {
                    Some(text) => cmd.env(var, text),
                    None => cmd.env_remove(var),
                };
            }
        }
        if let Some(file) = file {
            cmd.env(CONFIG_FILE_ENV, file);
        }
        for (name, value) in candidate {
            for template in &self.arg_templates {
                // `{config}` in a template is the file too, replaced first
                // so that a value holding the text `{config}` stays as it is.
                let template = match file {
                    Some(f) => template.replace("{config}", &f.to_string_lossy()),
                    None => template.clone(),
                };
                cmd.arg(
                    template
                        .replace("{name}", name)
                        .replace("{value}", &arg_text(value)),
                );
            }
        }
    }
}

/// The hidden first argument that makes `config-fuzz` the launcher of one
/// run (see [`launch`]).
pub(crate) const LAUNCH: &str = "__config-fuzz-launch";

/// `config-fuzz __config-fuzz-launch PARENT PROGRAM ARGS...`: asks the
/// kernel to kill this process when the thread that started it ends
/// (`PR_SET_PDEATHSIG`), then becomes PROGRAM (exec, same pid and process
/// group). So a run does not outlive a `config-fuzz` killed by SIGKILL,
/// which has no chance to kill its process groups itself. Setting this up
/// between fork and exec would need `unsafe` (`pre_exec`); exec'ing
/// through ourselves does not. Exits 127 when PROGRAM cannot start, saying
/// why on stderr, and 137 when PARENT is already gone.
pub(crate) fn launch(args: &[std::ffi::OsString]) -> std::process::ExitCode {
    use std::os::unix::process::CommandExt as _;
    let (Some(parent), Some(program)) = (args.first(), args.get(1)) else {
        eprintln!("config-fuzz: {LAUNCH} is config-fuzz's own; it takes PARENT PROGRAM ARGS...");
        return std::process::ExitCode::from(2);
    };
    let parent: Option<i32> = parent.to_str().and_then(|p| p.parse().ok());
    if rustix::process::set_parent_process_death_signal(Some(rustix::process::Signal::KILL)).is_ok()
        && rustix::process::getppid().map(|p| p.as_raw_nonzero().get()) != parent
    {
        // The parent died before the death signal was armed.
        return std::process::ExitCode::from(137);
    }
    let e = Command::new(program).args(&args[2..]).exec();
    eprintln!(
        "config-fuzz: {}",
        start_error(&program.to_string_lossy(), &e)
    );
    std::process::ExitCode::from(127)
}

/// Starts COMMAND once per run.
pub(crate) struct Runner {
    command: Vec<String>,
    delivery: Delivery,
    timeout: Option<Duration>,
    files: RunFiles,
    /// `config-fuzz` itself, to start each run through [`launch`].
    launcher: Option<PathBuf>,
}

impl Runner {
    /// A runner of `command` (program and arguments; not empty).
    pub(crate) fn new(
        command: Vec<String>,
        delivery: Delivery,
        timeout: Option<Duration>,
    ) -> std::io::Result<Self> {
        let files = RunFiles::create()?;
        Ok(Runner {
            command,
            delivery,
            timeout,
            files,
            launcher: None,
        })
    }

    /// Starts each run through `config_fuzz` (this program's own binary)
    /// as [`launch`]er, so that no run outlives a killed `config-fuzz`.
    pub(crate) fn launched_by(mut self, config_fuzz: PathBuf) -> Self {
        self.launcher = Some(config_fuzz);
        self
    }

    /// Runs COMMAND once with `candidate` and classifies how it ended.
    pub(crate) fn run(&self, candidate: &Candidate) -> Outcome {
        let file = if self.delivery.config_file {
            match self.files.write(candidate) {
                Ok(path) => Some(path),
                Err(e) => {
                    return Outcome::Failed(
                        Status::FailedError,
                        format!("could not write the config file: {e}"),
                    )
                }
            }
        } else {
            None
        };
        let outcome = self.run_with(candidate, file.as_deref());
        if let Some(path) = &file {
            let _ = std::fs::remove_file(path);
        }
        outcome
    }

    fn run_with(&self, candidate: &Candidate, file: Option<&Path>) -> Outcome {
        let mut cmd = match &self.launcher {
            Some(exe) => {
                let mut c = Command::new(exe);
                c.arg(LAUNCH)
                    .arg(std::process::id().to_string())
                    .arg(&self.command[0]);
                c
            }
            None => Command::new(&self.command[0]),
        };
        for arg in &self.command[1..] {
            match file {
                Some(f) => cmd.arg(arg.replace("{config}", &f.to_string_lossy())),
                None => cmd.arg(arg),
            };
        }
        self.delivery.apply(&mut cmd, candidate, file);
        let start = Instant::now();
        let mut child = match Supervised::spawn(&mut cmd, false, Some(64 * 1024)) {
            Ok(c) => c,
            Err(e) => {
                return Outcome::Failed(Status::FailedError, start_error(&self.command[0], &e))
            }
        };
        let deadline = self.timeout.map(|t| start + t);
        match child.pump(deadline, |_| false) {
            Ok(Pumped::TimedOut) => {
                let _ = child.kill();
                let t = self.timeout.unwrap_or_default();
                Outcome::Failed(
                    Status::FailedTimeout,
                    with_stderr(
                        format!(
                            "did not end within {}; its process group was killed",
                            crate::cli::format_duration(t)
                        ),
                        &child.err.text(),
                    ),
                )
            }
            Ok(_) => classify(&child),
            Err(e) => {
                let _ = child.kill();
                Outcome::Failed(Status::FailedError, format!("could not watch COMMAND: {e}"))
            }
        }
    }
}

/// Exit 0 passes; another exit code is `FailedError`; a signal is
/// `FailedCrash`; either way with the tail of stderr.
fn classify(child: &Supervised) -> Outcome {
    let Some(exit) = child.exit() else {
        return Outcome::Failed(Status::FailedError, "COMMAND's end was not seen".into());
    };
    if exit.success() {
        return Outcome::Passed;
    }
    let status = if exit.code().is_some() {
        Status::FailedError
    } else {
        Status::FailedCrash
    };
    Outcome::Failed(status, with_stderr(describe_exit(exit), &child.err.text()))
}

/// `what`, then the stderr tail if there is one.
pub(crate) fn with_stderr(mut what: String, tail: &str) -> String {
    if !tail.is_empty() {
        let _ = write!(what, "; stderr:\n{tail}");
    }
    what
}

/// Why COMMAND could not start, and what to do.
pub(crate) fn start_error(program: &str, e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => format!(
            "could not start `{program}`: no such program (check the command after `--` and PATH)"
        ),
        std::io::ErrorKind::PermissionDenied => {
            format!("could not start `{program}`: permission denied (is it executable?)")
        }
        _ => format!("could not start `{program}`: {e}"),
    }
}

/// A folder of this campaign's config files, removed with it.
struct RunFiles {
    dir: PathBuf,
    next: AtomicU64,
}

impl RunFiles {
    fn create() -> std::io::Result<Self> {
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "config-fuzz-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir)?;
        Ok(RunFiles {
            dir,
            next: AtomicU64::new(0),
        })
    }

    /// A fresh file holding `candidate`.
    fn write(&self, candidate: &Candidate) -> std::io::Result<PathBuf> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let path = self.dir.join(format!("run-{n}.json"));
        std::fs::write(&path, config_json(candidate))?;
        Ok(path)
    }
}

impl Drop for RunFiles {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cand(items: &[(&str, Json)]) -> Candidate {
        items
            .iter()
            .map(|(n, v)| (n.to_string(), v.clone()))
            .collect()
    }

    fn sh(script: &str) -> Vec<String> {
        vec!["sh".into(), "-c".into(), script.into(), "sh".into()]
    }

    #[test]
    fn env_names_upper_case_and_join_sections_with_two_underscores() {
        assert_eq!(
            env_name("APP_", "triton.max_tiles"),
            "APP_TRITON__MAX_TILES"
        );
        assert_eq!(env_name("", "a"), "A");
    }

    #[test]
    fn env_values_follow_the_contract() {
        assert_eq!(env_text(&json!(true)).as_deref(), Some("1"));
        assert_eq!(env_text(&json!(false)).as_deref(), Some("0"));
        assert_eq!(env_text(&json!(12)).as_deref(), Some("12"));
        assert_eq!(env_text(&json!(0.5)).as_deref(), Some("0.5"));
        assert_eq!(env_text(&json!("a b")).as_deref(), Some("a b"));
        assert_eq!(env_text(&json!(null)), None);
        assert_eq!(env_text(&json!([1, "x"])).as_deref(), Some("[1,\"x\"]"));
        assert_eq!(env_text(&json!({"k": 1})).as_deref(), Some("{\"k\":1}"));
    }

    #[test]
    fn env_delivery_sets_changed_fields_and_unsets_the_rest() {
        std::env::set_var("CFTEST_LEFT", "inherited");
        let delivery = Delivery {
            env_prefix: Some("CFTEST_".into()),
            field_names: vec!["left".into(), "a.b".into(), "gone".into()],
            ..Delivery::default()
        };
        let runner = Runner::new(
            sh(r#"test "${CFTEST_LEFT-unset}" = unset && test "$CFTEST_A__B" = 1 && test "${CFTEST_GONE-unset}" = unset"#),
            delivery,
            None,
        )
        .unwrap();
        let c = cand(&[("a.b", json!(true)), ("gone", json!(null))]);
        assert_eq!(runner.run(&c), Outcome::Passed);
    }

    #[test]
    fn arg_templates_are_applied_per_changed_field() {
        let delivery = Delivery {
            arg_templates: vec!["--set".into(), "{name}={value}".into()],
            ..Delivery::default()
        };
        let runner = Runner::new(
            sh(r#"test "$*" = "--set a=true --set s=x y --set n=null""#),
            delivery,
            None,
        )
        .unwrap();
        let c = cand(&[("a", json!(true)), ("s", json!("x y")), ("n", json!(null))]);
        assert_eq!(runner.run(&c), Outcome::Passed);
    }

    #[test]
    fn the_config_file_is_fresh_named_in_env_and_args_and_removed_after() {
        let delivery = Delivery {
            config_file: true,
            ..Delivery::default()
        };
        let script =
            r#"test "$1" = "$CONFIG_FUZZ_FILE" && cat "$1" >&2 && echo "$1" >&2 && exit 9"#;
        let mut cmd = sh(script);
        cmd.push("{config}".into());
        let runner = Runner::new(cmd, delivery, None).unwrap();
        let c = cand(&[("a.b", json!(3)), ("s", json!("x"))]);
        let Outcome::Failed(Status::FailedError, detail) = runner.run(&c) else {
            panic!("expected the script's exit 9");
        };
        assert!(
            detail.starts_with("exited with code 9; stderr:\n"),
            "{detail}"
        );
        assert!(detail.contains(r#"{"a.b":3,"s":"x"}"#), "{detail}");
        let path = detail.lines().last().unwrap();
        assert!(!Path::new(path).exists(), "{path} was left behind");
        let Outcome::Failed(_, second) = runner.run(&c) else {
            panic!()
        };
        assert_ne!(
            second.lines().last().unwrap(),
            path,
            "the file is not fresh"
        );
    }

    #[test]
    fn config_in_an_arg_template_is_the_file_too() {
        let delivery = Delivery {
            config_file: true,
            arg_templates: vec!["--{name}-from={config}".into()],
            ..Delivery::default()
        };
        let runner = Runner::new(
            sh(r#"test "$1" = "--a-from=$CONFIG_FUZZ_FILE" || { echo "$1" >&2; exit 1; }"#),
            delivery,
            None,
        )
        .unwrap();
        assert_eq!(runner.run(&cand(&[("a", json!(1))])), Outcome::Passed);
        // A value that holds the text `{config}` is passed as it is.
        let runner = Runner::new(
            // (The script spells `{config}` with printf: the command's own
            // arguments have `{config}` replaced.)
            sh(r#"test "$1" = "--a-from=$(printf '{%s}' config)" || { echo "$1" >&2; exit 1; }"#),
            Delivery {
                config_file: true,
                arg_templates: vec!["--{name}-from={value}".into()],
                ..Delivery::default()
            },
            None,
        )
        .unwrap();
        assert_eq!(
            runner.run(&cand(&[("a", json!("{config}"))])),
            Outcome::Passed
        );
    }

    #[test]
    fn a_signal_is_a_crash_named_by_it() {
        let runner = Runner::new(
            sh("echo dying >&2; kill -ABRT $$"),
            Delivery::default(),
            None,
        )
        .unwrap();
        assert_eq!(
            runner.run(&Candidate::new()),
            Outcome::Failed(
                Status::FailedCrash,
                "was killed by SIGABRT (6); stderr:\ndying".into()
            )
        );
    }

    #[test]
    fn a_timeout_kills_the_process_group() {
        let pidfile = std::env::temp_dir().join(format!("cf-timeout-{}", std::process::id()));
        let script = format!("sleep 30 & echo $! > {}; sleep 30", pidfile.display());
        let runner = Runner::new(
            sh(&script),
            Delivery::default(),
            Some(Duration::from_millis(300)),
        )
        .unwrap();
        let Outcome::Failed(status, detail) = runner.run(&Candidate::new()) else {
            panic!("expected a timeout")
        };
        assert_eq!(status, Status::FailedTimeout);
        assert!(detail.starts_with("did not end within 300ms"), "{detail}");
        let pid: u32 = std::fs::read_to_string(&pidfile)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let _ = std::fs::remove_file(&pidfile);
        assert!(
            crate::child::tests::gone(pid),
            "the background sleep {pid} outlived the timeout"
        );
    }

    #[test]
    fn a_missing_program_says_what_to_check() {
        let runner = Runner::new(vec!["/no/such/prog".into()], Delivery::default(), None).unwrap();
        let Outcome::Failed(Status::FailedError, detail) = runner.run(&Candidate::new()) else {
            panic!()
        };
        assert!(detail.contains("no such program"), "{detail}");
    }
}
