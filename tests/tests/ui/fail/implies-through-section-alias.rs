use fuzzer_core::prelude::*;

#[derive(ConfigSection, Clone, Debug, PartialEq)]
pub struct Section {
    #[config(default = false)]
    pub enabled: bool,
}

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(default = false, implies(true => { old_section.enabled = true }))]
    pub strict: bool,
    #[config(nested)]
    pub section: Section,
    #[config(alias = "section")]
    pub old_section: Alias<Section>,
}

fn main() {}
