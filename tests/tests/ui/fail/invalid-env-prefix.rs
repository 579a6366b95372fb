use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
#[config(env_prefix = "my app")]
pub struct Config {
    pub flag: bool,
}

fn main() {}
