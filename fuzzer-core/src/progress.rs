//! [`ProgressReporter`]: what a campaign is doing, shown as it runs: a
//! progress bar on a terminal, plain rate-limited lines in a log, or
//! nothing.

use std::fmt::{self, Write as _};
use std::io::{IsTerminal as _, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::config::FuzzableConfig;
use crate::fuzz::{ConfigFuzzer, Finding, Hunt, Phase, Progress, Results};

/// How often the plain-line form writes a progress line by default: often
/// enough to see a campaign move in a CI log, rarely enough that a long one
/// does not flood it.
pub const DEFAULT_PROGRESS_INTERVAL: Duration = Duration::from_secs(5);

/// The time since an arbitrary origin; tests drive it by hand.
type Clock = Arc<dyn Fn() -> Duration + Send + Sync>;

/// Shows a campaign's progress and its findings as they are confirmed, the
/// way `cargo` and `indicatif` users expect, in one of three forms:
///
/// - on a terminal, a progress bar with the elapsed time, the attempts
///   done and to do, an ETA, runs per second, the failures so far and
///   what the fuzzer is doing ([`bar`](Self::bar));
/// - in a log, a plain line at most every few seconds, never a `\r`
///   ([`lines`](Self::lines), [`lines_to`](Self::lines_to));
/// - nothing at all ([`quiet`](Self::quiet)).
///
/// [`auto`](Self::auto) picks the bar when stderr is a terminal and lines
/// on stderr otherwise. Each finding is printed when it is confirmed, in
/// both forms (above the bar on a terminal). Hand the reporter to
/// [`ConfigFuzzer::progress`]; keep a clone to call
/// [`finish_hunt`](Self::finish_hunt) (or [`finish`](Self::finish),
/// [`finish_results`](Self::finish_results)) when the campaign returns, which
/// clears the bar and prints a one-line summary. Clones share one display.
///
/// ```
/// use fuzzer_core::prelude::*;
/// use fuzzer_core::ProgressReporter;
///
/// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
/// pub struct Flags {
///     #[config(default = true)]
///     pub fuse: bool,
///     pub unroll: bool,
/// }
///
/// let progress = ProgressReporter::auto();
/// let fuzzer = ConfigFuzzer::<Flags>::new(|| Flags::read(|c| c.fuse || !c.unroll), 0)
///     .progress(progress.clone());
/// let hunt = fuzzer.hunt(20, 0.5).unwrap(); // prints `found: ...` when confirmed
/// progress.finish_hunt(&hunt);               // `done: 20 attempts, ...`
/// ```
///
/// A reporter can also be fed by hand (its [`update`](Self::update) and
/// [`found`](Self::found)), to combine it with hooks of your own.
#[derive(Clone)]
pub struct ProgressReporter {
    inner: Arc<Inner>,
}

struct Inner {
    form: Form,
    clock: Clock,
    every: Duration,
    state: Mutex<Seen>,
    /// Field values shown as JSON rather than Rust ([`ProgressReporter::json_values`]).
    json_values: AtomicBool,
}

enum Form {
    Quiet,
    Bar(ProgressBar),
    Lines(Mutex<Box<dyn Write + Send>>),
}

/// What the reporter has seen so far.
#[derive(Default)]
struct Seen {
    /// Clock reading at the first event.
    started: Option<Duration>,
    /// Clock reading at the last progress line written.
    last_line: Option<Duration>,
    /// The fuzzer's run count just before the first event seen.
    runs_before: usize,
    /// The fuzzer's run count at the last event.
    runs: usize,
    phase: Option<Phase>,
    attempt: Option<(usize, usize)>,
    /// Clock reading when the first attempt of the current campaign was
    /// seen, and that attempt, for the ETA.
    attempts_from: Option<(Duration, usize)>,
    failures: usize,
    findings: usize,
    /// The bar is drawn with a length (a campaign of known size).
    bar_has_length: bool,
    /// Clock reading when the bar's message was last set.
    last_message: Option<Duration>,
}

impl fmt::Debug for ProgressReporter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let form = match &self.inner.form {
            Form::Quiet => "quiet",
            Form::Bar(_) => "bar",
            Form::Lines(_) => "lines",
        };
        f.debug_struct("ProgressReporter")
            .field("form", &form)
            .field("every", &self.inner.every)
            .finish_non_exhaustive()
    }
}

