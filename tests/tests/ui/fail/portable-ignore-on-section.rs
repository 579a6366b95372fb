use fuzzer_core::prelude::*;

#[derive(ConfigSection, Clone, Debug, PartialEq)]
#[config(portable_ignore = ["trace."])]
pub struct Inner {
    pub flag: bool,
}

fn main() {}
