//! Issue 10's finding power against programs that misbehave the way users'
//! programs do: hunts that forbid found culprits (and rescue the attempts
//! they hid) over tests that panic, abort, hang, overflow the stack and
//! panic in threads they spawn; covering sweeps and all-levels n-tuple
//! sweeps over crashing and hanging bugs, in process isolation, with one
//! job or two.

use std::collections::BTreeSet;
use std::time::Duration;

use fuzzer_core::prelude::*;
use fuzzer_core::NTupleDraw;
use process_tests::{coin, deep, hang};

/// How a picture is dithered.
#[derive(FuzzValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dither {
    /// None.
    Off,
    /// A fixed matrix.
    Ordered,
    /// Error diffusion.
    Diffusion,
}

/// The colour space of the output.
#[derive(FuzzValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorSpace {
    /// sRGB.
    Srgb,
    /// Linear light.
    Linear,
    /// Print colours.
    Cmyk,
}

/// Eight flags (off by default), two enums and a bounded integer.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Knobs {
    /// a
    pub a: bool,
    /// b
    pub b: bool,
    /// c
    pub c: bool,
    /// d
    pub d: bool,
    /// e
    pub e: bool,
    /// f
    pub f: bool,
    /// g
    pub g: bool,
    /// h
    pub h: bool,
    /// The dithering.
    #[config(default = Dither::Off)]
    pub dither: Dither,
    /// The colour space.
    #[config(default = ColorSpace::Srgb)]
    pub color_space: ColorSpace,
    /// Worker threads.
    #[config(default = 4)]
    #[fuzz(range = 1..=256)]
    pub threads: i64,
}

/// Six planted bugs, each failing its own way:
/// `a` panics, `b && c` aborts, `d` hangs, `e && f` overflows the stack,
/// `g` panics in a thread it spawns (the test returns the join error),
/// `threads > 32` aborts.
fn six_bugs() -> Result<(), String> {
    let c = Knobs::current();
    if c.a {
        panic!("a is on");
    }
    if c.b && c.c {
        std::process::abort();
    }
    if c.d {
        hang();
    }
    if c.e && c.f {
        // Far more than any stack.
        std::hint::black_box(deep(1 << 40));
    }
    if c.g {
        // The worker reads the config too: the candidate is installed
        // process-wide in the child, so the spawned thread sees it.
        let worker = std::thread::spawn(|| {
            if Knobs::read(|c| c.g) {
                panic!("worker saw g");
            }
        });
        worker
            .join()
            .map_err(|_| "a worker thread panicked".to_string())?;
    }
    if c.threads > 32 {
        std::process::abort();
    }
    Ok(())
}

/// The planted culprits of [`six_bugs`] and their statuses.
fn six_expected() -> BTreeSet<String> {
    keyed([
        (bools(&["a"]), Status::FailedPanic),
        (bools(&["b", "c"]), Status::FailedCrash),
        (bools(&["d"]), Status::FailedTimeout),
        (bools(&["e", "f"]), Status::FailedCrash),
        (bools(&["g"]), Status::FailedError),
        (
            [("threads".to_string(), Value::Int(33))].into(),
            Status::FailedCrash,
        ),
    ])
}

/// The diff turning the named flags on.
fn bools(names: &[&str]) -> ConfigDiff {
    names
        .iter()
        .map(|n| ((*n).to_string(), Value::Bool(true)))
        .collect()
}

/// `(config, status)` of every finding.
fn found(h: &Hunt) -> BTreeSet<String> {
    h.findings()
        .iter()
        .map(|f| key(f.config(), f.status()))
        .collect()
}

/// A finding's fields, values and status, as one comparable string.
fn key(config: &ConfigDiff, status: Status) -> String {
    format!("{config:?} {status:?}")
}

/// The keys of the `(config, status)` pairs.
fn keyed<const N: usize>(pairs: [(ConfigDiff, Status); N]) -> BTreeSet<String> {
    pairs.iter().map(|(d, s)| key(d, *s)).collect()
}

/// `(config, status, hits)` of every finding, in order.
fn summary(h: &Hunt) -> Vec<(ConfigDiff, Status, usize)> {
    h.findings()
        .iter()
        .map(|f| (f.config().clone(), f.status(), f.hits()))
        .collect()
}

