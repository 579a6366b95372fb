//! From the command line to a campaign: the schema installed as
//! `DynConfig`, the fuzzer built over a test that runs COMMAND, the
//! subcommand run, and what it found written out.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fuzzer_core::schema::{DynConfig, Schema};
use fuzzer_core::{
    ConfigDiff, ConfigFuzzer, FuzzError, FuzzableConfig as _, Hunt, ProgressReporter, Results,
    Status, Value,
};
use serde_json::{json, Map, Value as Json};

use crate::cli::{format_duration, Cmd, ConfigArg, MergeArgs, ReportArgs};
use crate::output::{shell_quote, write_file, Found, Report};
use crate::run::{env_name, env_text, Candidate, Delivery, Outcome, Runner};
use crate::worker::WorkerPool;

/// Exit status: nothing failed.
const EXIT_PASSED: u8 = 0;
/// Exit status: failures found.
const EXIT_FAILED: u8 = 1;
/// Exit status: usage or schema error.
const EXIT_USAGE: u8 = 2;

/// Something that stops the campaign before it starts, and the exit status.
struct Stop {
    code: u8,
    message: String,
}

fn usage(message: impl Into<String>) -> Stop {
    Stop {
        code: EXIT_USAGE,
        message: message.into(),
    }
}

/// How each run reaches COMMAND.
enum Exec {
    Once(Runner),
    Worker(WorkerPool),
}

impl Exec {
    fn run(&self, candidate: &Candidate) -> Outcome {
        match self {
            Exec::Once(r) => r.run(candidate),
            Exec::Worker(w) => w.run(candidate),
        }
    }
}

/// Runs the command line's campaign; the exit status follows the contract
/// (0 nothing failed, 1 failures found, 2 usage or schema error).
pub(crate) fn main(cmd: Cmd) -> ExitCode {
    match &cmd {
        Cmd::Merge(a) => finish(merge(a), Some(&a.out), a.html.as_deref(), a.quiet),
        Cmd::Report(a) => finish(report_of(a), None, Some(&a.out), a.quiet),
        _ => {
            let c = cmd.common().expect("every other subcommand runs COMMAND");
            finish(run(&cmd), c.json.as_deref(), c.html.as_deref(), c.quiet)
        }
    }
}

/// Writes the outputs, prints the summary, and picks the exit status.
fn finish(
    report: Result<Report, Stop>,
    json: Option<&Path>,
    html: Option<&Path>,
    quiet: bool,
) -> ExitCode {
    let report = match report {
        Ok(report) => report,
        Err(stop) => {
            eprintln!("config-fuzz: {}", stop.message);
            return ExitCode::from(stop.code);
        }
    };
    if let Err(message) = write_outputs(&report, json, html) {
        eprintln!("config-fuzz: {message}");
        return ExitCode::from(EXIT_USAGE);
    }
    if !quiet {
        print!(
            "{}",
            report.summary(&|c| reproduce_line(&report.campaign, c))
        );
    }
    ExitCode::from(if report.failed() {
        EXIT_FAILED
    } else {
        EXIT_PASSED
    })
}

fn write_outputs(report: &Report, json: Option<&Path>, html: Option<&Path>) -> Result<(), String> {
    if let Some(path) = json {
        let text = serde_json::to_string_pretty(&report.to_json()).unwrap_or_default();
        write_file(path, &(text + "\n"))?;
    }
    if let Some(path) = html {
        write_file(path, &report.to_html(&|c| repro_forms(&report.campaign, c)))?;
    }
    Ok(())
}

