use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = false, implies(true => { 1 = true }))]
    pub strict: bool,
    #[config(default = false)]
    pub enabled: bool,
}

fn main() {}
