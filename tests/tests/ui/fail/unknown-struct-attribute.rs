use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
#[config(env_prefx = "APP_")]
pub struct Config {
    pub flag: bool,
}

fn main() {}
