use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = 1, default = 2)]
    pub threads: i64,
}

fn main() {}
