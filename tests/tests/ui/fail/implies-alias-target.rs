use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = false, implies(true => { old_flag = true }))]
    pub strict: bool,
    #[config(default = false)]
    pub new_flag: bool,
    #[config(alias = "new_flag")]
    pub old_flag: Alias<bool>,
}

fn main() {}
