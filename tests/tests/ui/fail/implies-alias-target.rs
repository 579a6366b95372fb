use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = false, implies(true => { lvl = 3 }))]
    pub strict: bool,
    #[config(default = 0)]
    pub level: i64,
    #[config(alias = "level")]
    pub lvl: Alias<i64>,
}

fn main() {}
