use fuzzer_core::prelude::*;

#[derive(FuzzValue, Clone, Debug, PartialEq)]
pub struct Point {
    pub x: i64,
    pub y: i64,
}

fn main() {}
