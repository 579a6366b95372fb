use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = false)]
    pub new_strict: bool,
    #[config(alias = "new_strict", implies(true => { enabled = true }))]
    pub strict: Alias<bool>,
    #[config(default = false)]
    pub enabled: bool,
}

fn main() {}
