//! The campaign report (`Report`, `Results::to_html`) on a real sweep: a
//! 3,000-combination n-tuple sweep of the 666-field `InductorConfig` gives a
//! small page whose first screen is the findings.

use std::sync::OnceLock;

use fake_config::InductorConfig;
use fuzzer_core::prelude::*;
use fuzzer_core::{Report, ReportFinding};

fn defaults() -> &'static InductorConfig {
    static D: OnceLock<InductorConfig> = OnceLock::new();
    D.get_or_init(InductorConfig::defaults)
}

/// Three planted pair bugs among the first fields of the sweep.
fn compile() -> Result<(), String> {
    let (c, d) = (InductorConfig::current(), defaults());
    if c.inplace_padding != d.inplace_padding && c.cpp_wrapper != d.cpp_wrapper {
        return Err("inplace padding of a <cpp> wrapper's input".into());
    }
    if c.debug != d.debug && c.online_softmax != d.online_softmax {
        panic!("debug softmax & online rewrite disagree");
    }
    if c.can_inplace_pad_graph_input != d.can_inplace_pad_graph_input && c.dce != d.dce {
        return Err("dead code elimination dropped a padded input".into());
    }
    Ok(())
}

/// The page's visible text up to `end` (tags, style and script left out).
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let skip_to = if tail.starts_with("<style") {
            tail.find("</style>").map(|i| i + "</style>".len())
        } else if tail.starts_with("<script") {
            tail.find("</script>").map(|i| i + "</script>".len())
        } else {
            tail.find('>').map(|i| i + 1)
        };
        rest = &tail[skip_to.unwrap_or(tail.len())..];
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn an_inductor_sweep_gives_a_small_page_with_the_findings_first() {
    // One config per pair: the page size below is for 3,000 configs.
    let fuzzer = ConfigFuzzer::<InductorConfig>::new(compile, 0)
        .n_tuple_draw(fuzzer_core::NTupleDraw::Single);
    let results = fuzzer.fuzz_n_tuple(2, 3000);
    assert_eq!(results.num_ran(), 3000);
    assert_eq!(results.failures().count(), 3);
    let html = Report::from_results::<InductorConfig>(&results)
        .settings_of(&fuzzer)
        .campaign("test", "report::compile")
        .to_html();
    // Small: the passing pairs are counted, not drawn (the old page of
    // such a sweep was 12.5 MB).
    assert!(html.len() < 40_000, "{} bytes", html.len());
    // The first screen: title, headline and counts, then the findings.
    let findings = html.find("<section id=\"findings\">").unwrap();
    let before = visible_text(&html[..findings]);
    assert!(before.len() < 200, "{before}");
    assert!(
        before.contains("3 distinct failing configs (3 hits)"),
        "{before}"
    );
    assert!(findings < html.find("<section id=\"campaign\">").unwrap());
    assert!(findings < html.find("<section id=\"grid\">").unwrap());
    // Each finding, with its detail escaped and both forms.
    assert!(html.contains("inplace padding of a &lt;cpp&gt; wrapper&#39;s input"));
    assert!(html.contains("debug softmax &amp; online rewrite disagree"));
    assert_eq!(html.matches("<article class=\"finding failed\"").count(), 3);
    assert_eq!(html.matches("<button class=\"copy\"").count(), 6);
    assert!(html.contains("let _config = InductorConfig::patch(|c| {\n    c.inplace_padding = "));
    // The grid: the six fields of the three failing pairs, upper triangle.
    assert_eq!(html.matches("<th class=\"col\">").count(), 5);
    assert_eq!(html.matches("<th class=\"row\">").count(), 5);
    assert_eq!(html.matches("<td class=\"failed\"").count(), 3);
    assert!(html.contains("<tr><th class=\"row\">inplace_padding</th>"));
    // Settings of the fuzzer, pins included.
    assert!(html.contains("<tr><th>config</th><td>InductorConfig</td></tr>"));
    assert!(html.contains("force_disable_caches = true"));
    // How the sweep drew each combination's values, in words.
    assert!(html.contains(
        "<tr><th>values tried per combination of fields</th>\
         <td>one drawn value of each field (single)</td></tr>"
    ));
    assert!(!html.contains("later attempts kept clear of bugs found"));
}

