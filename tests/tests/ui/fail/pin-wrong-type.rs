use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = false)]
    #[fuzz(pin = 1)]
    pub flag: bool,
}

fn main() {}
