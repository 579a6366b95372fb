//! Every rule that can reject a config, each error at the offending tokens.

use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{GenericArgument, Ident, PathArguments, Type};

use crate::ast::{Config, Field, Kind, ValueEnum};
use crate::attr::Errors;

/// The last path segment's name, if the type is a plain path.
fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last().map(|s| s.ident.to_string()),
        Type::Group(g) => last_ident(&g.elem),
        Type::Paren(p) => last_ident(&p.elem),
        _ => None,
    }
}

/// Types that are certainly not numbers. `range` on any other type that is
/// not a number type by name (an alias, say) is checked by the compiler
/// through `__private::Number`, which reports at the same place.
fn is_not_number(ty: &Type) -> bool {
    const NOT_NUMBERS: &[&str] = &[
        "bool", "char", "String", "str", "Option", "Vec", "BTreeSet", "HashSet", "BTreeMap",
        "HashMap", "VecDeque", "Box",
    ];
    match ty {
        Type::Group(g) => is_not_number(&g.elem),
        Type::Paren(p) => is_not_number(&p.elem),
        Type::Path(_) => last_ident(ty).is_some_and(|n| NOT_NUMBERS.contains(&n.as_str())),
        _ => true,
    }
}

/// A number literal, possibly negated, as written in a `range` bound.
#[derive(Clone, Copy, PartialEq, PartialOrd)]
enum Bound {
    Int(i128),
    /// Above `i128::MAX`.
    BigUint(u128),
    Float(f64),
}

fn literal_bound(e: &syn::Expr) -> Option<Bound> {
    match e {
        syn::Expr::Group(g) => literal_bound(&g.expr),
        syn::Expr::Paren(p) => literal_bound(&p.expr),
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => match literal_bound(&u.expr)? {
            Bound::Int(i) => Some(Bound::Int(i.checked_neg()?)),
            Bound::BigUint(_) => None,
            Bound::Float(f) => Some(Bound::Float(-f)),
        },
        syn::Expr::Lit(l) => match &l.lit {
            syn::Lit::Int(i) => match i.base10_parse::<i128>() {
                Ok(v) => Some(Bound::Int(v)),
                Err(_) => i.base10_parse::<u128>().ok().map(Bound::BigUint),
            },
            syn::Lit::Float(f) => f.base10_parse::<f64>().ok().map(Bound::Float),
            _ => None,
        },
        _ => None,
    }
}

/// `lo > hi` for two literal bounds, comparing integers exactly.
fn bound_gt(lo: Bound, hi: Bound) -> bool {
    use Bound::*;
    match (lo, hi) {
        (Int(a), Int(b)) => a > b,
        (BigUint(a), BigUint(b)) => a > b,
        (BigUint(_), Int(_)) => true,
        (Int(_), BigUint(_)) => false,
        (Float(a), Float(b)) => a > b,
        (Int(a), Float(b)) => (a as f64) > b,
        (BigUint(a), Float(b)) => (a as f64) > b,
        (Float(a), Int(b)) => a > b as f64,
        (Float(a), BigUint(b)) => a > b as f64,
    }
}

/// Why `name` cannot be an environment variable's name, if it cannot: the
/// derive takes the portable (POSIX shell) names, letters, digits and `_`,
/// not starting with a digit.
pub(crate) fn bad_env_name(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("is empty".into());
    }
    if name.contains('=') {
        return Some("contains `=`, which ends a name in the environment".into());
    }
    if name.contains('\0') {
        return Some("contains a NUL character, which ends a string in the environment".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Some(format!("contains {c:?}"));
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return Some("starts with a digit".into());
    }
    None
}

fn env_names(what: &str, names: &[syn::LitStr], errors: &Errors) {
    for lit in names {
        if let Some(why) = bad_env_name(&lit.value()) {
            errors.push(
                lit.span(),
                format!(
                    "`{what}` name {:?} is not a valid environment variable name: it {why}; a name has only letters, digits and `_`, and does not start with a digit, like \"MYAPP_FLAG\"",
                    lit.value()
                ),
            );
        }
    }
}

