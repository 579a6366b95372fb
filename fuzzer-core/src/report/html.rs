//! Writes a [`Report`] as one HTML page: no external resources, a little
//! inline CSS and script, everything from the campaign escaped.

use std::fmt::Write as _;

use super::{grid, Report, ReportFinding};
use crate::fuzz::Status;

/// Room kept at the end of the page for the campaign table, the notes and
/// the closing script when the size cap cuts findings or grid rows short.
pub(super) const TAIL_RESERVE: usize = 16_384;

/// A detail with more lines or bytes than this shows its first lines and
/// folds the rest.
const DETAIL_LINES: usize = 6;
const DETAIL_BYTES: usize = 600;

/// A campaign value longer than this is folded.
const CAMPAIGN_VALUE_BYTES: usize = 300;

pub(super) fn escape(text: &str) -> String {
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

/// `text` cut to about `chars` characters, with `…` if cut.
pub(super) fn clip(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// The CSS class of a status: `failed`, `flaky`, `passed` or `skipped`.
pub(super) fn class(status: Status) -> &'static str {
    match status {
        Status::Passed => "passed",
        Status::Flaky => "flaky",
        s if s.is_failing() => "failed",
        _ => "skipped",
    }
}

const STYLE: &str = "\
body{font-family:system-ui,sans-serif;margin:1.2em 2em;color:#222;max-width:80em}\
h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.15em;margin:1.2em 0 .4em}\
.headline{font-size:1.05em;margin:.2em 0 1em}\
.finding{border:1px solid #ccc;border-left:6px solid #d33;border-radius:4px;padding:.5em .8em;margin:.6em 0}\
.finding.flaky{border-left-color:#e90}\
.status{font-weight:bold}.finding.failed .status{color:#b00}.finding.flaky .status{color:#a60}\
.hits{margin-left:1em;color:#555}\
table{border-collapse:collapse}\
table.index{margin-bottom:.6em}table.index td,table.index th{border:1px solid #ccc;padding:2px 8px;text-align:left}\
table.index td:last-child{font-family:monospace}table.index tr.failed td:first-child a{color:#b00}table.index tr.flaky td:first-child a{color:#a60}\
table.config td,table.campaign td,table.campaign th{border:1px solid #ccc;padding:2px 8px;text-align:left}\
table.config td{font-family:monospace}table.campaign th{background:#f4f4f4;font-weight:normal;white-space:nowrap}\
pre{background:#f6f6f6;padding:.4em .6em;margin:.3em 0;overflow-x:auto;white-space:pre-wrap}\
.repro{margin-top:.4em}.form-label{font-weight:bold;margin-right:.6em}\
button.copy{font-size:.8em;padding:1px 8px;cursor:pointer}\
.note{color:#555;font-style:italic}\
table.grid td,table.grid th{border:1px solid #bbb;padding:1px 3px;font-size:11px;text-align:center}\
table.grid th.col{vertical-align:bottom;writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap}\
table.grid th.row{text-align:right;white-space:nowrap}\
table.grid td.failed{background:#d33;color:#fff;font-weight:bold}table.grid td.flaky{background:#e90;color:#fff}\
table.grid td.passed{background:#7c7}table.grid td.skipped{background:#ddd}table.grid td.untested{background:#fff}\
table.grid td.none{border:none}table.grid td .v{display:block;font-weight:normal;font-family:monospace}\
.legend span{display:inline-block;padding:1px 6px;margin-right:6px;border:1px solid #bbb;font-size:12px}";

/// Runs first: records every script error in the page's
/// `data-script-errors` attribute, so a headless browser's DOM says
/// whether the page's script worked.
const ERROR_SCRIPT: &str = "(function(){var h=document.documentElement;\
function note(m){h.setAttribute('data-script-errors',(h.getAttribute('data-script-errors')||'')+m+'\\n');}\
window.addEventListener('error',function(e){note(e.message||'error');});\
window.addEventListener('unhandledrejection',function(e){note('unhandled rejection: '+(e.reason&&e.reason.message||e.reason));});})();";

/// Copy buttons: the clipboard API where the browser allows it, else the
/// text is selected for the reader to copy (a page opened from a file, an
/// old browser); never an error. Marks the page ready when set up.
const COPY_SCRIPT: &str = "(function(){\
function select(pre,b){try{var r=document.createRange();r.selectNodeContents(pre);var s=window.getSelection();\
s.removeAllRanges();s.addRange(r);var ok=false;try{ok=document.execCommand('copy');}catch(e){ok=false;}\
b.textContent=ok?'copied':'selected: press Ctrl+C';}catch(e){b.textContent='select the text to copy';}}\
document.addEventListener('click',function(ev){var b=ev.target;\
if(!b||!b.classList||!b.classList.contains('copy'))return;\
var pre=document.getElementById(b.getAttribute('data-target'));if(!pre)return;var text=pre.textContent;\
if(navigator.clipboard&&navigator.clipboard.writeText){\
navigator.clipboard.writeText(text).then(function(){b.textContent='copied';},function(){select(pre,b);});}\
else{select(pre,b);}});\
document.documentElement.setAttribute('data-ready','1');})();";

pub(super) fn render(report: &Report) -> String {
    let mut html = String::new();
    let title = escape(&report.title);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width\"><title>{title}</title>\
<script>{ERROR_SCRIPT}</script><style>{STYLE}</style></head>\n<body>\n<h1>{title}</h1>\n"
    );
    headline(&mut html, report);
    if let Some(summary) = &report.summary {
        let _ = writeln!(html, "<p id=\"summary\">{}</p>", escape(summary));
    }
    for note in &report.notes {
        let _ = writeln!(html, "<p class=\"note warning\">{}</p>", escape(note));
    }

    let budget = report.max_bytes.saturating_sub(TAIL_RESERVE);
    if !report.findings.is_empty() {
        let _ = writeln!(
            html,
            "<section id=\"findings\">\n<h2>Findings ({})</h2>",
            report.findings.len()
        );
        if report.findings.len() > 1 {
            index(&mut html, report, budget);
        }
        for (i, f) in report.findings.iter().enumerate() {
            let one = finding(report, i, f);
            if html.len() + one.len() > budget {
                let left = report.findings.len() - i;
                let _ = writeln!(
                    html,
                    "<p class=\"note\" id=\"findings-cut\">{left} more finding{} left out: the page is capped at {} bytes.</p>",
                    if left == 1 { "" } else { "s" },
                    report.max_bytes
                );
                break;
            }
            html.push_str(&one);
        }
        html.push_str("</section>\n");
    }

    if !report.campaign.is_empty() {
        html.push_str("<section id=\"campaign\">\n<h2>Campaign</h2>\n<table class=\"campaign\">\n");
        for (k, v) in &report.campaign {
            if v.len() <= CAMPAIGN_VALUE_BYTES {
                let _ = writeln!(
                    html,
                    "<tr><th>{}</th><td>{}</td></tr>",
                    escape(k),
                    escape(v)
                );
            } else {
                // A long value (the pins of a large config): its start,
                // and all of it folded.
                let _ = writeln!(
                    html,
                    "<tr><th>{}</th><td><details><summary>{}</summary>{}</details></td></tr>",
                    escape(k),
                    escape(&crate::error::preview(v, CAMPAIGN_VALUE_BYTES / 2)),
                    escape(v)
                );
            }
        }
        html.push_str("</table>\n</section>\n");
    }

    if let Some(results) = &report.pairs {
        grid::render(&mut html, report, results, budget);
    }

    let _ = write!(html, "<script>{COPY_SCRIPT}</script>\n</body></html>\n");
    html
}

