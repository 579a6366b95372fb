//! What a campaign found, as `--json OUT`, `--html OUT` and the summary
//! printed at the end.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use fuzzer_core::{ConfigDiff, ReportFinding, Results, Status};
use serde_json::{json, Map, Value as Json};

/// One failing config as the CLI reports it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Found {
    /// The fields that differ from the defaults (pins left out), dotted.
    pub(crate) config: Map<String, Json>,
    /// The same, as the engine has it.
    pub(crate) diff: ConfigDiff,
    pub(crate) status: Status,
    /// Failing attempts that shrank to it (1 for a config run once).
    pub(crate) hits: usize,
    pub(crate) detail: String,
}

impl Found {
    /// From a config the engine reports.
    pub(crate) fn new(config_diff: &ConfigDiff, status: Status, hits: usize, detail: &str) -> Self {
        let config = config_diff
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::to_value(v).unwrap_or(Json::Null)))
            .collect();
        Found {
            config,
            diff: config_diff.clone(),
            status,
            hits,
            detail: detail.to_string(),
        }
    }
}

/// Labelled ways to run a finding (its config) again, for the report.
pub(crate) type ReproForms<'a> = dyn Fn(&Map<String, Json>) -> Vec<(String, String)> + 'a;

/// The campaign's record: what ran, how, and what it found.
#[derive(Clone, Debug)]
pub(crate) struct Report {
    pub(crate) subcommand: &'static str,
    /// The `--json` keys besides `findings`: command, schema, seed, options.
    pub(crate) campaign: Map<String, Json>,
    pub(crate) runs: usize,
    pub(crate) elapsed: Duration,
    pub(crate) findings: Vec<Found>,
    /// An n-tuple sweep's results, for the report's pair grid.
    pub(crate) pairs: Option<Results>,
}

/// The name `--json` gives a status: the `Status` variant's name.
pub(crate) fn status_name(status: Status) -> String {
    format!("{status:?}")
}

impl Report {
    /// Whether anything failed (the exit status is 1 then).
    pub(crate) fn failed(&self) -> bool {
        self.findings.iter().any(|f| f.status.is_failing())
    }

    /// The `--json` document.
    pub(crate) fn to_json(&self) -> Json {
        let mut doc = self.campaign.clone();
        doc.insert("subcommand".into(), json!(self.subcommand));
        doc.insert("runs".into(), json!(self.runs));
        doc.insert(
            "elapsed_secs".into(),
            json!((self.elapsed.as_secs_f64() * 1000.0).round() / 1000.0),
        );
        let findings: Vec<Json> = self
            .findings
            .iter()
            .map(|f| {
                json!({
                    "config": f.config,
                    "status": status_name(f.status),
                    "hits": f.hits,
                    "detail": f.detail,
                })
            })
            .collect();
        doc.insert("findings".into(), Json::Array(findings));
        Json::Object(doc)
    }

    /// The HTML page (the library's campaign report): the findings first,
    /// each with the reproduction `forms` gives it, then the campaign, and
    /// the pair grid for an n-tuple sweep.
    pub(crate) fn to_html(&self, forms: &ReproForms<'_>) -> String {
        let failing = self
            .findings
            .iter()
            .filter(|f| f.status.is_failing())
            .count();
        let mut page = fuzzer_core::Report::new(format!("config-fuzz {}", self.subcommand))
            .json_values()
            .summary(format!(
                "{} run{} in {:.1}s, {}",
                self.runs,
                if self.runs == 1 { "" } else { "s" },
                self.elapsed.as_secs_f64(),
                match failing {
                    0 => "no failure found".to_string(),
                    1 => "1 failing config".to_string(),
                    n => format!("{n} failing configs"),
                }
            ));
        for (key, value) in &self.campaign {
            if matches!(key.as_str(), "hunt" | "results" | "findings") || value.is_null() {
                continue;
            }
            let text = match value {
                Json::String(s) => s.clone(),
                Json::Array(words) if key == "command" => words
                    .iter()
                    .map(|w| shell_quote(w.as_str().unwrap_or_default()))
                    .collect::<Vec<_>>()
                    .join(" "),
                other => other.to_string(),
            };
            page = page.campaign(key.as_str(), text);
        }
        page = page
            .campaign("runs", self.runs.to_string())
            .campaign("elapsed", format!("{:.1}s", self.elapsed.as_secs_f64()));
        for f in &self.findings {
            let mut card = ReportFinding::new(f.diff.clone(), f.status).hits(f.hits);
            if !f.detail.is_empty() {
                card = card.detail(f.detail.clone());
            }
            for (label, text) in forms(&f.config) {
                card = card.repro(label, text);
            }
            page = page.finding(card);
        }
        if let Some(results) = &self.pairs {
            page = page.pairs(results);
        }
        page.to_html()
    }

