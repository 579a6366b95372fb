//! Aliases: old or alternative names of a field, declared with
//! `#[config(alias = "target")]` on a field of type [`Alias<T>`].
//!
//! An alias has no value of its own. It is not one of `fields()` (so the
//! fuzzer, `save_json`, `config_hash`, `codegen`, `to_values` and `changed`
//! never see it); it is listed by `FuzzableConfig::aliases()`, and every
//! by-name entry point (`get_value`, `set_value`, `patch_values`,
//! `set_values`, `is_default`, `load_json`) and the env var its name makes
//! (with `env_prefix`) reach its target. In compiled code the derive gives
//! the config an accessor pair, `fn <alias>(&self) -> T` and
//! `fn set_<alias>(&mut self, T)`, which read and write the target.
//!
//! An alias of a whole section (`Alias<Section>` naming a `#[config(nested)]`
//! field) stands for each of the section's fields: `alias.f` is an alias of
//! `section.f` by name, and `aliases()` lists each of them. Its accessors
//! borrow: `fn <alias>(&self) -> &Section`, `fn <alias>_mut(&mut self) ->
//! &mut Section`, and `fn set_<alias>(&mut self, Section)`. A section field
//! with `#[config(nested, alias_fields_from = "other")]` keeps its own
//! fields and is an alias of `other` for the rest.

use std::fmt;
use std::marker::PhantomData;

/// The type of an alias field: a zero-sized marker, so the struct holds no
/// second copy of the target's value that could disagree with it. The
/// derive reads and writes the target through the generated accessors
/// `c.<alias>()` and `c.set_<alias>(v)`.
///
/// ```
/// use fuzzer_core::prelude::*;
///
/// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
/// pub struct Settings {
///     #[config(default = 4)]
///     pub threads: i64,
///     /// The old name of `threads`.
///     #[config(alias = "threads")]
///     pub workers: Alias<i64>,
/// }
///
/// let _g = Settings::patch(|c| c.set_workers(8));
/// assert_eq!(Settings::read(|c| (c.threads, c.workers())), (8, 8));
/// assert_eq!(Settings::aliases()[0].target(), "threads");
/// ```
pub struct Alias<T>(PhantomData<fn() -> T>);

impl<T> Alias<T> {
    /// The marker. The derive fills alias fields in with it; write it only
    /// when building a config struct by hand.
    pub const fn new() -> Self {
        Alias(PhantomData)
    }
}

impl<T> Default for Alias<T> {
    fn default() -> Self {
        Alias::new()
    }
}

impl<T> Clone for Alias<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Alias<T> {}

impl<T> PartialEq for Alias<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T> Eq for Alias<T> {}

impl<T> std::hash::Hash for Alias<T> {
    fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
}

impl<T> fmt::Debug for Alias<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Alias")
    }
}

/// The derive's description of one alias of a struct.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct AliasSpec {
    /// The alias's own name.
    pub name: &'static str,
    /// The (dotted) name of the field it stands for, relative to the struct.
    pub target: &'static str,
    /// The doc comment.
    pub doc: &'static str,
    /// `#[deprecated]`.
    pub deprecated: bool,
    /// `#[deprecated(note = "..")]`.
    pub deprecation_note: Option<&'static str>,
    /// For an alias of a whole section (`Alias<Section>`, or a section
    /// field's `alias_fields_from`): the target section's field and alias
    /// names, each of which the alias's name makes an alias of.
    pub section: Option<SectionNames>,
}

/// The field and alias names of a section, relative to it (see
/// [`section_names`]).
#[doc(hidden)]
pub type SectionNames = fn() -> SectionShape;

/// A section's flattened field names and its aliases, relative to it.
#[doc(hidden)]
pub struct SectionShape {
    fields: Vec<String>,
    aliases: Vec<AliasMeta>,
}

/// The shape of section `S`, for an alias of a whole `S` field.
#[doc(hidden)]
pub fn section_names<S: crate::ConfigSection>() -> SectionShape {
    SectionShape {
        fields: crate::field::build_fields(S::__specs(), None)
            .iter()
            .map(|f| f.name().to_string())
            .collect(),
        aliases: S::__aliases(),
    }
}

/// One alias of a config, as listed by `FuzzableConfig::aliases()`.
///
/// ```
/// use fuzzer_core::prelude::*;
///
/// #[derive(FuzzableConfig, Clone, Debug, PartialEq)]
/// pub struct Settings {
///     #[config(default = true)]
///     pub cache: bool,
///     #[deprecated(note = "use cache instead")]
///     #[config(alias = "cache")]
///     pub use_cache: Alias<bool>,
/// }
///
/// let a = &Settings::aliases()[0];
/// assert_eq!((a.name(), a.target()), ("use_cache", "cache"));
/// assert_eq!(a.target_index(), Settings::field_index("cache").unwrap());
/// assert_eq!(a.deprecation(), Some("use cache instead"));
/// ```
#[derive(Clone, Debug)]
pub struct AliasMeta {
    pub(crate) name: String,
    pub(crate) target: String,
    pub(crate) target_index: usize,
    pub(crate) doc: &'static str,
    pub(crate) deprecated: bool,
    pub(crate) deprecation_note: Option<&'static str>,
    /// Env vars its name makes (`env_prefix`), read for the target.
    pub(crate) env: Vec<String>,
    /// Made from an alias of a whole section: dropped where a field or a
    /// declared alias has the same name (`alias_fields_from`'s own fields).
    pub(crate) expanded: bool,
}

