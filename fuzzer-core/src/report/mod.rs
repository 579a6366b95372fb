//! [`Report`]: one self-contained HTML page per campaign, the findings
//! first, each with the ways to reproduce it, then the campaign's settings
//! and, for an n-tuple sweep, the grid of failing pairs.
//!
//! `mod.rs` holds the model a front end fills; `html.rs` writes the page;
//! `grid.rs` draws the pair grid.

mod grid;
mod html;

use std::time::Duration;

use crate::config::FuzzableConfig;
use crate::fuzz::{ConfigFuzzer, Finding, Hunt, Results, Status};
use crate::value::ConfigDiff;

/// The size a page stays under by default: 2 MB, which a browser opens at
/// once and a CI system keeps as an artifact without complaint.
pub const DEFAULT_REPORT_MAX_BYTES: usize = 2_000_000;

/// The most cells the pair grid draws by default (a grid of 200 fields).
pub const DEFAULT_REPORT_MAX_GRID_CELLS: usize = 19_900;

/// One campaign as a self-contained HTML page (no external resources): a
/// headline, the findings first (status, hit count, config, detail, and
/// each way to reproduce it with a copy button), then the campaign's
/// settings, then, for an n-tuple sweep, the upper triangle of the grid of
/// pairs over the fields involved in a failure (or asked for), failing
/// cells showing their values. The page stays under a size cap
/// ([`max_bytes`](Self::max_bytes), [`max_grid_cells`](Self::max_grid_cells));
/// what the cap left out is named in a note.
///
/// Build one from a campaign's outcome with [`from_hunt`](Self::from_hunt)
/// or [`from_results`](Self::from_results), or from scratch with
/// [`new`](Self::new) and [`finding`](Self::finding) (a front end over
/// another engine, such as the `config-fuzz` CLI). Either way, add rows
/// describing the campaign with [`campaign`](Self::campaign) and
/// [`settings_of`](Self::settings_of), and reproduction forms of your own
/// (an env-var line, a JSON file, a command) with
/// [`ReportFinding::repro`] through [`findings_mut`](Self::findings_mut).
///
/// ```
/// use fuzzer_core::prelude::*;
/// use fuzzer_core::Report;
///
/// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
/// pub struct Flags {
///     #[config(default = true)]
///     pub fuse: bool,
///     pub unroll: bool,
/// }
///
/// let fuzzer = ConfigFuzzer::<Flags>::new(|| Flags::read(|c| c.fuse || !c.unroll), 1);
/// let hunt = fuzzer.hunt(10, 0.8).unwrap();
/// let mut report = Report::from_hunt(&hunt)
///     .campaign("test", "flags::fuse_and_unroll")
///     .settings_of(&fuzzer);
/// for f in report.findings_mut() {
///     let env: Vec<String> = f.config().iter().map(|(k, v)| format!("FLAGS_{}={v}", k.to_uppercase())).collect();
///     f.add_repro("env", env.join(" "));
/// }
/// let html = report.to_html();
/// assert!(html.contains("fuse"));
/// assert!(html.contains("FLAGS_UNROLL=true"));
/// ```
#[derive(Clone, Debug)]
pub struct Report {
    title: String,
    summary: Option<String>,
    notes: Vec<String>,
    campaign: Vec<(String, String)>,
    findings: Vec<ReportFinding>,
    pairs: Option<Results>,
    grid_fields: Vec<String>,
    max_bytes: usize,
    max_grid_cells: usize,
    json_values: bool,
}

/// One distinct failure in a [`Report`]: its config (fields and values),
/// status, hit count, detail, and the ways to reproduce it.
///
/// ```
/// use fuzzer_core::prelude::*;
/// use fuzzer_core::ReportFinding;
///
/// let config = ConfigDiff::from([("fuse".to_string(), Value::Bool(false))]);
/// let f = ReportFinding::new(config, Status::FailedCrash)
///     .hits(3)
///     .detail("killed by SIGSEGV\nstderr: ...")
///     .repro("command", "config-fuzz reproduce --schema app.json --config bad.json -- ./app");
/// assert_eq!(f.hit_count(), 3);
/// assert_eq!(f.repros().len(), 1);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ReportFinding {
    config: ConfigDiff,
    status: Status,
    hits: usize,
    detail: Option<String>,
    duration: Option<Duration>,
    note: Option<String>,
    repros: Vec<(String, String)>,
}

