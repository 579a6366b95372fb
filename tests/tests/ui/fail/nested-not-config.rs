use fuzzer_core::prelude::*;

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Inner {
    pub flag: bool,
}

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(nested)]
    pub inner: Inner,
}

fn main() {}