/// The ways to run a finding again, for the HTML report: the exact
/// `config-fuzz reproduce` command, the JSON object, and (with
/// `--env-prefix`) an `env` line.
fn repro_forms(campaign: &Map<String, Json>, config: &Map<String, Json>) -> Vec<(String, String)> {
    let mut forms = vec![(
        "config-fuzz reproduce".to_string(),
        reproduce_line(campaign, config),
    )];
    forms.push((
        "JSON (--config-file)".to_string(),
        serde_json::to_string_pretty(&Json::Object(config.clone())).unwrap_or_default(),
    ));
    let prefix = campaign
        .get("delivery")
        .and_then(|d| d.get("env_prefix"))
        .and_then(Json::as_str);
    if let Some(prefix) = prefix {
        let mut words = vec!["env".to_string()];
        for (name, value) in config {
            if value.is_null() {
                words.extend(["-u".to_string(), env_name(prefix, name)]);
            }
        }
        for (name, value) in config {
            if let Some(text) = env_text(value) {
                words.push(shell_quote(&format!("{}={text}", env_name(prefix, name))));
            }
        }
        for w in campaign
            .get("command")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            words.push(shell_quote(w.as_str().unwrap_or_default()));
        }
        forms.push(("env vars".to_string(), words.join(" ")));
    }
    forms
}

