use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = false, implies(true => { enabled }))]
    pub strict: bool,
    #[config(default = false)]
    pub enabled: bool,
}

fn main() {}
