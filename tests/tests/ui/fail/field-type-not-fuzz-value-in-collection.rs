use fuzzer_core::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub x: i64,
    pub y: i64,
}

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    pub points: Vec<Point>,
}

fn main() {}
