use fuzzer_core::prelude::*;

// Everything a field type needs except `FuzzValue`, so that this is the only
// error. (Without `Default` a field with no `default = ..` also reports that.)
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Point {
    pub x: i64,
    pub y: i64,
}

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    pub origin: Point,
}

fn main() {}