/// The first line a reader sees: how many distinct failures, how often.
fn headline(html: &mut String, report: &Report) {
    let n = report.findings.len();
    let hits: usize = report.findings.iter().map(|f| f.hits).sum();
    let flaky = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Flaky)
        .count();
    if n == 0 {
        html.push_str("<p class=\"headline\" id=\"headline\">No failure found.</p>\n");
        return;
    }
    let _ = write!(
        html,
        "<p class=\"headline\" id=\"headline\"><b>{n} distinct failing config{}</b> ({hits} hit{})",
        if n == 1 { "" } else { "s" },
        if hits == 1 { "" } else { "s" }
    );
    if flaky > 0 {
        let _ = write!(html, ", {flaky} of them flaky");
    }
    html.push_str(". Each below shows how to reproduce it.</p>\n");
}

/// One line per finding, linking to its card: what a reader scans first.
/// Within the size cap, like the cards (a line is far smaller than a card).
fn index(html: &mut String, report: &Report, budget: usize) {
    html.push_str(
        "<table class=\"index\">\n<tr><th>status</th><th>hits</th><th>config</th></tr>\n",
    );
    for (i, f) in report.findings.iter().enumerate() {
        if html.len() > budget / 2 {
            let _ = writeln!(
                html,
                "<tr><td colspan=\"3\" class=\"note\">{} more below</td></tr>",
                report.findings.len() - i
            );
            break;
        }
        let config: Vec<String> = f
            .config
            .iter()
            .map(|(k, v)| format!("{k} = {}", clip(&report.show_value(v), 80)))
            .collect();
        let _ = writeln!(
            html,
            "<tr class=\"{}\"><td><a href=\"#finding-{i}\">{}</a></td><td>{}</td><td>{}</td></tr>",
            class(f.status),
            escape(&f.status.to_string()),
            f.hits,
            escape(&config.join(", "))
        );
    }
    html.push_str("</table>\n");
}

