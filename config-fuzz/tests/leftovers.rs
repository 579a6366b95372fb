//! No process of COMMAND outlives its run: timeouts kill the whole process
//! group, and so does the end of a run or of a worker.

mod common;
use common::*;

/// Whether `pid` is a live process (a zombie waiting for its reaper counts
/// as dead).
fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}

/// Whether `pid` is gone, waiting a little: SIGKILL is delivered
/// asynchronously, so a process killed a moment ago may still be running
/// on a loaded machine. (This bounds the wait; it measures nothing.)
fn gone(pid: u32) -> bool {
    for _ in 0..200 {
        if !alive(pid) {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    false
}

fn pids(file: &std::path::Path) -> Vec<u32> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .split_whitespace()
        .map(|p| p.parse().unwrap())
        .collect()
}

fn campaign_leaves_nothing(worker: bool) {
    let dir = std::env::temp_dir().join(format!(
        "config-fuzz-leftovers-{}-{worker}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("pids");
    // Every run starts a background sleeper and records it and itself, then
    // hangs (or, as a worker, never answers).
    let script = format!("sleep 300 & echo $! $$ >> {}; sleep 300", file.display());
    let cli = Cli::on_subject("hunt").opts(&[
        "--attempts",
        "3",
        "--jobs",
        "2",
        "--timeout",
        "300ms",
        "--confirm",
        "0",
    ]);
    let ran = if worker {
        cli.opts(&["--worker", "--worker-startup", "100ms"])
    } else {
        cli.opts(&["--env-prefix", "SUBJ_"])
    }
    .program(&["sh", "-c", &script])
    .run(true);
    let pids = pids(&file);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(ran.code, 1, "every run timed out: {}", ran.stderr);
    assert!(
        findings(ran.json.as_ref().unwrap())
            .iter()
            .all(|f| f.1 == "FailedTimeout"),
        "{:#?}",
        ran.json
    );
    assert!(!pids.is_empty(), "the runs recorded their processes");
    let left: Vec<u32> = pids.into_iter().filter(|&p| !gone(p)).collect();
    assert_eq!(left, [] as [u32; 0], "processes outlived the campaign");
}

#[test]
fn timeouts_leave_no_process_behind() {
    campaign_leaves_nothing(false);
}

#[test]
fn hung_workers_leave_no_process_behind() {
    campaign_leaves_nothing(true);
}

#[test]
fn a_run_does_not_outlive_a_config_fuzz_killed_by_sigkill() {
    let dir = std::env::temp_dir().join(format!("config-fuzz-sigkill-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("pids");
    // Each run records its pid, then hangs in its own process.
    let script = format!("echo $$ >> {}; while :; do sleep 1; done", file.display());
    let schema = schema();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_config-fuzz"))
        .args([
            "hunt",
            "--schema",
            &schema,
            "--env-prefix",
            "SUBJ_",
            "--timeout",
            "10m",
            "--quiet",
            "--",
            "sh",
            "-c",
            &script,
        ])
        .spawn()
        .unwrap();
    // Wait for the first run to start (its pid in the file), then kill -9.
    let mut recorded = Vec::new();
    for _ in 0..600 {
        recorded = pids(&file);
        if !recorded.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(recorded.len(), 1, "one run had started");
    // The kernel kills the run when config-fuzz is gone; give it time to
    // get there (this bounds the wait, it does not measure anything).
    let pid = recorded[0];
    let still = !gone(pid);
    if still {
        let _ = std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status();
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!still, "the run {pid} outlived the killed config-fuzz");
}

/// Ctrl-C (SIGINT to `config-fuzz` alone, as a terminal sends it to the
/// foreground group, which the runs are not in) and SIGTERM end the
/// campaign with 128 + the signal, and the hung runs in flight and what
/// they started go with it.
fn interrupted_campaign_leaves_nothing(signal: &str, code: i32) {
    let dir = std::env::temp_dir().join(format!(
        "config-fuzz-interrupt-{}-{signal}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("pids");
    let script = format!("sleep 300 & echo $! $$ >> {}; sleep 300", file.display());
    let schema = schema();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_config-fuzz"))
        .args([
            "hunt",
            "--schema",
            &schema,
            "--attempts",
            "4",
            "--jobs",
            "2",
            "--timeout",
            "300s",
            "--quiet",
            "--env-prefix",
            "SUBJ_",
            "--",
            "sh",
            "-c",
            &script,
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait (without a deadline of our own: the test harness has one) until
    // the first run has started its sleeper.
    while pids(&file).len() < 2 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let sent = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    let pids = pids(&file);
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    let left: Vec<u32> = pids.into_iter().filter(|&p| !gone(p)).collect();
    assert_eq!(
        left,
        [] as [u32; 0],
        "runs outlived the interrupted campaign"
    );
}

#[test]
fn ctrl_c_ends_the_runs_in_flight() {
    interrupted_campaign_leaves_nothing("INT", 130);
}

#[test]
fn sigterm_ends_the_runs_in_flight() {
    interrupted_campaign_leaves_nothing("TERM", 143);
}