impl ReportFinding {
    /// A finding of `config` failing with `status`, found once, with no
    /// detail and no reproduction form yet.
    pub fn new(config: ConfigDiff, status: Status) -> Self {
        ReportFinding {
            config,
            status,
            hits: 1,
            detail: None,
            duration: None,
            note: None,
            repros: Vec::new(),
        }
    }

    /// How many failing attempts led to it (default 1).
    pub fn hits(mut self, hits: usize) -> Self {
        self.hits = hits;
        self
    }

    /// Its message: error text, panic message, signal and stderr tail. The
    /// page escapes it, and folds all but its first lines when it is long.
    pub fn detail(mut self, text: impl Into<String>) -> Self {
        self.detail = Some(text.into());
        self
    }

    /// How long the failing run took.
    pub fn duration(mut self, duration: Duration) -> Self {
        self.duration = Some(duration);
        self
    }

    /// A remark shown under the config, e.g. that shrinking stopped early.
    pub fn note(mut self, text: impl Into<String>) -> Self {
        self.note = Some(text.into());
        self
    }

    /// Adds a way to reproduce it: a `label` (`Rust`, `env`, `JSON file`,
    /// `command`) and the exact text to paste, shown with a copy button.
    pub fn repro(mut self, label: impl Into<String>, text: impl Into<String>) -> Self {
        self.add_repro(label, text);
        self
    }

    /// [`repro`](Self::repro) on a finding already in a report (through
    /// [`Report::findings_mut`]).
    pub fn add_repro(&mut self, label: impl Into<String>, text: impl Into<String>) {
        self.repros.push((label.into(), text.into()));
    }

    /// The failing config, by dotted field name.
    pub fn config(&self) -> &ConfigDiff {
        &self.config
    }

    /// How it fails.
    pub fn status(&self) -> Status {
        self.status
    }

    /// How many failing attempts led to it.
    pub fn hit_count(&self) -> usize {
        self.hits
    }

    /// Its reproduction forms: (label, text), in the order added.
    pub fn repros(&self) -> &[(String, String)] {
        &self.repros
    }
}

/// A hunt's finding, with its Rust snippet (pins included) as the `Rust`
/// form, and a note if shrinking stopped at a limit.
impl From<&Finding> for ReportFinding {
    fn from(f: &Finding) -> Self {
        let mut out = ReportFinding::new(f.config().clone(), f.status())
            .hits(f.hits())
            .duration(f.detail().duration)
            .repro("Rust", f.repro_snippet());
        out.detail = f.detail().message.clone();
        let mut notes = Vec::new();
        if f.replayed() {
            notes.push("replayed from the regressions file, and still fails".to_string());
        }
        if let Some(limit) = f.shrink_limit() {
            notes.push(format!(
                "{limit}: this config may hold fields that do not matter"
            ));
        }
        if !notes.is_empty() {
            out.note = Some(notes.join("; "));
        }
        out
    }
}

impl Report {
    /// An empty report titled `title` (the page's heading and title).
    pub fn new(title: impl Into<String>) -> Self {
        Report {
            title: title.into(),
            summary: None,
            notes: Vec::new(),
            campaign: Vec::new(),
            findings: Vec::new(),
            pairs: None,
            grid_fields: Vec::new(),
            max_bytes: DEFAULT_REPORT_MAX_BYTES,
            max_grid_cells: DEFAULT_REPORT_MAX_GRID_CELLS,
            json_values: false,
        }
    }

