use fuzzer_core::prelude::*;

// A root config has a singleton of its own; nesting it would give its fields
// two sources of truth. A nested struct derives `ConfigSection`.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Inner {
    pub flag: bool,
}

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(nested)]
    pub inner: Inner,
}

fn main() {}
