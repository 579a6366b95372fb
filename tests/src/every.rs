//! [`Every`]: a config with a field of every supported type, for the value
//! fidelity tests (`tests/values.rs`) and the snippet compile test
//! (`tests/repro_compiles.rs`).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use fuzzer_core::prelude::*;

/// A fieldless enum, with a variant that needs a raw identifier.
#[derive(FuzzValue, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    /// The first.
    Fast,
    /// The second.
    Slow,
    /// The third.
    Loop,
}

/// A nested section.
#[derive(ConfigSection, Clone, Debug, PartialEq)]
pub struct Inner {
    /// A small integer.
    #[config(default = 3)]
    pub depth: u8,
    /// A float in a section.
    #[config(default = 0.25)]
    pub scale: f32,
}

/// One field of every supported field type, and of the shapes that are
/// easy to get wrong: nested options, maps with option keys, wide integers,
/// non-finite floats, a keyword as a field name.
#[allow(missing_docs)]
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
#[config(env_prefix = "EVERY_")]
pub struct Every {
    #[config(default = true)]
    pub b: bool,
    #[config(default = -8)]
    pub i8f: i8,
    #[config(default = 16)]
    pub i16f: i16,
    #[config(default = -32)]
    pub i32f: i32,
    #[config(default = 1)]
    pub i: i64,
    #[config(default = 0)]
    pub big: i128,
    #[config(default = -1)]
    pub isz: isize,
    #[config(default = 1)]
    pub u8f: u8,
    #[config(default = 16)]
    pub u16f: u16,
    #[config(default = 32)]
    pub u32f: u32,
    #[config(default = 64)]
    pub u64f: u64,
    #[config(default = 0)]
    pub ubig: u128,
    #[config(default = 7)]
    pub usz: usize,
    #[config(default = 1.5)]
    pub f: f64,
    #[config(default = 0.5)]
    pub f32f: f32,
    #[config(default = String::from("s"))]
    pub s: String,
    #[config(default = None)]
    pub os: Option<String>,
    #[config(default = Some(1))]
    pub oi: Option<i32>,
    #[config(default = None)]
    pub of32: Option<f32>,
    #[config(default = None)]
    pub oo: Option<Option<bool>>,
    #[config(default = Some(None))]
    pub oov: Option<Option<Vec<Option<i64>>>>,
    #[config(default = vec![1, 2])]
    pub v: Vec<i64>,
    #[config(default = vec![])]
    pub vs: Vec<String>,
    #[config(default = vec![0.1])]
    pub vf32: Vec<f32>,
    #[config(default = vec![])]
    pub vt: Vec<(u8, Mode)>,
    #[config(default = Mode::Fast)]
    pub mode: Mode,
    #[config(default = None)]
    pub omode: Option<Mode>,
    #[config(default = (1, String::from("x")))]
    pub t: (i32, String),
    #[config(default = (true,))]
    pub t1: (bool,),
    #[config(default = (1, 2.0, Mode::Slow, None))]
    pub t4: (u64, f32, Mode, Option<String>),
    #[config(default = BTreeMap::new())]
    pub m: BTreeMap<String, i64>,
    #[config(default = HashMap::new())]
    pub hm: HashMap<i64, bool>,
    #[config(default = BTreeMap::new())]
    pub mmode: BTreeMap<Mode, f64>,
    #[config(default = BTreeMap::new())]
    pub mo: BTreeMap<Option<String>, i64>,
    #[config(default = HashMap::new())]
    pub mt: HashMap<(i32, bool), Vec<u8>>,
    #[config(default = BTreeMap::new())]
    pub mbig: BTreeMap<u128, i128>,
    #[config(default = BTreeSet::new())]
    pub set: BTreeSet<i64>,
    #[config(default = BTreeSet::new())]
    pub smode: BTreeSet<Mode>,
    #[config(default = HashSet::new())]
    pub hs: HashSet<String>,
    #[config(default = HashSet::new())]
    pub hso: HashSet<Option<i16>>,
    #[config(default = 0)]
    pub r#type: i32,
    #[config(default = false)]
    pub r#loop: bool,
    #[config(nested)]
    pub inner: Inner,
}
