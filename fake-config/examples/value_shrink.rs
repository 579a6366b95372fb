//! What value shrinking costs and buys: one planted bug per kind of value
//! (a threshold above the default, one below it, a string length, a vec
//! length, an option, an enum, a float threshold, and a bool-and-integer
//! pair), each hunted over 5 seeds with value shrinking on and off.
//!
//! For each bug it prints the findings of the hunts (several drawn values
//! without value shrinking, one shrunk value with it), the runs of the
//! hunts, and the runs value shrinking adds to one finding: the finding of
//! the hunt without it, minimized again with and without.
//!
//! `cargo run --release -p fake-config --example value_shrink`

use fuzzer_core::prelude::*;

/// The memory layouts, in declaration order.
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

/// A kernel's knobs: one of each kind of value, and a few bools around.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Kernel {
    /// Worker threads.
    #[config(default = 4)]
    #[fuzz(range = 1..=256)]
    pub threads: i64,
    /// The tile size.
    #[config(default = 512)]
    #[fuzz(range = 8..=1024)]
    pub tile_size: i64,
    /// The kernel's name.
    #[config(default = String::from("k"))]
    pub name: String,
    /// The tensor's dimensions.
    pub dims: Vec<i64>,
    /// A cache size, if any.
    #[config(default = None)]
    pub cache: Option<i64>,
    /// The memory layout.
    #[config(default = Layout::Row)]
    pub layout: Layout,
    /// A ratio.
    #[config(default = 0.25)]
    #[fuzz(range = 0.0..=1.0)]
    pub ratio: f64,
    /// Go fast.
    #[config(default = false)]
    pub fast: bool,
    /// Vectorize.
    #[config(default = true)]
    pub vectorize: bool,
    /// Unroll loops.
    #[config(default = false)]
    pub unroll: bool,
}

/// Whether a config passes the test.
type Passes = fn(&Kernel) -> bool;

/// The planted bugs: a name and the test (which passes when the closure
/// says so).
const BUGS: [(&str, Passes); 8] = [
    ("threads > 32", |c| c.threads <= 32),
    ("tile_size < 64", |c| c.tile_size >= 64),
    ("name longer than 8", |c| c.name.chars().count() <= 8),
    ("dims of 2 or more", |c| c.dims.len() < 2),
    ("cache > 100", |c| c.cache.is_none_or(|v| v <= 100)),
    ("layout Tiled or Blocked", |c| {
        matches!(c.layout, Layout::Row | Layout::Col)
    }),
    ("ratio > 0.6", |c| c.ratio <= 0.6),
    ("fast and threads > 100", |c| !(c.fast && c.threads > 100)),
];

const SEEDS: u64 = 5;
const ATTEMPTS: usize = 30;
const P: f64 = 0.5;

/// Independent attempts (`forbid_found(false)`): every failing attempt is
/// shrunk, values included, so both hunts fail on the same attempts.
fn fuzzer(passes: Passes, seed: u64, values: bool) -> ConfigFuzzer<Kernel> {
    ConfigFuzzer::<Kernel>::new(move || Kernel::read(passes), seed)
        .shrink_values(values)
        .forbid_found(false)
}

fn main() {
    println!(
        "| bug | findings without / with (5 seeds) | hunt runs without / with | value-shrink runs per finding | reported (with) |"
    );
    println!("|---|---|---|---|---|");
    for (name, passes) in BUGS {
        let (mut found_off, mut found_on) = (0, 0);
        let (mut runs_off, mut runs_on) = (0, 0);
        let mut extra: Vec<usize> = Vec::new();
        let mut reported: Vec<String> = Vec::new();
        for seed in 0..SEEDS {
            let off = fuzzer(passes, seed, false)
                .hunt(ATTEMPTS, P)
                .expect("the baseline passes");
            let on = fuzzer(passes, seed, true)
                .hunt(ATTEMPTS, P)
                .expect("the baseline passes");
            assert_eq!(off.failing_attempts(), on.failing_attempts());
            found_off += off.findings().len();
            found_on += on.findings().len();
            runs_off += off.runs();
            runs_on += on.runs();
            for f in on.findings() {
                let text = f
                    .config()
                    .iter()
                    .map(|(k, v)| format!("{k} = {v}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                if !reported.contains(&text) {
                    reported.push(text);
                }
            }
            for f in off.findings() {
                let plain = fuzzer(passes, seed, false);
                plain.minimize(f.config()).expect("it failed");
                let shrunk = fuzzer(passes, seed, true);
                shrunk.minimize(f.config()).expect("it failed");
                extra.push(shrunk.num_runs() - plain.num_runs());
            }
        }
        let mean = extra.iter().sum::<usize>() as f64 / extra.len().max(1) as f64;
        let max = extra.iter().max().copied().unwrap_or(0);
        println!(
            "| {} | {found_off} / {found_on} | {runs_off} / {runs_on} | {mean:.1} (max {max}) | `{}` |",
            name,
            reported.join("`; `")
        );
    }
}