/// What every hunt must show: no finding without hits, findings distinct,
/// hits no more than the failing attempts (each of which counts at least
/// once), and a Display that names every finding's fields and status.
fn sane(h: &Hunt) {
    let shown = h.to_string();
    let mut seen = BTreeSet::new();
    for f in h.findings() {
        assert!(f.hits() >= 1, "a finding with 0 hits: {f}\n{shown}");
        assert!(
            seen.insert(key(f.config(), f.status())),
            "a finding twice: {f}\n{shown}"
        );
        for name in f.config().keys() {
            assert!(shown.contains(name.as_str()), "{name} not in:\n{shown}");
        }
    }
    assert!(h.failing_attempts() <= h.attempts(), "{shown}");
    assert!(
        h.findings().is_empty() || h.failing_attempts() >= 1,
        "findings without a failing attempt:\n{shown}"
    );
    assert!(!shown.trim().is_empty());
}

fn six_fuzzer(seed: u64) -> ConfigFuzzer<Knobs> {
    ConfigFuzzer::<Knobs>::new(six_bugs, seed)
        .isolation(Isolation::Process)
        .timeout(Duration::from_millis(400))
}

#[test]
fn a_forbidding_hunt_finds_every_misbehaving_bug_exactly_with_one_job_or_two() {
    let one = six_fuzzer(7);
    let two = six_fuzzer(7).jobs(2);
    let hunt = one.hunt(14, 0.5).expect("the baseline passes");
    sane(&hunt);
    assert_eq!(found(&hunt), six_expected(), "{hunt}");
    let hunt_two = two.hunt(14, 0.5).expect("the baseline passes");
    assert_eq!(summary(&hunt_two), summary(&hunt), "{hunt_two}\n{hunt}");
    // Every finding reproduces the same way alone.
    for f in hunt.findings() {
        assert_eq!(one.test_config(f.config()), f.status(), "{f}");
    }
}

#[test]
fn a_cut_short_shrink_still_reports_real_failures_with_hits() {
    // Two shrink runs cannot minimise a sample of several fields: the
    // findings are bigger than the culprits, but each still fails its way
    // when run alone, and says it was cut short.
    let fuzzer = six_fuzzer(3).max_shrink_runs(2);
    let hunt = fuzzer.hunt(8, 0.5).expect("the baseline passes");
    sane(&hunt);
    assert!(!hunt.findings().is_empty(), "{hunt}");
    let mut cut = 0;
    for f in hunt.findings() {
        assert_eq!(fuzzer.test_config(f.config()), f.status(), "{f}");
        if f.shrink_limit().is_some() {
            cut += 1;
        }
    }
    assert!(cut >= 1, "no finding says its shrinking was cut:\n{hunt}");
}

/// A deterministic panic on `a`, a deterministic error on `b && c`, and a
/// hang on `h` that comes back on half of the runs (each its own status, so
/// that no shrink step can trade one bug for another).
fn flaky_bugs() -> Result<(), String> {
    let c = Knobs::current();
    if c.a {
        panic!("a is on");
    }
    if c.b && c.c {
        return Err("b and c".into());
    }
    if c.h && coin() {
        hang();
    }
    Ok(())
}

#[test]
fn confirm_keeps_real_bugs_exact_and_calls_the_coin_flaky() {
    for isolation in [Isolation::Process, Isolation::Thread] {
        let fuzzer = ConfigFuzzer::<Knobs>::new(flaky_bugs, 4)
            .isolation(isolation)
            .timeout(Duration::from_millis(200))
            .confirm(2);
        let hunt = match fuzzer.hunt(12, 0.5) {
            Ok(h) => h,
            Err(e) => panic!("{isolation:?}: {e}"),
        };
        sane(&hunt);
        // A coin that fails three runs in a row passes the confirmation
        // (one time in four), and a shrink run it passes by chance keeps a
        // field: a finding of `h` may be bigger and not called flaky. The
        // deterministic bugs stay exact whatever the coin does.
        let real: BTreeSet<String> = hunt
            .findings()
            .iter()
            .filter(|f| !f.config().contains_key("h"))
            .map(|f| key(f.config(), f.status()))
            .collect();
        let expected = keyed([
            (bools(&["a"]), Status::FailedPanic),
            (bools(&["b", "c"]), Status::FailedError),
        ]);
        assert_eq!(real, expected, "{isolation:?}:\n{hunt}");
        for f in hunt.findings() {
            if f.config().contains_key("h") {
                assert!(
                    matches!(f.status(), Status::Flaky | Status::FailedTimeout),
                    "{isolation:?}: {f}\n{hunt}"
                );
            }
        }
    }
}

