use fuzzer_core::prelude::*;

#[derive(ConfigSection, Clone, Debug, PartialEq)]
pub struct Inner {
    #[config(default = true)]
    pub flag: bool,
}

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
pub struct Config {
    #[config(nested)]
    pub inner: Inner,
}

fn main() {
    // A section has no singleton: its values are `Config::read(|c| c.inner.flag)`.
    let _ = Inner::read(|c| c.flag);
}