fn run(cmd: &Cmd) -> Result<Report, Stop> {
    let common = cmd.common().expect("every other subcommand runs COMMAND");
    let path = &common.schema;
    let text = std::fs::read_to_string(path)
        .map_err(|e| usage(format!("cannot read the schema {}: {e}", path.display())))?;
    let schema = Schema::parse(&text)
        .map_err(|e| usage(format!("{}: {e}{}", path.display(), skip_hint(&e))))?;
    let fingerprint = schema.fingerprint();
    let field_names: Vec<String> = schema.field_names().into_iter().map(String::from).collect();
    DynConfig::install(schema).map_err(|e| usage(format!("{}: {e}", path.display())))?;

    if !common.worker
        && common.env_prefix.is_none()
        && !common.config_file
        && common.arg_templates.is_empty()
    {
        return Err(usage(
            "say how COMMAND gets each config: --env-prefix PFX, --config-file, --arg TEMPLATE \
             (any combination) or --worker; see config-fuzz --help",
        ));
    }
    if common.command.is_empty() || common.command[0].is_empty() {
        return Err(usage("give the program to run after `--`"));
    }
    let timeout = Some(common.timeout);
    let exec = if common.worker {
        Exec::Worker(WorkerPool::new(
            common.command.clone(),
            timeout,
            common.worker_startup.unwrap_or(Duration::ZERO),
            common.worker_runs.map(|n| n as usize),
        ))
    } else {
        let delivery = Delivery {
            env_prefix: common.env_prefix.clone(),
            config_file: common.config_file,
            arg_templates: common.arg_templates.clone(),
            field_names: field_names.clone(),
        };
        let mut runner = Runner::new(common.command.clone(), delivery, timeout)
            .map_err(|e| usage(format!("cannot make a folder for the config files: {e}")))?;
        // Without its own path, runs start directly (and may outlive a
        // config-fuzz killed by SIGKILL).
        if let Ok(exe) = std::env::current_exe() {
            runner = runner.launched_by(exe);
        }
        Exec::Once(runner)
    };
    let exec = Arc::new(exec);
    let test_exec = Arc::clone(&exec);
    let test = move || test_exec.run(&DynConfig::read(|c| c.changed()));

    let mut fuzzer = ConfigFuzzer::<DynConfig>::new(test, common.seed)
        .jobs(common.jobs as usize)
        .confirm(common.confirm)
        // Each run's timeout is the runner's: it kills the process group.
        .without_timeout();
    for (name, value) in &common.pins {
        check_name(name, &field_names, "--pin")?;
        fuzzer = fuzzer
            .pin(name, Value::from_json(value))
            .map_err(|e| usage(format!("--pin {name}={value}: {e}")))?;
        // A value the schema's bounds (`minimum`, `maximum`, `enum`, ..)
        // make invalid is refused before any run (its type was
        // checked by `pin`).
        if let Some(field) =
            DynConfig::schema().and_then(|s| s.fields().iter().find(|f| f.name() == name))
        {
            field.check(&Value::from_json(value)).map_err(|e| {
                usage(format!(
                    "--pin {name}={value}: {}; pin a value the schema allows",
                    e.message()
                ))
            })?;
        }
    }
    let reporter = if common.quiet {
        ProgressReporter::quiet()
    } else {
        // A bar on a terminal, plain lines every few seconds in a log;
        // values as JSON, as the schema and the user write them.
        ProgressReporter::auto().json_values()
    };
    fuzzer = fuzzer.progress(reporter.clone());
    let resume = match cmd {
        Cmd::Hunt(a) | Cmd::Bisect(a) => {
            if let Some(path) = &a.regressions {
                fuzzer = fuzzer.regressions(path);
            }
            // Independent attempts unless asked: shards then merge into
            // one unsharded run.
            fuzzer = fuzzer.forbid_found(a.no_repeats);
            Some(&a.resume)
        }
        Cmd::NTuple(a) => {
            fuzzer = fuzzer.n_tuple_draw(match a.draw {
                crate::cli::Draw::AllLevels => fuzzer_core::NTupleDraw::AllLevels,
                crate::cli::Draw::Single => fuzzer_core::NTupleDraw::Single,
            });
            Some(&a.resume)
        }
        _ => None,
    };
    if let Some(resume) = resume {
        if let Some(path) = &resume.state {
            fuzzer = fuzzer.state(path);
        }
        if let Some((k, n)) = resume.shard {
            fuzzer = fuzzer.shard(k, n).map_err(|e| usage(e.to_string()))?;
        }
    }

    let mut campaign = campaign_json(cmd, fingerprint);
    let mut pairs = None;
    let start = Instant::now();
    let findings = match cmd {
        Cmd::Hunt(a) | Cmd::Bisect(a) => match fuzzer.hunt(a.attempts, a.p) {
            Ok(hunt) => {
                campaign.insert("hunt".into(), saved_json(&hunt.save_json()));
                hunt_findings(&hunt, matches!(cmd, Cmd::Bisect(_)))
            }
            Err(e) => baseline_or_stop(e)?,
        },
        Cmd::NTuple(a) => {
            let max = a.max_combinations.unwrap_or(usize::MAX);
            let results = quietly(|| fuzzer.fuzz_n_tuple(a.n as usize, max))?;
            campaign.insert("combinations_run".into(), json!(results.num_ran()));
            campaign.insert("results".into(), saved_json(&results.save_json()));
            pairs = (a.n == 2).then(|| results.clone());
            results_findings(&results)
        }
        Cmd::Reproduce(a) => {
            let mut configs: Vec<ConfigArg> = a.configs.clone();
            if let Some(path) = &a.findings {
                configs.extend(read_findings(path)?);
            }
            let diffs = configs
                .iter()
                .map(|c| to_diff(c, &field_names))
                .collect::<Result<Vec<_>, _>>()?;
            let results = fuzzer.reproduce(&diffs);
            if let Some(e) = results
                .entries()
                .iter()
                .find(|e| e.status == Status::Skipped)
            {
                return Err(usage(format!(
                    "could not run {}: {}",
                    config_text(&e.config),
                    detail_text(&e.detail.message)
                )));
            }
            results_findings(&results)
        }
        Cmd::Minimize(a) => {
            let diff = to_diff(&a.config, &field_names)?;
            match fuzzer.try_minimize(&diff) {
                Ok(Some(f)) => vec![Found::new(
                    f.config(),
                    f.status(),
                    f.hits(),
                    detail_text(&f.detail().message),
                )],
                Ok(None) => {
                    if !common.quiet {
                        eprintln!("config-fuzz: the config passes: nothing to minimize");
                    }
                    Vec::new()
                }
                Err(e) => baseline_or_stop(e)?,
            }
        }
        Cmd::Cover(a) => match fuzzer.try_fuzz_covering(a.t as usize) {
            Ok(results) => {
                campaign.insert("rows_run".into(), json!(results.num_ran()));
                campaign.insert("results".into(), saved_json(&results.save_json()));
                results
                    .culprits()
                    .map(|(config, status)| {
                        let message = results.get(config).and_then(|e| e.detail.message.clone());
                        Found::new(config, status, 1, detail_text(&message))
                    })
                    .collect()
            }
            Err(e) => baseline_or_stop(e)?,
        },
        Cmd::Merge(_) | Cmd::Report(_) => unreachable!("merge and report run nothing"),
    };
    let elapsed = start.elapsed();
    let runs = fuzzer.num_runs();
    reporter.finish();
    drop(fuzzer);
    if let Exec::Worker(pool) = &*exec {
        pool.shut_down();
    }
    Ok(Report {
        subcommand: cmd.name(),
        campaign,
        runs,
        elapsed,
        findings,
        pairs,
    })
}

