//! [`ImplicationConfig`]: the implication fixture of PyTorch's behaviour
//! spec (§18), with a validator added.

use fuzzer_core::prelude::*;

/// The values of [`ImplicationConfig::mode`].
#[derive(FuzzValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImplicationMode {
    /// No rule.
    Default,
    /// Turns `enabled` and `nested.enabled` on.
    Strict,
}

/// The section of [`ImplicationConfig`].
///
/// ```
/// use fake_config::{ImplicationConfig, ImplicationMode};
/// use fuzzer_core::prelude::*;
///
/// let _g = ImplicationConfig::patch(|c| c.mode = ImplicationMode::Strict);
/// assert!(ImplicationConfig::read(|c| c.nested.enabled));
/// ```
#[derive(ConfigSection, Clone, Debug, PartialEq)]
pub struct ImplicationNested {
    /// Implied `true` by `mode = Strict`.
    #[config(default = false)]
    pub enabled: bool,
}

/// PyTorch's implication fixture: `mode = Strict` implies `enabled` and
/// `nested.enabled`; `enabled` implies `downstream = 1` (so `mode` implies
/// it through `enabled`); `conflict` implies `enabled = false`, which
/// conflicts with `mode = Strict`. The validator [`check_budget`] keeps
/// `downstream + unrelated` at most 12.
///
/// ```
/// use fake_config::{ImplicationConfig, ImplicationMode};
/// use fuzzer_core::prelude::*;
///
/// let _g = ImplicationConfig::patch(|c| c.mode = ImplicationMode::Strict);
/// assert_eq!(ImplicationConfig::read(|c| (c.enabled, c.downstream)), (true, 1));
/// // `conflict = true` would imply `enabled = false` while `mode` implies `true`:
/// let err = ImplicationConfig::patch_values([("conflict", Value::Bool(true))]).unwrap_err();
/// assert!(err.to_string().contains("conflicting implications"));
/// ```
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
#[config(validate = check_budget)]
pub struct ImplicationConfig {
    /// The mode; `Strict` turns `enabled` and `nested.enabled` on.
    #[config(default = ImplicationMode::Default, implies(ImplicationMode::Strict => { enabled = true, nested.enabled = true }))]
    pub mode: ImplicationMode,
    /// Turns `downstream` to 1.
    #[config(default = false, implies(true => { downstream = 1 }))]
    pub enabled: bool,
    /// Implied 1 by `enabled`.
    #[config(default = 0)]
    #[fuzz(range = 0..=10)]
    pub downstream: i64,
    /// Implies `enabled = false`: conflicts with `mode = Strict`.
    #[config(default = false, implies(true => { enabled = false }))]
    pub conflict: bool,
    /// Takes part in no rule, only in the validator.
    #[config(default = 1)]
    #[fuzz(range = 0..=10)]
    pub unrelated: i64,
    /// A section with an implied field.
    #[config(nested)]
    pub nested: ImplicationNested,
}

/// The validator of [`ImplicationConfig`]: `downstream + unrelated` must be
/// at most 12.
///
/// ```
/// use fake_config::{check_budget, ImplicationConfig};
/// use fuzzer_core::prelude::*;
///
/// assert!(check_budget(&ImplicationConfig::defaults()).is_ok());
/// ```
pub fn check_budget(c: &ImplicationConfig) -> Result<(), String> {
    if c.downstream + c.unrelated > 12 {
        return Err(format!(
            "downstream + unrelated is {} + {} = {}, more than the budget of 12; lower one of them",
            c.downstream,
            c.unrelated,
            c.downstream + c.unrelated
        ));
    }
    Ok(())
}