#[test]
fn results_to_html_is_the_report_without_rust() {
    let fuzzer = ConfigFuzzer::<InductorConfig>::new(compile, 0);
    let results = fuzzer.fuzz_n_tuple(2, 700);
    assert_eq!(results.failures().count(), 2);
    let html = results.to_html();
    assert_eq!(html.matches("<article class=\"finding").count(), 2);
    assert!(html.contains("{&quot;cpp_wrapper&quot;: true, &quot;inplace_padding&quot;: false}"));
    assert!(html.contains("<span class=\"form-label\">JSON</span>"));
    assert!(!html.contains("::patch("));
    assert!(html.contains("<td class=\"failed\""));
    // The default draw, named in the campaign table.
    assert!(html.contains(
        "<tr><th>values tried per combination of fields</th>\
         <td>every non-default value of each field (all-levels)</td></tr>"
    ));
}

#[test]
fn a_front_end_adds_its_own_forms_and_campaign_rows() {
    let config = ConfigDiff::from([("debug".to_string(), Value::Bool(true))]);
    let mut report = Report::new("untitled")
        .title("config-fuzz hunt <app>")
        .campaign(
            "command",
            "config-fuzz hunt --schema s.json -- python3 app.py",
        )
        .finding(
            ReportFinding::new(config, Status::FailedCrash)
                .hits(4)
                .detail("killed by SIGABRT"),
        );
    for f in report.findings_mut() {
        f.add_repro("env", "APP_DEBUG=1 python3 app.py");
        f.add_repro(
            "command",
            "config-fuzz reproduce --config bad.json -- python3 app.py",
        );
    }
    let html = report.to_html();
    assert!(html.contains("<h1>config-fuzz hunt &lt;app&gt;</h1>"));
    assert!(!html.contains("untitled"));
    assert!(html.contains("<b>1 distinct failing config</b> (4 hits)"));
    assert!(html.contains("failed: crashed"));
    assert!(html.contains("<pre id=\"repro-0-0\">APP_DEBUG=1 python3 app.py</pre>"));
    assert!(html.contains(
        "<pre id=\"repro-0-1\">config-fuzz reproduce --config bad.json -- python3 app.py</pre>"
    ));
    assert!(html.contains(
        "<tr><th>command</th><td>config-fuzz hunt --schema s.json -- python3 app.py</td></tr>"
    ));
}

/// The campaign row of a hunt's `forbid_found` option, `None` if the page
/// has none.
fn forbid_found_row(html: &str) -> Option<&str> {
    let start = html.find("<tr><th>later attempts kept clear of bugs found</th><td>")?;
    let row = &html[start..];
    Some(&row[..row.find("</tr>").expect("a closed row")])
}

#[test]
fn a_hunt_report_says_whether_later_attempts_kept_clear_of_bugs_found() {
    let on = ConfigFuzzer::<InductorConfig>::new(compile, 3)
        .hunt(2, 0.002)
        .unwrap();
    let html = Report::from_hunt(&on).to_html();
    let row = forbid_found_row(&html).expect("a forbid_found row");
    assert!(
        row.contains("<td>yes (forbid_found: before an attempt runs, bugs already found are taken out of it)</td>"),
        "{row}"
    );
    assert!(!html.contains("values tried per combination of fields"));

    let off = ConfigFuzzer::<InductorConfig>::new(compile, 3)
        .forbid_found(false)
        .hunt(2, 0.002)
        .unwrap();
    let html = Report::from_hunt(&off).to_html();
    let row = forbid_found_row(&html).expect("a forbid_found row");
    assert!(
        row.contains(
            "<td>no (forbid_found off: an attempt may find a bug already found again)</td>"
        ),
        "{row}"
    );
}