    /// The report of a [`Hunt`]: its findings (in the order first found,
    /// with hit counts, detail and Rust snippet), its counts (attempts,
    /// failing attempts, runs, elapsed time) and, in words, whether later
    /// attempts were kept clear of the bugs found
    /// ([`forbid_found`](ConfigFuzzer::forbid_found)).
    pub fn from_hunt(hunt: &Hunt) -> Self {
        let mut report = Report::new("Config fuzzer hunt")
            .summary(format!(
                "{} attempts, {} failing, {} runs in {:.1?}.",
                hunt.attempts(),
                hunt.failing_attempts(),
                hunt.runs(),
                hunt.elapsed()
            ))
            .campaign("attempts", hunt.attempts().to_string())
            .campaign("failing attempts", hunt.failing_attempts().to_string())
            .campaign("runs", hunt.runs().to_string())
            .campaign("elapsed", format!("{:.1?}", hunt.elapsed()));
        if let Some(c) = hunt.campaign() {
            report = report.campaign("campaign", campaign_text(c));
            report = option_rows(report, c);
        }
        if hunt.resumed_runs() > 0 {
            report = report.campaign(
                "resumed runs",
                format!("{} (answered from the state file)", hunt.resumed_runs()),
            );
        }
        for w in hunt.regression_warnings() {
            report = report.note(format!("regressions file: {w}"));
        }
        for f in hunt.findings() {
            report = report.finding(f.into());
        }
        report
    }

    /// The report of `results` (an n-tuple sweep, a replay) of config type
    /// `C`: each failing config a finding, with a Rust snippet that
    /// installs it (without the fuzzer's pins: add those to the test, or
    /// build the snippet with [`ConfigFuzzer::repro_snippet`]); the counts;
    /// how each combination's values were picked
    /// ([`n_tuple_draw`](ConfigFuzzer::n_tuple_draw)); and, for a sweep of
    /// pairs, the pair grid.
    pub fn from_results<C: FuzzableConfig>(results: &Results) -> Self {
        let mut report = Self::results_untyped(results);
        for f in &mut report.findings {
            let snippet = crate::repro::repro_snippet::<C>(&f.config);
            f.add_repro("Rust", snippet);
        }
        report
    }

    /// The report of `results` whatever their config type: what
    /// `Results::to_html` shows. Each finding's form is its config as a
    /// JSON object.
    pub(crate) fn results_untyped(results: &Results) -> Self {
        let failed = results.failures().count();
        let mut report = Report::new("Config fuzzer results").summary(format!(
            "{} configs, {} ran, {} skipped, {failed} failed.",
            results.num_ran().saturating_add(results.num_skipped()),
            results.num_ran(),
            results.num_skipped()
        ));
        if let Some(c) = &results.campaign {
            report = report.campaign("campaign", campaign_text(c));
        }
        if let Some((n, _)) = results.sweep_shape() {
            report = report.campaign("sweep", format!("n-tuple, n = {n}"));
        }
        if let Some(c) = &results.campaign {
            report = option_rows(report, c);
        }
        report = report
            .campaign("configs ran", results.num_ran().to_string())
            .campaign("failed", failed.to_string())
            .campaign("skipped", results.num_skipped().to_string());
        for e in results.failures() {
            let mut f = ReportFinding::new(e.config.clone(), e.status)
                .duration(e.detail.duration)
                .repro("JSON", config_json(&e.config));
            f.detail = e.detail.message.clone();
            report = report.finding(f);
        }
        if results.sweep_shape().is_some_and(|(n, _)| n == 2) {
            report = report.pairs(results);
        }
        report
    }

    /// Replaces the title (the page's heading), e.g. the name of the
    /// campaign after [`from_hunt`](Self::from_hunt).
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// The line under the headline: the campaign's counts in a sentence
    /// (`200 attempts, 17 failing, 1234 runs in 25.1s.`).
    pub fn summary(mut self, text: impl Into<String>) -> Self {
        self.summary = Some(text.into());
        self
    }

    /// Adds a note under the summary, for what a reader must not miss (a
    /// warning, entries of a regressions file that could not be replayed).
    pub fn note(mut self, text: impl Into<String>) -> Self {
        self.notes.push(text.into());
        self
    }

    /// Adds a row to the campaign table: the command or test name, an
    /// option, anything a reader needs to rerun it.
    pub fn campaign(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.campaign.push((key.into(), value.into()));
        self
    }

    /// Adds the fuzzer's settings to the campaign table: config type,
    /// seed, sampling, isolation, jobs, timeout, confirmation and pins.
    pub fn settings_of<C: FuzzableConfig>(mut self, fuzzer: &ConfigFuzzer<C>) -> Self {
        self.campaign.extend(fuzzer.report_settings());
        self
    }

