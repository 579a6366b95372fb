use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = 0)]
    pub level: i64,
    #[config(alias = "level", knob = "level_knob")]
    pub lvl: Alias<i64>,
}

fn main() {}
