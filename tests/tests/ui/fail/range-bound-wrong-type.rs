use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = 4)]
    #[fuzz(range = 1..="eight")]
    pub threads: i64,
}

fn main() {}
