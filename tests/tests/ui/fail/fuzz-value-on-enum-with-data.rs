use fuzzer_core::prelude::*;

#[derive(FuzzValue, Clone, Debug, PartialEq)]
pub enum Backend {
    Triton,
    Halide { threads: u32 },
    Custom(String),
}

fn main() {}
