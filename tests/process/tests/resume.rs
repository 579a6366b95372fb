//! `ConfigFuzzer::state`: a campaign killed with SIGKILL at random points
//! and run again with the same state file ends with the same findings as
//! one never interrupted; another campaign's state file is refused.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use fuzzer_core::prelude::*;

const BIN: &str = env!("CARGO_BIN_EXE_resumable_hunt");

fn temp(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("resume-{}-{name}.state", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

/// Runs the hunt to its end; the hunt it printed.
fn run_to_end(state: Option<&Path>) -> Hunt {
    let mut cmd = Command::new(BIN);
    if let Some(s) = state {
        cmd.arg(s);
    }
    let out = cmd.output().expect("the test binary starts");
    assert!(
        out.status.success(),
        "resumable_hunt failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Hunt::load_json(&String::from_utf8_lossy(&out.stdout)).expect("it prints a hunt")
}

fn lines(path: &Path) -> usize {
    std::fs::read(path)
        .map(|b| b.iter().filter(|&&c| c == b'\n').count())
        .unwrap_or(0)
}

/// Starts the hunt and kills it with SIGKILL once the state file has
/// `at` lines (or lets it end if it ends first).
fn kill_at(state: &Path, at: usize) {
    let mut child = Command::new(BIN)
        .arg(state)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the test binary starts");
    loop {
        if child.try_wait().expect("wait works").is_some() {
            return;
        }
        if lines(state) >= at {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().expect("SIGKILL is delivered");
    child.wait().expect("the child is reaped");
}

type Summary = Vec<(ConfigDiff, Status, usize, Option<String>)>;

fn summary(h: &Hunt) -> Summary {
    h.findings()
        .iter()
        .map(|f| {
            (
                f.config().clone(),
                f.status(),
                f.hits(),
                f.detail().message.clone(),
            )
        })
        .collect()
}

/// A seed for the kill points, printed so that a failure can be replayed
/// (`RESUME_SEED=..`).
fn seed() -> u64 {
    if let Ok(s) = std::env::var("RESUME_SEED") {
        return s.parse().expect("RESUME_SEED is a number");
    }
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.finish()
}

#[test]
fn killed_at_random_points_then_resumed_gives_the_findings_of_one_run() {
    let whole = run_to_end(None);
    assert!(
        whole.findings().len() >= 3,
        "the seed should find every planted bug: {whole}"
    );
    // The length of the whole log, to choose kill points within it.
    let full = temp("full");
    let logged = run_to_end(Some(&full));
    assert_eq!(summary(&logged), summary(&whole));
    assert_eq!(logged.resumed_runs(), 0);
    let total = lines(&full);
    assert!(total > 20, "the campaign should log many runs: {total}");
    std::fs::remove_file(&full).unwrap();

    let seed = seed();
    let mut rng = fuzzer_core::rng(seed);
    for round in 0..4 {
        let state = temp(&format!("round{round}"));
        // One to three kills at increasing points, then a run to the end.
        let kills = 1 + rng.below(3) as usize;
        let mut points: Vec<usize> = (0..kills)
            .map(|_| 2 + rng.below(total as u64 - 2) as usize)
            .collect();
        points.sort_unstable();
        for &at in &points {
            kill_at(&state, at);
        }
        let before = lines(&state);
        let resumed = run_to_end(Some(&state));
        assert_eq!(
            summary(&resumed),
            summary(&whole),
            "seed {seed}, kills at {points:?} lines: resumed\n{resumed}\nwhole\n{whole}"
        );
        if before > 1 + 8 {
            assert!(
                resumed.resumed_runs() > 0,
                "seed {seed}, kills at {points:?}: runs on file should be answered from it"
            );
        }
        // What was run before a kill is not run again.
        assert!(resumed.runs() - resumed.resumed_runs() <= logged.runs());
        std::fs::remove_file(&state).unwrap();
    }
}

#[test]
fn a_finished_campaign_rerun_is_answered_from_its_state_file_alone() {
    let state = temp("finished");
    let first = run_to_end(Some(&state));
    let again = run_to_end(Some(&state));
    assert_eq!(summary(&again), summary(&first));
    assert_eq!(again.resumed_runs(), again.runs());
    std::fs::remove_file(&state).unwrap();
}