/// One finding: status and hits, config, detail, reproduction forms.
fn finding(report: &Report, i: usize, f: &ReportFinding) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<article class=\"finding {}\" id=\"finding-{i}\" data-status=\"{}\" data-hits=\"{}\">\n\
<div><span class=\"status\">{}</span><span class=\"hits\">{} hit{}</span>",
        class(f.status),
        f.status.as_str(),
        f.hits,
        escape(&f.status.to_string()),
        f.hits,
        if f.hits == 1 { "" } else { "s" }
    );
    if let Some(d) = f.duration {
        let _ = write!(out, "<span class=\"hits\">ran {d:.1?}</span>");
    }
    out.push_str("</div>\n<table class=\"config\">");
    for (k, v) in &f.config {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td></tr>",
            escape(k),
            escape(&report.show_value(v))
        );
    }
    if f.config.is_empty() {
        out.push_str("<tr><td colspan=\"2\">(no field changed)</td></tr>");
    }
    out.push_str("</table>\n");
    if let Some(note) = &f.note {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(note));
    }
    if let Some(detail) = f.detail.as_deref().filter(|d| !d.trim().is_empty()) {
        detail_block(&mut out, detail);
    }
    if !f.repros.is_empty() {
        out.push_str("<div class=\"repro\">\n");
        for (k, (label, text)) in f.repros.iter().enumerate() {
            let id = format!("repro-{i}-{k}");
            let _ = writeln!(
                out,
                "<div class=\"form\"><span class=\"form-label\">{}</span>\
<button class=\"copy\" type=\"button\" data-target=\"{id}\">copy</button>\
<pre id=\"{id}\">{}</pre></div>",
                escape(label),
                escape(text)
            );
        }
        out.push_str("</div>\n");
    }
    out.push_str("</article>\n");
    out
}

/// A detail, its first lines shown and the rest folded when long.
fn detail_block(out: &mut String, detail: &str) {
    let lines: Vec<&str> = detail.lines().collect();
    if lines.len() <= DETAIL_LINES && detail.len() <= DETAIL_BYTES {
        let _ = writeln!(out, "<pre class=\"detail\">{}</pre>", escape(detail));
        return;
    }
    let mut head = String::new();
    for line in lines.iter().take(DETAIL_LINES) {
        if head.len() + line.len() > DETAIL_BYTES {
            break;
        }
        head.push_str(line);
        head.push('\n');
    }
    if head.is_empty() {
        // One very long line: its start.
        head = crate::error::preview(detail, DETAIL_BYTES);
    }
    let _ = writeln!(
        out,
        "<pre class=\"detail\">{}</pre>\n<details class=\"detail-full\"><summary>full detail ({} lines, {} bytes)</summary><pre>{}</pre></details>",
        escape(head.trim_end()),
        lines.len(),
        detail.len(),
        escape(detail)
    );
}