/// The template of a bar whose length is known (a hunt's attempts).
const BAR_TEMPLATE: &str =
    "{spinner} [{elapsed_precise}] [{bar:30}] {pos}/{len} attempts, ETA {eta} · {msg}";
/// How often the bar's message (runs, rate, failures, phase) is renewed.
const BAR_MESSAGE_EVERY: Duration = Duration::from_millis(100);
/// The template while the size of the campaign is unknown.
const SPINNER_TEMPLATE: &str = "{spinner} [{elapsed_precise}] {msg}";

fn style(template: &str) -> ProgressStyle {
    // The templates are constants that parse; the default style is a
    // fallback that never shows in practice.
    ProgressStyle::with_template(template)
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}

impl ProgressReporter {
    fn with_form(form: Form, every: Duration) -> Self {
        let origin = Instant::now();
        ProgressReporter {
            inner: Arc::new(Inner {
                form,
                clock: Arc::new(move || origin.elapsed()),
                every,
                state: Mutex::new(Seen::default()),
                json_values: AtomicBool::new(false),
            }),
        }
    }

    /// The bar when stderr is a terminal, else [`lines`](Self::lines) on
    /// stderr every [`DEFAULT_PROGRESS_INTERVAL`]. What most programs want.
    pub fn auto() -> Self {
        if std::io::stderr().is_terminal() {
            Self::bar()
        } else {
            Self::lines(DEFAULT_PROGRESS_INTERVAL)
        }
    }

    /// An `indicatif` progress bar on stderr, redrawn in place: elapsed
    /// time, attempts done of all (with an ETA) for a hunt, runs per
    /// second, failures so far and the phase. indicatif hides the bar when
    /// stderr is not a terminal; findings and the summary are then printed
    /// as plain lines on stderr. Prefer [`auto`](Self::auto), which writes
    /// progress lines to a log instead.
    pub fn bar() -> Self {
        Self::bar_on(ProgressDrawTarget::stderr())
    }

    fn bar_on(target: ProgressDrawTarget) -> Self {
        let bar = ProgressBar::with_draw_target(None, target).with_style(style(SPINNER_TEMPLATE));
        Self::with_form(Form::Bar(bar), Duration::ZERO)
    }

    /// Plain lines on stderr for logs and CI: a progress line at most
    /// once every `every` (the first one `every` after the campaign
    /// starts; `Duration::ZERO` writes one per run), each finding when
    /// it is confirmed, and the summary. Never writes a `\r`.
    pub fn lines(every: Duration) -> Self {
        Self::lines_to(std::io::stderr(), every)
    }

    /// [`lines`](Self::lines) written to `out` instead of stderr: a log
    /// file, a buffer in a test.
    ///
    /// ```
    /// use std::io::Write;
    /// use std::sync::{Arc, Mutex};
    /// use std::time::Duration;
    /// use fuzzer_core::ProgressReporter;
    ///
    /// #[derive(Clone, Default)]
    /// struct Log(Arc<Mutex<Vec<u8>>>);
    /// impl Write for Log {
    ///     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
    ///         self.0.lock().unwrap().write(b)
    ///     }
    ///     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
    /// }
    ///
    /// let log = Log::default();
    /// let progress = ProgressReporter::lines_to(log.clone(), Duration::from_secs(10));
    /// progress.finish();
    /// let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    /// assert!(text.starts_with("done: 0 runs"));
    /// ```
    pub fn lines_to(out: impl Write + Send + 'static, every: Duration) -> Self {
        Self::with_form(Form::Lines(Mutex::new(Box::new(out))), every)
    }

    /// Shows nothing, not even findings: for `--quiet`, and for programs
    /// that report on their own.
    pub fn quiet() -> Self {
        Self::with_form(Form::Quiet, Duration::ZERO)
    }