/// The findings of a hunt; for bisect without the flaky ones (as the
/// library's `bisect` leaves them out).
fn hunt_findings(hunt: &Hunt, bisect: bool) -> Vec<Found> {
    hunt.findings()
        .iter()
        .filter(|f| !(bisect && f.status() == Status::Flaky))
        .map(|f| {
            Found::new(
                f.config(),
                f.status(),
                f.hits(),
                detail_text(&f.detail().message),
            )
        })
        .collect()
}

/// The failing entries of a sweep or a replay, one hit each.
fn results_findings(results: &Results) -> Vec<Found> {
    results
        .failures()
        .map(|e| Found::new(&e.config, e.status, 1, detail_text(&e.detail.message)))
        .collect()
}

/// The library's own JSON of a hunt or results, kept in `--json` so that
/// `merge` can join shards.
fn saved_json(text: &str) -> Json {
    serde_json::from_str(text).unwrap_or(Json::Null)
}

/// Runs `f`, a library call that panics on errors it has no `Result` for
/// (a refused state file in `fuzz_n_tuple`), turning the panic into a
/// usage error without the panic's own report.
fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, Stop> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    std::panic::set_hook(hook);
    out.map_err(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "the campaign stopped".into());
        usage(message)
    })
}

/// `config-fuzz merge OUT IN...`: the shards' `--json` files joined.
fn merge(a: &MergeArgs) -> Result<Report, Stop> {
    let mut docs: Vec<(String, Map<String, Json>)> = Vec::new();
    for path in &a.inputs {
        let name = path.display().to_string();
        let text =
            std::fs::read_to_string(path).map_err(|e| usage(format!("cannot read {name}: {e}")))?;
        match serde_json::from_str::<Json>(&text) {
            Ok(Json::Object(map)) => docs.push((name, map)),
            _ => {
                return Err(usage(format!(
                    "{name} is not a JSON object written by --json"
                )))
            }
        }
    }
    let kind = |m: &Map<String, Json>| {
        ["hunt", "results"]
            .into_iter()
            .find(|k| m.get(*k).is_some_and(|v| !v.is_null()))
    };
    let first_kind = kind(&docs[0].1);
    for (name, doc) in &docs {
        let k = kind(doc).ok_or_else(|| {
            usage(format!(
                "{name} has no campaign to merge: give the --json files of hunt, bisect or \
                 n-tuple runs with --shard"
            ))
        })?;
        if Some(k) != first_kind {
            return Err(usage(format!(
                "{name} is of another kind of campaign than {}",
                docs[0].0
            )));
        }
    }
    let mut campaign = docs[0].1.clone();
    for key in [
        "findings",
        "hunt",
        "results",
        "runs",
        "elapsed_secs",
        "shard",
        "combinations_run",
    ] {
        campaign.remove(key);
    }
    campaign.insert("shard".into(), Json::Null);
    campaign.insert(
        "merged_from".into(),
        json!(docs.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>()),
    );
    let bisect = campaign.get("subcommand") == Some(&json!("bisect"));
    let mut pairs = None;
    let (findings, runs, elapsed) = if first_kind == Some("hunt") {
        let parts = docs
            .iter()
            .map(|(name, d)| {
                Hunt::load_json(&d["hunt"].to_string())
                    .map_err(|e| usage(format!("{name}: its \"hunt\" is not a saved hunt: {e}")))
            })
            .collect::<Result<Vec<Hunt>, Stop>>()?;
        let merged = Hunt::merge(parts).map_err(|e| usage(e.to_string()))?;
        campaign.insert("hunt".into(), saved_json(&merged.save_json()));
        (
            hunt_findings(&merged, bisect),
            merged.runs(),
            merged.elapsed(),
        )
    } else {
        let parts = docs
            .iter()
            .map(|(name, d)| {
                Results::load_json(&d["results"].to_string()).map_err(|e| {
                    usage(format!(
                        "{name}: its \"results\" are not saved results: {e}"
                    ))
                })
            })
            .collect::<Result<Vec<Results>, Stop>>()?;
        let merged = Results::merge(parts).map_err(|e| usage(e.to_string()))?;
        let runs = docs
            .iter()
            .filter_map(|(_, d)| d.get("runs")?.as_u64())
            .sum::<u64>();
        let secs = docs
            .iter()
            .filter_map(|(_, d)| d.get("elapsed_secs")?.as_f64())
            .fold(0.0, f64::max);
        campaign.insert("combinations_run".into(), json!(merged.num_ran()));
        campaign.insert("results".into(), saved_json(&merged.save_json()));
        let findings = results_findings(&merged);
        if campaign.get("n") == Some(&json!(2)) {
            pairs = Some(merged);
        }
        (findings, runs as usize, Duration::from_secs_f64(secs))
    };
    Ok(Report {
        subcommand: "merge",
        campaign,
        runs,
        elapsed,
        findings,
        pairs,
    })
}

