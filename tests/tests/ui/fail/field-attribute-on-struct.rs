use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
#[config(skip_hash)]
pub struct Config {
    pub flag: bool,
}

fn main() {}
