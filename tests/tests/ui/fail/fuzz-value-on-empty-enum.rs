use fuzzer_core::prelude::*;

#[derive(FuzzValue, Clone, Debug, PartialEq)]
pub enum Backend {}

fn main() {}
