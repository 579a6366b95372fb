use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = true)]
    pub new_flag: bool,
    #[config(alias = "new_flag")]
    pub old_flag: Alias<i64>,
}

fn main() {}
