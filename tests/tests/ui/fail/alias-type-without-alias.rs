use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = true)]
    pub new_flag: bool,
    pub old_flag: Alias<bool>,
}

fn main() {}