    /// Replaces the clock (time since an arbitrary origin), so tests can
    /// move time by hand.
    #[cfg(test)]
    fn with_clock(mut self, clock: impl Fn() -> Duration + Send + Sync + 'static) -> Self {
        Arc::get_mut(&mut self.inner)
            .expect("a fresh reporter has no clones")
            .clock = Arc::new(clock);
        self
    }

    /// Shows the values of a finding's fields as JSON (`mode = "exact"`)
    /// instead of the Rust expressions that build them (`mode =
    /// String::from("exact")`): for front ends whose users write JSON, such
    /// as `config-fuzz`. Clones of this reporter show them the same way.
    ///
    /// ```
    /// use std::time::Duration;
    /// use fuzzer_core::ProgressReporter;
    ///
    /// let progress = ProgressReporter::lines(Duration::from_secs(5)).json_values();
    /// # let _ = progress;
    /// ```
    pub fn json_values(self) -> Self {
        self.inner.json_values.store(true, Ordering::Relaxed);
        self
    }

    /// Whether this reporter shows nothing.
    pub fn is_quiet(&self) -> bool {
        matches!(self.inner.form, Form::Quiet)
    }

    fn seen(&self) -> MutexGuard<'_, Seen> {
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes a whole line (above the bar on a terminal). Errors writing
    /// a log are ignored: progress must never stop a campaign.
    fn write_line(&self, line: &str) {
        match &self.inner.form {
            Form::Quiet => {}
            Form::Bar(bar) if bar.is_hidden() => eprintln!("{line}"),
            Form::Bar(bar) => bar.println(line),
            Form::Lines(out) => {
                let mut out = out.lock().unwrap_or_else(|e| e.into_inner());
                let _ = writeln!(out, "{line}");
                let _ = out.flush();
            }
        }
    }

    /// Prints `text` as its own line, at once (above the bar on a
    /// terminal): for a front end's own messages while a campaign runs.
    pub fn message(&self, text: &str) {
        for line in text.lines() {
            self.write_line(line);
        }
    }

    /// Takes one progress report (what [`ConfigFuzzer::on_progress`]
    /// gives): redraws the bar, or writes a progress line if the last one
    /// is at least the interval old.
    pub fn update(&self, p: &Progress) {
        if self.is_quiet() {
            return;
        }
        let now = (self.inner.clock)();
        let mut seen = self.seen();
        if seen.started.is_none() {
            seen.started = Some(now);
            seen.runs_before = p.runs.saturating_sub(1);
            if let Form::Bar(bar) = &self.inner.form {
                if bar.is_finished() {
                    // A campaign after a finished one: draw afresh.
                    bar.set_style(style(SPINNER_TEMPLATE));
                    bar.unset_length();
                    bar.reset();
                }
                // Keeps the elapsed time and spinner moving while a run
                // takes long (a hang waits out the timeout).
                bar.enable_steady_tick(Duration::from_millis(200));
            }
        }
        seen.runs = p.runs;
        seen.phase = Some(p.phase);
        seen.failures = p.failures;
        match p.attempt {
            Some((attempt, of)) => {
                let new_campaign = seen.attempt.is_none_or(|(a, o)| o != of || attempt < a);
                if new_campaign {
                    seen.attempts_from = Some((now, attempt.saturating_sub(1)));
                }
                seen.attempt = Some((attempt, of));
            }
            None => {
                seen.attempt = None;
                seen.attempts_from = None;
            }
        }
        match &self.inner.form {
            Form::Quiet => {}
            Form::Bar(bar) => {
                match seen.attempt {
                    Some((attempt, of)) => {
                        if !seen.bar_has_length {
                            bar.set_style(style(BAR_TEMPLATE));
                            bar.reset_eta();
                            seen.bar_has_length = true;
                        }
                        bar.set_length(of as u64);
                        bar.set_position(attempt.saturating_sub(1) as u64);
                    }
                    None if seen.bar_has_length => {
                        bar.set_style(style(SPINNER_TEMPLATE));
                        bar.unset_length();
                        seen.bar_has_length = false;
                    }
                    None => {}
                }
                // The message costs a format per run; a few times a
                // second is all a reader sees.
                if seen
                    .last_message
                    .is_none_or(|t| now.saturating_sub(t) >= BAR_MESSAGE_EVERY)
                {
                    seen.last_message = Some(now);
                    bar.set_message(status_text(&seen, now));
                }
            }
            Form::Lines(_) => {
                let since = seen.last_line.or(seen.started).unwrap_or(now);
                if now.saturating_sub(since) >= self.inner.every {
                    seen.last_line = Some(now);
                    let line = progress_line(&seen, now);
                    drop(seen);
                    self.write_line(&line);
                }
            }
        }
    }

