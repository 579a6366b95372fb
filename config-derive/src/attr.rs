//! `#[config(..)]` and `#[fuzz(..)]` attributes, parsed into typed options.
//!
//! Parsing records every mistake in an [`Errors`] list and keeps going, so a
//! struct with several mistakes reports them all.

use std::cell::RefCell;

use proc_macro2::Span;
use syn::parse::ParseStream;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, ExprLit, Lit, LitStr, Token};

/// Collected errors, combined into one `compile_error!` set at the end.
#[derive(Default)]
pub(crate) struct Errors(RefCell<Vec<syn::Error>>);

impl Errors {
    pub(crate) fn push(&self, span: Span, msg: impl std::fmt::Display) {
        self.0.borrow_mut().push(syn::Error::new(span, msg));
    }

    pub(crate) fn push_error(&self, e: syn::Error) {
        self.0.borrow_mut().push(e);
    }

    pub(crate) fn finish(self) -> Result<(), syn::Error> {
        let mut errors = self.0.into_inner().into_iter();
        let Some(mut first) = errors.next() else {
            return Ok(());
        };
        for e in errors {
            first.combine(e);
        }
        Err(first)
    }
}

/// A key and where it was written.
pub(crate) type At<T> = (Span, T);

/// Struct-level `#[config(..)]`.
#[derive(Default)]
pub(crate) struct ContainerAttrs {
    pub(crate) env_prefix: Option<LitStr>,
}

/// Field-level `#[config(..)]` and `#[fuzz(..)]`.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    pub(crate) default: Option<Expr>,
    pub(crate) nested: Option<Span>,
    pub(crate) env: Option<At<Vec<LitStr>>>,
    pub(crate) env_force: Option<At<Vec<LitStr>>>,
    pub(crate) skip_hash: Option<Span>,
    pub(crate) skip_save: Option<Span>,
    pub(crate) skip: Option<At<Option<LitStr>>>,
    pub(crate) pin: Option<At<Expr>>,
    pub(crate) values: Option<At<Vec<Expr>>>,
    pub(crate) range: Option<At<(Expr, Expr)>>,
    /// Where the first `#[fuzz]` attribute is, if any.
    pub(crate) fuzz_attr: Option<Span>,
}

const CONFIG_FIELD_KEYS: &str = "`default`, `env`, `env_force`, `nested`, `skip_hash`, `skip_save`";
const FUZZ_KEYS: &str = "`skip`, `pin`, `values`, `range`";

/// Skips `= <expr>` after an unknown key so parsing can go on.
fn skip_value(input: ParseStream<'_>) -> syn::Result<()> {
    if input.peek(Token![=]) {
        input.parse::<Token![=]>()?;
        input.parse::<Expr>()?;
    } else if input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in input);
        content.parse::<proc_macro2::TokenStream>()?;
    }
    Ok(())
}

fn set_once<T>(slot: &mut Option<T>, value: T, span: Span, key: &str, attr: &str, errors: &Errors) {
    if slot.is_some() {
        errors.push(span, format!("duplicate {attr} attribute `{key}`; keep only one"));
    } else {
        *slot = Some(value);
    }
}

/// `"NAME"` or `["A", "B"]`.
fn parse_env_names(expr: &Expr, key: &str, errors: &Errors) -> Vec<LitStr> {
    match expr {
        Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => vec![s.clone()],
        Expr::Array(arr) => arr
            .elems
            .iter()
            .filter_map(|e| match e {
                Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => Some(s.clone()),
                other => {
                    errors.push(other.span(), format!("`{key}` takes env var names as string literals"));
                    None
                }
            })
            .collect(),
        other => {
            errors.push(
                other.span(),
                format!("`{key}` takes an env var name, `{key} = \"NAME\"`, or a list, `{key} = [\"A\", \"B\"]`"),
            );
            Vec::new()
        }
    }
}

pub(crate) fn container(attrs: &[Attribute], errors: &Errors) -> ContainerAttrs {
    let mut out = ContainerAttrs::default();
    for attr in attrs {
        if attr.path().is_ident("fuzz") {
            errors.push(attr.span(), "`#[fuzz(..)]` belongs on fields, not on the struct");
            continue;
        }
        if !attr.path().is_ident("config") {
            continue;
        }
        let res = attr.parse_nested_meta(|meta| {
            let span = meta.path.span();
            if meta.path.is_ident("env_prefix") {
                let expr: Expr = meta.value()?.parse()?;
                match expr {
                    Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => {
                        set_once(&mut out.env_prefix, s, span, "env_prefix", "config", errors)
                    }
                    other => errors.push(other.span(), "`env_prefix` takes a string literal, e.g. `env_prefix = \"MYAPP_\"`"),
                }
            } else {
                let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
                let hint = if matches!(key.as_str(), "default" | "env" | "env_force" | "nested" | "skip_hash" | "skip_save") {
                    format!("`{key}` is a field attribute; move it onto a field")
                } else {
                    "expected `env_prefix`".to_string()
                };
                errors.push(span, format!("unknown config attribute `{key}` on a struct; {hint}"));
                skip_value(meta.input)?;
            }
            Ok(())
        });
        if let Err(e) = res {
            errors.push_error(e);
        }
    }
    out
}

