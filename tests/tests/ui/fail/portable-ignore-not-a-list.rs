use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
#[config(portable_ignore = "trace.")]
pub struct Config {
    pub flag: bool,
}

fn main() {}
