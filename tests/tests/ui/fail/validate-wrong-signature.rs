use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
#[config(validate = check)]
pub struct Config {
    #[config(default = false)]
    pub flag: bool,
}

fn check(_: &Config) -> bool {
    true
}

fn main() {}
