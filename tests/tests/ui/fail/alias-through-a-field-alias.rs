use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = true)]
    pub flag: bool,
    #[config(alias = "flag")]
    pub old_flag: Alias<bool>,
    #[config(alias = "old_flag.inner")]
    pub older_flag: Alias<bool>,
}

fn main() {}
