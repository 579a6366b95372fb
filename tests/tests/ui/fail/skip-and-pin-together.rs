use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = true)]
    #[fuzz(skip, pin = false)]
    pub flag: bool,
}

fn main() {}