    /// Adds a finding. One with the same config and status as a finding
    /// already there is merged into it: hits add up, new reproduction
    /// forms are kept.
    pub fn finding(mut self, finding: ReportFinding) -> Self {
        match self
            .findings
            .iter_mut()
            .find(|f| f.status == finding.status && f.config == finding.config)
        {
            Some(same) => {
                same.hits = same.hits.saturating_add(finding.hits);
                for form in finding.repros {
                    if !same.repros.contains(&form) {
                        same.repros.push(form);
                    }
                }
                if same.detail.is_none() {
                    same.detail = finding.detail;
                }
            }
            None => self.findings.push(finding),
        }
        self
    }

    /// The findings, to add reproduction forms to each
    /// ([`ReportFinding::add_repro`]).
    pub fn findings_mut(&mut self) -> &mut [ReportFinding] {
        &mut self.findings
    }

    /// The findings, in the order added.
    pub fn findings(&self) -> &[ReportFinding] {
        &self.findings
    }

    /// Draws the pair grid of `results` (its configs of two fields): the
    /// upper triangle over the fields of the failing pairs and those of
    /// [`grid_fields`](Self::grid_fields). Results without failing pairs
    /// and no fields asked for give no grid.
    pub fn pairs(mut self, results: &Results) -> Self {
        self.pairs = Some(results.clone());
        self
    }

    /// Fields the pair grid shows even if no failure involves them.
    pub fn grid_fields<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.grid_fields.extend(names.into_iter().map(Into::into));
        self
    }

    /// The size the page stays under (default
    /// [`DEFAULT_REPORT_MAX_BYTES`]); findings and grid rows past it are
    /// left out, with a note saying how many.
    pub fn max_bytes(mut self, bytes: usize) -> Self {
        self.max_bytes = bytes;
        self
    }

    /// The most cells the pair grid draws (default
    /// [`DEFAULT_REPORT_MAX_GRID_CELLS`]); fields past it are left out of
    /// the grid, with a note naming how many.
    pub fn max_grid_cells(mut self, cells: usize) -> Self {
        self.max_grid_cells = cells;
        self
    }

    /// Shows field values as JSON (`"debug"`, `null`, `["a"]`) instead of
    /// the Rust expressions that build them (`String::from("debug")`,
    /// `None`, `vec![..]`): for reports of programs configured from a JSON
    /// Schema (such as `config-fuzz`'s), whose readers write JSON.
    ///
    /// ```
    /// use fuzzer_core::prelude::*;
    /// use fuzzer_core::{Report, ReportFinding};
    ///
    /// let config = ConfigDiff::from([("mode".to_string(), Value::Str("exact".into()))]);
    /// let finding = ReportFinding::new(config, Status::FailedError);
    /// let rust = Report::new("t").finding(finding.clone()).to_html();
    /// assert!(rust.contains("String::from(&quot;exact&quot;)"));
    /// let json = Report::new("t").json_values().finding(finding).to_html();
    /// assert!(json.contains("&quot;exact&quot;") && !json.contains("String::from"));
    /// ```
    pub fn json_values(mut self) -> Self {
        self.json_values = true;
        self
    }

    /// A field value as this report shows it (see [`json_values`](Self::json_values)).
    pub(crate) fn show_value(&self, v: &crate::value::Value) -> String {
        if self.json_values {
            v.to_json()
        } else {
            v.to_string()
        }
    }

    /// The page.
    pub fn to_html(&self) -> String {
        html::render(self)
    }

    /// Writes the page to `path`.
    pub fn write_html(&self, path: impl AsRef<std::path::Path>) -> std::io::Result<()> {
        std::fs::write(path, self.to_html())
    }
}

/// What campaign it was: kind, config, seed and shard.
fn campaign_text(c: &crate::Campaign) -> String {
    let mut text = format!("{} of {}, seed {}", c.kind(), c.config(), c.seed());
    if let Some((k, n)) = c.shard() {
        text.push_str(&format!(", shard {k}/{n}"));
    }
    text
}

/// The row key of a hunt's `forbid_found` option.
const FORBID_FOUND_ROW: &str = "later attempts kept clear of bugs found";
/// The row key of an n-tuple sweep's `draw` option.
const DRAW_ROW: &str = "values tried per combination of fields";

