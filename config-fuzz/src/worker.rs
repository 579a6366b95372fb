//! `--worker`: COMMAND starts once (per job) and serves many runs over a
//! line protocol: one `{"config": {...}}` line on its stdin per run, one
//! `{"status": "passed"|"failed"|"error", "detail": "..."}` line back on its
//! stdout. A worker that dies, hangs, breaks the protocol or has served
//! `--worker-runs` runs is replaced by a fresh one.

use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use fuzzer_core::Status;
use serde_json::Value as Json;

use crate::child::{describe_exit, signal_name, Pumped, Supervised};
use crate::run::{start_error, with_stderr, Candidate, Outcome};

/// How long a worker whose runs are over may take to leave after its stdin
/// closes, before its group is killed.
const LEAVE_GRACE: Duration = Duration::from_secs(1);

/// How [`WorkerPool::serve`] ended.
enum Served {
    /// The run has its outcome (an answer, or the worker's crash or hang).
    Answered(Outcome),
    /// A worker that had served runs before left with exit code 0 without
    /// answering: the run was not its doing, and goes to a fresh worker.
    Left,
}

/// One running worker.
struct Worker {
    child: Supervised,
    /// Runs it has answered.
    runs: usize,
}

/// The workers of a campaign: at most one per job, each used by one run at
/// a time.
pub(crate) struct WorkerPool {
    command: Vec<String>,
    timeout: Option<Duration>,
    startup: Duration,
    max_runs: Option<usize>,
    idle: Mutex<Vec<Worker>>,
}

impl WorkerPool {
    /// Workers running `command`; each run may take `timeout`, the first
    /// one of a fresh worker `startup` more; a worker is replaced after
    /// `max_runs` runs.
    pub(crate) fn new(
        command: Vec<String>,
        timeout: Option<Duration>,
        startup: Duration,
        max_runs: Option<usize>,
    ) -> Self {
        WorkerPool {
            command,
            timeout,
            startup,
            max_runs,
            idle: Mutex::new(Vec::new()),
        }
    }

    fn start(&self) -> Result<Worker, Outcome> {
        let mut cmd = Command::new(&self.command[0]);
        cmd.args(&self.command[1..]);
        match Supervised::spawn(&mut cmd, true, None) {
            Ok(child) => Ok(Worker { child, runs: 0 }),
            Err(e) => Err(Outcome::Failed(
                Status::FailedError,
                start_error(&self.command[0], &e),
            )),
        }
    }

    /// Hands `candidate` to an idle worker (starting one if none is idle)
    /// and reads its answer.
    ///
    /// A worker that has served runs before and leaves with exit code 0
    /// instead of answering has ended by itself (e.g. one that serves a
    /// single run and exits, racing the next candidate): the run goes to a
    /// fresh worker, and only a fresh worker's end counts as a crash.
    pub(crate) fn run(&self, candidate: &Candidate) -> Outcome {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        if let Some(worker) = idle {
            match self.serve(worker, candidate) {
                Served::Answered(outcome) => return outcome,
                Served::Left => {}
            }
        }
        match self.start() {
            Ok(worker) => match self.serve(worker, candidate) {
                Served::Answered(outcome) => outcome,
                Served::Left => unreachable!("a fresh worker's end is its run's outcome"),
            },
            Err(outcome) => outcome,
        }
    }

