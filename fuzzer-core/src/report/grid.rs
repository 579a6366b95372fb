//! The pair grid of an n-tuple sweep: the upper triangle over the fields
//! involved in a failure (or asked for), failing cells showing their
//! values.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use super::html::{class, clip, escape};
use super::Report;
use crate::fuzz::{Entry, Results, Status};

pub(super) fn render(html: &mut String, report: &Report, results: &Results, budget: usize) {
    let pairs: Vec<&Entry> = results
        .entries()
        .iter()
        .filter(|e| e.config.len() == 2)
        .collect();
    // Field order: declaration order for a sweep, else by name.
    let order: HashMap<&str, usize> = match results.sweep_shape() {
        Some((_, names)) => names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect(),
        None => {
            let names: BTreeSet<&str> = pairs
                .iter()
                .flat_map(|e| e.config.keys().map(String::as_str))
                .collect();
            names.into_iter().enumerate().map(|(i, n)| (n, i)).collect()
        }
    };
    // How many failing pairs each field is in.
    let mut failing: HashMap<&str, usize> = HashMap::new();
    for e in pairs.iter().filter(|e| e.status.is_failing()) {
        for k in e.config.keys() {
            *failing.entry(k.as_str()).or_default() += 1;
        }
    }
    let mut unknown: Vec<&str> = Vec::new();
    let mut chosen: Vec<&str> = failing.keys().copied().collect();
    for name in &report.grid_fields {
        if !order.contains_key(name.as_str()) {
            unknown.push(name);
        } else if !chosen.contains(&name.as_str()) {
            chosen.push(name);
        }
    }
    html.push_str("<section id=\"grid\">\n<h2>Pairs of fields</h2>\n");
    for name in &unknown {
        let _ = writeln!(
            html,
            "<p class=\"note\">`{}` was asked for in the grid but is not a field of these results.</p>",
            escape(name)
        );
    }
    if chosen.len() < 2 {
        let _ = writeln!(
            html,
            "<p class=\"note\" id=\"grid-none\">No pair failed, so there is no grid to draw ({} pairs ran, all passed or skipped). \
Name fields with <code>Report::grid_fields</code> to draw their pairs anyway.</p>\n</section>",
            pairs.iter().filter(|e| e.status != Status::Skipped).count()
        );
        return;
    }
    // The size cap: the fields in the most failing pairs first.
    let all = chosen.len();
    let mut keep = all;
    while keep > 1 && keep * (keep - 1) / 2 > report.max_grid_cells {
        keep -= 1;
    }
    chosen.sort_by_key(|n| {
        (
            std::cmp::Reverse(failing.get(n).copied().unwrap_or(0)),
            order[n],
        )
    });
    chosen.truncate(keep);
    chosen.sort_by_key(|n| order[n]);
    let position: HashMap<&str, usize> = chosen.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    // The entry shown in each cell (row < column): a failing one if any.
    let mut cells: HashMap<(usize, usize), &Entry> = HashMap::new();
    for e in &pairs {
        let mut keys = e.config.keys().filter_map(|k| position.get(k.as_str()));
        if let (Some(&a), Some(&b)) = (keys.next(), keys.next()) {
            let cell = cells.entry((a.min(b), a.max(b))).or_insert(e);
            if !cell.status.is_failing() && e.status.is_failing() {
                *cell = e;
            }
        }
    }
    let failing_cells = cells.values().filter(|e| e.status.is_failing()).count();
    let _ = writeln!(
        html,
        "<p>{} fields: those in a failing pair{}; {failing_cells} failing cell{}. A failing cell shows the row's value, then the column's; hover a cell for its config and detail.</p>",
        chosen.len(),
        if report.grid_fields.is_empty() { "" } else { " and those asked for" },
        if failing_cells == 1 { "" } else { "s" }
    );
    if keep < all {
        let _ = writeln!(
            html,
            "<p class=\"note\" id=\"grid-cut\">The grid shows {keep} of {all} fields (capped at {} cells); the failing pairs of the {} left out are in the findings above.</p>",
            report.max_grid_cells,
            all - keep
        );
    }
    html.push_str(
        "<p class=\"legend\"><span style=\"background:#d33;color:#fff\">R returned false · E error · P panic · T timeout · C crash</span>\
<span style=\"background:#e90;color:#fff\">F flaky</span><span style=\"background:#7c7\">O passed</span>\
<span style=\"background:#ddd\">- skipped</span><span>blank: not tested</span></p>\n",
    );
    html.push_str("<table class=\"grid\">\n<tr><th></th>");
    for col in &chosen[1..] {
        let _ = write!(html, "<th class=\"col\">{}</th>", escape(col));
    }
    html.push_str("</tr>\n");
    let rows = chosen.len() - 1;
    for (r, row) in chosen.iter().enumerate().take(rows) {
        if html.len() > budget {
            let _ = writeln!(
                html,
                "</table>\n<p class=\"note\" id=\"grid-rows-cut\">{} more grid row{} left out: the page is capped at {} bytes.</p>\n</section>",
                rows - r,
                if rows - r == 1 { "" } else { "s" },
                report.max_bytes
            );
            return;
        }
        let _ = write!(html, "<tr><th class=\"row\">{}</th>", escape(row));
        for (c, col) in chosen.iter().enumerate().skip(1) {
            if c <= r {
                html.push_str("<td class=\"none\"></td>");
                continue;
            }
            cell(html, report, row, col, cells.get(&(r, c)).copied(), results);
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table>\n</section>\n");
}

fn cell(
    html: &mut String,
    report: &Report,
    row: &str,
    col: &str,
    entry: Option<&Entry>,
    results: &Results,
) {
    let Some(e) = entry else {
        let names: BTreeSet<&str> = [row, col].into_iter().collect();
        if results.sweep_skipped(&names) {
            let _ = write!(
                html,
                "<td class=\"skipped\" title=\"{} + {}: skipped (a field the fuzzer must not change)\">-</td>",
                escape(row),
                escape(col)
            );
        } else {
            html.push_str("<td class=\"untested\"></td>");
        }
        return;
    };
    let mut title = e.status.to_string();
    for (k, v) in &e.config {
        let _ = write!(title, "\n{k} = {v}");
    }
    if let Some(m) = &e.detail.message {
        let _ = write!(title, "\n{}", crate::error::preview(m, 400));
    }
    let _ = write!(
        html,
        "<td class=\"{}\" title=\"{}\" data-status=\"{}\">{}",
        class(e.status),
        escape(&title),
        e.status.as_str(),
        e.status.symbol()
    );
    if e.status.is_failing() {
        for name in [row, col] {
            if let Some(v) = e.config.get(name) {
                let _ = write!(
                    html,
                    "<span class=\"v\">{}</span>",
                    escape(&clip(&report.show_value(v), 24))
                );
            }
        }
    }
    html.push_str("</td>");
}
