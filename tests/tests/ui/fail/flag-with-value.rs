use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = true, skip_hash = true)]
    pub flag: bool,
}

fn main() {}
