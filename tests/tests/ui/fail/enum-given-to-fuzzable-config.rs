use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub enum Backend {
    Triton,
    Halide,
}

fn main() {}