    /// Prints a finding as it is confirmed (what
    /// [`ConfigFuzzer::on_finding`] gives): its status and config, and the
    /// first line of its detail.
    pub fn found(&self, finding: &Finding) {
        if self.is_quiet() {
            return;
        }
        self.seen().findings += 1;
        let config: Vec<String> = finding
            .config()
            .iter()
            .map(|(k, v)| {
                if self.inner.json_values.load(Ordering::Relaxed) {
                    format!("{k} = {}", v.to_json())
                } else {
                    format!("{k} = {v}")
                }
            })
            .collect();
        let mut text = format!("found: {}  {}", finding.status(), config.join(", "));
        if let Some(first) = finding
            .detail()
            .message
            .as_deref()
            .and_then(|m| m.lines().find(|l| !l.trim().is_empty()))
        {
            let _ = write!(text, "\n    {}", crate::error::preview(first, 200));
        }
        self.message(&text);
    }

    /// Ends the display (clears the bar) and prints a summary of what the
    /// reporter saw: runs, time, runs per second and findings printed.
    pub fn finish(&self) {
        let line = {
            let seen = self.seen();
            let elapsed = self.elapsed(&seen);
            let runs = seen.runs - seen.runs_before.min(seen.runs);
            format!(
                "done: {runs} run{} in {} ({}), {} finding{}",
                plural(runs),
                duration_text(elapsed),
                rate_text(runs, elapsed),
                seen.findings,
                plural(seen.findings)
            )
        };
        self.finish_with(&line);
    }

    /// Ends the display and prints the hunt's summary: attempts, failing
    /// attempts, distinct findings, runs and time, as
    /// [`Hunt`]'s first line says them.
    pub fn finish_hunt(&self, hunt: &Hunt) {
        let line = format!(
            "done: {} attempts, {} failing, {} distinct finding{}, {} runs in {} ({})",
            hunt.attempts(),
            hunt.failing_attempts(),
            hunt.findings().len(),
            plural(hunt.findings().len()),
            hunt.runs(),
            duration_text(hunt.elapsed()),
            rate_text(hunt.runs(), hunt.elapsed())
        );
        self.finish_with(&line);
    }

    /// Ends the display and prints a summary of `results` (an n-tuple
    /// sweep, a replay): configs that ran, failed and were skipped, and the
    /// time the reporter saw.
    pub fn finish_results(&self, results: &Results) {
        let elapsed = self.elapsed(&self.seen());
        let line = format!(
            "done: {} configs ran, {} failed, {} skipped in {}",
            results.num_ran(),
            results.failures().count(),
            results.num_skipped(),
            duration_text(elapsed)
        );
        self.finish_with(&line);
    }

    fn elapsed(&self, seen: &Seen) -> Duration {
        seen.started
            .map_or(Duration::ZERO, |s| (self.inner.clock)().saturating_sub(s))
    }

    fn finish_with(&self, line: &str) {
        if let Form::Bar(bar) = &self.inner.form {
            bar.finish_and_clear();
        }
        self.write_line(line);
        // A reporter used for another campaign starts afresh.
        *self.seen() = Seen::default();
    }
}

