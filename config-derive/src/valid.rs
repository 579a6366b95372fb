//! Every rule that can reject a config, each error at the offending tokens.

use syn::spanned::Spanned;
use syn::{GenericArgument, PathArguments, Type};

use crate::ast::{Config, Field, ValueEnum};
use crate::attr::Errors;

const INT_TYPES: &[&str] = &[
    "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
];

/// The last path segment's name, if the type is a plain path.
pub(crate) fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last().map(|s| s.ident.to_string()),
        Type::Group(g) => last_ident(&g.elem),
        Type::Paren(p) => last_ident(&p.elem),
        _ => None,
    }
}

pub(crate) fn is_number(ty: &Type) -> bool {
    last_ident(ty).is_some_and(|n| INT_TYPES.contains(&n.as_str()) || n == "f32" || n == "f64")
}

/// Types that can never be a field, with what to do instead. Types that are
/// merely missing a `FuzzValue` impl are caught by the compiler, with the
/// trait's own message.
fn unsupported(ty: &Type, errors: &Errors, field: &str) {
    let bad = |what: &str| {
        errors.push(
            ty.span(),
            format!(
                "field `{field}` has an unsupported type ({what}); use bool, an integer, f32/f64, String, Option, Vec, BTreeSet, HashSet, BTreeMap, HashMap, a tuple of up to 4, an enum deriving FuzzValue, or a nested config with #[config(nested)]"
            ),
        )
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
        Type::Tuple(t) if t.elems.is_empty() => bad("the unit type"),
        Type::Tuple(t) if t.elems.len() > 4 => bad("a tuple of more than 4 elements"),
        Type::Tuple(t) => t.elems.iter().for_each(|e| unsupported(e, errors, field)),
        Type::Group(g) => unsupported(&g.elem, errors, field),
        Type::Paren(p) => unsupported(&p.elem, errors, field),
        Type::Reference(_) => bad("a reference; own the value, e.g. String instead of &str"),
        Type::Array(_) | Type::Slice(_) => bad("an array or slice; use Vec"),
        Type::Ptr(_) => bad("a raw pointer"),
        Type::BareFn(_) => bad("a function pointer; store a name and look it up"),
        Type::TraitObject(_) | Type::ImplTrait(_) => bad("a trait object"),
        _ => bad("this kind of type"),
    }
}

fn field(f: &Field<'_>, errors: &Errors) {
    let a = &f.attrs;
    let name = f.ident.to_string();
    if let Some(nested) = a.nested {
        for (what, span) in [
            ("default", a.default.as_ref().map(Spanned::span)),
            ("env", a.env.as_ref().map(|e| e.0)),
            ("env_force", a.env_force.as_ref().map(|e| e.0)),
            ("skip_hash", a.skip_hash),
            ("skip_save", a.skip_save),
        ] {
            if let Some(span) = span {
                errors.push(
                    span,
                    format!("`{what}` cannot be used on nested field `{name}`; put it on the fields of the nested config instead"),
                );
            }
        }
        if let Some(span) = a.fuzz_attr {
            errors.push(span, format!("`#[fuzz]` cannot be used on nested field `{name}`; put it on the fields of the nested config"));
        }
        let _ = nested;
        return;
    }
    unsupported(f.ty, errors, &name);
    if let (Some((skip, _)), Some((pin, _))) = (&a.skip, &a.pin) {
        errors.push(*pin, format!("field `{name}` has both `skip` and `pin`; a skipped field stays at its default, so keep one"));
        let _ = skip;
    }
    if let (Some(_), Some((span, _))) = (&a.values, &a.range) {
        errors.push(*span, format!("field `{name}` has both `values` and `range`; keep one"));
    }
    if let Some((span, _)) = &a.range {
        if !is_number(f.ty) {
            errors.push(
                *span,
                format!("`range` applies to number fields, but `{name}` is not a number; use `values = [..]` to list its values"),
            );
        }
    }
}

pub(crate) fn config(cfg: &Config<'_>, errors: &Errors) {
    let generics = &cfg.original.generics;
    if !generics.params.is_empty() {
        errors.push(
            generics.span(),
            "a config struct cannot be generic, because each config type owns one global instance; use concrete types",
        );
    }
    if let Some(prefix) = &cfg.attrs.env_prefix {
        let p = prefix.value();
        if p.is_empty() || !p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            errors.push(prefix.span(), "`env_prefix` must be a non-empty env var prefix of letters, digits and `_`, e.g. \"MYAPP_\"");
        }
    }
    for f in &cfg.fields {
        field(f, errors);
    }
}

pub(crate) fn value_enum(e: &ValueEnum<'_>, errors: &Errors) {
    if !e.original.generics.params.is_empty() {
        errors.push(e.original.generics.span(), "FuzzValue cannot be derived for a generic enum; use a concrete enum");
    }
}
