//! Value shrinking: after field minimization, each remaining field's value
//! moves toward the simplest one that still fails the same way
//! (`ConfigFuzzer::shrink_values`, on by default).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use fuzzer_core::prelude::*;
use fuzzer_core::ShrinkLimit;

/// The layouts of [`Kernel::layout`], in declaration order.
#[derive(FuzzValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Rows.
    Row,
    /// Columns.
    Col,
    /// Tiles.
    Tiled,
    /// Blocks.
    Blocked,
}

/// One field of every kind value shrinking handles.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Kernel {
    /// The tile size.
    #[config(default = 128)]
    #[fuzz(range = 8..=1024)]
    pub tile_size: i64,
    /// Worker threads.
    #[config(default = 4)]
    #[fuzz(range = 1..=256)]
    pub threads: i64,
    /// The kernel's name.
    #[config(default = String::from("k"))]
    pub name: String,
    /// The tensor's dimensions.
    pub dims: Vec<i64>,
    /// A cache size, if any.
    #[config(default = None)]
    pub cache: Option<i64>,
    /// The search depth, if limited.
    #[config(default = Some(8))]
    pub depth: Option<i64>,
    /// The memory layout.
    #[config(default = Layout::Row)]
    pub layout: Layout,
    /// A ratio.
    #[config(default = 0.25)]
    pub ratio: f64,
    /// Go fast.
    #[config(default = false)]
    pub fast: bool,
}

