use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = true, env = APP_FLAG)]
    pub flag: bool,
}

fn main() {}