    /// Runs `candidate` on `worker`.
    fn serve(&self, mut worker: Worker, candidate: &Candidate) -> Served {
        let fresh = worker.runs == 0;
        worker.child.err.clear();
        let config: serde_json::Map<String, Json> = candidate.iter().cloned().collect();
        let line = serde_json::json!({ "config": config }).to_string();
        let start = Instant::now();
        let deadline = self
            .timeout
            .map(|t| start + t + if fresh { self.startup } else { Duration::ZERO });
        // A worker that died before reading its line breaks the pipe; how
        // it died is what the run reports, so wait for its end either way.
        let sent = worker.child.send_line(&line);
        let pumped = match sent {
            Ok(()) => worker.child.pump(deadline, |c| c.has_line()),
            Err(_) => worker.child.pump(deadline, |_| false),
        };
        match pumped {
            Ok(Pumped::Ready) => {
                let answer = worker.child.take_line().unwrap_or_default();
                match parse_answer(&answer) {
                    Ok(outcome) => {
                        worker.runs += 1;
                        self.put_back(worker);
                        Served::Answered(outcome)
                    }
                    Err(why) => {
                        let _ = worker.child.kill();
                        Served::Answered(Outcome::Failed(
                            Status::FailedError,
                            with_stderr(
                                format!(
                                    "the worker broke the protocol ({why}); it was restarted. \
                                     A worker prints only its answer lines on stdout; \
                                     anything else goes to stderr"
                                ),
                                &worker.child.err.text(),
                            ),
                        ))
                    }
                }
            }
            Ok(Pumped::Exited) => {
                let exit = worker.child.exit();
                if !fresh && exit.is_some_and(|e| e.success()) && worker.child.out.is_empty() {
                    return Served::Left;
                }
                let how = exit.map_or_else(|| "ended".to_string(), describe_exit);
                Served::Answered(Outcome::Failed(
                    Status::FailedCrash,
                    with_stderr(
                        format!("the worker {how} during the run; it was restarted"),
                        &worker.child.err.text(),
                    ),
                ))
            }
            Ok(Pumped::TimedOut) => {
                let _ = worker.child.kill();
                let t = deadline.map_or(Duration::ZERO, |d| d - start);
                Served::Answered(Outcome::Failed(
                    Status::FailedTimeout,
                    with_stderr(
                        format!(
                            "the worker did not answer within {}; its process group was killed \
                             and a new worker started",
                            crate::cli::format_duration(t)
                        ),
                        &worker.child.err.text(),
                    ),
                ))
            }
            Err(e) => {
                let _ = worker.child.kill();
                Served::Answered(Outcome::Failed(
                    Status::FailedError,
                    format!("could not watch the worker: {e}"),
                ))
            }
        }
    }

    /// Keeps `worker` for the next run, or lets it go after its last.
    fn put_back(&self, mut worker: Worker) {
        if self.max_runs.is_some_and(|max| worker.runs >= max) {
            let _ = worker.child.shut_down(LEAVE_GRACE);
        } else {
            self.idle
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(worker);
        }
    }

    /// Ends every idle worker: its stdin closes, and after a grace its
    /// group is killed.
    pub(crate) fn shut_down(&self) {
        let workers = std::mem::take(&mut *self.idle.lock().unwrap_or_else(|e| e.into_inner()));
        for mut w in workers {
            let _ = w.child.shut_down(LEAVE_GRACE);
        }
    }
}

impl Drop for WorkerPool {
    fn drop(&mut self) {
        self.shut_down();
    }
}

