use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(env = "")]
    pub empty: bool,
    #[config(env = "A=B")]
    pub equals: bool,
    #[config(env_force = ["OK_NAME", "has space"])]
    pub space: bool,
    #[config(env = "1ST")]
    pub digit: bool,
}

fn main() {}
