//! Campaigns that survive and spread: `--state` (resume after a kill -9),
//! `--shard k/N` and `config-fuzz merge`.

mod common;
use common::*;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::Value as Json;

/// A fresh folder for one test's files.
fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("config-fuzz-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The hunt every test here runs: the hang pinned away, so it is quick.
fn hunt_args(schema: &str, seed: &str) -> Vec<String> {
    [
        "hunt",
        "--schema",
        schema,
        "--env-prefix",
        "SUBJ_",
        "--attempts",
        "12",
        "--seed",
        seed,
        "--confirm",
        "0",
        "--pin",
        "verbose=false",
        "--quiet",
    ]
    .map(String::from)
    .to_vec()
}

fn with(mut args: Vec<String>, more: &[&str], subject: &str) -> Vec<String> {
    args.extend(more.iter().map(|s| s.to_string()));
    args.extend(["--", "python3", subject].map(String::from));
    args
}

fn run(args: &[String]) -> Ran {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    config_fuzz(&refs, true)
}

/// Findings as sorted (config, status, hits).
fn summary(json: &Json) -> Vec<(String, String, u64)> {
    let mut out: Vec<(String, String, u64)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["config"].to_string(),
                f["status"].as_str().unwrap().to_string(),
                f["hits"].as_u64().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn three_shards_merged_equal_one_run() {
    require_python();
    let (schema, subject) = (schema(), subject());
    let dir = folder("shards");
    let whole = run(&with(hunt_args(&schema, "5"), &[], &subject));
    assert_eq!(whole.code, 1, "{}", whole.stderr);
    let whole = whole.json.unwrap();
    let mut parts = Vec::new();
    for k in 1..=3 {
        let out = dir.join(format!("shard-{k}.json"));
        let shard = format!("{k}/3");
        let mut args = with(hunt_args(&schema, "5"), &["--shard", &shard], &subject);
        let at = args.iter().position(|a| a == "--").unwrap();
        args.splice(at..at, ["--json".to_string(), path(&out).to_string()]);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let ran = config_fuzz(&refs, false);
        assert!(ran.code <= 1, "shard {k}: {}", ran.stderr);
        parts.push(path(&out).to_string());
    }
    let merged_path = dir.join("merged.json");
    let mut args = vec!["merge".to_string(), path(&merged_path).to_string()];
    args.extend(parts);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let ran = config_fuzz(&refs, false);
    let merged: Json =
        serde_json::from_str(&std::fs::read_to_string(&merged_path).unwrap()).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(ran.code, 1, "failures found: {}", ran.stderr);
    assert!(!summary(&whole).is_empty());
    assert_eq!(summary(&merged), summary(&whole));
    assert_eq!(merged["hunt"]["attempts"], 12);
}

#[test]
fn merge_refuses_what_is_not_a_set_of_shards() {
    require_python();
    let (schema, subject) = (schema(), subject());
    let dir = folder("merge-bad");
    let one = dir.join("one.json");
    let mut args = with(hunt_args(&schema, "5"), &["--shard", "1/2"], &subject);
    let at = args.iter().position(|a| a == "--").unwrap();
    args.splice(at..at, ["--json".to_string(), path(&one).to_string()]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    assert!(config_fuzz(&refs, false).code <= 1);
    let out = dir.join("out.json");
    // Shard 2 of 2 is missing.
    let ran = config_fuzz(&["merge", path(&out), path(&one)], false);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stderr.starts_with("config-fuzz: "), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("shard"),
        "names the problem: {}",
        ran.stderr
    );
    // Not a --json file at all.
    let junk = dir.join("junk.json");
    std::fs::write(&junk, "[1, 2]").unwrap();
    let ran = config_fuzz(&["merge", path(&out), path(&junk)], false);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr.contains("not a JSON object written by --json"),
        "{}",
        ran.stderr
    );
}

#[test]
fn a_state_file_resumes_and_refuses_another_campaign() {
    require_python();
    let (schema, subject) = (schema(), subject());
    let dir = folder("state");
    let state = dir.join("camp.state");
    let args = with(
        hunt_args(&schema, "5"),
        &["--state", path(&state)],
        &subject,
    );
    let first = run(&args);
    assert_eq!(first.code, 1, "{}", first.stderr);
    let again = run(&args);
    assert_eq!(again.code, 1, "{}", again.stderr);
    let (first, again) = (first.json.unwrap(), again.json.unwrap());
    assert_eq!(summary(&again), summary(&first));
    assert_eq!(
        again["hunt"]["resumed_runs"], again["hunt"]["runs"],
        "every run of the rerun came from the state file"
    );
    let other = run(&with(
        hunt_args(&schema, "6"),
        &["--state", path(&state)],
        &subject,
    ));
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        other.code, 2,
        "another seed is another campaign: {}",
        other.stderr
    );
    assert!(
        other.stderr.starts_with("config-fuzz: "),
        "{}",
        other.stderr
    );
    assert!(
        other.stderr.contains("seed"),
        "says what differs: {}",
        other.stderr
    );
}

