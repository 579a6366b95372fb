use fuzzer_core::prelude::*;

#[derive(ConfigSection, Clone, Debug, PartialEq)]
pub struct Section {
    #[config(default = false)]
    pub enabled: bool,
}

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = false, implies(true => { section = true, flag.enabled = true }))]
    pub strict: bool,
    #[config(default = false)]
    pub flag: bool,
    #[config(nested)]
    pub section: Section,
}

fn main() {}
