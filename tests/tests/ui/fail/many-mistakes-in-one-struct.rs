use fuzzer_core::prelude::*;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(defualt = true)]
    pub flag: bool,
    #[fuzz(range = 1..=8)]
    pub name: String,
    pub magic: [u8; 4],
    #[config(default = 1)]
    #[fuzz(skip, pin = 2)]
    pub threads: i64,
    #[config(skip_hash, skip_hash)]
    pub level: u8,
}

fn main() {}
