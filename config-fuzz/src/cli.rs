//! The command line, as clap types. Doc comments are the help text.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use serde_json::Value as Json;

const EXAMPLES: &str = "\
Examples:
  # Hunt for failing configs of a program that reads APP_* env vars:
  config-fuzz hunt --schema app.schema.json --env-prefix APP_ -- ./app --selftest

  # The candidate as a JSON file, two jobs, a 60 s limit per run, findings as JSON:
  config-fuzz hunt --schema app.schema.json --config-file --jobs 2 --timeout 60s \\
      --json findings.json -- python3 app.py --config {config}

  # As command-line flags, one per changed field:
  config-fuzz hunt --schema app.schema.json --arg '--set={name}={value}' -- ./app

  # A program that starts slowly serves many runs as a worker:
  config-fuzz hunt --schema app.schema.json --worker -- python3 app.py --worker

  # Run one config again:
  config-fuzz reproduce --schema app.schema.json --env-prefix APP_ \\
      --config '{\"fast_math\": true, \"tile\": 64}' -- ./app --selftest

Exit status:
  0  nothing failed
  1  failures found
  2  usage error, or a schema config-fuzz cannot read or fuzz
  130, 143, 129  interrupted by SIGINT (Ctrl-C), SIGTERM or SIGHUP: the runs
     in flight are killed; with --state the same command resumes";

const MERGE_EXAMPLES: &str = "\
Examples:
  # Three machines, one shard each, then the merge:
  config-fuzz hunt --schema app.schema.json --env-prefix APP_ --seed 7 --shard 1/3 \\
      --state shard-1.state --json shard-1.json -- ./app
  config-fuzz merge findings.json shard-1.json shard-2.json shard-3.json

Exit status:
  0  nothing failed
  1  failures found
  2  usage error, or files that are not shards of one campaign";

const REPORT_EXAMPLES: &str = "\
Examples:
  # The page of an earlier campaign, or of merged shards:
  config-fuzz report report.html findings.json

Exit status (as the campaign's own, so a CI step can run it last):
  0  the file holds no failure
  1  it holds failures
  2  usage error, or a file not written by --json or merge";

/// Fuzz any program's configuration from a JSON Schema.
///
/// config-fuzz samples configs from a JSON Schema (draft 2020-12) of the
/// program's settings, runs COMMAND with each (through env vars, a JSON
/// file, command-line arguments, or a long-lived worker), and shrinks each
/// failing config to the few fields and values that make it fail.
///
/// Each run starts COMMAND in a process group of its own. Exit 0 passes;
/// another exit code is a failure (FailedError) with the tail of its stderr;
/// death by a signal is a crash (FailedCrash) named by the signal; a run
/// over --timeout has its whole process group killed (FailedTimeout).
#[derive(Debug, Parser)]
#[command(
    name = "config-fuzz",
    version,
    about,
    long_about,
    after_help = EXAMPLES,
    subcommand_value_name = "SUBCOMMAND",
    subcommand_help_heading = "Subcommands"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Cmd,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub(crate) enum Cmd {
    /// Sample random configs, shrink each failing one to a minimal config,
    /// and report the distinct findings with how often each came up.
    #[command(after_help = EXAMPLES)]
    Hunt(HuntArgs),
    /// PyTorch's bisect: like hunt, but configs that fail only some of the
    /// time (Flaky) are left out of the findings.
    #[command(after_help = EXAMPLES)]
    Bisect(HuntArgs),
    /// Try every combination of --n fields (each set away from its default)
    /// and report the combinations that fail.
    #[command(name = "n-tuple", after_help = EXAMPLES)]
    NTuple(NTupleArgs),
    /// Run the given configs once each and report the ones that fail.
    #[command(after_help = EXAMPLES)]
    Reproduce(ReproduceArgs),
    /// Shrink one failing config to the fewest fields that still fail.
    #[command(after_help = EXAMPLES)]
    Minimize(MinimizeArgs),
    /// Join the --json files of every shard (--shard k/N) of one campaign
    /// into the findings one unsharded run would give, written to OUT.
    #[command(after_help = MERGE_EXAMPLES)]
    Merge(MergeArgs),
    /// Write the HTML report of an earlier --json file (of a campaign or
    /// a merge) to OUT.
    #[command(after_help = REPORT_EXAMPLES)]
    Report(ReportArgs),
    /// A covering-array sweep: every combination of levels of every --t
    /// fields (pairs, triples) in a few runs instead of one per combination;
    /// each failing run is shrunk, and the minimal failing configs are the
    /// findings. It assumes one failure does not hide another (re-run the
    /// findings with `reproduce --findings` to check).
    #[command(after_help = EXAMPLES)]
    Cover(CoverArgs),
}

impl Cmd {
    /// The options of every subcommand that runs COMMAND (all but merge).
    pub(crate) fn common(&self) -> Option<&Common> {
        match self {
            Cmd::Hunt(a) | Cmd::Bisect(a) => Some(&a.common),
            Cmd::NTuple(a) => Some(&a.common),
            Cmd::Reproduce(a) => Some(&a.common),
            Cmd::Minimize(a) => Some(&a.common),
            Cmd::Cover(a) => Some(&a.common),
            Cmd::Merge(_) | Cmd::Report(_) => None,
        }
    }

    /// The subcommand's name as typed.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Cmd::Hunt(_) => "hunt",
            Cmd::Bisect(_) => "bisect",
            Cmd::NTuple(_) => "n-tuple",
            Cmd::Reproduce(_) => "reproduce",
            Cmd::Minimize(_) => "minimize",
            Cmd::Merge(_) => "merge",
            Cmd::Report(_) => "report",
            Cmd::Cover(_) => "cover",
        }
    }
}

