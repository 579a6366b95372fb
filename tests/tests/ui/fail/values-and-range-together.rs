use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = 1)]
    #[fuzz(values = [1, 2, 4], range = 1..=4)]
    pub threads: i64,
}

fn main() {}
