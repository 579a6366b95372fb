use fuzzer_core::prelude::*;

#[derive(ConfigSection, Clone, Debug, PartialEq)]
pub struct Section {
    #[config(default = false)]
    pub enabled: bool,
    #[config(alias = "enabled")]
    pub on: Alias<bool>,
}

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = false, implies(true => { section.on = true }))]
    pub strict: bool,
    #[config(nested)]
    pub section: Section,
}

fn main() {}
