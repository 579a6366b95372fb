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

/// The hash reads values as the JSON serde writes, without building text.
impl std::io::Write for Fnv128 {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Fnv128::write(self, buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub(crate) fn config_hash<C: FuzzableConfig>(c: &C) -> ConfigHash {
    let fields = C::fields();
    let mut order: Vec<&crate::field::FieldMeta> =
        fields.iter().filter(|f| !f.skip_hash()).collect();
    order.sort_unstable_by(|a, b| a.name().cmp(b.name()));
    let mut h = Fnv128(Fnv128::OFFSET);
    for f in order {
        h.write(f.name().as_bytes());
        h.write(b"=");
        // The value's JSON (see `Value`): the same text `save_json` writes.
        if serde_json::to_writer(&mut h, &c.__get_index(f.index())).is_err() {
            unreachable!("hashing a value cannot fail");
        }
        h.write(b"\n");
    }
    ConfigHash(h.0.to_be_bytes())
}

/// The fields `save_json` writes, in declaration order, as a JSON object.
struct Saved<'a, C>(&'a C);

impl<C: FuzzableConfig> serde::Serialize for Saved<'_, C> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(
            C::fields()
                .iter()
                .filter(|f| !f.skip_save())
                .map(|f| (f.name(), self.0.__get_index(f.index()))),
        )
    }
}

pub(crate) fn save_json<C: FuzzableConfig>(c: &C) -> String {
    crate::json::to_string_entry_per_line(&Saved(c))
}

/// Whether `save_json_portable` keeps field `f`: not private (no part of its
/// dotted name starts with `_`) and not under one of the config's
/// `portable_ignore` prefixes.
//
// Aliases need no filter: they are never in `fields()` (see `C::aliases()`).
pub(crate) fn is_portable<C: FuzzableConfig>(f: &crate::field::FieldMeta) -> bool {
    !f.name().split('.').any(|part| part.starts_with('_'))
        && !C::__portable_ignore()
            .iter()
            .any(|prefix| f.name().starts_with(prefix))
}

/// The fields `save_json_portable` writes, in declaration order.
struct Portable<'a, C>(&'a C);

impl<C: FuzzableConfig> serde::Serialize for Portable<'_, C> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(
            C::fields()
                .iter()
                .filter(|f| is_portable::<C>(f))
                .map(|f| (f.name(), self.0.__get_index(f.index()))),
        )
    }
}

pub(crate) fn save_json_portable<C: FuzzableConfig>(c: &C) -> String {
    crate::json::to_string_entry_per_line(&Portable(c))
}

/// Parses a JSON object of dotted field names to values, in the text's
/// order. A key naming a section (the part before a `.` of some field's
/// name) whose value is an object is read as that section's fields:
/// `{"nested": {"e_bool": false}}` is `{"nested.e_bool": false}`. A key
/// given twice, in either form, is an error.
pub(crate) fn parse_json_object<C: FuzzableConfig>(
    json: &str,
) -> Result<Vec<(String, Value)>, ConfigError> {
    let mut de = serde_json::Deserializer::from_str(json);
    let pairs = crate::json::unique_object(&mut de)
        .and_then(|pairs| de.end().map(|()| pairs))
        .map_err(|e| ConfigError::json(&e))?;
    let mut out = Vec::with_capacity(pairs.len());
    flatten_sections::<C>(String::new(), pairs, &mut out);
    let mut seen = std::collections::HashSet::new();
    for (name, _) in &out {
        if !seen.insert(name.as_str()) {
            return Err(ConfigError::Json {
                line: 0,
                column: 0,
                message: format!(
                    "field `{}` is given twice (once as a dotted name, once inside its section); keep one",
                    crate::error::preview(name, crate::error::VALUE_BYTES)
                ),
            });
        }
    }
    Ok(out)
}

fn is_section<C: FuzzableConfig>(name: &str) -> bool {
    let under = |n: &str| {
        n.strip_prefix(name)
            .is_some_and(|rest| rest.starts_with('.'))
    };
    // An alias of a whole section is a section too: its fields are aliases.
    C::field_index(name).is_err()
        && (C::fields().iter().any(|f| under(f.name()))
            || C::aliases().iter().any(|a| under(a.name())))
}

fn flatten_sections<C: FuzzableConfig>(
    prefix: String,
    pairs: Vec<(String, Value)>,
    out: &mut Vec<(String, Value)>,
) {
    for (key, value) in pairs {
        let name = format!("{prefix}{key}");
        match value {
            Value::Map(inner)
                if is_section::<C>(&name)
                    && inner.iter().all(|(k, _)| matches!(k, Value::Str(_))) =>
            {
                let inner = inner
                    .into_iter()
                    .map(|(k, v)| match k {
                        Value::Str(k) => (k, v),
                        other => (other.to_json(), v),
                    })
                    .collect();
                flatten_sections::<C>(format!("{name}."), inner, out);
            }
            value => out.push((name, value)),
        }
    }
}

/// `name` as a Rust place under `c`: each part of a dotted name, a keyword
/// as a raw identifier (`c.r#type`).
fn place(name: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do",
        "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in",
        "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
        "return", "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe",
        "unsized", "use", "virtual", "where", "while", "yield",
    ];
    let mut out = String::from("c");
    for part in name.split('.') {
        out.push('.');
        if KEYWORDS.contains(&part) {
            out.push_str("r#");
        }
        out.push_str(part);
    }
    out
}

/// The assignments `c.<name> = <expr>;` for `diff`, one per line with
/// `indent`, leaving out names the config lacks. Each value is printed as
/// its field's type (`FieldMeta::rust_expr`), so values that came back from
/// JSON untyped still give code that compiles; a value that does not fit
/// its field gives a `compile_error!` saying so.
pub(crate) fn assignments<C: FuzzableConfig>(diff: &ConfigDiff, indent: &str) -> String {
    let mut out = String::new();
    // Declaration order reads better than name order.
    for f in C::fields() {
        if let Some(v) = diff.get(f.name()) {
            out.push_str(indent);
            match f.rust_expr(v) {
                Ok(expr) => {
                    out.push_str(&place(f.name()));
                    out.push_str(" = ");
                    out.push_str(&expr);
                    out.push_str(";\n");
                }
                Err(e) => {
                    out.push_str(&format!("compile_error!({:?});\n", e.to_string()));
                }
            }
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
