//! Reports: the HTML page of a set of results.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use crate::fuzz::{Entry, Results, Status};

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

fn class(status: Status) -> &'static str {
    match status {
        Status::Passed => "passed",
        s if s.is_failing() => "failed",
        _ => "skipped",
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:1.5em}\
table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 5px;text-align:center;font-size:12px}\
table.grid td{background:#ee6}\
th.col{vertical-align:bottom;writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap}th.row{text-align:right;white-space:nowrap}\
td.passed{background:#6c6}td.failed{background:#e55;color:#fff;font-weight:bold}td.skipped{background:#ee6}\
.legend span{display:inline-block;padding:2px 6px;margin-right:6px;border:1px solid #999}\
table.list td{text-align:left;font-family:monospace}";

/// Above this many fields the pair grid starts folded.
const OPEN_GRID_FIELDS: usize = 60;

/// Renders `results` as one self-contained HTML page: the counts, the
/// failing configs, then the grid of 2-field configs (folded when large).
///
/// Linear in the entries plus the grid's cells: each pair's cell is found
/// through a map built in one pass, and only the lower triangle of the
/// (symmetric) grid is drawn.
pub(crate) fn results_html(results: &Results) -> String {
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Config fuzzer results</title><style>{STYLE}</style></head><body>\n"
    );
    let failures: Vec<_> = results.failures().collect();
    let _ = writeln!(
        html,
        "<h1>Config fuzzer results</h1>\n<p>{} configs, {} ran, {} skipped, {} failed.</p>",
        results.num_ran().saturating_add(results.num_skipped()),
        results.num_ran(),
        results.num_skipped(),
        failures.len()
    );

    if !failures.is_empty() {
        html.push_str("<h2>Failing configs</h2>\n<table class=\"list\"><tr><th>status</th><th>config</th><th>detail</th><th>time</th></tr>\n");
        for e in &failures {
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

    pair_grid(&mut html, results);
    html.push_str("</body></html>\n");
    html
}

/// The grid of configs with exactly two fields, over the fields that
/// appear in one; a cell shows a failing entry of its pair if there is
/// one (as `lookup` does), else the first.
fn pair_grid(html: &mut String, results: &Results) {
    let pairs: Vec<&Entry> = results
        .entries()
        .iter()
        .filter(|e| e.config.len() == 2)
        .collect();
    let names: BTreeSet<&str> = pairs
        .iter()
        .flat_map(|e| e.config.keys().map(String::as_str))
        .collect();
    if names.is_empty() {
        return;
    }
    let names: Vec<&str> = names.into_iter().collect();
    let position: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    // The entry shown for each pair (row > column).
    let mut cells: HashMap<(usize, usize), &Entry> = HashMap::with_capacity(pairs.len());
    for e in pairs {
        let mut keys = e.config.keys().map(|k| position[k.as_str()]);
        let (a, b) = (keys.next().unwrap_or(0), keys.next().unwrap_or(0));
        let cell = cells.entry((a.max(b), a.min(b))).or_insert(e);
        if !cell.status.is_failing() && e.status.is_failing() {
            *cell = e;
        }
    }
    let _ = writeln!(
        html,
        "<details{}><summary><h2 style=\"display:inline\">Pairs of fields</h2> ({} fields, {} pairs tested)</summary>",
        if names.len() <= OPEN_GRID_FIELDS { " open" } else { "" },
        names.len(),
        cells.len()
    );
    html.push_str(
        "<p class=\"legend\"><span style=\"background:#6c6\">O passed</span>\
<span style=\"background:#ee6\">- skipped / not tested</span>\
<span style=\"background:#e55;color:#fff\">R returned false</span>\
<span style=\"background:#e55;color:#fff\">E returned an error</span>\
<span style=\"background:#e55;color:#fff\">P panicked</span>\
<span style=\"background:#e55;color:#fff\">T timed out</span>\
<span style=\"background:#e55;color:#fff\">C crashed</span>\
<span style=\"background:#e55;color:#fff\">F flaky</span> (hover a cell for its config and detail)</p>\n",
    );
    // Columns: every field but the last (the lower triangle has no cell
    // in the last column).
    html.push_str("<table class=\"grid\">\n<tr><th></th>");
    for col in &names[..names.len() - 1] {
        let _ = write!(html, "<th class=\"col\">{}</th>", escape(col));
    }
    html.push_str("</tr>\n");
    for (r, row) in names.iter().enumerate().skip(1) {
        let _ = write!(html, "<tr><th class=\"row\">{}</th>", escape(row));
        for c in 0..r {
            match cells.get(&(r, c)) {
                Some(e) => {
                    let mut title = e.status.to_string();
                    for (k, v) in &e.config {
                        let _ = write!(title, "\n{k} = {v}");
                    }
                    if let Some(m) = &e.detail.message {
                        let _ = write!(title, "\n{m}");
                    }
                    let _ = write!(
                        html,
                        "<td class=\"{}\" title=\"{}\">{}</td>",
                        class(e.status),
                        escape(&title),
                        e.status.symbol()
                    );
                }
                // Skipped or not reached: the table's own background.
                None => html.push_str("<td></td>"),
            }
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table>\n</details>\n");
}
