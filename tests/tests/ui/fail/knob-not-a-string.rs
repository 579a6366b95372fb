use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = true, knob = rollout::fast)]
    pub fast: bool,
}

fn main() {}
