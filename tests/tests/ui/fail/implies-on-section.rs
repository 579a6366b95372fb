use fuzzer_core::prelude::*;

#[derive(ConfigSection, Clone, Debug, PartialEq)]
#[config(validate = check)]
pub struct Section {
    #[config(default = false, implies(true => { other = true }))]
    pub strict: bool,
    #[config(default = false)]
    pub other: bool,
}

fn check(_: &Section) -> Result<(), String> {
    Ok(())
}

fn main() {}