fn diff(pairs: &[(&str, Value)]) -> ConfigDiff {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn some(i: i128) -> Value {
    Value::Some(Box::new(Value::Int(i)))
}

/// Minimizes `start` (which must fail) under a test that passes when
/// `passes` says so.
fn minimize(passes: fn(&Kernel) -> bool, start: &[(&str, Value)]) -> ConfigDiff {
    let fuzzer = ConfigFuzzer::<Kernel>::new(move || Kernel::read(passes), 0);
    let start = diff(start);
    assert!(fuzzer.test_config(&start).is_failing());
    let minimal = fuzzer.minimize(&start).expect("a failing config");
    assert_eq!(
        fuzzer.test_config(&minimal),
        fuzzer.test_config(&start),
        "the shrunk config fails the same way"
    );
    minimal
}

#[test]
fn an_integer_below_the_default_reaches_the_boundary() {
    // `tile_size < 64` fails, in 8..=1024 with default 128.
    let minimal = minimize(|c| c.tile_size >= 64, &[("tile_size", Value::Int(9))]);
    assert_eq!(minimal, diff(&[("tile_size", Value::Int(63))]));
}

#[test]
fn an_integer_above_the_default_reaches_the_boundary_in_a_hunt() {
    let fuzzer = ConfigFuzzer::<Kernel>::new(|| Kernel::read(|c| c.threads <= 32), 5);
    let hunt = fuzzer.hunt(12, 1.0).unwrap();
    assert_eq!(hunt.findings().len(), 1, "{hunt}");
    let f = &hunt.findings()[0];
    assert_eq!(f.config(), &diff(&[("threads", Value::Int(33))]));
    assert_eq!(f.status(), Status::FailedReturn);
    assert_eq!(f.shrink_limit(), None);
    // Every failing attempt shrank to it.
    assert!(hunt.failing_attempts() >= 2, "{hunt}");
    assert_eq!(f.hits(), hunt.failing_attempts());
}

#[test]
fn hits_count_the_same_attempts_with_or_without_value_shrinking() {
    let test = || Kernel::read(|c| c.threads <= 32);
    let on = ConfigFuzzer::<Kernel>::new(test, 9).hunt(20, 0.5).unwrap();
    let off = ConfigFuzzer::<Kernel>::new(test, 9)
        .shrink_values(false)
        .hunt(20, 0.5)
        .unwrap();
    assert_eq!(on.failing_attempts(), off.failing_attempts());
    let hits = |h: &Hunt| h.findings().iter().map(Finding::hits).sum::<usize>();
    assert_eq!(hits(&on), on.failing_attempts());
    assert_eq!(hits(&off), off.failing_attempts());
    // The drawn values differ from attempt to attempt; shrunk, they are
    // one finding.
    assert!(off.findings().len() > 1, "{off}");
    assert_eq!(on.findings().len(), 1, "{on}");
    assert!(off
        .findings()
        .iter()
        .all(|f| matches!(f.config()["threads"], Value::Int(t) if t > 33)));
}

#[test]
fn a_pair_keeps_its_other_field_and_shrinks_the_number() {
    let minimal = minimize(
        |c| !(c.fast && c.threads > 32),
        &[
            ("fast", Value::Bool(true)),
            ("threads", Value::Int(200)),
            ("name", Value::Str("zz".into())),
        ],
    );
    assert_eq!(
        minimal,
        diff(&[("fast", Value::Bool(true)), ("threads", Value::Int(33))])
    );
}

#[test]
fn the_same_status_is_kept() {
    // Above 64 it panics, from 33 to 64 it returns false: a panicking
    // config shrinks to 65, not to the other bug's 33.
    let test = || {
        Kernel::read(|c| {
            assert!(c.threads <= 64, "too many threads");
            c.threads <= 32
        })
    };
    let fuzzer = ConfigFuzzer::<Kernel>::new(test, 0);
    let start = diff(&[("threads", Value::Int(200))]);
    assert_eq!(fuzzer.test_config(&start), Status::FailedPanic);
    let minimal = fuzzer.minimize(&start).unwrap();
    assert_eq!(minimal, diff(&[("threads", Value::Int(65))]));
}

#[test]
fn a_string_gets_shorter() {
    let minimal = minimize(
        |c| c.name.chars().count() <= 10,
        &[("name", Value::Str("abcdefghijklmnopqrstuvwxyz".into()))],
    );
    // Shorter, then plain.
    assert_eq!(minimal, diff(&[("name", Value::Str("a".repeat(11)))]));
}

#[test]
fn a_vec_gets_shorter() {
    let long = Value::List((1..=9).map(Value::Int).collect());
    let minimal = minimize(|c| c.dims.len() < 3, &[("dims", long)]);
    // Shorter, then each element at zero.
    assert_eq!(
        minimal,
        diff(&[("dims", Value::List(vec![Value::Int(0); 3]))])
    );
}

#[test]
fn an_option_goes_to_none_or_its_inner_value_shrinks() {
    // Unlimited depth fails, and so does a deep one: `None` is simplest.
    let minimal = minimize(|c| c.depth.is_some_and(|d| d < 50), &[("depth", some(100))]);
    assert_eq!(minimal, diff(&[("depth", Value::None)]));
    // `None` is the default of `cache`: the inner value shrinks instead.
    let minimal = minimize(
        |c| c.cache.is_none_or(|v| v <= 100),
        &[("cache", some(5000))],
    );
    assert_eq!(minimal, diff(&[("cache", some(101))]));
    // Any `Some` fails: the simplest is `Some(0)`.
    let minimal = minimize(|c| c.cache.is_none(), &[("cache", some(-77))]);
    assert_eq!(minimal, diff(&[("cache", some(0))]));
    // An option's inner value shrinks toward the default's.
    let minimal = minimize(|c| c.depth.is_none_or(|d| d < 20), &[("depth", some(70))]);
    assert_eq!(minimal, diff(&[("depth", some(20))]));
}

#[test]
fn an_enum_goes_to_the_earliest_failing_variant() {
    let minimal = minimize(
        |c| !matches!(c.layout, Layout::Tiled | Layout::Blocked),
        &[("layout", Layout::Blocked.to_value())],
    );
    assert_eq!(minimal, diff(&[("layout", Layout::Tiled.to_value())]));
    // `Col` passes, the later ones fail: `Tiled`.
    let minimal = minimize(
        |c| c.layout == Layout::Row || c.layout == Layout::Col,
        &[("layout", Layout::Blocked.to_value())],
    );
    assert_eq!(minimal, diff(&[("layout", Layout::Tiled.to_value())]));
}

#[test]
fn a_float_ends_at_the_boundary() {
    let minimal = minimize(|c| c.ratio <= 0.5, &[("ratio", Value::Float(0.93))]);
    // The finest decimal grid point that fails.
    assert_eq!(minimal, diff(&[("ratio", Value::Float(0.500001))]));
    let minimal = minimize(|c| c.ratio < 2.0, &[("ratio", Value::Float(7.3))]);
    assert_eq!(minimal, diff(&[("ratio", Value::Float(2.0))]));
}

#[test]
fn turned_off_the_drawn_values_stay() {
    let fuzzer =
        ConfigFuzzer::<Kernel>::new(|| Kernel::read(|c| c.threads <= 32), 0).shrink_values(false);
    let start = diff(&[("threads", Value::Int(200)), ("fast", Value::Bool(true))]);
    assert_eq!(
        fuzzer.minimize(&start),
        Some(diff(&[("threads", Value::Int(200))]))
    );
}

#[test]
fn a_run_limit_cuts_value_shrinking_and_says_so() {
    let test = || Kernel::read(|c| c.threads <= 32);
    let start = diff(&[("threads", Value::Int(200))]);
    let fuzzer = ConfigFuzzer::<Kernel>::new(test, 0)
        .confirm(0)
        .max_shrink_runs(3);
    let f = fuzzer.try_minimize(&start).unwrap().unwrap();
    assert_eq!(f.shrink_limit(), Some(ShrinkLimit::Runs(3)));
    let threads = match f.config()["threads"] {
        Value::Int(t) => t,
        ref other => panic!("{other:?}"),
    };
    assert!(threads > 33 && threads < 200, "{threads}");
    assert_eq!(fuzzer.test_config(f.config()), Status::FailedReturn);
    // Without the limit: the boundary, and no limit reported.
    let f = ConfigFuzzer::<Kernel>::new(test, 0)
        .confirm(0)
        .try_minimize(&start)
        .unwrap()
        .unwrap();
    assert_eq!(f.config(), &diff(&[("threads", Value::Int(33))]));
    assert_eq!(f.shrink_limit(), None);
}

/// Pool sizes 33 to 47 are reserved.
fn no_reserved_sizes(c: &Pool) -> Result<(), String> {
    if (33..=47).contains(&c.threads) {
        return Err(format!(
            "threads = {} is reserved; use 32 or fewer, or 48 or more",
            c.threads
        ));
    }
    Ok(())
}

/// A config whose validator forbids some values.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
#[config(validate = no_reserved_sizes)]
pub struct Pool {
    /// Worker threads.
    #[config(default = 4)]
    #[fuzz(range = 1..=256)]
    pub threads: i64,
}

#[test]
fn a_validator_keeps_the_shrunk_value_valid() {
    let invalid = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&invalid);
    let fuzzer = ConfigFuzzer::<Pool>::new(
        move || {
            let c = Pool::current();
            if no_reserved_sizes(&c).is_err() {
                seen.fetch_add(1, Ordering::SeqCst);
            }
            c.threads <= 32
        },
        0,
    );
    let minimal = fuzzer
        .minimize(&diff(&[("threads", Value::Int(200))]))
        .unwrap();
    // 33..=47 would fail too, but no run may see them: 48 is the simplest.
    assert_eq!(minimal, diff(&[("threads", Value::Int(48))]));
    assert_eq!(invalid.load(Ordering::SeqCst), 0);
}

