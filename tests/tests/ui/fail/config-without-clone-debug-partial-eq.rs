use fuzzer_core::prelude::*;

#[derive(FuzzableConfig)]
pub struct Config {
    pub flag: bool,
}

fn main() {}
