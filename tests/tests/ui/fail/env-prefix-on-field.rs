use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(env_prefix = "APP_")]
    pub flag: bool,
}

fn main() {}
