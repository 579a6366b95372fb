use fuzzer_core::prelude::*;

// The derive cannot see through an alias; the compiler checks that the type
// behind it is a number, at the `range`.
pub type Name = String;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[fuzz(range = 1..=10)]
    pub name: Name,
}

fn main() {}
