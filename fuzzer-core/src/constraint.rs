//! Implications (`#[config(implies(..))]`) and validators
//! (`#[config(validate = ..)]`): the rules that turn a config's stored
//! values into its effective values, and the checks every write and every
//! fuzzer candidate must pass.

use crate::config::FuzzableConfig;
use crate::error::ConfigError;

/// One implication, `source == condition => target = value`, as the derive
/// emits it for `#[config(implies(condition => { target = value }))]` on the
/// field `source`. Rules come in an order where every rule on a source comes
/// after every rule that targets that source, so one pass applies chains.
#[doc(hidden)]
pub struct Rule<C> {
    /// The source field's name.
    pub source: &'static str,
    /// The condition, as written.
    pub condition: &'static str,
    /// The target's dotted name.
    pub target: &'static str,
    /// The implied value, as written.
    pub value: &'static str,
    /// Whether the source holds the condition.
    pub active: fn(&C) -> bool,
    /// Gives the target its implied value.
    pub apply: fn(&mut C),
    /// Whether the target holds the implied value.
    pub holds: fn(&C) -> bool,
}

impl<C> Rule<C> {
    /// The rule as the user wrote it, for messages.
    pub(crate) fn describe(&self) -> String {
        format!(
            "`{} == {} => {} = {}`",
            self.source, self.condition, self.target, self.value
        )
    }
}

/// A `#[config(validate = path)]` function and its path as written.
#[doc(hidden)]
pub struct Validator<C> {
    /// The function's path, as written.
    pub name: &'static str,
    /// The check.
    pub check: fn(&C) -> Result<(), String>,
}

/// Whether `C` has implications or validators (most configs have neither,
/// and pay nothing for them).
pub(crate) fn constrained<C: FuzzableConfig>() -> bool {
    !C::__rules().is_empty() || !C::__validators().is_empty()
}

/// Applies `C`'s implications to `c` in place: every target of an active
/// rule takes its implied value, chains included. Two active rules that
/// imply different values for one target are an error naming both; `c` is
/// then partly updated, so callers work on a copy.
pub(crate) fn imply<C: FuzzableConfig>(c: &mut C) -> Result<(), ConfigError> {
    let rules = C::__rules();
    if rules.is_empty() {
        return Ok(());
    }
    // The active rules applied so far, by index.
    let mut applied: Vec<usize> = Vec::new();
    for (k, rule) in rules.iter().enumerate() {
        if !(rule.active)(c) {
            continue;
        }
        let earlier = applied
            .iter()
            .map(|&j| &rules[j])
            .find(|r| r.target == rule.target);
        match earlier {
            Some(first) if !(rule.holds)(c) => {
                return Err(ConfigError::Conflict {
                    config: C::__NAME.to_string(),
                    target: rule.target.to_string(),
                    rules: vec![first.describe(), rule.describe()],
                });
            }
            Some(_) => {}
            None => (rule.apply)(c),
        }
        applied.push(k);
    }
    Ok(())
}

/// Runs `C`'s validators on an effective config: the first one that
/// rejects it, as an error naming it.
pub(crate) fn validate<C: FuzzableConfig>(c: &C) -> Result<(), ConfigError> {
    for v in C::__validators() {
        if let Err(message) = (v.check)(c) {
            return Err(ConfigError::Rejected {
                config: C::__NAME.to_string(),
                validator: v.name.to_string(),
                message,
            });
        }
    }
    Ok(())
}

/// The effective config of stored values `raw`, checked: implications
/// applied, no conflict, every validator passing.
pub(crate) fn effective<C: FuzzableConfig>(raw: &C) -> Result<C, ConfigError> {
    let mut c = raw.clone();
    imply(&mut c)?;
    validate(&c)?;
    Ok(c)
}
