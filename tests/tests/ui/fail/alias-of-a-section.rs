use fuzzer_core::prelude::*;

#[derive(ConfigSection, Clone, Debug, PartialEq)]
pub struct Section {
    #[config(default = true)]
    pub flag: bool,
}

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(nested)]
    pub section: Section,
    #[config(alias = "section")]
    pub old_flag: Alias<bool>,
}

fn main() {}
