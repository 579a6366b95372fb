use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = 0)]
    pub level: i64,
    #[config(alias = "level", implies(3 => { verbose = true }))]
    pub lvl: Alias<i64>,
    #[config(default = false)]
    pub verbose: bool,
}

fn main() {}
