use fuzzer_core::prelude::*;

// With a prefix, both fields would read `APP_MAX_SIZE`.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
#[config(env_prefix = "APP_")]
#[allow(non_snake_case)]
pub struct Config {
    pub max_size: i64,
    pub MAX_SIZE: i64,
}

fn main() {}