/// Thread mode: panics, hangs and panicking spawned threads (no abort and
/// no stack overflow: those end the whole process).
fn thread_safe_bugs() -> Result<(), String> {
    let c = Knobs::current();
    if c.a {
        panic!("a is on");
    }
    if c.d && c.e {
        hang();
    }
    if c.g {
        let snap = fuzzer_core::Snapshot::capture();
        let worker = std::thread::spawn(move || {
            snap.enter(|| {
                if Knobs::read(|c| c.g) {
                    panic!("worker saw g");
                }
            })
        });
        worker
            .join()
            .map_err(|_| "a worker thread panicked".to_string())?;
    }
    if c.threads > 32 {
        return Err(format!("{} threads", c.threads));
    }
    Ok(())
}

#[test]
fn thread_mode_with_two_jobs_finds_the_same_exact_bugs() {
    let one = ConfigFuzzer::<Knobs>::new(thread_safe_bugs, 9).timeout(Duration::from_millis(200));
    let two = ConfigFuzzer::<Knobs>::new(thread_safe_bugs, 9)
        .timeout(Duration::from_millis(200))
        .jobs(2);
    let hunt = one.hunt(14, 0.5).expect("the baseline passes");
    sane(&hunt);
    let expected = keyed([
        (bools(&["a"]), Status::FailedPanic),
        (bools(&["d", "e"]), Status::FailedTimeout),
        (bools(&["g"]), Status::FailedError),
        (
            [("threads".to_string(), Value::Int(33))].into(),
            Status::FailedError,
        ),
    ]);
    assert_eq!(found(&hunt), expected, "{hunt}");
    let hunt_two = two.hunt(14, 0.5).expect("the baseline passes");
    assert_eq!(summary(&hunt_two), summary(&hunt), "{hunt_two}\n{hunt}");
}

/// Small: three flags, the two enums and the integer.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Image {
    /// a
    pub a: bool,
    /// b
    pub b: bool,
    /// sharpen
    pub sharpen: bool,
    /// The dithering.
    #[config(default = Dither::Off)]
    pub dither: Dither,
    /// The colour space.
    #[config(default = ColorSpace::Srgb)]
    pub color_space: ColorSpace,
    /// Worker threads.
    #[config(default = 4)]
    #[fuzz(range = 1..=256)]
    pub threads: i64,
}

/// Aborts on one combination of the enums, hangs at the top of `threads`
/// with `sharpen` on, returns false for `a && b`.
fn image_bugs() -> bool {
    let c = Image::current();
    if c.dither == Dither::Diffusion && c.color_space == ColorSpace::Cmyk {
        std::process::abort();
    }
    if c.threads == 256 && c.sharpen {
        hang();
    }
    !(c.a && c.b)
}

fn image_names() -> Vec<&'static str> {
    Image::fields().iter().map(|f| f.name()).collect()
}