/// A type as a user would write it: `Vec<u8>`, `&'static str`.
fn show(ty: &Type) -> String {
    let mut s = ty.to_token_stream().to_string();
    for (from, to) in [
        (" <", "<"),
        ("< ", "<"),
        (" >", ">"),
        (" ::", "::"),
        (":: ", "::"),
        (" ,", ","),
        ("& ", "&"),
    ] {
        s = s.replace(from, to);
    }
    s
}

/// Types that can never be a field, with what to use instead. Types that
/// are merely missing a `FuzzValue` impl are caught by the compiler, with
/// the trait's own message.
fn unsupported(ty: &Type, errors: &Errors, field: &str) {
    let bad = |what: &str, fix: String| {
        errors.push_spanned(
            ty,
            format!("field `{field}` has {what}, which cannot be a config field type; {fix}"),
        );
    };
    match ty {
        Type::Path(p) => {
            for seg in &p.path.segments {
                if let PathArguments::AngleBracketed(args) = &seg.arguments {
                    for arg in &args.args {
                        if let GenericArgument::Type(inner) = arg {
                            unsupported(inner, errors, field);
                        }
                    }
                }
            }
        }
        Type::Tuple(t) if t.elems.is_empty() => bad(
            "the unit type `()`",
            "it has only one value, so there is nothing to configure: remove the field or use `bool`".into(),
        ),
        Type::Tuple(t) if t.elems.len() > 4 => bad(
            &format!("a tuple of {} elements", t.elems.len()),
            "tuples of up to 4 elements are supported: split it into several fields or a nested config".into(),
        ),
        Type::Tuple(t) => t.elems.iter().for_each(|e| unsupported(e, errors, field)),
        Type::Group(g) => unsupported(&g.elem, errors, field),
        Type::Paren(p) => unsupported(&p.elem, errors, field),
        Type::Reference(r) => {
            let owned = match &*r.elem {
                Type::Path(p) if p.path.is_ident("str") => "String".to_string(),
                Type::Slice(s) => format!("Vec<{}>", show(&s.elem)),
                other => show(other),
            };
            bad(
                &format!("the reference type `{}`", show(ty)),
                format!("a config owns its values: use `{owned}` instead"),
            );
        }
        Type::Array(a) => bad(
            &format!("the array type `{}`", show(ty)),
            format!("use `Vec<{}>` instead", show(&a.elem)),
        ),
        Type::Slice(s) => bad(
            &format!("the slice type `{}`", show(ty)),
            format!("use `Vec<{}>` instead", show(&s.elem)),
        ),
        Type::Ptr(_) => bad(
            &format!("the raw pointer type `{}`", show(ty)),
            "store the value itself".into(),
        ),
        Type::BareFn(_) => bad(
            &format!("the function pointer type `{}`", show(ty)),
            "store a name (a `String` or an enum deriving `FuzzValue`) and look the function up".into(),
        ),
        Type::TraitObject(_) | Type::ImplTrait(_) => bad(
            &format!("the trait object type `{}`", show(ty)),
            "to choose between implementations, use an enum deriving `FuzzValue`".into(),
        ),
        _ => bad(
            &format!("the type `{}`", show(ty)),
            "use bool, an integer, f32, f64, String, Option, Vec, BTreeSet, HashSet, BTreeMap, HashMap, a tuple of up to 4, or an enum deriving `FuzzValue`".into(),
        ),
    }
}

