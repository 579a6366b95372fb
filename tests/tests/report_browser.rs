//! The campaign report as a reader sees it: the pages of a real hunt (three
//! planted bugs) and of an n-tuple sweep, opened in headless Chromium
//! (`--dump-dom` gives the DOM after the page's scripts ran), then checked
//! for the findings' text, statuses and hit counts, the copy buttons, the
//! grid's failing cells, and no script error (the page records each in its
//! `data-script-errors` attribute). The copy buttons are clicked with and
//! without the clipboard API.
//!
//! Needs Debian's `chromium` (`apt-get install -y chromium`). Without it the
//! test says it is skipped and passes, unless `CONFIG_FUZZ_REQUIRE_BROWSER`
//! is set to something other than `0` or nothing (`.ci/run` sets it to 1):
//! then a missing browser fails it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fuzzer_core::prelude::*;
use fuzzer_core::Report;

/// A toy optimiser's flags.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
struct Opt {
    #[config(default = true)]
    fuse: bool,
    unroll: bool,
    vectorize: bool,
    a: bool,
    b: bool,
    c: bool,
    d: bool,
}

/// Three planted bugs: an error (2 fields), a panic (1 field, a long
/// message), a wrong answer (3 fields).
fn optimise() -> Result<bool, String> {
    let c = Opt::current();
    if !c.fuse && c.unroll {
        return Err("miscompiled <loop> & \"friends\"".into());
    }
    if c.vectorize {
        let trace: String = (0..30)
            .map(|i| format!("\n  frame {i}: lane <{i}>"))
            .collect();
        panic!("vector lanes overlap{trace}");
    }
    Ok(!(c.a && c.b && c.c))
}

/// `optimise` as a test: `Ok(false)` is a wrong answer.
fn check() -> Result<(), String> {
    match optimise()? {
        true => Ok(()),
        false => Err("wrong answer".into()),
    }
}