#[test]
fn a_campaign_killed_with_sigkill_resumes_to_the_same_findings() {
    require_python();
    let (schema, subject) = (schema(), subject());
    let dir = folder("kill");
    let whole = run(&with(hunt_args(&schema, "5"), &[], &subject))
        .json
        .unwrap();
    for (i, kill_after) in [2usize, 6, 11].into_iter().enumerate() {
        let state = dir.join(format!("camp-{i}.state"));
        let args = with(
            hunt_args(&schema, "5"),
            &["--state", path(&state)],
            &subject,
        );
        let mut child = Command::new(env!("CARGO_BIN_EXE_config-fuzz"))
            .args(&args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Wait for the state file to hold `kill_after` lines, or the end.
        loop {
            let lines = std::fs::read_to_string(&state).map_or(0, |t| t.lines().count());
            if lines >= kill_after || child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let resumed = run(&args);
        assert_eq!(resumed.code, 1, "{}", resumed.stderr);
        assert_eq!(
            summary(&resumed.json.unwrap()),
            summary(&whole),
            "killed after {kill_after} state lines"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn n_tuple_shards_merge_and_a_foreign_state_is_refused() {
    require_python();
    let (schema, subject) = (schema(), subject());
    let dir = folder("ntuple");
    let base = |more: &[&str]| {
        let mut a: Vec<String> = [
            "n-tuple",
            "--schema",
            &schema,
            "--env-prefix",
            "SUBJ_",
            "--n",
            "2",
            "--confirm",
            "0",
            "--pin",
            "verbose=false",
            "--quiet",
        ]
        .map(String::from)
        .to_vec();
        a.extend(more.iter().map(|s| s.to_string()));
        a.extend(["--", "python3", &subject].map(String::from));
        a
    };
    let whole = run(&base(&[]));
    assert_eq!(whole.code, 1, "{}", whole.stderr);
    let whole = whole.json.unwrap();
    let mut parts = vec![
        "merge".to_string(),
        path(&dir.join("merged.json")).to_string(),
    ];
    for k in 1..=2 {
        let out = dir.join(format!("part-{k}.json"));
        let shard = format!("{k}/2");
        let state = dir.join(format!("part-{k}.state"));
        let ran = config_fuzz(
            &base(&[
                "--shard",
                &shard,
                "--state",
                path(&state),
                "--json",
                path(&out),
            ])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
            false,
        );
        assert!(ran.code <= 1, "{}", ran.stderr);
        parts.push(path(&out).to_string());
    }
    let ran = config_fuzz(&parts.iter().map(String::as_str).collect::<Vec<_>>(), false);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    let merged: Json =
        serde_json::from_str(&std::fs::read_to_string(dir.join("merged.json")).unwrap()).unwrap();
    assert_eq!(summary(&merged), summary(&whole));
    assert_eq!(merged["combinations_run"], whole["combinations_run"]);

    // Part 1's state file belongs to shard 1/2: a whole sweep is refused.
    let state = dir.join("part-1.state");
    let ran = run(&base(&["--state", path(&state)]));
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stderr.starts_with("config-fuzz: "), "{}", ran.stderr);
    assert!(!ran.stderr.contains("panicked"), "{}", ran.stderr);
}

/// The --json files of the 3 shards of a `--no-repeats` hunt (or not).
fn shard_files(dir: &Path, schema: &str, subject: &str, more: &[&str]) -> Vec<String> {
    (1..=3)
        .map(|k| {
            let out = dir.join(format!("shard-{k}-{}.json", more.len()));
            let shard = format!("{k}/3");
            let mut flags = vec!["--shard", shard.as_str()];
            flags.extend(more);
            let mut args = with(hunt_args(schema, "5"), &flags, subject);
            let at = args.iter().position(|a| a == "--").unwrap();
            args.splice(at..at, ["--json".to_string(), path(&out).to_string()]);
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            let ran = config_fuzz(&refs, false);
            assert!(ran.code <= 1, "shard {k}: {}", ran.stderr);
            path(&out).to_string()
        })
        .collect()
}

fn merge_files(out: &Path, parts: &[String]) -> Ran {
    let mut args = vec!["merge".to_string(), path(out).to_string()];
    args.extend(parts.iter().cloned());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    config_fuzz(&refs, false)
}

#[test]
fn no_repeats_finds_each_bug_once_and_counts_each_failing_attempt_for_each_bug() {
    require_python();
    let (schema, subject) = (schema(), subject());
    let plain = run(&with(hunt_args(&schema, "5"), &[], &subject));
    let plain = plain.json.unwrap();
    let ran = run(&with(hunt_args(&schema, "5"), &["--no-repeats"], &subject));
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    let json = ran.json.unwrap();
    assert_eq!(json["no_repeats"], true);
    assert_eq!(plain["no_repeats"], false);
    // The two bugs the pins leave (fast_math with exact mode, compression
    // without the cache) are both found; without the flag, later attempts
    // keep running into the first one, and this seed misses the other.
    let configs = |j: &Json| -> Vec<String> { summary(j).into_iter().map(|(c, _, _)| c).collect() };
    assert_eq!(
        configs(&json),
        [
            r#"{"cache.compress":true,"cache.enabled":false}"#,
            r#"{"fast_math":true,"mode":"exact"}"#
        ]
    );
    assert!(configs(&plain).iter().all(|c| configs(&json).contains(c)));
    assert!(configs(&plain).len() < 2);
    // Each failing attempt counts once for each bug it led to (here one
    // attempt held both: it shrank to one, and its re-run without that one
    // found the other), so every bug has a hit; later attempts are kept
    // clear of what was found, so fewer attempts fail than without the flag.
    assert!(summary(&json).iter().all(|(_, _, h)| *h >= 1));
    let hits: u64 = summary(&json).iter().map(|(_, _, h)| h).sum();
    let failing = json["hunt"]["failing_attempts"].as_u64().unwrap();
    assert!(
        hits >= failing && hits - failing < 2,
        "{hits} hits, {failing} failing attempts"
    );
    assert!(
        json["hunt"]["failing_attempts"].as_u64() < plain["hunt"]["failing_attempts"].as_u64(),
        "{} against {}",
        json["hunt"]["failing_attempts"],
        plain["hunt"]["failing_attempts"]
    );
}

#[test]
fn no_repeats_shards_merge_the_same_every_time_and_not_with_other_shards() {
    require_python();
    let (schema, subject) = (schema(), subject());
    let dir = folder("no-repeats-shards");
    let parts = shard_files(&dir, &schema, &subject, &["--no-repeats"]);
    let first = dir.join("first.json");
    assert_eq!(merge_files(&first, &parts).code, 1);
    let again_parts = shard_files(&dir, &schema, &subject, &["--no-repeats"]);
    let again = dir.join("again.json");
    assert_eq!(merge_files(&again, &again_parts).code, 1);
    let read =
        |p: &Path| -> Json { serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap() };
    let (first, again) = (read(&first), read(&again));
    assert_eq!(summary(&first), summary(&again));
    assert_eq!(first["hunt"]["attempts"], 12);
    // Shards of the other setting are another campaign.
    let plain = shard_files(&dir, &schema, &subject, &[]);
    let mixed = [parts[0].clone(), plain[1].clone(), parts[2].clone()];
    let ran = merge_files(&dir.join("mixed.json"), &mixed);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stderr.contains("forbid_found"), "{}", ran.stderr);
}

#[test]
fn help_says_no_repeats_shards_do_not_merge_into_one_run() {
    let ran = config_fuzz(&["hunt", "--help"], false);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let text = ran.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("--no-repeats"), "{text}");
    assert!(
        text.contains("`merge` of shards run with it is not the same as one unsharded run"),
        "{text}"
    );
}
