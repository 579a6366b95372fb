//! Every rule that can reject a config, each error at the offending tokens.

use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{GenericArgument, PathArguments, Type};

use crate::ast::{Config, Field, ValueEnum};
use crate::attr::Errors;

const INT_TYPES: &[&str] = &[
    "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
];

/// The last path segment's name, if the type is a plain path.
fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last().map(|s| s.ident.to_string()),
        Type::Group(g) => last_ident(&g.elem),
        Type::Paren(p) => last_ident(&p.elem),
        _ => None,
    }
}

fn is_number(ty: &Type) -> bool {
    last_ident(ty).is_some_and(|n| INT_TYPES.contains(&n.as_str()) || n == "f32" || n == "f64")
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

fn field(f: &Field<'_>, errors: &Errors) {
    let a = &f.attrs;
    let name = f.ident.to_string();
    if a.nested.is_some() {
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
    if let Some((span, _)) = &a.range {
        if !is_number(f.ty) {
            errors.push(
                *span,
                format!(
                    "`range` applies to number fields, but `{name}` is a `{}`; use `values = [..]` to list the values to try",
                    show(f.ty)
                ),
            );
        }
    }
}

pub(crate) fn config(cfg: &Config<'_>, errors: &Errors) {
    let generics = &cfg.original.generics;
    if !generics.params.is_empty() {
        errors.push_spanned(
            generics,
            "a config struct cannot be generic, because each config type owns one global instance; use concrete field types",
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
    for f in &cfg.fields {
        field(f, errors);
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