/// The browser, if installed.
fn chromium() -> Option<PathBuf> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        let path = std::env::var_os("PATH")?;
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// A fresh directory of this test's own.
fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("config-fuzz-browser-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The DOM of `page` after its scripts ran (and their timers, up to two
/// seconds of the page's virtual time).
fn dump_dom(browser: &Path, page: &Path, dir: &Path) -> String {
    let out_path = dir.join(format!(
        "{}.dom",
        page.file_name().unwrap().to_string_lossy()
    ));
    let out = std::fs::File::create(&out_path).unwrap();
    let err = std::fs::File::create(dir.join("chromium.stderr")).unwrap();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
            "--virtual-time-budget=2000",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", browser.display()));
    // A guard against a browser that never exits, not a timing check.
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(
                status.success(),
                "chromium failed ({status}); its stderr is in {}",
                dir.join("chromium.stderr").display()
            );
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not exit within 180 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    std::fs::read_to_string(out_path).unwrap()
}

/// Clicks every copy button twice, with the clipboard API (which a headless
/// browser refuses) and without it, and records the buttons' labels.
const CLICK_ALL: &str = "<script>(function(){\
var bs=document.querySelectorAll('button.copy');\
function labels(){return [].map.call(bs,function(b){return b.textContent;}).join('|');}\
bs.forEach(function(b){b.click();});\
setTimeout(function(){var withApi=labels();\
Object.defineProperty(navigator,'clipboard',{value:undefined,configurable:true});\
bs.forEach(function(b){b.textContent='copy';b.click();});\
document.documentElement.setAttribute('data-clicked',withApi+'#'+labels());},500);})();</script>";

/// The value of `attr` on the `<html>` element of a dumped DOM.
fn html_attr(dom: &str, attr: &str) -> Option<String> {
    let start = dom.find("<html")?;
    let tag = &dom[start..start + dom[start..].find('>')?];
    let at = tag.find(&format!(" {attr}=\""))? + attr.len() + 3;
    let end = tag[at..].find('"')?;
    Some(tag[at..at + end].to_string())
}

/// Checks every page runs its script without error.
fn assert_scripts_ran(dom: &str) {
    assert_eq!(
        html_attr(dom, "data-ready").as_deref(),
        Some("1"),
        "the page's script did not finish"
    );
    let errors = html_attr(dom, "data-script-errors").unwrap_or_default();
    assert!(errors.is_empty(), "script errors: {errors}");
}

#[test]
fn the_report_reads_right_in_a_browser() {
    let Some(browser) = chromium() else {
        let required =
            std::env::var("CONFIG_FUZZ_REQUIRE_BROWSER").is_ok_and(|v| !v.is_empty() && v != "0");
        if required {
            panic!(
                "CONFIG_FUZZ_REQUIRE_BROWSER is set but chromium is not on PATH: \
                 install it (apt-get install -y chromium)"
            );
        }
        println!("skipped: install chromium (apt-get install -y chromium)");
        return;
    };
    let dir = scratch("report");

    // A hunt: the three planted bugs, each with its hits and a Rust snippet,
    // and an env-var form as a front end would add.
    let fuzzer = ConfigFuzzer::<Opt>::new(check, 11);
    let hunt = fuzzer.hunt(40, 0.5).unwrap();
    let mut statuses: Vec<Status> = hunt.findings().iter().map(|f| f.status()).collect();
    statuses.sort();
    assert_eq!(
        statuses,
        [
            Status::FailedError,
            Status::FailedError,
            Status::FailedPanic
        ],
        "{hunt}"
    );
    let mut report = Report::from_hunt(&hunt)
        .campaign("test", "report_browser::check")
        .settings_of(&fuzzer);
    for f in report.findings_mut() {
        let env: Vec<String> = f
            .config()
            .iter()
            .map(|(k, v)| format!("OPT_{}={v}", k.to_uppercase()))
            .collect();
        f.add_repro("env", env.join(" "));
    }
    let page = dir.join("hunt.html");
    report.write_html(&page).unwrap();
    let dom = dump_dom(&browser, &page, &dir);
    assert_scripts_ran(&dom);
    let articles: Vec<&str> = dom.split("<article ").skip(1).collect();
    assert_eq!(articles.len(), 3, "{dom}");
    for (f, article) in hunt.findings().iter().zip(&articles) {
        // Each finding's article holds its status, hits, config and forms.
        let article = &article[..article.find("</article>").expect("a closed article")];
        assert!(article.contains(&format!("data-status=\"{}\"", f.status().as_str())));
        let hits = format!("{} hit{}", f.hits(), if f.hits() == 1 { "" } else { "s" });
        assert!(article.contains(&hits), "{hits} in {article}");
        assert!(article.contains(&f.status().to_string()));
        for (k, v) in f.config() {
            assert!(
                article.contains(&format!("<td>{k}</td><td>{v}</td>")),
                "{k} in {article}"
            );
        }
        assert_eq!(article.matches("<button class=\"copy\"").count(), 2);
        assert!(article.contains("::patch(|c| {"));
    }
    // Details as text, escaped; the long panic folded under a summary.
    assert!(dom.contains("miscompiled &lt;loop&gt; &amp; \"friends\""));
    assert!(dom.contains("vector lanes overlap"));
    assert!(dom.contains("<details class=\"detail-full\"><summary>full detail (31 lines"));
    assert!(dom.contains("OPT_UNROLL=true"));
    // The hunt's settings, in words: it kept later attempts clear of the
    // bugs it had found (`forbid_found`, on for a hunt).
    assert!(
        dom.contains("<tr><th>later attempts kept clear of bugs found</th><td>yes (forbid_found: ")
    );
    assert!(
        !dom.contains("<table class=\"grid\">"),
        "a hunt has no grid"
    );

    // Clicking every copy button, with and without the clipboard API,
    // raises no error and tells the reader what happened.
    let html = std::fs::read_to_string(&page).unwrap();
    let clicked = dir.join("hunt-clicked.html");
    std::fs::write(
        &clicked,
        html.replace("</body>", &format!("{CLICK_ALL}</body>")),
    )
    .unwrap();
    let dom = dump_dom(&browser, &clicked, &dir);
    assert_scripts_ran(&dom);
    let labels = html_attr(&dom, "data-clicked").expect("the clicks ran");
    let (with_api, without) = labels.split_once('#').unwrap();
    for label in with_api.split('|').chain(without.split('|')) {
        assert!(
            [
                "copied",
                "selected: press Ctrl+C",
                "select the text to copy"
            ]
            .contains(&label),
            "button label after a click: {label:?} (all: {labels})"
        );
    }
    assert_eq!(without.split('|').count(), 6);

    // An n-tuple sweep: the grid over the fields of failing pairs, failing
    // cells marked with their values.
    let pairs = fuzzer.fuzz_n_tuple(2, 100);
    let failing_pairs = pairs.failures().count();
    assert_eq!(failing_pairs, 7); // fuse+unroll, and vectorize with each other field
    let page = dir.join("pairs.html");
    Report::from_results::<Opt>(&pairs)
        .settings_of(&fuzzer)
        .write_html(&page)
        .unwrap();
    let dom = dump_dom(&browser, &page, &dir);
    assert_scripts_ran(&dom);
    let grid = &dom[dom.find("<table class=\"grid\">").expect("a grid")..];
    let grid = &grid[..grid.find("</table>").unwrap()];
    assert_eq!(grid.matches("<td class=\"failed\"").count(), failing_pairs);
    assert_eq!(grid.matches("<th class=\"row\">").count(), 6);
    // The cell of fuse (row) and unroll (column): their failing values.
    let row = &grid[grid.find("<th class=\"row\">fuse</th>").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains("data-status=\"failed_error\">E<span class=\"v\">false</span><span class=\"v\">true</span></td>"),
        "{row}"
    );
    assert_eq!(
        dom.matches("<article class=\"finding").count(),
        failing_pairs
    );
    // How the sweep drew each pair's values, in words.
    assert!(dom.contains(
        "<tr><th>values tried per combination of fields</th>\
         <td>every non-default value of each field (all-levels)</td></tr>"
    ));
    assert!(!dom.contains("later attempts kept clear of bugs found"));
    let _ = std::fs::remove_dir_all(&dir);
}
