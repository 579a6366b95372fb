use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[fuzz(range = 1..=8)]
    pub name: String,
}

fn main() {}
