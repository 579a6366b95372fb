use fuzzer_core::prelude::*;

#[derive(ConfigSection, Clone, Debug, PartialEq)]
pub struct Inner {
    pub flag: bool,
}

// Two errors: `Inner` is not a field type, and (with no `default = ..`) it has
// no `Default`. Both go away with `#[config(nested)]`, which the first suggests.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    pub inner: Inner,
}

fn main() {}