/// Every t-set of `names`.
fn t_sets(names: &[&'static str], t: usize) -> Vec<Vec<&'static str>> {
    let mut out = Vec::new();
    let n = names.len();
    for i in 0..n {
        for j in i + 1..n {
            if t == 2 {
                out.push(vec![names[i], names[j]]);
            } else {
                for k in j + 1..n {
                    out.push(vec![names[i], names[j], names[k]]);
                }
            }
        }
    }
    out
}

fn image_fuzzer(seed: u64) -> ConfigFuzzer<Image> {
    ConfigFuzzer::<Image>::new(image_bugs, seed)
        .isolation(Isolation::Process)
        .timeout(Duration::from_millis(300))
}

#[test]
fn covering_pairs_of_crashing_and_hanging_bugs_answer_as_the_exhaustive_sweep() {
    let cover = image_fuzzer(5);
    let cover_two = image_fuzzer(5).jobs(2);
    let exhaustive = image_fuzzer(5);
    let pairs = cover.fuzz_covering(2);
    let all = exhaustive.fuzz_n_tuple(2, usize::MAX);
    for set in t_sets(&image_names(), 2) {
        assert_eq!(
            pairs.lookup(&set),
            all.lookup(&set),
            "{set:?}\ncovering:\n{pairs}\nexhaustive:\n{all}"
        );
    }
    assert_eq!(
        pairs.lookup(&["color_space", "dither"]),
        Some(Status::FailedCrash)
    );
    assert_eq!(
        pairs.lookup(&["threads", "sharpen"]),
        Some(Status::FailedTimeout)
    );
    assert_eq!(pairs.lookup(&["a", "b"]), Some(Status::FailedReturn));
    let mut culprits: Vec<(ConfigDiff, Status)> =
        pairs.culprits().map(|(d, s)| (d.clone(), s)).collect();
    culprits.sort_by_key(|(d, _)| d.keys().cloned().collect::<Vec<_>>());
    let expected: Vec<(ConfigDiff, Status)> = vec![
        (bools(&["a", "b"]), Status::FailedReturn),
        (
            [
                ("color_space".to_string(), ColorSpace::Cmyk.to_value()),
                ("dither".to_string(), Dither::Diffusion.to_value()),
            ]
            .into(),
            Status::FailedCrash,
        ),
        (
            [
                ("sharpen".to_string(), Value::Bool(true)),
                ("threads".to_string(), Value::Int(256)),
            ]
            .into(),
            Status::FailedTimeout,
        ),
    ];
    assert_eq!(culprits, expected, "{pairs}");
    let check = cover.verify(&pairs);
    for (culprit, status) in pairs.culprits() {
        assert_eq!(
            check.get(culprit).map(|e| e.status),
            Some(status),
            "{culprit:?}"
        );
    }
    // Two jobs: the same answers.
    let pairs_two = cover_two.fuzz_covering(2);
    for set in t_sets(&image_names(), 2) {
        assert_eq!(pairs_two.lookup(&set), pairs.lookup(&set), "{set:?}");
    }
}

#[test]
fn covering_triples_with_two_jobs_answer_as_the_exhaustive_sweep() {
    let cover = image_fuzzer(2).jobs(2);
    let exhaustive = image_fuzzer(2).jobs(2);
    let triples = cover.fuzz_covering(3);
    let all = exhaustive.fuzz_n_tuple(3, usize::MAX);
    for set in t_sets(&image_names(), 3) {
        assert_eq!(
            triples.lookup(&set),
            all.lookup(&set),
            "{set:?}\ncovering:\n{triples}"
        );
    }
    assert_eq!(triples.culprits().count(), 3, "{triples}");
}

#[test]
fn all_levels_n_tuple_finds_the_one_failing_enum_combination_every_seed() {
    let fuzzers: Vec<(ConfigFuzzer<Image>, ConfigFuzzer<Image>)> = (0..4)
        .map(|seed| {
            (
                image_fuzzer(seed),
                image_fuzzer(seed).n_tuple_draw(NTupleDraw::Single),
            )
        })
        .collect();
    for (seed, (all_levels, single)) in fuzzers.iter().enumerate() {
        let all = all_levels.fuzz_n_tuple(2, usize::MAX);
        assert_eq!(
            all.lookup(&["dither", "color_space"]),
            Some(Status::FailedCrash),
            "seed {seed}"
        );
        // The four non-default combinations of the pair ran; one failed.
        let pair: Vec<(&ConfigDiff, Status)> = all
            .iter()
            .filter(|(d, _)| {
                d.len() == 2 && d.contains_key("dither") && d.contains_key("color_space")
            })
            .collect();
        assert_eq!(pair.len(), 4, "seed {seed}: {pair:?}");
        assert_eq!(
            pair.iter().filter(|(_, s)| s.is_failing()).count(),
            1,
            "seed {seed}: {pair:?}"
        );
        // A single draw runs one config per pair of fields.
        let one = single.fuzz_n_tuple(2, usize::MAX);
        assert_eq!(one.num_ran(), t_sets(&image_names(), 2).len(), "{one}");
    }
}
