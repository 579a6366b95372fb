use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[fuzz(default = 4)]
    pub threads: i64,
}

fn main() {}