/// Rows for the campaign options a reader cannot guess from the counts, in
/// words: whether a hunt kept later attempts clear of the bugs it had found
/// (`forbid_found`), and how an n-tuple sweep picked each combination's
/// values (`draw`). Options a campaign does not have add no row.
fn option_rows(mut report: Report, c: &crate::Campaign) -> Report {
    if let Some(forbid) = c
        .option("forbid_found")
        .and_then(serde_json::Value::as_bool)
    {
        let text = if forbid {
            "yes (forbid_found: before an attempt runs, bugs already found are taken out of it)"
        } else {
            "no (forbid_found off: an attempt may find a bug already found again)"
        };
        report = report.campaign(FORBID_FOUND_ROW, text);
    }
    if let Some(draw) = c.option("draw").and_then(serde_json::Value::as_str) {
        let text = match draw {
            "all-levels" => "every non-default value of each field (all-levels)".to_string(),
            "single" => "one drawn value of each field (single)".to_string(),
            other => format!("{other} (n_tuple_draw)"),
        };
        report = report.campaign(DRAW_ROW, text);
    }
    report
}

/// A config as one JSON object, by dotted field name.
fn config_json(config: &ConfigDiff) -> String {
    let fields: Vec<String> = config
        .iter()
        .map(|(k, v)| format!("{}: {}", serde_json::Value::from(k.as_str()), v.to_json()))
        .collect();
    format!("{{{}}}", fields.join(", "))
}