/// An alias field: no value of its own, so none of the keys that give or
/// describe one (PyTorch asserts the same, ALIAS-175), and type `Alias<T>`.
fn alias_field(f: &Field<'_>, errors: &Errors) {
    let a = &f.attrs;
    let name = f.ident.to_string();
    let target = a.alias.as_ref().map(|(_, t)| t.value()).unwrap_or_default();
    for (what, span) in [
        ("default", a.default.as_ref().map(Spanned::span)),
        ("env", a.env.as_ref().map(|e| e.0)),
        ("env_force", a.env_force.as_ref().map(|e| e.0)),
        ("nested", a.nested),
        ("skip_hash", a.skip_hash),
        ("skip_save", a.skip_save),
        ("knob", a.knob.as_ref().map(|k| k.span())),
        ("implies", a.implies.first().map(|i| i.key)),
        (
            "alias_fields_from",
            a.alias_fields_from.as_ref().map(|x| x.0),
        ),
    ] {
        if let Some(span) = span {
            errors.push(
                span,
                format!(
                    "`{what}` cannot be used on alias `{name}`: an alias has no value of its own, it reads and writes `{target}`; remove `{what}` (or put it on `{target}`)"
                ),
            );
        }
    }
    if let Some(attr) = &a.fuzz_attr {
        errors.push_spanned(
            attr,
            format!("`#[fuzz(..)]` cannot be used on alias `{name}`: the fuzzer never samples an alias, it samples `{target}`; put the attribute on `{target}`"),
        );
    }
    if f.alias_of_type.is_none() {
        errors.push_spanned(
            f.ty,
            format!(
                "alias `{name}` must have type `Alias<T>`, with `T` the type of `{target}`, because an alias holds no value of its own: write `{name}: fuzzer_core::Alias<{}>`",
                show(f.ty)
            ),
        );
    }
}

/// Checks every alias's target: a field of this struct (or an alias of one,
/// with no cycle), or `section.field` under a nested field of this struct
/// (the rest of the path is checked by the compiler, at the target).
fn alias_targets(cfg: &Config<'_>, errors: &Errors) {
    let names: Vec<String> = cfg
        .fields
        .iter()
        .map(|f| syn::ext::IdentExt::unraw(f.ident).to_string())
        .collect();
    let known: Vec<&str> = names.iter().map(String::as_str).collect();
    for f in cfg.fields.iter().filter(|f| f.is_alias()) {
        let Some((_, lit)) = &f.attrs.alias else {
            continue;
        };
        let name = syn::ext::IdentExt::unraw(f.ident).to_string();
        let target = lit.value();
        let parts: Vec<&str> = target.split('.').collect();
        if let Some(bad) = parts.iter().find(|p| syn::parse_str::<Ident>(p).is_err()) {
            errors.push(
                lit.span(),
                format!("alias `{name}` reads {target:?}, which is not a field name{}; write a field of this struct, `alias = \"field\"`, or of a section, `alias = \"section.field\"`",
                    if bad.is_empty() { String::new() } else { format!(" (`{bad}` is not an identifier)") }),
            );
            continue;
        }
        let Some(first) = cfg
            .fields
            .iter()
            .find(|g| syn::ext::IdentExt::unraw(g.ident) == parts[0])
        else {
            let hint = match crate::attr::closest(parts[0], &known) {
                Some(k) => format!("did you mean `{k}`? "),
                None => String::new(),
            };
            errors.push(
                lit.span(),
                format!("alias `{name}` reads `{target}`, but `{}` has no field `{}`; {hint}name a field of this struct, or `section.field` for a field of a nested section", cfg.ident(), parts[0]),
            );
            continue;
        };
        if parts.len() > 1 {
            // `old_section.field`, where `old_section` is an alias of a whole
            // section, reads that section's field.
            let through_alias = first.is_alias()
                && chain_end(cfg, parts[0]).is_some_and(|g| g.attrs.nested.is_some());
            if first.attrs.nested.is_none() && !through_alias {
                errors.push(
                    lit.span(),
                    format!("alias `{name}` reads `{target}`, but `{}` is not a nested section (`#[config(nested)]`), so it has no field `{}`; name a field of this struct or of a section", parts[0], parts[1..].join(".")),
                );
            }
            continue;
        }
        if first.attrs.nested.is_some() {
            // An alias of a whole section: its type is checked by the
            // compiler, at the target.
            continue;
        }
        // Follow a chain of aliases within this struct.
        let mut chain = vec![name.clone()];
        let mut at = first;
        while let Some((_, next)) = &at.attrs.alias {
            let here = syn::ext::IdentExt::unraw(at.ident).to_string();
            if chain.contains(&here) {
                chain.push(here);
                errors.push(
                    lit.span(),
                    format!("alias cycle: {}; an alias must end at a field that holds a value: make one of them a field", chain.join(" -> ")),
                );
                break;
            }
            chain.push(here);
            let next = next.value();
            match cfg
                .fields
                .iter()
                .find(|g| syn::ext::IdentExt::unraw(g.ident) == next)
            {
                Some(g) if g.attrs.nested.is_none() => at = g,
                // Reported at that alias's own target.
                _ => break,
            }
        }
    }
}

