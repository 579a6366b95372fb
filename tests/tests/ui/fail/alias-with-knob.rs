use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = true)]
    pub new_flag: bool,
    #[config(alias = "new_flag", knob = "rollout/old_flag")]
    pub old_flag: Alias<bool>,
}

fn main() {}
