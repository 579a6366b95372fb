use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = false, implies(1 => { level = "high" }))]
    pub strict: bool,
    #[config(default = 0)]
    pub level: i64,
}

fn main() {}
