use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Copy, Debug, PartialEq)]
#[repr(C, packed)]
pub struct Config {
    pub flag: bool,
    pub level: u8,
}

fn main() {}
