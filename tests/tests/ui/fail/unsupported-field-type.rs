use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    pub name: &'static str,
    pub magic: [u8; 4],
}

fn main() {}