pub(crate) fn field(attrs: &[Attribute], errors: &Errors) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in attrs {
        if attr.path().is_ident("config") {
            let res = attr.parse_nested_meta(|meta| {
                let span = meta.path.span();
                let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
                match key.as_str() {
                    "default" => {
                        let e: Expr = meta.value()?.parse()?;
                        set_once(&mut out.default, e, span, "default", "config", errors);
                    }
                    "nested" => set_once(&mut out.nested, span, span, "nested", "config", errors),
                    "skip_hash" => set_once(&mut out.skip_hash, span, span, "skip_hash", "config", errors),
                    "skip_save" => set_once(&mut out.skip_save, span, span, "skip_save", "config", errors),
                    "env" | "env_force" => {
                        let e: Expr = meta.value()?.parse()?;
                        let names = parse_env_names(&e, &key, errors);
                        let slot = if key == "env" { &mut out.env } else { &mut out.env_force };
                        set_once(slot, (span, names), span, &key, "config", errors);
                    }
                    "env_prefix" => {
                        errors.push(span, "`env_prefix` is a struct attribute; put `#[config(env_prefix = \"..\")]` on the struct");
                        skip_value(meta.input)?;
                    }
                    _ => {
                        errors.push(span, format!("unknown config attribute `{key}`; expected one of {CONFIG_FIELD_KEYS}"));
                        skip_value(meta.input)?;
                    }
                }
                Ok(())
            });
            if let Err(e) = res {
                errors.push_error(e);
            }
        } else if attr.path().is_ident("fuzz") {
            out.fuzz_attr.get_or_insert(attr.span());
            let res = attr.parse_nested_meta(|meta| {
                let span = meta.path.span();
                let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
                match key.as_str() {
                    "skip" => {
                        let reason = if meta.input.peek(Token![=]) {
                            let e: Expr = meta.value()?.parse()?;
                            match e {
                                Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => Some(s),
                                other => {
                                    errors.push(other.span(), "`skip` takes an optional reason as a string literal: `skip = \"why\"`");
                                    None
                                }
                            }
                        } else {
                            None
                        };
                        set_once(&mut out.skip, (span, reason), span, "skip", "fuzz", errors);
                    }
                    "pin" => {
                        let e: Expr = meta.value()?.parse()?;
                        set_once(&mut out.pin, (span, e), span, "pin", "fuzz", errors);
                    }
                    "values" => {
                        let e: Expr = meta.value()?.parse()?;
                        match e {
                            Expr::Array(arr) => {
                                if arr.elems.is_empty() {
                                    errors.push(arr.span(), "`values` needs at least one value");
                                }
                                let vals = arr.elems.into_iter().collect();
                                set_once(&mut out.values, (span, vals), span, "values", "fuzz", errors);
                            }
                            other => errors.push(other.span(), "`values` takes a list: `values = [a, b, c]`"),
                        }
                    }
                    "range" => {
                        let e: Expr = meta.value()?.parse()?;
                        match e {
                            Expr::Range(r) => match (r.start, r.limits, r.end) {
                                (Some(lo), syn::RangeLimits::Closed(_), Some(hi)) => {
                                    set_once(&mut out.range, (span, (*lo, *hi)), span, "range", "fuzz", errors);
                                }
                                _ => errors.push(span, "`range` takes an inclusive range with both ends: `range = 1..=1024`"),
                            },
                            other => errors.push(other.span(), "`range` takes an inclusive range: `range = 1..=1024`"),
                        }
                    }
                    _ => {
                        errors.push(span, format!("unknown fuzz attribute `{key}`; expected one of {FUZZ_KEYS}"));
                        skip_value(meta.input)?;
                    }
                }
                Ok(())
            });
            if let Err(e) = res {
                errors.push_error(e);
            }
        }
    }
    out
}

/// The doc comment of an item, one line per `///` line, trimmed.
pub(crate) fn doc(attrs: &[Attribute]) -> String {
    let mut lines = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        if let syn::Meta::NameValue(nv) = &attr.meta {
            if let Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) = &nv.value {
                let text = s.value();
                lines.push(text.strip_prefix(' ').unwrap_or(&text).trim_end().to_string());
            }
        }
    }
    lines.join("\n").trim().to_string()
}
