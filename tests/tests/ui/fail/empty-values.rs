use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[fuzz(values = [])]
    pub threads: i64,
}

fn main() {}