/// `hunt` and `bisect`.
#[derive(Debug, Args)]
pub(crate) struct HuntArgs {
    /// Random configs to try; each failing one is shrunk.
    #[arg(
        long,
        default_value_t = 20,
        value_name = "N",
        help_heading = "Campaign"
    )]
    pub(crate) attempts: usize,
    /// The chance that each field is set away from its default in an
    /// attempt (0 < P <= 1).
    #[arg(long = "p", default_value_t = 0.5, value_name = "P", value_parser = parse_probability, help_heading = "Campaign")]
    pub(crate) p: f64,
    /// Replay the minimal failing configs kept in FILE first, and add the
    /// new ones to it (check it in, as proptest-regressions/).
    #[arg(long, value_name = "FILE", help_heading = "Campaign")]
    pub(crate) regressions: Option<PathBuf>,
    /// Keep later attempts clear of the failing configs found so far (one
    /// field of each goes back to its default), so every failing attempt
    /// leads to a bug not found yet, and run a failing attempt again
    /// without the bug it shrank to, in case it hid another. Hits then
    /// count each failing attempt once, for the first bug it led to.
    /// Shards each keep clear of what they found themselves, so `merge`
    /// of shards run with it is not the same as one unsharded run (it is
    /// without it).
    #[arg(long, help_heading = "Campaign")]
    pub(crate) no_repeats: bool,
    #[command(flatten)]
    pub(crate) resume: Resume,
    #[command(flatten)]
    pub(crate) common: Common,
}

/// `n-tuple`.
#[derive(Debug, Args)]
pub(crate) struct NTupleArgs {
    /// Fields per combination.
    #[arg(long = "n", default_value_t = 2, value_name = "N", value_parser = clap::value_parser!(u64).range(1..), help_heading = "Campaign")]
    pub(crate) n: u64,
    /// Stop after this many combinations have run (default: all of them).
    #[arg(long, value_name = "N", help_heading = "Campaign")]
    pub(crate) max_combinations: Option<usize>,
    /// How each combination's values are picked: `all-levels` runs every
    /// combination of the fields' non-default levels (a bug at one value
    /// of an enum or a range boundary is never missed by an unlucky draw);
    /// `single` draws one value per field, one config per combination
    /// (PyTorch's fuzz_n_tuple).
    #[arg(long, value_enum, default_value_t = Draw::AllLevels, value_name = "DRAW", help_heading = "Campaign")]
    pub(crate) draw: Draw,
    #[command(flatten)]
    pub(crate) resume: Resume,
    #[command(flatten)]
    pub(crate) common: Common,
}

/// `n-tuple --draw`: how each combination of fields gets its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Draw {
    /// Every combination of the fields' non-default levels.
    AllLevels,
    /// One sampled value per field: one config per combination.
    Single,
}

/// Campaigns that survive a kill and spread over machines.
#[derive(Debug, Args)]
pub(crate) struct Resume {
    /// Keep the campaign in FILE as it goes: run the same command again
    /// after a kill and it resumes, losing at most the runs in flight. A
    /// file of another campaign (schema, seed, options) is refused.
    #[arg(long, value_name = "FILE", help_heading = "Campaign")]
    pub(crate) state: Option<PathBuf>,
    /// Run only the k-th of N disjoint slices of the campaign (k from 1);
    /// join the shards' --json files with `config-fuzz merge`.
    #[arg(long, value_name = "k/N", value_parser = parse_shard, help_heading = "Campaign")]
    pub(crate) shard: Option<(usize, usize)>,
}

