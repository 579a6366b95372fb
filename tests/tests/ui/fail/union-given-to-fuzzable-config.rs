use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Copy)]
pub union Bits {
    pub int: u32,
    pub float: f32,
}

fn main() {}
