//! A config with every supported std field type compiles, reads and patches.

#![deny(warnings)]

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use fuzzer_core::prelude::*;

#[derive(FuzzValue, Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Mode {
    #[default]
    Fast,
    Safe,
}

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
struct AllTypes {
    flag: bool,
    a_i8: i8,
    a_i16: i16,
    a_i32: i32,
    #[config(default = 7)]
    a_i64: i64,
    a_i128: i128,
    a_isize: isize,
    a_u8: u8,
    a_u16: u16,
    a_u32: u32,
    a_u64: u64,
    a_u128: u128,
    a_usize: usize,
    a_f32: f32,
    #[config(default = 1.5)]
    a_f64: f64,
    #[config(default = String::from("x"))]
    text: String,
    #[config(default = Some(true))]
    maybe: Option<bool>,
    list: Vec<i64>,
    ordered_set: BTreeSet<Mode>,
    hash_set: HashSet<String>,
    ordered_map: BTreeMap<String, Option<u8>>,
    hash_map: HashMap<u32, Vec<bool>>,
    one: (i64,),
    two: (bool, String),
    three: (u8, f32, Mode),
    #[config(default = (true, 1, String::from("y"), Mode::Safe))]
    four: (bool, i64, String, Mode),
    mode: Mode,
    #[config(default = Mode::Safe)]
    other_mode: Mode,
    deep: Option<Vec<(String, BTreeMap<i64, Mode>)>>,
}

fn main() {
    assert_eq!(AllTypes::read(|c| c.a_i64), 7);
    assert_eq!(AllTypes::read(|c| c.other_mode), Mode::Safe);
    assert_eq!(AllTypes::read(|c| c.four.2.clone()), "y");
    {
        let _guard = AllTypes::patch(|c| {
            c.mode = Mode::Safe;
            c.hash_map.insert(1, vec![true]);
        });
        assert_eq!(AllTypes::read(|c| c.mode), Mode::Safe);
        assert_eq!(AllTypes::read(|c| c.hash_map.len()), 1);
    }
    assert_eq!(AllTypes::read(|c| c.mode), Mode::Fast);
    assert_eq!(AllTypes::fields().len(), 29);
}
