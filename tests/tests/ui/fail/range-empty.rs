use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = 10)]
    #[fuzz(range = 10..=1)]
    pub threads: i64,
    #[config(default = 0.5)]
    #[fuzz(range = 1.0..=-1.0)]
    pub ratio: f64,
}

fn main() {}
