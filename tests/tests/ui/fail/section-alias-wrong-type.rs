use fuzzer_core::prelude::*;

#[derive(ConfigSection, Clone, Debug, PartialEq)]
pub struct Cache {
    #[config(default = true)]
    pub enabled: bool,
}

#[derive(ConfigSection, Clone, Debug, PartialEq)]
pub struct Other {
    #[config(default = 1)]
    pub size: i64,
}

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(nested)]
    pub cache: Cache,
    #[config(nested)]
    pub other: Other,
    #[config(alias = "cache")]
    pub old_cache: Alias<Other>,
}

fn main() {}