    /// The summary for people: each finding, its detail's first lines and
    /// how to run it again.
    pub(crate) fn summary(&self, reproduce: &dyn Fn(&Map<String, Json>) -> String) -> String {
        let mut out = String::new();
        let failing: Vec<&Found> = self
            .findings
            .iter()
            .filter(|f| f.status.is_failing())
            .collect();
        let _ = writeln!(
            out,
            "config-fuzz {}: {} run{} in {:.1}s, {}",
            self.subcommand,
            self.runs,
            if self.runs == 1 { "" } else { "s" },
            self.elapsed.as_secs_f64(),
            match failing.len() {
                0 => "no failure found".to_string(),
                1 => "1 failing config".to_string(),
                n => format!("{n} failing configs"),
            }
        );
        for f in failing {
            let _ = writeln!(
                out,
                "\n{} ({} hit{}): {}",
                status_name(f.status),
                f.hits,
                if f.hits == 1 { "" } else { "s" },
                Json::Object(f.config.clone())
            );
            for line in f.detail.lines().take(6) {
                let _ = writeln!(out, "    {line}");
            }
            if f.detail.lines().count() > 6 {
                let _ = writeln!(out, "    ...");
            }
            let _ = writeln!(out, "  reproduce: {}", reproduce(&f.config));
        }
        out
    }
}

/// Writes `text` to `path`, replacing it whole (a reader never sees half
/// a file).
pub(crate) fn write_file(path: &Path, text: &str) -> Result<(), String> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("could not write {}: {e}", path.display())
        })
}

/// `text` quoted for a POSIX shell when it needs it.
pub(crate) fn shell_quote(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%{}".contains(c));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fuzzer_core::Value;

    fn report() -> Report {
        let config = ConfigDiff::from([
            ("cache.enabled".to_string(), Value::Bool(false)),
            ("mode".to_string(), Value::Str("exact".into())),
        ]);
        let mut campaign = Map::new();
        campaign.insert("seed".into(), json!(7));
        Report {
            subcommand: "hunt",
            campaign,
            runs: 12,
            elapsed: Duration::from_millis(1500),
            findings: vec![Found::new(
                &config,
                Status::FailedCrash,
                3,
                "was killed by SIGSEGV (11)",
            )],
            pairs: None,
        }
    }

    #[test]
    fn the_json_has_the_fixed_shape() {
        let doc = report().to_json();
        assert_eq!(
            doc["findings"],
            json!([{
                "config": {"cache.enabled": false, "mode": "exact"},
                "status": "FailedCrash",
                "hits": 3,
                "detail": "was killed by SIGSEGV (11)",
            }])
        );
        assert_eq!(doc["seed"], json!(7));
        assert_eq!(doc["runs"], json!(12));
        assert_eq!(doc["subcommand"], json!("hunt"));
    }

    #[test]
    fn the_summary_names_each_finding_and_how_to_reproduce_it() {
        let text = report().summary(&|c| format!("again {}", Json::Object(c.clone())));
        assert!(
            text.starts_with("config-fuzz hunt: 12 runs in 1.5s, 1 failing config\n"),
            "{text}"
        );
        assert!(
            text.contains("FailedCrash (3 hits): {\"cache.enabled\":false,\"mode\":\"exact\"}"),
            "{text}"
        );
        assert!(text.contains("    was killed by SIGSEGV (11)"), "{text}");
        assert!(
            text.contains("  reproduce: again {\"cache.enabled\":false,"),
            "{text}"
        );
    }

    #[test]
    fn the_html_lists_the_findings() {
        let html = report().to_html(&|_| vec![("command".into(), "run-it-again".into())]);
        assert!(html.contains("cache.enabled"), "{html}");
        assert!(html.contains("SIGSEGV"));
        assert!(
            html.contains("run-it-again"),
            "each finding's reproduction forms"
        );
    }

    #[test]
    fn the_html_shows_values_as_json_not_rust() {
        let html = report().to_html(&|_| Vec::new());
        assert!(!html.contains("String::from"), "{html}");
        assert!(
            html.contains("<td>mode</td><td>&quot;exact&quot;</td>"),
            "{html}"
        );
    }

    #[test]
    fn shell_quoting_keeps_plain_words_and_quotes_the_rest() {
        assert_eq!(shell_quote("python3"), "python3");
        assert_eq!(shell_quote("{config}"), "{config}");
        assert_eq!(shell_quote(r#"{"a": 1}"#), r#"'{"a": 1}'"#);
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