impl AliasMeta {
    /// The alias's dotted name: `old_flag`, `nested.old_flag`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The dotted name of the field it reads and writes (alias chains
    /// resolved: always one of `fields()`).
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The index of the target in `fields()`.
    pub fn target_index(&self) -> usize {
        self.target_index
    }

    /// The alias's doc comment, trimmed (empty if it has none).
    pub fn doc(&self) -> &str {
        self.doc
    }

    /// `Some(note)` if the alias carries `#[deprecated]`: the note of
    /// `#[deprecated(note = "..")]`, or `""` when it has none.
    pub fn deprecation(&self) -> Option<&str> {
        self.deprecated
            .then_some(self.deprecation_note.unwrap_or(""))
    }

    /// Env vars made from the alias's name (with the config's `env_prefix`),
    /// read for the target after the target's own.
    pub fn env_names(&self) -> &[String] {
        &self.env
    }
}

/// A section's `__aliases` function.
#[doc(hidden)]
pub type SectionAliases = fn() -> Vec<AliasMeta>;

/// The aliases of a struct: its own (`specs`) and those of its sections
/// (`nested`: field name and the section's list), names and targets
/// relative to the struct, env names under `env_prefix`. Targets are
/// resolved to field indices when the root's field list is built.
#[doc(hidden)]
pub fn collect_aliases(
    specs: &[AliasSpec],
    nested: &[(&'static str, SectionAliases)],
    env_prefix: Option<&str>,
) -> Vec<AliasMeta> {
    let var = |name: &str| {
        env_prefix.map(|p| format!("{p}{}", name.replace('.', "__").to_ascii_uppercase()))
    };
    let mut out: Vec<AliasMeta> = Vec::with_capacity(specs.len());
    for s in specs {
        let meta = |name: String, target: String, expanded: bool| AliasMeta {
            env: var(&name).into_iter().collect(),
            name,
            target,
            target_index: usize::MAX,
            doc: s.doc,
            deprecated: s.deprecated,
            deprecation_note: s.deprecation_note,
            expanded,
        };
        let Some(shape) = s.section else {
            out.push(meta(s.name.to_string(), s.target.to_string(), false));
            continue;
        };
        // `alias.f` for every field `f` of the target section, and for
        // every alias of it (which reads what the section's alias reads).
        let SectionShape { fields, aliases } = shape();
        for f in fields {
            out.push(meta(
                format!("{}.{f}", s.name),
                format!("{}.{f}", s.target),
                true,
            ));
        }
        for a in aliases {
            let mut m = meta(
                format!("{}.{}", s.name, a.name),
                format!("{}.{}", s.target, a.target),
                true,
            );
            if !m.deprecated && a.deprecated {
                (m.deprecated, m.deprecation_note) = (true, a.deprecation_note);
            }
            out.push(m);
        }
    }
    for (field, aliases) in nested {
        for mut a in aliases() {
            a.name = format!("{field}.{}", a.name);
            a.target = format!("{field}.{}", a.target);
            a.env.extend(var(&a.name));
            out.push(a);
        }
    }
    out
}

/// Resolves each alias's target to a field index, following chains.
///
/// # Panics
///
/// On a target that is neither a field nor an alias (a section inside a
/// section included), or an alias cycle. The
/// derive rejects both within one struct; this catches what it cannot see.
pub(crate) fn resolve(
    config: &str,
    aliases: &mut Vec<AliasMeta>,
    field_index: impl Fn(&str) -> Option<usize>,
    is_section: impl Fn(&str) -> bool,
) {
    // An alias made from a section alias gives way to a field or a declared
    // alias of the same name: under `alias_fields_from`, the fields the
    // section defines itself are its own.
    let declared: Vec<String> = aliases
        .iter()
        .filter(|a| !a.expanded)
        .map(|a| a.name.clone())
        .collect();
    aliases
        .retain(|a| !a.expanded || (field_index(&a.name).is_none() && !declared.contains(&a.name)));
    let names: Vec<(String, String)> = aliases
        .iter()
        .map(|a| (a.name.clone(), a.target.clone()))
        .collect();
    for a in aliases.iter_mut() {
        let mut seen = vec![a.name.clone()];
        let mut target = a.target.clone();
        loop {
            if let Some(i) = field_index(&target) {
                a.target_index = i;
                a.target = target;
                break;
            }
            match names.iter().find(|(n, _)| *n == target) {
                Some((_, next)) => {
                    if seen.contains(&target) {
                        panic!(
                            "config alias cycle at `{config}.{target}`: {} -> {target}; make one of them a field",
                            seen.join(" -> ")
                        );
                    }
                    seen.push(target.clone());
                    target = next.clone();
                }
                None if is_section(&target) => panic!(
                    "alias `{config}.{}` reads `{target}`, a section inside a section, which an alias cannot stand for as a whole; declare the alias in the type of the section that holds `{target}` (`#[config(alias = \"{}\")]` there), or alias its fields one by one",
                    a.name,
                    target.rsplit('.').next().unwrap_or_default()
                ),
                None => panic!(
                    "alias `{config}.{}` reads `{target}`, which is not a field of `{config}`; name an existing field in `#[config(alias = \"..\")]`",
                    a.name
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &'static str, target: &'static str) -> AliasSpec {
        AliasSpec {
            name,
            target,
            doc: "",
            deprecated: false,
            deprecation_note: None,
            section: None,
        }
    }

    fn field(n: &str) -> Option<usize> {
        ["a", "s.b"].iter().position(|f| *f == n)
    }

    /// ALIAS-180: chains resolve to the field at the end.
    #[test]
    fn chains_resolve_to_a_field() {
        let mut aliases = collect_aliases(&[spec("x", "y"), spec("y", "a")], &[], Some("P_"));
        resolve("C", &mut aliases, field, |_| false);
        assert_eq!((aliases[0].target(), aliases[0].target_index()), ("a", 0));
        assert_eq!(aliases[0].env_names(), ["P_X"]);
    }

    /// Section aliases are renamed under the section's field, with the
    /// root's env name.
    #[test]
    fn section_aliases_are_nested() {
        fn section() -> Vec<AliasMeta> {
            collect_aliases(&[spec("old", "b")], &[], None)
        }
        let mut aliases = collect_aliases(&[], &[("s", section)], Some("P_"));
        resolve("C", &mut aliases, field, |_| false);
        assert_eq!((aliases[0].name(), aliases[0].target()), ("s.old", "s.b"));
        assert_eq!(aliases[0].target_index(), 1);
        assert_eq!(aliases[0].env_names(), ["P_S__OLD"]);
    }

    /// ALIAS-189, ALIAS-195: an alias of a whole section makes one alias
    /// per field and per alias of the section, env names included; one
    /// whose name is a field (a field the section defines itself, under
    /// `alias_fields_from`) gives way to it.
    #[test]
    fn a_section_alias_expands_to_each_field_and_yields_to_fields() {
        fn shape() -> SectionShape {
            SectionShape {
                fields: vec!["b".into(), "c".into()],
                aliases: collect_aliases(&[spec("old", "b")], &[], None),
            }
        }
        let mut specs = vec![spec("t", "s")];
        specs[0].section = Some(shape);
        let mut aliases = collect_aliases(&specs, &[], Some("P_"));
        let names = |a: &[AliasMeta]| -> Vec<(String, String)> {
            a.iter()
                .map(|a| (a.name.clone(), a.target.clone()))
                .collect()
        };
        assert_eq!(
            names(&aliases),
            [
                ("t.b".into(), "s.b".into()),
                ("t.c".into(), "s.c".into()),
                ("t.old".into(), "s.b".into()),
            ]
        );
        assert_eq!(aliases[2].env_names(), ["P_T__OLD"]);
        let fields = ["s.b", "s.c", "t.c"];
        resolve(
            "C",
            &mut aliases,
            |n| fields.iter().position(|f| *f == n),
            |_| false,
        );
        assert_eq!(
            names(&aliases),
            [("t.b".into(), "s.b".into()), ("t.old".into(), "s.b".into())]
        );
        assert_eq!(aliases[1].target_index(), 0);
    }

    /// ALIAS-180: a cycle the derive could not see is a clear panic at the
    /// first build of the field list.
    #[test]
    #[should_panic(expected = "config alias cycle at `C.x`")]
    fn a_cycle_panics_with_the_chain() {
        let mut aliases = collect_aliases(&[spec("x", "y"), spec("y", "x")], &[], None);
        resolve("C", &mut aliases, field, |_| false);
    }

    /// An alias of a section of a section (which the derive cannot see
    /// from the root) is a clear panic saying where to declare it.
    #[test]
    #[should_panic(expected = "alias `C.old` reads `s.sub`, a section inside a section")]
    fn an_alias_of_a_section_in_a_section_panics_with_the_fix() {
        let mut aliases = collect_aliases(&[spec("old", "s.sub")], &[], None);
        resolve("C", &mut aliases, field, |n| n == "s.sub");
    }

    /// ALIAS-176/177: an unknown target is a clear panic naming both.
    #[test]
    #[should_panic(expected = "alias `C.x` reads `nope`, which is not a field of `C`")]
    fn an_unknown_target_panics() {
        let mut aliases = collect_aliases(&[spec("x", "nope")], &[], None);
        resolve("C", &mut aliases, field, |_| false);
    }
}