/// Three bugs of three kinds, for the campaign-level checks.
fn three_bugs() -> Result<(), String> {
    Kernel::read(|c| {
        assert!(c.name.chars().count() <= 12, "name too long");
        if c.threads > 32 {
            return Err(format!("{} threads", c.threads));
        }
        if c.fast && c.tile_size > 600 {
            return Err("tile too big for fast".into());
        }
        Ok(())
    })
}

fn summary(h: &Hunt) -> Vec<(ConfigDiff, Status, usize)> {
    h.findings()
        .iter()
        .map(|f| (f.config().clone(), f.status(), f.hits()))
        .collect()
}

#[test]
fn jobs_give_the_same_shrunk_findings() {
    let one = ConfigFuzzer::<Kernel>::new(three_bugs, 11)
        .hunt(30, 0.4)
        .unwrap();
    let two = ConfigFuzzer::<Kernel>::new(three_bugs, 11)
        .jobs(2)
        .hunt(30, 0.4)
        .unwrap();
    assert_eq!(summary(&one), summary(&two));
    assert_eq!(one.runs(), two.runs());
    assert!(
        one.findings()
            .iter()
            .any(|f| f.config() == &diff(&[("threads", Value::Int(33))])),
        "{one}"
    );
}

#[test]
fn a_resumed_campaign_gives_the_same_shrunk_findings_without_running() {
    let path = std::env::temp_dir().join(format!("value-shrink-state-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let first = ConfigFuzzer::<Kernel>::new(three_bugs, 11)
        .state(&path)
        .hunt(30, 0.4)
        .unwrap();
    assert_eq!(first.resumed_runs(), 0);
    let again = ConfigFuzzer::<Kernel>::new(three_bugs, 11)
        .state(&path)
        .hunt(30, 0.4)
        .unwrap();
    assert_eq!(summary(&again), summary(&first));
    assert_eq!(again.runs(), first.runs());
    assert_eq!(again.resumed_runs(), again.runs());
    // The same file with value shrinking off is another campaign.
    let err = ConfigFuzzer::<Kernel>::new(three_bugs, 11)
        .state(&path)
        .shrink_values(false)
        .hunt(30, 0.4)
        .unwrap_err();
    assert!(err.to_string().contains("shrink_values"), "{err}");
    let _ = std::fs::remove_file(&path);
}

#[test]
fn a_simpler_value_that_fails_only_once_is_not_reported() {
    // From 100 up the test always fails; from 33 to 99 only on the first
    // run of each value. Shrinking probes each value once, so it gets to
    // 33, but confirming 33 passes: the finding keeps the drawn value.
    let seen: Arc<std::sync::Mutex<std::collections::HashMap<i64, usize>>> = Arc::default();
    let runs = Arc::clone(&seen);
    let fuzzer = ConfigFuzzer::<Kernel>::new(
        move || {
            let threads = Kernel::read(|c| c.threads);
            let mut runs = runs.lock().unwrap();
            let n = runs.entry(threads).or_insert(0);
            *n += 1;
            threads <= 32 || (threads < 100 && *n > 1)
        },
        0,
    )
    .confirm(1);
    let f = fuzzer
        .try_minimize(&diff(&[("threads", Value::Int(200))]))
        .unwrap()
        .unwrap();
    assert_eq!(f.config(), &diff(&[("threads", Value::Int(200))]));
    assert_eq!(f.status(), Status::FailedReturn);
    // It did try the simpler value, and confirmed it.
    assert!(seen.lock().unwrap().get(&33).copied().unwrap_or(0) >= 2);
}
