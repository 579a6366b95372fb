use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[fuzz(rnage = 1..=8)]
    pub threads: i64,
}

fn main() {}
