use fuzzer_core::prelude::*;

#[derive(ConfigSection, Clone, Debug, PartialEq)]
pub struct Cache {
    #[config(default = true)]
    pub enabled: bool,
}

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(nested)]
    pub cache: Cache,
    #[config(default = false, alias_fields_from = "cache")]
    pub enabled: bool,
}

fn main() {}