/// The field an alias finally reads, following aliases of this struct (the
/// input is valid): `Some("x")` or `Some("section.field")`.
pub(crate) fn final_target(cfg: &Config<'_>, f: &Field<'_>) -> String {
    let mut target = f
        .attrs
        .alias
        .as_ref()
        .map(|(_, t)| t.value())
        .unwrap_or_default();
    for _ in 0..=cfg.fields.len() {
        // The first part may be an alias of a whole section.
        let (head, rest) = match target.split_once('.') {
            Some((head, rest)) => (head.to_string(), Some(rest.to_string())),
            None => (target.clone(), None),
        };
        match cfg
            .fields
            .iter()
            .find(|g| syn::ext::IdentExt::unraw(g.ident) == head)
            .and_then(|g| g.attrs.alias.as_ref())
        {
            Some((_, next)) => {
                target = match rest {
                    Some(rest) => format!("{}.{rest}", next.value()),
                    None => next.value(),
                }
            }
            None => break,
        }
    }
    target
}

/// The field of this struct at the end of the alias chain from the field
/// called `name` (`name`'s own field when it is not an alias); `None` for an
/// unknown name, a cycle, or a chain that leaves the struct.
fn chain_end<'c, 'a>(cfg: &'c Config<'a>, name: &str) -> Option<&'c Field<'a>> {
    let mut at = cfg
        .fields
        .iter()
        .find(|g| syn::ext::IdentExt::unraw(g.ident) == name)?;
    for _ in 0..cfg.fields.len() {
        let Some((_, next)) = &at.attrs.alias else {
            return Some(at);
        };
        at = cfg
            .fields
            .iter()
            .find(|g| syn::ext::IdentExt::unraw(g.ident) == next.value())?;
    }
    None
}

/// For an alias of a whole section (its chain ends at a `#[config(nested)]`
/// field of this struct): that section field. The input is valid.
pub(crate) fn section_target<'c, 'a>(cfg: &'c Config<'a>, f: &Field<'_>) -> Option<&'c Field<'a>> {
    let target = final_target(cfg, f);
    if target.contains('.') {
        return None;
    }
    cfg.fields
        .iter()
        .find(|g| syn::ext::IdentExt::unraw(g.ident) == target)
        .filter(|g| g.attrs.nested.is_some())
}

/// `#[config(nested, alias_fields_from = "section")]`: on a section field,
/// naming another section field of this struct.
fn alias_fields_from(cfg: &Config<'_>, errors: &Errors) {
    for f in &cfg.fields {
        let Some((span, lit)) = &f.attrs.alias_fields_from else {
            continue;
        };
        if f.is_alias() {
            // Reported by `alias_field`.
            continue;
        }
        let name = syn::ext::IdentExt::unraw(f.ident).to_string();
        let from = lit.value();
        if f.attrs.nested.is_none() {
            errors.push(
                *span,
                format!("`alias_fields_from` goes on a section field: `{name}` is not `#[config(nested)]`; write `#[config(nested, alias_fields_from = {from:?})]` on a field whose type derives `ConfigSection`, or alias one field with `#[config(alias = \"{from}\")]`"),
            );
            continue;
        }
        let target = cfg
            .fields
            .iter()
            .find(|g| syn::ext::IdentExt::unraw(g.ident) == from);
        match target {
            Some(g) if g.attrs.nested.is_some() && !g.is_alias() && !std::ptr::eq(g, f) => {}
            Some(g) if std::ptr::eq(g, f) => errors.push(
                lit.span(),
                format!("section `{name}` cannot alias the fields of itself; name another section field of `{}`", cfg.ident()),
            ),
            Some(_) => errors.push(
                lit.span(),
                format!("`alias_fields_from` names `{from}`, which is not a section field of `{}`; name a `#[config(nested)]` field of this struct", cfg.ident()),
            ),
            None => {
                let sections: Vec<String> = cfg
                    .fields
                    .iter()
                    .filter(|g| g.attrs.nested.is_some() && !std::ptr::eq(*g, f))
                    .map(|g| syn::ext::IdentExt::unraw(g.ident).to_string())
                    .collect();
                let known: Vec<&str> = sections.iter().map(String::as_str).collect();
                let hint = match crate::attr::closest(&from, &known) {
                    Some(k) => format!("did you mean `{k}`? "),
                    None => String::new(),
                };
                errors.push(
                    lit.span(),
                    format!("`alias_fields_from` names `{from}`, but `{}` has no field `{from}`; {hint}name a section field of this struct", cfg.ident()),
                );
            }
        }
    }
}