/// `report`.
#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// Where to write the HTML page.
    #[arg(value_name = "OUT")]
    pub(crate) out: PathBuf,
    /// A file written by --json or by merge.
    #[arg(value_name = "IN")]
    pub(crate) input: PathBuf,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub(crate) quiet: bool,
}

/// `merge`.
#[derive(Debug, Args)]
pub(crate) struct MergeArgs {
    /// Where to write the merged findings (the --json format).
    #[arg(value_name = "OUT")]
    pub(crate) out: PathBuf,
    /// The --json files of the shards, one per shard.
    #[arg(value_name = "IN", required = true, num_args = 1..)]
    pub(crate) inputs: Vec<PathBuf>,
    /// Write an HTML report to OUT.
    #[arg(long, value_name = "OUT")]
    pub(crate) html: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub(crate) quiet: bool,
}

/// `reproduce`.
#[derive(Debug, Args)]
pub(crate) struct ReproduceArgs {
    /// A config to run: a JSON object of dotted field names and values,
    /// e.g. '{"fast_math": true}'. Repeat for several.
    #[arg(long = "config", value_name = "JSON", value_parser = parse_config, required_unless_present = "findings", help_heading = "Campaign")]
    pub(crate) configs: Vec<ConfigArg>,
    /// Run the findings of an earlier --json OUT file.
    #[arg(long, value_name = "FILE", help_heading = "Campaign")]
    pub(crate) findings: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) common: Common,
}

/// `minimize`.
#[derive(Debug, Args)]
pub(crate) struct MinimizeArgs {
    /// The failing config to shrink: a JSON object of dotted field names
    /// and values.
    #[arg(long = "config", value_name = "JSON", value_parser = parse_config, help_heading = "Campaign")]
    pub(crate) config: ConfigArg,
    #[command(flatten)]
    pub(crate) common: Common,
}

/// A config given on the command line: dotted names and JSON values.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ConfigArg(pub(crate) Vec<(String, Json)>);

/// The options of every subcommand.
#[derive(Debug, Args)]
pub(crate) struct Common {
    /// The JSON Schema (draft 2020-12) of COMMAND's settings.
    #[arg(long, value_name = "FILE")]
    pub(crate) schema: PathBuf,

    /// Pass each field that differs from its default as the env var PFX +
    /// its upper-cased name ('.' becomes '__'): bool as 1/0, numbers and
    /// strings as text, arrays and objects as JSON; null unsets it.
    #[arg(long, value_name = "PFX", help_heading = "Delivering the config")]
    pub(crate) env_prefix: Option<String>,
    /// Write the fields that differ from their defaults to a fresh JSON
    /// file per run (dotted names); its path is in $CONFIG_FUZZ_FILE and
    /// replaces {config} in COMMAND's arguments.
    #[arg(long, help_heading = "Delivering the config")]
    pub(crate) config_file: bool,
    /// Append TEMPLATE to COMMAND's arguments once per field that differs
    /// from its default, with {name} and {value} replaced (strings as they
    /// are, other values as JSON), and {config} by the --config-file path.
    /// Repeatable: '--arg --set --arg {name}={value}'.
    #[arg(
        long = "arg",
        value_name = "TEMPLATE",
        allow_hyphen_values = true,
        help_heading = "Delivering the config"
    )]
    pub(crate) arg_templates: Vec<String>,
    /// COMMAND is a worker: started once per job, it reads one
    /// {"config": {...}} line per run on stdin and answers one
    /// {"status": "passed"|"failed"|"error", "detail": "..."} line on
    /// stdout. It is restarted after a crash, a timeout or --worker-runs runs.
    #[arg(long, conflicts_with_all = ["env_prefix", "config_file", "arg_templates"], help_heading = "Delivering the config")]
    pub(crate) worker: bool,
    /// Restart each worker after it has served N runs (default: never).
    #[arg(long, value_name = "N", requires = "worker", value_parser = clap::value_parser!(u64).range(1..), help_heading = "Delivering the config")]
    pub(crate) worker_runs: Option<u64>,
    /// Time a fresh worker may take to start, added to the --timeout of
    /// its first run (default: none, so --timeout must cover the start-up
    /// too).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, requires = "worker", help_heading = "Delivering the config")]
    pub(crate) worker_startup: Option<Duration>,

    /// The seed: the same seed, schema and options try the same configs.
    #[arg(long, default_value_t = 0, help_heading = "Running")]
    pub(crate) seed: u64,
    /// Runs at once.
    #[arg(long, default_value_t = 1, value_name = "N", value_parser = clap::value_parser!(u64).range(1..), help_heading = "Running")]
    pub(crate) jobs: u64,
    /// Kill a run's process group after this long (e.g. 500ms, 60s, 2m)
    /// and count it as a timeout.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration, help_heading = "Running")]
    pub(crate) timeout: Duration,
    /// Run each failure N more times; one that does not fail the same way
    /// every time is reported as Flaky.
    #[arg(long, value_name = "N", default_value_t = fuzzer_core::DEFAULT_CONFIRM, help_heading = "Running")]
    pub(crate) confirm: usize,
    /// Keep field NAME at VALUE in every run (VALUE is read as JSON, else
    /// taken as a string; it must be within the schema's bounds for NAME:
    /// `minimum`, `maximum`, `enum`, ...). Repeatable.
    #[arg(long = "pin", value_name = "NAME=VALUE", value_parser = parse_pin, help_heading = "Running")]
    pub(crate) pins: Vec<(String, Json)>,

    /// Write the findings and the campaign as JSON to OUT.
    #[arg(long, value_name = "OUT", help_heading = "Output")]
    pub(crate) json: Option<PathBuf>,
    /// Write an HTML report to OUT.
    #[arg(long, value_name = "OUT", help_heading = "Output")]
    pub(crate) html: Option<PathBuf>,
    /// Print nothing but errors (no progress, no summary).
    #[arg(long, short, help_heading = "Output")]
    pub(crate) quiet: bool,

    /// The program to run, and its arguments.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub(crate) command: Vec<String>,
}