/// `config-fuzz report OUT IN`: an earlier `--json` file as a report.
fn report_of(a: &ReportArgs) -> Result<Report, Stop> {
    let name = a.input.display().to_string();
    let text =
        std::fs::read_to_string(&a.input).map_err(|e| usage(format!("cannot read {name}: {e}")))?;
    let Ok(Json::Object(mut campaign)) = serde_json::from_str::<Json>(&text) else {
        return Err(usage(format!(
            "{name} is not a JSON object written by --json"
        )));
    };
    let bad = |what: String| {
        usage(format!(
            "{name}: {what}; give a file written by --json or merge"
        ))
    };
    let items = campaign
        .remove("findings")
        .and_then(|f| f.as_array().cloned())
        .ok_or_else(|| bad("no \"findings\" array".into()))?;
    let mut findings = Vec::new();
    for (i, f) in items.iter().enumerate() {
        let config = f
            .get("config")
            .and_then(Json::as_object)
            .ok_or_else(|| bad(format!("finding {} has no \"config\" object", i + 1)))?;
        let status_text = f.get("status").and_then(Json::as_str).unwrap_or_default();
        let status = Status::ALL
            .into_iter()
            .find(|s| format!("{s:?}") == status_text)
            .ok_or_else(|| bad(format!("finding {} has no known \"status\"", i + 1)))?;
        let diff: ConfigDiff = config
            .iter()
            .map(|(k, v)| (k.clone(), Value::from_json(v)))
            .collect();
        let hits = f.get("hits").and_then(Json::as_u64).unwrap_or(1) as usize;
        let detail = f.get("detail").and_then(Json::as_str).unwrap_or_default();
        findings.push(Found::new(&diff, status, hits, detail));
    }
    let runs = campaign
        .remove("runs")
        .and_then(|r| r.as_u64())
        .unwrap_or(0) as usize;
    let secs = campaign
        .remove("elapsed_secs")
        .and_then(|r| r.as_f64())
        .unwrap_or(0.0);
    let pairs = match campaign.get("results") {
        Some(r) if !r.is_null() && campaign.get("n") == Some(&json!(2)) => Some(
            Results::load_json(&r.to_string())
                .map_err(|e| bad(format!("its \"results\" are not saved results: {e}")))?,
        ),
        _ => None,
    };
    let subcommand = match campaign.get("subcommand").and_then(Json::as_str) {
        Some("hunt") => "hunt",
        Some("bisect") => "bisect",
        Some("n-tuple") => "n-tuple",
        Some("reproduce") => "reproduce",
        Some("minimize") => "minimize",
        Some("merge") => "merge",
        _ => "report",
    };
    Ok(Report {
        subcommand,
        campaign,
        runs,
        elapsed: Duration::from_secs_f64(secs.max(0.0)),
        findings,
        pairs,
    })
}