fn field(f: &Field<'_>, errors: &Errors) {
    let a = &f.attrs;
    let name = f.ident.to_string();
    if f.is_alias() {
        return alias_field(f, errors);
    }
    if f.alias_of_type.is_some() && a.nested.is_none() {
        errors.push_spanned(
            f.ty,
            format!("field `{name}` has type `{}` but no `#[config(alias = \"..\")]`; say which field it stands for, `#[config(alias = \"target_field\")]`, or give it a value type", show(f.ty)),
        );
        return;
    }
    if a.nested.is_some() {
        for (what, span) in [
            ("default", a.default.as_ref().map(Spanned::span)),
            ("env", a.env.as_ref().map(|e| e.0)),
            ("env_force", a.env_force.as_ref().map(|e| e.0)),
            ("skip_hash", a.skip_hash),
            ("skip_save", a.skip_save),
            ("knob", a.knob.as_ref().map(syn::LitStr::span)),
        ] {
            if let Some(span) = span {
                errors.push(
                    span,
                    format!(
                        "`{what}` cannot be used on nested field `{name}`; put it on the fields of the nested config instead"
                    ),
                );
            }
        }
        if let Some(attr) = &a.fuzz_attr {
            errors.push_spanned(
                attr,
                format!("`#[fuzz(..)]` cannot be used on nested field `{name}`; put it on the fields of the nested config instead"),
            );
        }
        return;
    }
    unsupported(f.ty, errors, &name);
    if let (Some(_), Some((pin, _))) = (&a.skip, &a.pin) {
        errors.push(
            *pin,
            format!(
                "field `{name}` has both `skip` and `pin`; a skipped field always keeps its default: remove `skip` to fuzz with a fixed value, or remove `pin`"
            ),
        );
    }
    if let (Some(_), Some((range, _))) = (&a.values, &a.range) {
        errors.push(
            *range,
            format!("field `{name}` has both `values` and `range`; keep one: `values` lists the values to try, `range` bounds a number"),
        );
    }
    if let Some(knob) = &a.knob {
        if knob.value().trim().is_empty() {
            errors.push(
                knob.span(),
                format!("`knob` on field `{name}` is empty; give the knob's name, as the knob provider knows it: `knob = \"name\"`"),
            );
        }
    }
    if let Some((_, names)) = &a.env {
        env_names("env", names, errors);
    }
    if let Some((_, names)) = &a.env_force {
        env_names("env_force", names, errors);
    }
    if let Some((span, (lo, hi))) = &a.range {
        if is_not_number(f.ty) {
            errors.push(
                *span,
                format!(
                    "`range` applies to number fields, but `{name}` is a `{}`; use `values = [..]` to list the values to try",
                    show(f.ty)
                ),
            );
        } else if let (Some(l), Some(h)) = (literal_bound(lo), literal_bound(hi)) {
            if bound_gt(l, h) {
                let span = quote::quote!(#lo ..= #hi);
                // Literals, so the only space to drop is after a minus sign.
                let show = |e: &syn::Expr| e.to_token_stream().to_string().replace("- ", "-");
                let (lo, hi) = (show(lo), show(hi));
                errors.push_spanned(
                    span,
                    format!(
                        "`range = {lo}..={hi}` on field `{name}` is empty: its start is greater than its end; write the smaller bound first: `range = {hi}..={lo}`"
                    ),
                );
            }
        }
    }
}

pub(crate) fn config(cfg: &Config<'_>, errors: &Errors) {
    let generics = &cfg.original.generics;
    if !generics.params.is_empty() {
        errors.push_spanned(
            generics,
            match cfg.kind {
                Kind::Root => "a config struct cannot be generic, because each config type owns one global instance; use concrete field types",
                Kind::Section => "a config section cannot be generic, because its field list is fixed when it is derived; use concrete field types",
            },
        );
    }
    if let Some(span) = cfg.attrs.packed {
        errors.push(
            span,
            format!(
                "`{}` cannot be derived for a `#[repr(packed)]` struct, because its fields are read and compared by reference, which packing does not allow; remove `packed` (`#[repr(C)]` keeps a fixed layout)",
                cfg.kind.name()
            ),
        );
    }
    if let Some(prefix) = &cfg.attrs.env_prefix {
        let p = prefix.value();
        if p.is_empty() || !p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            errors.push(
                prefix.span(),
                format!("`env_prefix` must be letters, digits and `_`, like \"MYAPP_\", but is {prefix:?}", prefix = p),
            );
        }
    }
    if let Some((span, prefixes)) = &cfg.attrs.portable_ignore {
        if cfg.kind == Kind::Section {
            errors.push(
                *span,
                "`portable_ignore` goes on the root config (the `FuzzableConfig`), whose dotted field names it matches; move it there, with the section's name in each prefix: `\"section.field\"`",
            );
        }
        for p in prefixes {
            if p.value().is_empty() {
                errors.push(
                    p.span(),
                    "an empty `portable_ignore` prefix would leave out every field; give a prefix of dotted field names, like \"trace.\"",
                );
            }
        }
    }
    for f in &cfg.fields {
        field(f, errors);
    }
    alias_targets(cfg, errors);
    alias_fields_from(cfg, errors);
    env_collisions(cfg, errors);
    implications(cfg, errors);
}