/// A worker's answer line as an outcome: `passed` passes, `failed` is
/// [`Status::FailedReturn`], `error` is [`Status::FailedError`], and a
/// failing answer with `"signal": N` (a fork server's child killed by
/// signal N) is [`Status::FailedCrash`] named by the signal.
fn parse_answer(line: &str) -> Result<Outcome, String> {
    let json: Json = serde_json::from_str(line)
        .map_err(|e| format!("its answer `{}` is not JSON: {e}", clip(line)))?;
    let status = json
        .get("status")
        .and_then(Json::as_str)
        .ok_or_else(|| format!("its answer `{}` has no \"status\" string", clip(line)))?;
    let detail = match json.get("detail") {
        None | Some(Json::Null) => String::new(),
        Some(Json::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    let signal = match json.get("signal") {
        None | Some(Json::Null) => None,
        Some(n) => match n.as_i64() {
            Some(n @ 1..=64) => Some(n as i32),
            _ => {
                return Err(format!(
                    "its \"signal\" `{n}` is not a signal number (1 to 64)"
                ))
            }
        },
    };
    match (status, signal) {
        ("passed", Some(_)) => Err("it answered \"passed\" with a \"signal\"".into()),
        ("failed" | "error", Some(sig)) => {
            let killed = format!("the run was killed by {}", signal_name(sig));
            let detail = if detail.is_empty() {
                killed
            } else {
                format!("{killed}: {detail}")
            };
            Ok(Outcome::Failed(Status::FailedCrash, detail))
        }
        _ => match status {
            "passed" => Ok(Outcome::Passed),
            "failed" => Ok(Outcome::Failed(Status::FailedReturn, detail)),
            "error" => Ok(Outcome::Failed(Status::FailedError, detail)),
            other => Err(format!(
                "its status `{other}` is not one of \"passed\", \"failed\", \"error\""
            )),
        },
    }
}

/// The first 200 characters of `s`.
fn clip(s: &str) -> String {
    match s.char_indices().nth(200) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sh(script: &str) -> Vec<String> {
        vec!["sh".into(), "-c".into(), script.into(), "sh".into()]
    }

    fn cand(name: &str, v: Json) -> Candidate {
        vec![(name.to_string(), v)]
    }

    #[test]
    fn answers_map_to_statuses() {
        assert_eq!(parse_answer(r#"{"status":"passed"}"#), Ok(Outcome::Passed));
        assert_eq!(
            parse_answer(r#"{"status":"failed","detail":"wrong answer"}"#),
            Ok(Outcome::Failed(Status::FailedReturn, "wrong answer".into()))
        );
        assert_eq!(
            parse_answer(r#"{"status":"error","detail":"boom"}"#),
            Ok(Outcome::Failed(Status::FailedError, "boom".into()))
        );
        assert_eq!(
            parse_answer(r#"{"status":"error","signal":11,"detail":"in the child"}"#),
            Ok(Outcome::Failed(
                Status::FailedCrash,
                "the run was killed by SIGSEGV (11): in the child".into()
            ))
        );
        assert_eq!(
            parse_answer(r#"{"status":"failed","signal":6}"#),
            Ok(Outcome::Failed(
                Status::FailedCrash,
                "the run was killed by SIGABRT (6)".into()
            ))
        );
        let e = parse_answer(r#"{"status":"error","signal":"SEGV"}"#).unwrap_err();
        assert!(e.contains("not a signal number"), "{e}");
        let e = parse_answer(r#"{"status":"passed","signal":9}"#).unwrap_err();
        assert!(e.contains("\"passed\" with a \"signal\""), "{e}");
        let e = parse_answer(r#"{"status":"ok"}"#).unwrap_err();
        assert!(e.contains("`ok` is not one of"), "{e}");
        let e = parse_answer("hello").unwrap_err();
        assert!(e.contains("`hello` is not JSON"), "{e}");
    }

    /// A shell worker: fails when the config line mentions `"bad"`, dies
    /// by SIGSEGV on `"die"`, hangs on `"hang"`; counts its runs in its
    /// answer's detail so tests can see restarts.
    const WORKER: &str = r#"
n=0
while read -r line; do
  n=$((n+1))
  case "$line" in
    *die*) echo "dying" >&2; kill -SEGV $$ ;;
    *hang*) sleep 30 ;;
    *bad*) echo "{\"status\":\"failed\",\"detail\":\"run $n\"}" ;;
    *) echo "{\"status\":\"passed\",\"detail\":\"run $n\"}" ;;
  esac
done
"#;

    #[test]
    fn one_worker_serves_many_runs() {
        let pool = WorkerPool::new(sh(WORKER), None, Duration::ZERO, None);
        assert_eq!(pool.run(&cand("a", json!(1))), Outcome::Passed);
        assert_eq!(
            pool.run(&cand("a", json!("bad"))),
            Outcome::Failed(Status::FailedReturn, "run 2".into())
        );
    }

    #[test]
    fn a_dead_worker_is_a_crash_and_is_restarted() {
        let pool = WorkerPool::new(sh(WORKER), None, Duration::ZERO, None);
        assert_eq!(pool.run(&cand("a", json!(1))), Outcome::Passed);
        let Outcome::Failed(status, detail) = pool.run(&cand("a", json!("die"))) else {
            panic!()
        };
        assert_eq!(status, Status::FailedCrash);
        assert_eq!(
            detail,
            "the worker was killed by SIGSEGV (11) during the run; it was restarted; stderr:\ndying"
        );
        // The next run is the new worker's first.
        assert_eq!(
            pool.run(&cand("a", json!("bad"))),
            Outcome::Failed(Status::FailedReturn, "run 1".into())
        );
    }

    #[test]
    fn a_hung_worker_times_out_and_is_replaced() {
        let pool = WorkerPool::new(
            sh(WORKER),
            Some(Duration::from_millis(200)),
            Duration::ZERO,
            None,
        );
        let Outcome::Failed(status, detail) = pool.run(&cand("a", json!("hang"))) else {
            panic!()
        };
        assert_eq!(status, Status::FailedTimeout);
        assert!(
            detail.starts_with("the worker did not answer within 200ms"),
            "{detail}"
        );
        assert_eq!(
            pool.run(&cand("a", json!("bad"))),
            Outcome::Failed(Status::FailedReturn, "run 1".into())
        );
    }

    #[test]
    fn a_worker_is_replaced_after_its_runs() {
        let pool = WorkerPool::new(sh(WORKER), None, Duration::ZERO, Some(2));
        let details: Vec<Outcome> = (0..5).map(|_| pool.run(&cand("a", json!("bad")))).collect();
        let runs: Vec<String> = details
            .into_iter()
            .map(|o| match o {
                Outcome::Failed(_, d) => d,
                Outcome::Passed => panic!(),
            })
            .collect();
        assert_eq!(runs, ["run 1", "run 2", "run 1", "run 2", "run 1"]);
    }

    #[test]
    fn a_worker_that_exits_after_each_answer_is_replaced_without_a_crash() {
        // Serves one run, then leaves cleanly: the next candidate races its
        // exit, and must not be blamed for it.
        let script = r#"read -r line; case "$line" in *bad*) s=failed ;; *) s=passed ;; esac; echo "{\"status\":\"$s\"}""#;
        let pool = WorkerPool::new(sh(script), None, Duration::ZERO, None);
        for i in 0..6 {
            let v = if i % 2 == 0 { json!(1) } else { json!("bad") };
            let want = if i % 2 == 0 {
                Outcome::Passed
            } else {
                Outcome::Failed(Status::FailedReturn, String::new())
            };
            assert_eq!(pool.run(&cand("a", v)), want, "run {i}");
        }
    }

    #[test]
    fn a_fresh_worker_that_exits_0_without_answering_is_a_crash() {
        let pool = WorkerPool::new(sh("read -r line; exit 0"), None, Duration::ZERO, None);
        let Outcome::Failed(status, detail) = pool.run(&cand("a", json!(1))) else {
            panic!()
        };
        assert_eq!(status, Status::FailedCrash);
        assert!(
            detail.starts_with("the worker exited with code 0 during the run"),
            "{detail}"
        );
    }

    #[test]
    fn a_stray_stdout_line_is_a_protocol_error_and_the_worker_restarts() {
        let script = r#"while read -r line; do echo "debug print"; done"#;
        let pool = WorkerPool::new(sh(script), None, Duration::ZERO, None);
        let Outcome::Failed(status, detail) = pool.run(&cand("a", json!(1))) else {
            panic!()
        };
        assert_eq!(status, Status::FailedError);
        assert!(detail.contains("`debug print` is not JSON"), "{detail}");
        assert!(detail.contains("anything else goes to stderr"), "{detail}");
    }

    #[test]
    fn the_worker_reads_the_candidate_as_one_json_line() {
        let script = r#"read -r line; echo "{\"status\":\"error\",\"detail\":$(printf '%s' "$line" | sed 's/"/\\"/g; s/^/"/; s/$/"/')}""#;
        let pool = WorkerPool::new(sh(script), None, Duration::ZERO, None);
        let c = vec![
            ("a.b".to_string(), json!(true)),
            ("s".to_string(), json!("x")),
        ];
        assert_eq!(
            pool.run(&c),
            Outcome::Failed(
                Status::FailedError,
                r#"{"config":{"a.b":true,"s":"x"}}"#.into()
            )
        );
    }
}