/// What `Results::to_html` writes: the report of results of any config
/// type.
pub(crate) fn results_html(results: &Results) -> String {
    Report::results_untyped(results).to_html()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    #[derive(crate::FuzzableConfig, Clone, Debug, PartialEq)]
    struct Six {
        a: bool,
        b: bool,
        c: bool,
        d: bool,
        e: bool,
        #[fuzz(skip)]
        f: bool,
    }

    /// Fails when a and b are both on, or c and d.
    fn two_bugs() -> bool {
        Six::read(|c| !((c.a && c.b) || (c.c && c.d)))
    }

    fn diff(pairs: &[(&str, Value)]) -> ConfigDiff {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn details_are_escaped_and_long_ones_folded() {
        let long: String = (0..20).map(|i| format!("line {i} <b>&\n")).collect();
        let html = Report::new("t <x>")
            .finding(
                ReportFinding::new(diff(&[("a", Value::Bool(true))]), Status::FailedPanic)
                    .detail(format!("<script>alert(1)</script>\n{long}")),
            )
            .finding(
                ReportFinding::new(diff(&[("b", Value::Bool(true))]), Status::FailedError)
                    .detail("short 'one'"),
            )
            .to_html();
        assert!(!html.contains("<script>alert"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("<title>t &lt;x&gt;</title>"));
        // The long one: its first lines, then all of it folded.
        assert_eq!(html.matches("<details class=\"detail-full\">").count(), 1);
        assert!(html.contains("<summary>full detail (21 lines, "));
        assert!(html.contains("<pre class=\"detail\">short &#39;one&#39;</pre>"));
    }

    #[test]
    fn findings_with_the_same_config_and_status_are_merged() {
        let one = diff(&[("a", Value::Bool(true))]);
        let report = Report::new("t")
            .finding(
                ReportFinding::new(one.clone(), Status::FailedPanic)
                    .hits(2)
                    .repro("Rust", "x"),
            )
            .finding(
                ReportFinding::new(one.clone(), Status::FailedPanic)
                    .hits(3)
                    .repro("Rust", "x")
                    .repro("env", "A=1"),
            )
            .finding(ReportFinding::new(one, Status::FailedError));
        assert_eq!(report.findings().len(), 2);
        assert_eq!(report.findings()[0].hit_count(), 5);
        assert_eq!(report.findings()[0].repros().len(), 2);
        let html = report.to_html();
        assert!(html.contains("<b>2 distinct failing configs</b> (6 hits)"));
        assert!(html.contains("data-status=\"failed_panic\" data-hits=\"5\""));
        // The index: a line per finding, linking to its card.
        assert!(html.contains(
            "<tr class=\"failed\"><td><a href=\"#finding-0\">failed: panicked</a></td><td>5</td><td>a = true</td></tr>"
        ));
        assert!(
            html.contains("<a href=\"#finding-1\">failed: returned an error</a></td><td>1</td>")
        );
        // A copy button per form, each pointing at its own text.
        assert_eq!(html.matches("<button class=\"copy\"").count(), 2);
        assert!(
            html.contains("data-target=\"repro-0-1\">copy</button><pre id=\"repro-0-1\">A=1</pre>")
        );
    }

    #[test]
    fn a_hunt_report_puts_findings_before_the_campaign() {
        let fuzzer = ConfigFuzzer::<Six>::new(two_bugs, 3);
        let hunt = fuzzer.hunt(30, 0.6).unwrap();
        assert_eq!(hunt.findings().len(), 2);
        let html = Report::from_hunt(&hunt)
            .campaign("test", "report::two_bugs")
            .settings_of(&fuzzer)
            .to_html();
        let findings = html.find("<section id=\"findings\">").unwrap();
        let campaign = html.find("<section id=\"campaign\">").unwrap();
        assert!(findings < campaign);
        assert!(!html.contains("<section id=\"grid\">"));
        for f in hunt.findings() {
            assert!(html.contains(&format!("data-hits=\"{}\"", f.hits())));
            let snippet = html_escape(f.repro_snippet());
            assert!(html.contains(&snippet), "{snippet}");
        }
        assert!(html.contains("<tr><th>seed</th><td>3</td></tr>"));
        assert!(html.contains("<tr><th>pins</th><td>1 field: f = false</td></tr>"));
        assert!(html.contains("<tr><th>test</th><td>report::two_bugs</td></tr>"));
        assert!(html.contains(&format!(
            "<p id=\"summary\">30 attempts, {} failing, {} runs in ",
            hunt.failing_attempts(),
            hunt.runs()
        )));
    }

    fn html_escape(s: &str) -> String {
        html::escape(s)
    }

    #[test]
    fn the_grid_is_the_upper_triangle_over_failing_fields() {
        let fuzzer = ConfigFuzzer::<Six>::new(two_bugs, 0);
        let results = fuzzer.fuzz_n_tuple(2, 100);
        let html = Report::from_results::<Six>(&results).to_html();
        // a, b, c, d: 3 columns, 3 rows, 6 cells, 2 failing.
        assert_eq!(html.matches("<th class=\"col\">").count(), 3);
        assert_eq!(html.matches("<th class=\"row\">").count(), 3);
        assert_eq!(html.matches("<td class=\"failed\"").count(), 2);
        assert_eq!(html.matches("<td class=\"passed\"").count(), 4);
        assert_eq!(html.matches("<td class=\"none\">").count(), 3);
        // Failing cells show the values.
        assert!(html.contains(
            "data-status=\"failed_return\">R<span class=\"v\">true</span><span class=\"v\">true</span></td>"
        ));
        // Row a: its cell with b first, failing.
        let row_a = html.find("<th class=\"row\">a</th>").unwrap();
        assert!(html[row_a..].starts_with("<th class=\"row\">a</th><td class=\"failed\""));
        // Findings first, with both forms.
        assert!(html.find("id=\"findings\"").unwrap() < html.find("id=\"grid\"").unwrap());
        assert!(
            html.contains("<pre id=\"repro-0-0\">{&quot;a&quot;: true, &quot;b&quot;: true}</pre>")
        );
        assert!(
            html.contains("let _config = Six::patch(|c| {\n    c.a = true;\n    c.b = true;\n});")
        );

        // Fields asked for join the grid; one with a skipped pair shows it.
        let html = Report::from_results::<Six>(&results)
            .grid_fields(["e", "f", "nope"])
            .to_html();
        assert_eq!(html.matches("<th class=\"col\">").count(), 5);
        assert_eq!(html.matches("<td class=\"skipped\"").count(), 5);
        assert!(
            html.contains("`nope` was asked for in the grid but is not a field of these results.")
        );
    }

    #[test]
    fn the_grid_cell_cap_keeps_the_fields_in_most_failures() {
        let fuzzer = ConfigFuzzer::<Six>::new(|| Six::read(|c| !(c.a && (c.b || c.c || c.d))), 0);
        let results = fuzzer.fuzz_n_tuple(2, 100);
        let html = Report::from_results::<Six>(&results)
            .max_grid_cells(3)
            .to_html();
        // a is in 3 failing pairs, b, c, d in one each: a and the first two.
        assert!(html.contains("The grid shows 3 of 4 fields (capped at 3 cells); the failing pairs of the 1 left out are in the findings above."));
        assert_eq!(html.matches("<th class=\"col\">").count(), 2);
        assert!(html.contains("<th class=\"row\">a</th>"));
        assert_eq!(html.matches("id=\"finding-").count(), 3);
    }

    #[test]
    fn no_failing_pair_no_grid() {
        let fuzzer = ConfigFuzzer::<Six>::new(|| true, 0);
        let html = fuzzer.fuzz_n_tuple(2, 100).to_html();
        assert!(html.contains("No failure found."));
        assert!(html.contains(
            "id=\"grid-none\">No pair failed, so there is no grid to draw (10 pairs ran"
        ));
        assert!(!html.contains("<table class=\"grid\">"));
    }

    #[test]
    fn the_size_cap_leaves_out_findings_with_a_note() {
        let mut report = Report::new("big").max_bytes(100_000);
        for i in 0..50 {
            report = report.finding(
                ReportFinding::new(diff(&[("a", Value::Int(i))]), Status::FailedError)
                    .detail("x".repeat(10_000)),
            );
        }
        let html = report.to_html();
        assert!(html.len() <= 100_000, "{}", html.len());
        let shown = html.matches("<article class=\"finding").count();
        assert!(shown > 0 && shown < 50);
        assert!(html.contains(&format!(
            "{} more findings left out: the page is capped at 100000 bytes.",
            50 - shown
        )));
    }

    #[test]
    fn a_hunt_report_names_its_campaign_shard_and_replayed_findings() {
        let path = std::env::temp_dir().join(format!(
            "fuzzer-core-report-regressions-{}.txt",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&path);
        let first = ConfigFuzzer::<Six>::new(two_bugs, 3).regressions(&path);
        assert_eq!(first.hunt(30, 0.6).unwrap().findings().len(), 2);
        // A later shard replays the file first.
        let later = ConfigFuzzer::<Six>::new(two_bugs, 4)
            .regressions(&path)
            .shard(1, 2)
            .unwrap();
        let hunt = later.hunt(2, 0.0).unwrap();
        let _ = std::fs::remove_file(&path);
        assert!(hunt.findings().iter().all(|f| f.replayed()));
        let html = Report::from_hunt(&hunt).note("a <warning>").to_html();
        assert!(html.contains("<tr><th>campaign</th><td>hunt of Six, seed 4, shard 1/2</td></tr>"));
        assert_eq!(
            html.matches(
                "<p class=\"note\">replayed from the regressions file, and still fails</p>"
            )
            .count(),
            2
        );
        assert!(html.contains("<p class=\"note warning\">a &lt;warning&gt;</p>"));
        // The note comes before the findings.
        assert!(html.find("note warning").unwrap() < html.find("id=\"findings\"").unwrap());
    }

    #[test]
    fn long_campaign_values_and_grid_values_are_cut_short() {
        let long = "x".repeat(1000);
        let html = Report::new("t").campaign("pins", long.clone()).to_html();
        assert!(html.contains("<tr><th>pins</th><td><details><summary>"));
        assert!(html.contains(&format!("</summary>{long}</details>")));
        assert_eq!(html::clip("abcdef", 3), "abc…");
        assert_eq!(html::clip("abc", 3), "abc");
        assert_eq!(html::clip("ééé", 2), "éé…");
    }

    #[test]
    fn the_page_records_script_errors_and_has_no_external_resources() {
        let html = Report::new("t").to_html();
        let errors = html.find("data-script-errors").unwrap();
        let style = html.find("<style>").unwrap();
        assert!(
            errors < style,
            "the error recorder runs before anything else"
        );
        let html = Report::new("t")
            .finding(ReportFinding::new(ConfigDiff::new(), Status::FailedPanic).repro("Rust", "x"))
            .finding(ReportFinding::new(ConfigDiff::new(), Status::FailedError).repro("Rust", "y"))
            .to_html();
        // Links only within the page (the index of findings).
        assert_eq!(html.matches("href=\"#finding-").count(), 2);
        assert_eq!(html.matches("href=").count(), 2);
        for external in ["src=", "@import", "url(", "http:", "https:"] {
            assert!(!html.contains(external), "{external}");
        }
        assert!(html.contains("setAttribute('data-ready','1')"));
    }
}