/// `implies(..)` rules and `validate = ..` functions: on a root only, each
/// target a field of this config (or of one of its sections), and no cycle.
/// The types of conditions and implied values are the compiler's to check,
/// at the user's tokens (the generated code compares and assigns them).
fn implications(cfg: &Config<'_>, errors: &Errors) {
    if cfg.kind == Kind::Section {
        for path in &cfg.attrs.validate {
            errors.push_spanned(path, "`validate` goes on the root config (`#[derive(FuzzableConfig)]`), which sees every section; a section has no singleton to check");
        }
        for f in &cfg.fields {
            for imp in &f.attrs.implies {
                errors.push(imp.key, "`implies` is only available on a root config (`#[derive(FuzzableConfig)]`); declare the rule on a field of the root, with a dotted target for a section field: `section.field = <value>`");
            }
        }
        return;
    }
    let names: Vec<String> = cfg
        .fields
        .iter()
        .map(|f| syn::ext::IdentExt::unraw(f.ident).to_string())
        .collect();
    let known: Vec<&str> = names.iter().map(String::as_str).collect();
    for f in &cfg.fields {
        if f.attrs.nested.is_some() {
            for imp in &f.attrs.implies {
                errors.push(imp.key, "a section cannot be an implication source: its value is a struct of settings; put `implies` on one of the section's fields' sources in the root, or on a plain field");
            }
            continue;
        }
        for imp in &f.attrs.implies {
            for t in &imp.targets {
                let first = syn::ext::IdentExt::unraw(&t.path[0]).to_string();
                let Some(k) = cfg.field_named(&first) else {
                    let hint = match crate::attr::closest(&first, &known) {
                        Some(c) => format!("; did you mean `{c}`?"),
                        None => format!(
                            "; the fields of `{}` are {}",
                            cfg.ident(),
                            known
                                .iter()
                                .map(|k| format!("`{k}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    errors.push_spanned(
                        &t.tokens,
                        format!(
                            "implication target `{}` is not a field of `{}`{hint}",
                            t.dotted(),
                            cfg.ident()
                        ),
                    );
                    continue;
                };
                let nested = cfg.fields[k].attrs.nested.is_some();
                if cfg.fields[k].is_alias() {
                    // PyTorch: ValueError (ALIAS-183, IMPL-201).
                    let mut real = final_target(cfg, &cfg.fields[k]);
                    for part in &t.path[1..] {
                        real = format!("{real}.{}", syn::ext::IdentExt::unraw(part));
                    }
                    errors.push_spanned(
                        &t.tokens,
                        format!(
                            "implication target `{}` is an alias of `{real}`; name `{real}`: `{real} = <value>`",
                            t.dotted()
                        ),
                    );
                } else if t.path.len() == 1 && nested {
                    errors.push_spanned(&t.tokens, format!("implication target `{first}` is a section, not a field; name one of its fields: `{first}.field = <value>`"));
                } else if t.path.len() > 1 && !nested {
                    errors.push_spanned(&t.tokens, format!("`{first}` is not a section (`#[config(nested)]`), so `{}` names no field; imply `{first}` itself: `{first} = <value>`", t.dotted()));
                } else if t.path.len() > 2 {
                    errors.push_spanned(&t.tokens, format!("implication target `{}` goes through a section of a section, which is not supported; imply only fields of this config and of its direct sections", t.dotted()));
                }
            }
        }
    }
    if let Err(cycle) = cfg.implication_order() {
        let chain = cycle
            .iter()
            .map(|&i| format!("`{}`", names[i]))
            .collect::<Vec<_>>()
            .join(" implies ");
        // At each rule of the cycle, so every place to fix is shown.
        for w in cycle.windows(2) {
            let (src, dst) = (w[0], w[1]);
            for imp in &cfg.fields[src].attrs.implies {
                for t in &imp.targets {
                    if t.path.len() == 1
                        && cfg.field_named(&syn::ext::IdentExt::unraw(&t.path[0]).to_string())
                            == Some(dst)
                    {
                        errors.push_spanned(&t.tokens, format!("config implication cycle: {chain}; a field cannot imply itself, directly or through other fields; remove one of these rules"));
                    }
                }
            }
        }
    }
}

/// Two fields of one struct whose env var names, made from the field names
/// (`<PREFIX><FIELD>`, `<PREFIX><NESTED>__<FIELD>`), would be the same. Only
/// the names of this struct are known here: a field `x__y` beside a nested
/// section `x` with a field `y` is reported when the root's field list is
/// first built (see `fuzzer_core::__private::build_fields`).
fn env_collisions(cfg: &Config<'_>, errors: &Errors) {
    // A root without a prefix reads no names made from its field names; a
    // section's fields get them from any root with a prefix.
    if cfg.kind == Kind::Root && cfg.attrs.env_prefix.is_none() {
        return;
    }
    let mut seen: Vec<(String, String)> = Vec::new();
    for f in &cfg.fields {
        let name = syn::ext::IdentExt::unraw(f.ident).to_string();
        let var = name.to_ascii_uppercase();
        if let Some((other, _)) = seen.iter().find(|(_, v)| *v == var) {
            errors.push(
                f.ident.span(),
                format!(
                    "fields `{other}` and `{name}` would read the same environment variable, `{}{var}`, because env var names are upper-cased; rename one of them",
                    cfg.attrs.env_prefix.as_ref().map_or_else(|| "<PREFIX>".to_string(), syn::LitStr::value)
                ),
            );
        } else {
            seen.push((name, var));
        }
    }
}

pub(crate) fn value_enum(e: &ValueEnum<'_>, errors: &Errors) {
    if !e.original.generics.params.is_empty() {
        errors.push_spanned(
            &e.original.generics,
            "`FuzzValue` cannot be derived for a generic enum; make the enum concrete",
        );
    }
}
