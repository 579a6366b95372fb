use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = true)]
    pub flag: bool,
    #[config(alias = "second")]
    pub first: Alias<bool>,
    #[config(alias = "first")]
    pub second: Alias<bool>,
}

fn main() {}
