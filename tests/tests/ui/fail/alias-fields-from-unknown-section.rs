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
    #[config(nested, alias_fields_from = "cahce")]
    pub new_cache: Cache,
}

fn main() {}