/// A baseline that fails is a finding (the empty config: every run
/// fails); other errors stop the campaign.
fn baseline_or_stop(e: FuzzError) -> Result<Vec<Found>, Stop> {
    match e {
        FuzzError::FailsAtBaseline { status, detail } => {
            eprintln!(
                "config-fuzz: COMMAND already fails with every field at its default \
                 (and the pins): fix that first, or pin what makes it fail"
            );
            Ok(vec![Found::new(
                &ConfigDiff::new(),
                status,
                1,
                detail_text(&detail.message),
            )])
        }
        other => Err(usage(other.to_string())),
    }
}

fn detail_text(message: &Option<String>) -> &str {
    message.as_deref().unwrap_or("")
}

fn config_text(config: &ConfigDiff) -> String {
    let map: Map<String, Json> = config
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::to_value(v).unwrap_or(Json::Null)))
        .collect();
    Json::Object(map).to_string()
}

/// `name` must be a field of the schema.
/// The closing advice of a schema error: to leave the property out of
/// fuzzing, unless the error is about the whole schema (nothing to mark)
/// or its message already says so.
fn skip_hint(e: &fuzzer_core::schema::SchemaError) -> &'static str {
    if e.path() == "(root)" || e.message().contains("x-fuzz") {
        ""
    } else {
        "\nFix the schema, or mark the property `\"x-fuzz\": {\"skip\": true}` to leave it out."
    }
}

fn check_name(name: &str, fields: &[String], flag: &str) -> Result<(), Stop> {
    if fields.iter().any(|f| f == name) {
        return Ok(());
    }
    // A section's name: say which of its fields there are.
    let section = format!("{name}.");
    let inside: Vec<&str> = fields
        .iter()
        .filter(|f| f.starts_with(&section))
        .map(String::as_str)
        .collect();
    if !inside.is_empty() {
        return Err(usage(format!(
            "{flag}: `{name}` is a section of the schema, not a field; name one of its fields: {}",
            inside.join(", ")
        )));
    }
    // The config's own lookup suggests the closest name to a typo.
    let hint = match DynConfig::is_default(name) {
        Err(fuzzer_core::ConfigError::UnknownField {
            suggestion: Some(s),
            ..
        }) => format!("did you mean `{s}`? "),
        _ => String::new(),
    };
    Err(usage(format!(
        "{flag}: the schema has no field `{name}`; {hint}its fields are: {}",
        fields.join(", ")
    )))
}

fn to_diff(config: &ConfigArg, fields: &[String]) -> Result<ConfigDiff, Stop> {
    let mut diff = BTreeMap::new();
    for (name, value) in &config.0 {
        check_name(name, fields, "--config")?;
        diff.insert(name.clone(), Value::from_json(value));
    }
    Ok(diff)
}

/// The configs of an earlier `--json OUT`.
fn read_findings(path: &std::path::Path) -> Result<Vec<ConfigArg>, Stop> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| usage(format!("cannot read --findings {}: {e}", path.display())))?;
    let doc: Json = serde_json::from_str(&text)
        .map_err(|e| usage(format!("--findings {}: not JSON: {e}", path.display())))?;
    let findings = doc
        .get("findings")
        .and_then(Json::as_array)
        .ok_or_else(|| {
            usage(format!(
                "--findings {}: no \"findings\" array; give a file written by --json",
                path.display()
            ))
        })?;
    findings
        .iter()
        .enumerate()
        .map(|(i, f)| match f.get("config") {
            Some(Json::Object(map)) => Ok(ConfigArg(map.clone().into_iter().collect())),
            _ => Err(usage(format!(
                "--findings {}: finding {} has no \"config\" object",
                path.display(),
                i + 1
            ))),
        })
        .collect()
}

