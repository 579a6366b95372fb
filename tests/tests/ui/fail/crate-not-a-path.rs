use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
#[config(crate = "not a path")]
pub struct Config {
    pub flag: bool,
}

fn main() {}
