//! JSON save/load, the stable config hash, and codegen.

use std::fmt;

use crate::config::FuzzableConfig;
use crate::error::ConfigError;
use crate::value::{ConfigDiff, Value};

/// A stable 128-bit hash of a config's values (FNV-1a over a canonical
/// encoding: sorted dotted names and compact JSON values). Equal configs hash
/// equal on every machine, run and release.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConfigHash(pub [u8; 16]);

impl ConfigHash {
    /// The 16 bytes of the hash.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl fmt::Display for ConfigHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ConfigHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ConfigHash({self})")
    }
}

/// 128-bit FNV-1a.
struct Fnv128(u128);

impl Fnv128 {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013B;

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u128::from(b);
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }
}

pub(crate) fn config_hash<C: FuzzableConfig>(c: &C) -> ConfigHash {
    let fields = C::fields();
    let mut order: Vec<&crate::field::FieldMeta> =
        fields.iter().filter(|f| !f.skip_hash()).collect();
    order.sort_unstable_by(|a, b| a.name().cmp(b.name()));
    let mut h = Fnv128(Fnv128::OFFSET);
    let mut buf = String::new();
    for f in order {
        buf.clear();
        c.__get_index(f.index()).write_json(&mut buf);
        h.write(f.name().as_bytes());
        h.write(b"=");
        h.write(buf.as_bytes());
        h.write(b"\n");
    }
    ConfigHash(h.0.to_be_bytes())
}

pub(crate) fn save_json<C: FuzzableConfig>(c: &C) -> String {
    let mut out = String::with_capacity(64 * C::__FIELD_COUNT);
    out.push('{');
    let mut first = true;
    for f in C::fields().iter().filter(|f| !f.skip_save()) {
        out.push_str(if first { "\n  " } else { ",\n  " });
        first = false;
        out.push('"');
        out.push_str(f.name());
        out.push_str("\": ");
        c.__get_index(f.index()).write_json(&mut out);
    }
    out.push_str(if first { "}" } else { "\n}" });
    out
}

/// Parses a JSON object into (name, value) pairs, in the text's order.
pub(crate) fn parse_json_object(json: &str) -> Result<Vec<(String, Value)>, ConfigError> {
    let parsed: serde_json::Value =
        serde_json::from_str(json).map_err(|e| ConfigError::json(&e))?;
    match parsed {
        serde_json::Value::Object(map) => Ok(map
            .iter()
            .map(|(k, v)| (k.clone(), Value::from_json(v)))
            .collect()),
        other => Err(ConfigError::Json {
            line: 0,
            column: 0,
            message: format!(
                "expected an object of field names to values, found {}",
                match other {
                    serde_json::Value::Array(_) => "an array",
                    serde_json::Value::String(_) => "a string",
                    serde_json::Value::Number(_) => "a number",
                    serde_json::Value::Bool(_) => "a bool",
                    _ => "null",
                }
            ),
        }),
    }
}

/// The assignments `c.<name> = <expr>;` for `diff`, one per line with
/// `indent`, leaving out `skip_save` fields and names the config lacks.
pub(crate) fn assignments<C: FuzzableConfig>(diff: &ConfigDiff, indent: &str) -> String {
    let mut out = String::new();
    // Declaration order reads better than name order.
    for f in C::fields() {
        if let Some(v) = diff.get(f.name()) {
            out.push_str(indent);
            out.push_str("c.");
            out.push_str(f.name());
            out.push_str(" = ");
            out.push_str(&v.to_string());
            out.push_str(";\n");
        }
    }
    out
}

pub(crate) fn codegen<C: FuzzableConfig>(changed: &ConfigDiff) -> String {
    let saved: ConfigDiff = changed
        .iter()
        .filter(|(name, _)| C::field_index(name).is_ok_and(|i| !C::fields()[i].skip_save()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if saved.is_empty() {
        return String::new();
    }
    format!(
        "#[allow(deprecated)]\n{}::set(|c| {{\n{}}});\n",
        C::__NAME,
        assignments::<C>(&saved, "    ")
    )
}