/// `60s`, `500ms`, `2m`, `1h`, `1.5s`.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(|| format!("`{text}` has no unit; write e.g. 500ms, 60s, 2m or 1h"))?;
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{text}` is not a duration; write e.g. 500ms, 60s, 2m or 1h"))?;
    let secs = match unit.trim() {
        "ms" => n / 1000.0,
        "s" | "sec" | "secs" => n,
        "m" | "min" | "mins" => n * 60.0,
        "h" => n * 3600.0,
        other => {
            return Err(format!(
                "`{other}` in `{text}` is not a unit; use ms, s, m or h"
            ))
        }
    };
    if secs <= 0.0 || !secs.is_finite() {
        return Err(format!("`{text}`: the duration must be more than zero"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// A duration the way `--timeout` takes it: `500ms`, `60s`, `2m`.
pub(crate) fn format_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms % 1000 != 0 {
        format!("{ms}ms")
    } else if ms >= 60_000 && ms % 60_000 == 0 {
        format!("{}m", ms / 60_000)
    } else {
        format!("{}s", ms / 1000)
    }
}

/// `k/N`, 1 <= k <= N.
fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let bad = || format!("`{text}` is not a shard k/N with 1 <= k <= N, e.g. 2/3");
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let k: usize = k.trim().parse().map_err(|_| bad())?;
    let n: usize = n.trim().parse().map_err(|_| bad())?;
    if k == 0 {
        return Err(format!(
            "{}; shards count from 1 (with a 0-based index such as $JOB_COMPLETION_INDEX, add 1)",
            bad()
        ));
    }
    if k > n {
        return Err(format!("{}: there is no shard {k} of {n}", bad()));
    }
    Ok((k, n))
}

fn parse_probability(text: &str) -> Result<f64, String> {
    let p: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if p > 0.0 && p <= 1.0 {
        Ok(p)
    } else {
        Err(format!("{p} is not a probability in (0, 1]"))
    }
}

/// `name=value`: value as JSON, else as a string.
fn parse_pin(text: &str) -> Result<(String, Json), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not NAME=VALUE, e.g. --pin debug=false"))?;
    if name.is_empty() {
        return Err(format!("`{text}` has no field name before `=`"));
    }
    let value = serde_json::from_str(value).unwrap_or_else(|_| Json::String(value.to_string()));
    Ok((name.to_string(), value))
}

fn parse_config(text: &str) -> Result<ConfigArg, String> {
    match serde_json::from_str::<Json>(text) {
        Ok(Json::Object(map)) => Ok(ConfigArg(map.into_iter().collect())),
        Ok(other) => Err(format!(
            "`{text}` is JSON but not an object; write e.g. '{{\"fast_math\": true}}' (got {})",
            kind(&other)
        )),
        Err(e) => Err(format!(
            "`{text}` is not a JSON object ({e}); write e.g. '{{\"fast_math\": true}}'"
        )),
    }
}

fn kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a bool",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use serde_json::json;

    #[test]
    fn the_clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(parse_duration("60s"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert!(parse_duration("60").unwrap_err().contains("no unit"));
        assert!(parse_duration("3d").unwrap_err().contains("`d`"));
        assert!(parse_duration("0s").unwrap_err().contains("more than zero"));
        assert!(parse_duration("x1s")
            .unwrap_err()
            .contains("not a duration"));
    }

    #[test]
    fn durations_print_back_the_same_way() {
        for text in ["500ms", "1m", "2m", "1500ms", "90s"] {
            assert_eq!(format_duration(parse_duration(text).unwrap()), text);
        }
    }

    #[test]
    fn pins_read_json_else_text() {
        assert_eq!(parse_pin("a=true"), Ok(("a".into(), json!(true))));
        assert_eq!(parse_pin("n=3"), Ok(("n".into(), json!(3))));
        assert_eq!(parse_pin("s=abc"), Ok(("s".into(), json!("abc"))));
        assert_eq!(parse_pin("s=a=b"), Ok(("s".into(), json!("a=b"))));
        assert_eq!(parse_pin("o=null"), Ok(("o".into(), json!(null))));
        assert!(parse_pin("nope").unwrap_err().contains("NAME=VALUE"));
        assert!(parse_pin("=1").unwrap_err().contains("no field name"));
    }

    #[test]
    fn configs_must_be_json_objects() {
        assert_eq!(
            parse_config(r#"{"a": 1}"#),
            Ok(ConfigArg(vec![("a".into(), json!(1))]))
        );
        assert!(parse_config("[1]").unwrap_err().contains("not an object"));
        assert!(parse_config("{").unwrap_err().contains("not a JSON object"));
    }

    #[test]
    fn shards_are_k_of_n_from_1() {
        assert_eq!(parse_shard("2/3"), Ok((2, 3)));
        assert_eq!(parse_shard("3/3"), Ok((3, 3)));
        assert!(parse_shard("0/3").unwrap_err().contains("add 1"));
        let e = parse_shard("4/3").unwrap_err();
        assert!(e.contains("there is no shard 4 of 3"), "{e}");
        assert!(
            !e.contains("add 1"),
            "the 0-based hint does not fit 4/3: {e}"
        );
        assert!(parse_shard("1/0").unwrap_err().contains("no shard 1 of 0"));
        assert!(parse_shard("2").unwrap_err().contains("e.g. 2/3"));
    }

    #[test]
    fn probabilities_must_be_in_range() {
        assert_eq!(parse_probability("0.5"), Ok(0.5));
        assert!(parse_probability("0").is_err());
        assert!(parse_probability("1.5").is_err());
    }

    #[test]
    fn a_command_line_parses() {
        let cli = Cli::try_parse_from([
            "config-fuzz",
            "hunt",
            "--schema",
            "s.json",
            "--env-prefix",
            "APP_",
            "--arg",
            "--x={name}",
            "--pin",
            "a=1",
            "--timeout",
            "2s",
            "--",
            "python3",
            "app.py",
            "--flag",
        ])
        .unwrap();
        let Cmd::Hunt(h) = &cli.command else { panic!() };
        assert_eq!(h.common.command, ["python3", "app.py", "--flag"]);
        assert_eq!(h.common.arg_templates, ["--x={name}"]);
        assert_eq!(h.common.timeout, Duration::from_secs(2));
    }

    #[test]
    fn worker_mode_excludes_the_other_deliveries() {
        let e = Cli::try_parse_from([
            "config-fuzz",
            "hunt",
            "--schema",
            "s.json",
            "--worker",
            "--config-file",
            "--",
            "x",
        ])
        .unwrap_err();
        assert_eq!(e.kind(), clap::error::ErrorKind::ArgumentConflict);
    }
}

/// `cover`.
#[derive(Debug, Args)]
pub(crate) struct CoverArgs {
    /// Strength: every combination of levels of every T fields is covered
    /// (2: pairs, 3: triples).
    #[arg(long = "t", default_value_t = 2, value_name = "T", value_parser = clap::value_parser!(u64).range(1..=3), help_heading = "Campaign")]
    pub(crate) t: u64,
    #[command(flatten)]
    pub(crate) common: Common,
}
