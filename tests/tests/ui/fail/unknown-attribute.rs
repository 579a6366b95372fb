use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(defualt = true)]
    pub flag: bool,
}

fn main() {}
