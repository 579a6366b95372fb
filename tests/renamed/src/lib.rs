//! Configs derived through `fuzzer-core` renamed to `fc`: every path the
//! derives generate goes through `#[config(crate = "fc")]`.

use fc::prelude::*;

/// A value enum.
#[derive(FuzzValue, Clone, Copy, Debug, PartialEq, Eq)]
#[config(crate = "fc")]
pub enum Mode {
    /// The default.
    Fast,
    /// The other one.
    Slow,
}

/// A section.
#[derive(ConfigSection, Clone, Debug, PartialEq)]
#[config(crate = "fc")]
pub struct Part {
    /// A flag.
    #[config(default = true)]
    pub flag: bool,
}

/// A root config using every kind of attribute the paths matter for.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
#[config(crate = "fc", env_prefix = "RENAMED_")]
pub struct Settings {
    /// A bounded number.
    #[config(default = 4)]
    #[fuzz(range = 1..=8)]
    pub threads: i64,
    /// An enum with listed values.
    #[config(default = Mode::Fast)]
    #[fuzz(values = [Mode::Fast, Mode::Slow])]
    pub mode: Mode,
    /// A pinned flag.
    #[config(default = false)]
    #[fuzz(pin = true)]
    pub pinned: bool,
    /// A section.
    #[config(nested)]
    pub part: Part,
}
