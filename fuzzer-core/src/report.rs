//! Reports: the HTML page of a set of results.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::fuzz::{Results, Status};

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn class(status: Option<Status>) -> &'static str {
    match status {
        Some(Status::Passed) => "passed",
        Some(s) if s.is_failing() => "failed",
        _ => "skipped",
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:1.5em}\
table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 5px;text-align:center;font-size:12px}\
th.col{vertical-align:bottom;line-height:1}th.row{text-align:right}\
td.passed{background:#6c6}td.failed{background:#e55;color:#fff;font-weight:bold}td.skipped{background:#ee6}\
.legend span{display:inline-block;padding:2px 6px;margin-right:6px;border:1px solid #999}\
table.list td{text-align:left;font-family:monospace}";

/// Renders `results` as one self-contained HTML page.
pub(crate) fn results_html(results: &Results) -> String {
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Config fuzzer results</title><style>{STYLE}</style></head><body>\n"
    );
    let _ = writeln!(
        html,
        "<h1>Config fuzzer results</h1>\n<p>{} configs, {} ran, {} failed.</p>",
        results.len(),
        results.num_ran(),
        results.failures().count()
    );
    html.push_str(
        "<p class=\"legend\"><span class=\"passed\" style=\"background:#6c6\">O passed</span>\
<span style=\"background:#ee6\">- skipped / not tested</span>\
<span style=\"background:#e55;color:#fff\">R returned false</span>\
<span style=\"background:#e55;color:#fff\">E returned an error</span>\
<span style=\"background:#e55;color:#fff\">P panicked</span>\
<span style=\"background:#e55;color:#fff\">T timed out</span>\
<span style=\"background:#e55;color:#fff\">C crashed</span>\
<span style=\"background:#e55;color:#fff\">F flaky</span> (hover a cell for its config and detail)</p>\n",
    );

    // The grid of configs with exactly two fields.
    let pairs: Vec<_> = results
        .entries()
        .iter()
        .filter(|e| e.config.len() == 2)
        .collect();
    let names: BTreeSet<&str> = pairs
        .iter()
        .flat_map(|e| e.config.keys().map(String::as_str))
        .collect();
    if !names.is_empty() {
        html.push_str("<h2>Pairs of fields</h2>\n<table>\n<tr><th>\\</th>");
        for col in &names {
            let stacked: Vec<String> = col.chars().map(|c| escape(&c.to_string())).collect();
            let _ = write!(html, "<th class=\"col\">{}</th>", stacked.join("<br>"));
        }
        html.push_str("</tr>\n");
        for row in &names {
            let _ = write!(html, "<tr><th class=\"row\">{}</th>", escape(row));
            for col in &names {
                let entry = if row == col {
                    None
                } else {
                    // A failing entry first, as `lookup` does.
                    let mut matching = pairs
                        .iter()
                        .filter(|e| e.config.contains_key(*row) && e.config.contains_key(*col));
                    let first = matching.next();
                    first
                        .filter(|e| e.status.is_failing())
                        .or_else(|| matching.find(|e| e.status.is_failing()))
                        .or(first)
                };
                match entry {
                    Some(e) => {
                        let config: Vec<String> =
                            e.config.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                        let mut title = format!("{}\n{}", e.status, config.join("\n"));
                        if let Some(m) = &e.detail.message {
                            let _ = write!(title, "\n{m}");
                        }
                        let _ = write!(
                            html,
                            "<td class=\"{}\" title=\"{}\">{}</td>",
                            class(Some(e.status)),
                            escape(&title),
                            e.status.symbol()
                        );
                    }
                    None => html.push_str("<td class=\"skipped\">-</td>"),
                }
            }
            html.push_str("</tr>\n");
        }
        html.push_str("</table>\n");
    }

    let failures: Vec<_> = results.failures().collect();
    if !failures.is_empty() {
        html.push_str("<h2>Failing configs</h2>\n<table class=\"list\"><tr><th>status</th><th>config</th><th>detail</th><th>time</th></tr>\n");
        for e in failures {
            let config: Vec<String> = e
                .config
                .iter()
                .map(|(k, v)| format!("{} = {}", escape(k), escape(&v.to_string())))
                .collect();
            let _ = writeln!(
                html,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:?}</td></tr>",
                escape(&e.status.to_string()),
                config.join("<br>"),
                escape(e.detail.message.as_deref().unwrap_or("")),
                e.detail.duration
            );
        }
        html.push_str("</table>\n");
    }
    html.push_str("</body></html>\n");
    html
}