/// The `--json` keys that describe the campaign.
fn campaign_json(cmd: &Cmd, fingerprint: u64) -> Map<String, Json> {
    let c = cmd.common().expect("every other subcommand runs COMMAND");
    let mut m = Map::new();
    m.insert("command".into(), json!(c.command));
    m.insert("schema".into(), json!(c.schema.display().to_string()));
    m.insert(
        "schema_fingerprint".into(),
        json!(format!("{fingerprint:016x}")),
    );
    m.insert("seed".into(), json!(c.seed));
    m.insert("jobs".into(), json!(c.jobs));
    m.insert("timeout".into(), json!(format_duration(c.timeout)));
    m.insert("confirm".into(), json!(c.confirm));
    let pins: Map<String, Json> = c.pins.iter().cloned().collect();
    m.insert("pins".into(), Json::Object(pins));
    m.insert(
        "delivery".into(),
        json!({
            "env_prefix": c.env_prefix,
            "config_file": c.config_file,
            "args": c.arg_templates,
            "worker": c.worker,
            "worker_runs": c.worker_runs,
        }),
    );
    let shard = |r: &crate::cli::Resume| json!(r.shard.map(|(k, n)| format!("{k}/{n}")));
    match cmd {
        Cmd::Hunt(a) | Cmd::Bisect(a) => {
            m.insert("attempts".into(), json!(a.attempts));
            m.insert("p".into(), json!(a.p));
            m.insert("no_repeats".into(), json!(a.no_repeats));
            m.insert("shard".into(), shard(&a.resume));
        }
        Cmd::NTuple(a) => {
            m.insert("n".into(), json!(a.n));
            m.insert("max_combinations".into(), json!(a.max_combinations));
            m.insert("shard".into(), shard(&a.resume));
            m.insert(
                "draw".into(),
                json!(match a.draw {
                    crate::cli::Draw::AllLevels => "all-levels",
                    crate::cli::Draw::Single => "single",
                }),
            );
        }
        Cmd::Cover(a) => {
            m.insert("t".into(), json!(a.t));
        }
        Cmd::Reproduce(_) | Cmd::Minimize(_) | Cmd::Merge(_) | Cmd::Report(_) => {}
    }
    m
}

/// The `config-fuzz reproduce` command that runs `config` again the same
/// way, from the campaign's `--json` keys.
fn reproduce_line(c: &Map<String, Json>, config: &Map<String, Json>) -> String {
    let text = |v: Option<&Json>| v.and_then(Json::as_str).map(str::to_string);
    let mut words: Vec<String> = vec!["config-fuzz".into(), "reproduce".into()];
    if let Some(schema) = text(c.get("schema")) {
        words.extend(["--schema".into(), schema]);
    }
    let delivery = c.get("delivery");
    let get = |k: &str| delivery.and_then(|d| d.get(k));
    if let Some(p) = text(get("env_prefix")) {
        words.extend(["--env-prefix".into(), p]);
    }
    if get("config_file") == Some(&json!(true)) {
        words.push("--config-file".into());
    }
    for t in get("args").and_then(Json::as_array).into_iter().flatten() {
        if let Some(t) = t.as_str() {
            words.extend(["--arg".into(), t.to_string()]);
        }
    }
    if get("worker") == Some(&json!(true)) {
        words.push("--worker".into());
    }
    for (name, value) in c
        .get("pins")
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
    {
        words.extend(["--pin".into(), format!("{name}={value}")]);
    }
    if let Some(t) = text(c.get("timeout")) {
        words.extend(["--timeout".into(), t]);
    }
    words.extend(["--config".into(), Json::Object(config.clone()).to_string()]);
    words.push("--".into());
    for w in c
        .get("command")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        words.push(w.as_str().unwrap_or_default().to_string());
    }
    words
        .iter()
        .map(|w| shell_quote(w))
        .collect::<Vec<_>>()
        .join(" ")
}
