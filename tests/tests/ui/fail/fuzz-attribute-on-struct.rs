use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
#[fuzz(skip)]
pub struct Config {
    pub flag: bool,
}

fn main() {}
