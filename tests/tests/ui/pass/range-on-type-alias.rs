//! `range` on a field whose type is an alias of a number type: the derive
//! cannot see through the alias, so the type is checked by the compiler.

#![deny(warnings)]

use fuzzer_core::prelude::*;

/// A size in bytes.
pub type Bytes = u64;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = 64)]
    #[fuzz(range = 1..=1024)]
    pub block: Bytes,
}

fn main() {
    let f = &Config::fields()[0];
    assert_eq!(
        *f.domain(),
        fuzzer_core::Domain::Range { lo: 1u64.to_value(), hi: 1024u64.to_value() }
    );
    assert_eq!(Config::read(|c| c.block), 64);
}