impl<C: FuzzableConfig> ConfigFuzzer<C> {
    /// Shows progress and findings through `reporter` (see
    /// [`ProgressReporter`]): it becomes this fuzzer's
    /// [`on_progress`](Self::on_progress) and
    /// [`on_finding`](Self::on_finding) hook, so a hook set after this
    /// replaces that part of it (call the reporter's
    /// [`update`](ProgressReporter::update) and
    /// [`found`](ProgressReporter::found) from your own hook to have both).
    pub fn progress(self, reporter: ProgressReporter) -> Self {
        let on_progress = reporter.clone();
        self.on_progress(move |p| on_progress.update(p))
            .on_finding(move |f| reporter.found(f))
    }
}

/// The bar's message: phase, runs, rate, failures.
fn status_text(seen: &Seen, now: Duration) -> String {
    let elapsed = now.saturating_sub(seen.started.unwrap_or(now));
    let runs = seen.runs - seen.runs_before.min(seen.runs);
    format!(
        "{} · {runs} runs · {} · {} failing",
        seen.phase.map_or_else(String::new, |p| p.to_string()),
        rate_text(runs, elapsed),
        seen.failures
    )
}

/// A plain progress line: elapsed, attempt, runs, rate, failures, phase,
/// ETA.
fn progress_line(seen: &Seen, now: Duration) -> String {
    let elapsed = now.saturating_sub(seen.started.unwrap_or(now));
    let runs = seen.runs - seen.runs_before.min(seen.runs);
    let mut line = format!("[{:>7}] ", duration_text(elapsed));
    if let Some((attempt, of)) = seen.attempt {
        let _ = write!(line, "attempt {attempt}/{of} · ");
    }
    let _ = write!(
        line,
        "{runs} runs · {} · {} failing · {}",
        rate_text(runs, elapsed),
        seen.failures,
        seen.phase.map_or_else(String::new, |p| p.to_string())
    );
    if let (Some((attempt, of)), Some((from, done_before))) = (seen.attempt, seen.attempts_from) {
        // Attempts finished since the rate was first measured.
        let done = attempt.saturating_sub(1).saturating_sub(done_before);
        let spent = now.saturating_sub(from);
        if done > 0 && !spent.is_zero() {
            let left = of.saturating_sub(attempt.saturating_sub(1));
            let eta = spent.mul_f64(left as f64 / done as f64);
            let _ = write!(line, " · ETA {}", duration_text(eta));
        }
    }
    line
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn rate_text(runs: usize, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    if secs <= 0.0 {
        "- runs/s".to_string()
    } else {
        format!("{:.1} runs/s", runs as f64 / secs)
    }
}

/// `12.3s`, `4m05s`, `2h03m`.
fn duration_text(d: Duration) -> String {
    let secs = d.as_secs();
    if secs < 60 {
        format!("{:.1}s", d.as_secs_f64())
    } else if secs < 3600 {
        format!("{}m{:02}s", secs / 60, secs % 60)
    } else {
        format!("{}h{:02}m", secs / 3600, secs % 3600 / 60)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::*;
    use crate::fuzz::Status;
    use crate::prelude::*;

    /// A log the test reads back.
    #[derive(Clone, Default)]
    struct Log(Arc<Mutex<Vec<u8>>>);

    impl Write for Log {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Log {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    /// A reporter writing to a log, with a clock moved by hand (in ms).
    fn reporter(every: Duration) -> (ProgressReporter, Log, Arc<AtomicU64>) {
        let log = Log::default();
        let ms = Arc::new(AtomicU64::new(0));
        let clock = Arc::clone(&ms);
        let r = ProgressReporter::lines_to(log.clone(), every)
            .with_clock(move || Duration::from_millis(clock.load(Ordering::SeqCst)));
        (r, log, ms)
    }

    fn progress(runs: usize, attempt: usize, of: usize, failures: usize) -> Progress {
        Progress {
            phase: Phase::Attempt,
            runs,
            attempt: Some((attempt, of)),
            failures,
            last: Status::Passed,
        }
    }

    #[test]
    fn lines_are_rate_limited_and_never_carriage_returns() {
        let (r, log, ms) = reporter(Duration::from_secs(5));
        // A run every 500 ms for 21 s: 43 reports.
        for i in 0..=42 {
            ms.store(i * 500, Ordering::SeqCst);
            r.update(&progress(
                i as usize + 1,
                i as usize / 2 + 1,
                100,
                i as usize / 10,
            ));
        }
        let text = log.text();
        assert!(!text.contains('\r'), "{text:?}");
        let lines: Vec<&str> = text.lines().collect();
        // One at 5 s, 10 s, 15 s and 20 s after the first report.
        assert_eq!(lines.len(), 4, "{text}");
        assert_eq!(
            lines[0],
            "[   5.0s] attempt 6/100 · 11 runs · 2.2 runs/s · 1 failing · attempt · ETA 1m35s"
        );
        assert!(lines[3].starts_with("[  20.0s] attempt 21/100 · 41 runs · 2.0 runs/s · 4 failing"));
    }

    #[test]
    fn no_line_before_the_interval_and_one_per_run_at_zero() {
        let (r, log, ms) = reporter(Duration::from_secs(5));
        for i in 0..9 {
            ms.store(i * 500, Ordering::SeqCst);
            r.update(&progress(i as usize + 1, 1, 1, 0));
        }
        assert_eq!(log.text(), "");

        let (r, log, _) = reporter(Duration::ZERO);
        for i in 0..3 {
            r.update(&progress(i + 1, 1, 1, 0));
        }
        assert_eq!(log.text().lines().count(), 3);
    }

    #[test]
    fn findings_are_printed_at_once_and_the_summary_counts_what_was_seen() {
        let (r, log, ms) = reporter(Duration::from_secs(60));
        // Runs 11..=20 of a fuzzer that had made 10 before.
        for i in 0..10u64 {
            ms.store(i * 1000, Ordering::SeqCst);
            r.update(&progress(11 + i as usize, 1, 1, 0));
        }
        // A finding whose message starts with a blank line.
        let fuzzer = ConfigFuzzer::<Flags>::new(
            || -> Result<(), String> {
                if Flags::read(|c| c.fuse) {
                    Ok(())
                } else {
                    Err("\nboom at src/lib.rs:3\nmore".to_string())
                }
            },
            0,
        );
        let off = ConfigDiff::from([("fuse".to_string(), Value::Bool(false))]);
        let finding = fuzzer.try_minimize(&off).unwrap().expect("it fails");
        r.found(&finding);
        assert_eq!(
            log.text(),
            "found: failed: returned an error  fuse = false\n    boom at src/lib.rs:3\n"
        );
        ms.store(10_000, Ordering::SeqCst);
        r.finish();
        let text = log.text();
        assert_eq!(
            text.lines().last(),
            Some("done: 10 runs in 10.0s (1.0 runs/s), 1 finding")
        );
        // A finished reporter starts afresh.
        r.finish();
        assert_eq!(
            log.text().lines().last(),
            Some("done: 0 runs in 0.0s (- runs/s), 0 findings")
        );
    }

    #[derive(crate::FuzzableConfig, Clone, Debug, PartialEq)]
    struct Named {
        #[config(default = String::from("safe"))]
        mode: String,
    }

    #[test]
    fn json_values_show_a_finding_as_json_and_one_run_is_singular() {
        let (r, log, _) = reporter(Duration::from_secs(60));
        let r = r.json_values();
        // Drawn values kept, so the finding shows `"exact"` (value shrinking
        // would report the simplest failing string, `""`).
        let fuzzer = ConfigFuzzer::<Named>::new(|| Named::read(|c| c.mode == "safe"), 0)
            .shrink_values(false);
        let diff = ConfigDiff::from([("mode".to_string(), Value::Str("exact".into()))]);
        let finding = fuzzer.try_minimize(&diff).unwrap().expect("it fails");
        r.found(&finding);
        assert_eq!(
            log.text(),
            "found: failed: returned false  mode = \"exact\"\n    the test returned false\n"
        );
        r.update(&progress(1, 1, 1, 0));
        r.finish();
        let text = log.text();
        assert!(
            text.lines().last().unwrap().starts_with("done: 1 run in "),
            "{text}"
        );
    }

    #[derive(crate::FuzzableConfig, Clone, Debug, PartialEq)]
    struct Flags {
        #[config(default = true)]
        fuse: bool,
        unroll: bool,
        vectorize: bool,
    }

    #[test]
    fn a_hunt_reports_its_findings_and_summary() {
        let (r, log, _) = reporter(Duration::ZERO);
        let fuzzer = ConfigFuzzer::<Flags>::new(
            || Flags::read(|c| c.fuse || !c.unroll) && Flags::read(|c| !c.vectorize),
            7,
        )
        .progress(r.clone());
        let hunt = fuzzer.hunt(12, 0.7).unwrap();
        r.finish_hunt(&hunt);
        let text = log.text();
        assert!(!text.contains('\r'));
        let found: Vec<&str> = text.lines().filter(|l| l.starts_with("found: ")).collect();
        assert_eq!(found.len(), hunt.findings().len(), "{text}");
        assert_eq!(found.len(), 2, "{text}");
        assert!(found.contains(&"found: failed: returned false  vectorize = true"));
        assert!(found.contains(&"found: failed: returned false  fuse = false, unroll = true"));
        // One progress line per run at interval zero.
        let progress_lines = text.lines().filter(|l| l.starts_with('[')).count();
        assert_eq!(progress_lines, hunt.runs());
        let summary = text.lines().last().unwrap();
        let expected = format!(
            "done: 12 attempts, {} failing, 2 distinct findings, {} runs in ",
            hunt.failing_attempts(),
            hunt.runs()
        );
        assert!(summary.starts_with(&expected), "{summary}");
    }

    #[test]
    fn a_sweep_summary_counts_results() {
        let (r, log, _) = reporter(Duration::from_secs(5));
        let fuzzer =
            ConfigFuzzer::<Flags>::new(|| Flags::read(|c| !c.vectorize), 0).progress(r.clone());
        let results = fuzzer.fuzz_n_tuple(2, 10);
        r.finish_results(&results);
        assert!(log
            .text()
            .starts_with("done: 3 configs ran, 2 failed, 0 skipped in "));
    }

    /// A terminal that records what is drawn on it.
    #[derive(Debug, Default, Clone)]
    struct Screen(Arc<Mutex<Vec<String>>>);

    impl indicatif::TermLike for Screen {
        fn width(&self) -> u16 {
            160
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.0.lock().unwrap().push(s.to_string());
            Ok(())
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            self.0.lock().unwrap().push(s.to_string());
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_bar_shows_attempts_eta_rate_failures_and_phase() {
        let screen = Screen::default();
        let r = ProgressReporter::bar_on(ProgressDrawTarget::term_like(Box::new(screen.clone())));
        let mut p = progress(41, 20, 100, 3);
        p.phase = Phase::Minimize;
        r.update(&p);
        r.message("found: something");
        let drawn = screen.0.lock().unwrap().join("\n");
        assert!(drawn.contains("found: something"), "{drawn}");
        // The last drawing of the bar (setting the style drew one too).
        let bar = drawn
            .lines()
            .rfind(|l| l.contains("attempts"))
            .unwrap_or_else(|| panic!("no bar in {drawn:?}"));
        assert!(bar.contains("19/100 attempts, ETA "), "{bar}");
        assert!(bar.contains("minimize · 1 runs · "), "{bar}");
        assert!(bar.contains("runs/s · 3 failing"), "{bar}");
        assert!(!bar.contains('\n'));
        r.finish();
        let drawn = screen.0.lock().unwrap().join("\n");
        let done = drawn[drawn.rfind("found: something").unwrap()..]
            .lines()
            .find(|l| l.starts_with("done: "));
        assert!(
            done.is_some_and(|l| l.starts_with("done: 1 run in ")),
            "{drawn}"
        );
    }

    #[test]
    fn quiet_shows_nothing() {
        let r = ProgressReporter::quiet();
        assert!(r.is_quiet());
        r.update(&progress(1, 1, 1, 0));
        // Nothing seen: a quiet reporter keeps no state either.
        assert!(r.seen().started.is_none());
        assert!(!ProgressReporter::lines_to(Log::default(), Duration::ZERO).is_quiet());
    }
}
