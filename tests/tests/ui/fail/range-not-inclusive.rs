use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = 1)]
    #[fuzz(range = 1..8)]
    pub threads: i64,
}

fn main() {}
