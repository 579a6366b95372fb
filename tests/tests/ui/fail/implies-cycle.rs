use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = false, implies(true => { b = true }))]
    pub a: bool,
    #[config(default = false, implies(true => { a = true }))]
    pub b: bool,
}

fn main() {}
