//! `#[config(..)]` and `#[fuzz(..)]` attributes, parsed into typed options.
//!
//! Parsing records every mistake in an [`Errors`] list and keeps going, so a
//! struct with several mistakes reports them all.

use std::cell::RefCell;

use proc_macro2::Span;
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::parse::ParseStream;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, ExprLit, Lit, LitStr, Token};

/// Collected errors, combined into one `compile_error!` set at the end.
#[derive(Default)]
pub(crate) struct Errors(RefCell<Vec<syn::Error>>);

impl Errors {
    /// An error at one span (usually a single token).
    pub(crate) fn push(&self, span: Span, msg: impl std::fmt::Display) {
        self.0.borrow_mut().push(syn::Error::new(span, msg));
    }

    /// An error underlining all of `tokens`, first to last (on stable Rust a
    /// single `Span` cannot cover several tokens).
    pub(crate) fn push_spanned(&self, tokens: impl ToTokens, msg: impl std::fmt::Display) {
        self.0
            .borrow_mut()
            .push(syn::Error::new_spanned(tokens, msg));
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

/// Struct-level `#[config(..)]`, and the parts of other attributes the
/// derive must know about.
#[derive(Default)]
pub(crate) struct ContainerAttrs {
    pub(crate) env_prefix: Option<LitStr>,
    /// `crate = "path"`: the path generated code reaches `fuzzer_core` by.
    pub(crate) krate: Option<syn::Path>,
    /// `packed` in a `#[repr(..)]`, where it was written.
    pub(crate) packed: Option<Span>,
    /// `portable_ignore = ["prefix.", ..]`: dotted-name prefixes that
    /// `save_json_portable` leaves out.
    pub(crate) portable_ignore: Option<At<Vec<LitStr>>>,
    /// `validate = path::to_fn`, in the order written.
    pub(crate) validate: Vec<syn::Path>,
}

/// One arm of `implies(..)`: `condition => { target = value, .. }`.
pub(crate) struct Implication {
    /// The `implies` key.
    pub(crate) key: Span,
    pub(crate) condition: Expr,
    pub(crate) targets: Vec<ImpliedTarget>,
}

/// `target = value` in an implication: `field`, `section.field` or the same
/// in a string literal.
pub(crate) struct ImpliedTarget {
    /// The path's segments, each spanned at the user's tokens.
    pub(crate) path: Vec<syn::Ident>,
    /// The target as written, for errors about all of it.
    pub(crate) tokens: proc_macro2::TokenStream,
    pub(crate) value: Expr,
}

impl ImpliedTarget {
    /// `section.field`.
    pub(crate) fn dotted(&self) -> String {
        self.path
            .iter()
            .map(|i| syn::ext::IdentExt::unraw(i).to_string())
            .collect::<Vec<_>>()
            .join(".")
    }
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
    /// `implies(cond => { target = value, .. }, ..)`, every arm of every
    /// `implies` key.
    pub(crate) implies: Vec<Implication>,
    /// The first `#[fuzz(..)]` attribute, if any, for errors about all of it.
    pub(crate) fuzz_attr: Option<Attribute>,
    /// `knob = "name"`.
    pub(crate) knob: Option<LitStr>,
    /// `alias = "target"`: the key's span and the target's literal.
    pub(crate) alias: Option<At<LitStr>>,
    /// `alias_fields_from = "section"` on a nested field: the key's span and
    /// the literal naming the sibling section whose other fields it aliases.
    pub(crate) alias_fields_from: Option<At<LitStr>>,
}

const STRUCT_KEYS: &[&str] = &["crate", "env_prefix", "portable_ignore", "validate"];
const ENUM_KEYS: &[&str] = &["crate"];
const CONFIG_FIELD_KEYS: &[&str] = &[
    "default",
    "env",
    "env_force",
    "nested",
    "skip_hash",
    "skip_save",
    "knob",
    "implies",
    "alias",
    "alias_fields_from",
];
const FUZZ_KEYS: &[&str] = &["skip", "pin", "values", "range"];

/// How each key is written, for messages that say what to write instead.
fn usage(key: &str) -> &'static str {
    match key {
        "default" => "default = <expr>",
        "env" => "env = \"NAME\"",
        "env_force" => "env_force = \"NAME\"",
        "nested" => "nested",
        "skip_hash" => "skip_hash",
        "skip_save" => "skip_save",
        "env_prefix" => "env_prefix = \"MYAPP_\"",
        "crate" => "crate = \"fuzzer_core\"",
        "skip" => "skip",
        "pin" => "pin = <value>",
        "values" => "values = [a, b, c]",
        "range" => "range = 1..=1024",
        "knob" => "knob = \"name\"",
        "portable_ignore" => "portable_ignore = [\"prefix.\"]",
        "implies" => "implies(<value> => { field = <value>, section.field = <value> })",
        "validate" => "validate = path::to_fn",
        "alias" => "alias = \"target_field\"",
        "alias_fields_from" => "alias_fields_from = \"section\"",
        _ => "..",
    }
}

/// "`a`, `b`, `c`".
fn list(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Optimal string alignment distance: edits, where swapping two neighbours
/// counts as one (`defualt` is one edit from `default`).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// The known key closest to `key`, if it is close enough to be a typo.
pub(crate) fn closest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    let key = key.to_ascii_lowercase();
    let limit = (key.chars().count() / 3).max(1);
    known
        .iter()
        .map(|k| (edit_distance(&key, k), *k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// The message for a key that is not one of `known`: a typo suggestion when
/// one is close, then the full list.
fn unknown(what: &str, key: &str, known: &[&str]) -> String {
    let expected = if known.len() == 1 {
        format!("expected {}", list(known))
    } else {
        format!("expected one of {}", list(known))
    };
    match closest(key, known) {
        Some(k) => format!("unknown {what} `{key}`; did you mean `{k}`? {expected}"),
        None => format!("unknown {what} `{key}`; {expected}"),
    }
}

/// The key as the user wrote it, path and all.
fn key_of(meta: &ParseNestedMeta<'_>) -> String {
    match meta.path.get_ident() {
        Some(ident) => ident.to_string(),
        None => meta.path.to_token_stream().to_string().replace(' ', ""),
    }
}

/// Skips `= <expr>` or `(..)` after a key so parsing can go on.
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

/// The `= <expr>` of a key that needs a value; a missing value is reported
/// at the key and gives `None`.
fn value(
    meta: &ParseNestedMeta<'_>,
    attr: &str,
    key: &str,
    errors: &Errors,
) -> syn::Result<Option<Expr>> {
    if meta.input.peek(Token![=]) {
        return Ok(Some(meta.value()?.parse()?));
    }
    errors.push_spanned(
        &meta.path,
        format!("`{key}` needs a value: write `#[{attr}({})]`", usage(key)),
    );
    skip_value(meta.input)?;
    Ok(None)
}

/// A flag takes no value; one given anyway is reported and skipped.
fn flag(meta: &ParseNestedMeta<'_>, attr: &str, key: &str, errors: &Errors) -> syn::Result<()> {
    if meta.input.peek(Token![=]) || meta.input.peek(syn::token::Paren) {
        errors.push_spanned(
            &meta.path,
            format!("`{key}` takes no value; write just `#[{attr}({key})]`"),
        );
        skip_value(meta.input)?;
    }
    Ok(())
}

fn set_once<T>(slot: &mut Option<T>, value: T, span: Span, key: &str, attr: &str, errors: &Errors) {
    if slot.is_some() {
        errors.push(
            span,
            format!("duplicate {attr} attribute `{key}`; keep only one"),
        );
    } else {
        *slot = Some(value);
    }
}

fn str_lit(expr: &Expr) -> Option<&LitStr> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Some(s),
        _ => None,
    }
}

/// `"NAME"` or `["A", "B"]`.
fn parse_env_names(expr: &Expr, key: &str, errors: &Errors) -> Vec<LitStr> {
    if let Some(s) = str_lit(expr) {
        return vec![s.clone()];
    }
    let Expr::Array(arr) = expr else {
        errors.push_spanned(
            expr,
            format!("`{key}` takes an env var name as a string literal, `{key} = \"NAME\"`, or a list, `{key} = [\"A\", \"B\"]`"),
        );
        return Vec::new();
    };
    arr.elems
        .iter()
        .filter_map(|e| {
            let s = str_lit(e).cloned();
            if s.is_none() {
                errors.push_spanned(
                    e,
                    format!("`{key}` takes env var names as string literals, e.g. `\"NAME\"`"),
                );
            }
            s
        })
        .collect()
}

/// `crate = "path"`: the string must hold a path, like serde's attribute.
fn crate_path(
    meta: &ParseNestedMeta<'_>,
    slot: &mut Option<syn::Path>,
    errors: &Errors,
) -> syn::Result<()> {
    let span = meta.path.span();
    if let Some(expr) = value(meta, "config", "crate", errors)? {
        match str_lit(&expr).map(|s| (s, s.parse::<syn::Path>())) {
            Some((_, Ok(path))) => set_once(slot, path, span, "crate", "config", errors),
            Some((s, Err(_))) => errors.push(
                s.span(),
                format!("`crate` takes the path of the `fuzzer_core` crate as a string, like `crate = \"fuzzer_core\"` or `crate = \"my_dep::fuzzer_core\"`, but {:?} is not a path", s.value()),
            ),
            None => errors.push_spanned(&expr, "`crate` takes a path in a string literal, e.g. `crate = \"fuzzer_core\"`"),
        }
    }
    Ok(())
}

/// Where `#[repr(.. packed ..)]` says `packed`, if it does.
fn repr_packed(attrs: &[Attribute]) -> Option<Span> {
    let mut packed = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("repr")) {
        // A malformed `repr` is the compiler's to report.
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("packed") {
                packed.get_or_insert(meta.path.span());
            }
            skip_value(meta.input)
        });
    }
    packed
}

/// `#[config(crate = "..")]` on a `FuzzValue` enum, the one key it takes.
pub(crate) fn value_enum(attrs: &[Attribute], errors: &Errors) -> Option<syn::Path> {
    let mut krate = None;
    for attr in attrs {
        if !attr.path().is_ident("config") {
            continue;
        }
        let res = attr.parse_nested_meta(|meta| {
            let key = key_of(&meta);
            if key == "crate" {
                crate_path(&meta, &mut krate, errors)?;
            } else {
                errors.push_spanned(
                    &meta.path,
                    unknown("`FuzzValue` enum attribute", &key, ENUM_KEYS),
                );
                skip_value(meta.input)?;
            }
            Ok(())
        });
        if let Err(e) = res {
            errors.push_error(e);
        }
    }
    krate
}

pub(crate) fn container(attrs: &[Attribute], errors: &Errors) -> ContainerAttrs {
    let mut out = ContainerAttrs {
        packed: repr_packed(attrs),
        ..ContainerAttrs::default()
    };
    for attr in attrs {
        if attr.path().is_ident("fuzz") {
            errors.push_spanned(attr, "`#[fuzz(..)]` goes on fields, not on the struct; move it onto the field it is about");
            continue;
        }
        if !attr.path().is_ident("config") {
            continue;
        }
        let res = attr.parse_nested_meta(|meta| {
            let span = meta.path.span();
            let key = key_of(&meta);
            if key == "crate" {
                crate_path(&meta, &mut out.krate, errors)?;
            } else if key == "env_prefix" {
                if let Some(expr) = value(&meta, "config", &key, errors)? {
                    match str_lit(&expr) {
                        Some(s) => set_once(&mut out.env_prefix, s.clone(), span, "env_prefix", "config", errors),
                        None => errors.push_spanned(&expr, "`env_prefix` takes a string literal, e.g. `env_prefix = \"MYAPP_\"`"),
                    }
                }
            } else if key == "portable_ignore" {
                if let Some(expr) = value(&meta, "config", &key, errors)? {
                    let prefixes = match &expr {
                        Expr::Array(arr) => arr
                            .elems
                            .iter()
                            .filter_map(|e| {
                                let s = str_lit(e).cloned();
                                if s.is_none() {
                                    errors.push_spanned(e, "`portable_ignore` takes field-name prefixes as string literals, e.g. `\"trace.\"`");
                                }
                                s
                            })
                            .collect(),
                        _ => {
                            errors.push_spanned(&expr, "`portable_ignore` takes a list of field-name prefixes: `portable_ignore = [\"cuda.\", \"trace.\"]`");
                            Vec::new()
                        }
                    };
                    set_once(&mut out.portable_ignore, (span, prefixes), span, "portable_ignore", "config", errors);
                }
            } else if key == "validate" {
                if let Some(expr) = value(&meta, "config", &key, errors)? {
                    match expr {
                        Expr::Path(p) if p.qself.is_none() => out.validate.push(p.path),
                        other => errors.push_spanned(&other, "`validate` takes the path of a function `fn(&Config) -> Result<(), String>`, e.g. `validate = checks::sizes`"),
                    }
                }
            } else if CONFIG_FIELD_KEYS.contains(&key.as_str()) {
                errors.push_spanned(
                    &meta.path,
                    format!("`{key}` is a field attribute, not a struct attribute; move `#[config({})]` onto a field", usage(&key)),
                );
                skip_value(meta.input)?;
            } else if FUZZ_KEYS.contains(&key.as_str()) {
                errors.push_spanned(
                    &meta.path,
                    format!("`{key}` is a fuzz attribute and goes on a field: `#[fuzz({})]`", usage(&key)),
                );
                skip_value(meta.input)?;
            } else {
                errors.push_spanned(&meta.path, unknown("config attribute", &key, STRUCT_KEYS));
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

fn config_field_key(
    meta: &ParseNestedMeta<'_>,
    out: &mut FieldAttrs,
    errors: &Errors,
) -> syn::Result<()> {
    let span = meta.path.span();
    let key = key_of(meta);
    match key.as_str() {
        "default" => {
            if let Some(e) = value(meta, "config", &key, errors)? {
                set_once(&mut out.default, e, span, "default", "config", errors);
            }
        }
        "nested" | "skip_hash" | "skip_save" => {
            flag(meta, "config", &key, errors)?;
            let slot = match key.as_str() {
                "nested" => &mut out.nested,
                "skip_hash" => &mut out.skip_hash,
                _ => &mut out.skip_save,
            };
            set_once(slot, span, span, &key, "config", errors);
        }
        "env" | "env_force" => {
            if let Some(e) = value(meta, "config", &key, errors)? {
                let names = parse_env_names(&e, &key, errors);
                let slot = if key == "env" {
                    &mut out.env
                } else {
                    &mut out.env_force
                };
                set_once(slot, (span, names), span, &key, "config", errors);
            }
        }
        "alias" => {
            if let Some(e) = value(meta, "config", &key, errors)? {
                match str_lit(&e) {
                    Some(s) => set_once(&mut out.alias, (span, s.clone()), span, "alias", "config", errors),
                    None => errors.push_spanned(&e, "`alias` takes the name of the field it stands for as a string literal: `alias = \"target_field\"` or `alias = \"section.field\"`"),
                }
            }
        }
        "alias_fields_from" => {
            if let Some(e) = value(meta, "config", &key, errors)? {
                match str_lit(&e) {
                    Some(s) => set_once(&mut out.alias_fields_from, (span, s.clone()), span, "alias_fields_from", "config", errors),
                    None => errors.push_spanned(&e, "`alias_fields_from` takes the name of a sibling section as a string literal: `#[config(nested, alias_fields_from = \"section\")]`"),
                }
            }
        }
        "env_prefix" | "validate" => {
            errors.push_spanned(
                &meta.path,
                format!("`{key}` is a struct attribute, not a field attribute; put `#[config({})]` on the struct", usage(&key)),
            );
            skip_value(meta.input)?;
        }
        "portable_ignore" => {
            errors.push_spanned(
                &meta.path,
                "`portable_ignore` is a struct attribute, not a field attribute; put `#[config(portable_ignore = [\"prefix.\"])]` on the root config",
            );
            skip_value(meta.input)?;
        }
        "knob" => {
            if let Some(e) = value(meta, "config", &key, errors)? {
                match str_lit(&e) {
                    Some(s) => set_once(&mut out.knob, s.clone(), span, "knob", "config", errors),
                    None => errors.push_spanned(
                        &e,
                        "`knob` takes the knob's name as a string literal: `knob = \"name\"`",
                    ),
                }
            }
        }
        "implies" => {
            if !meta.input.peek(syn::token::Paren) {
                errors.push_spanned(
                    &meta.path,
                    format!(
                        "`implies` needs its rules in parentheses: `#[config({})]`",
                        usage("implies")
                    ),
                );
                skip_value(meta.input)?;
                return Ok(());
            }
            let content;
            syn::parenthesized!(content in meta.input);
            if content.is_empty() {
                errors.push_spanned(
                    &meta.path,
                    format!(
                        "`implies` needs at least one rule: `#[config({})]`",
                        usage("implies")
                    ),
                );
            }
            while !content.is_empty() {
                out.implies.push(implication(&content, span)?);
                if !content.is_empty() {
                    content.parse::<Token![,]>()?;
                }
            }
        }
        k if FUZZ_KEYS.contains(&k) => {
            errors.push_spanned(
                &meta.path,
                format!("`{key}` is a fuzz attribute, not a config attribute; write it as `#[fuzz({})]`", usage(&key)),
            );
            skip_value(meta.input)?;
        }
        _ => {
            errors.push_spanned(
                &meta.path,
                unknown("config attribute", &key, CONFIG_FIELD_KEYS),
            );
            skip_value(meta.input)?;
        }
    }
    Ok(())
}

/// `condition => { target = value, .. }`.
fn implication(input: ParseStream<'_>, key: Span) -> syn::Result<Implication> {
    let condition: Expr = input.parse()?;
    if !input.peek(Token![=>]) {
        return Err(input.error(format!(
            "expected `=>` after the condition; write `#[config({})]`",
            usage("implies")
        )));
    }
    input.parse::<Token![=>]>()?;
    if !input.peek(syn::token::Brace) {
        return Err(input.error(
            "expected the implied values in braces after `=>`: `{ field = <value>, section.field = <value> }`",
        ));
    }
    let body;
    syn::braced!(body in input);
    let mut targets = Vec::new();
    while !body.is_empty() {
        targets.push(implied_target(&body)?);
        if !body.is_empty() {
            body.parse::<Token![,]>()?;
        }
    }
    if targets.is_empty() {
        return Err(syn::Error::new(
            condition.span(),
            "this rule implies nothing; list the implied values: `{ field = <value> }`",
        ));
    }
    Ok(Implication {
        key,
        condition,
        targets,
    })
}

/// `field = value`, `section.field = value` or `"section.field" = value`.
fn implied_target(input: ParseStream<'_>) -> syn::Result<ImpliedTarget> {
    let (path, tokens) = if input.peek(LitStr) {
        let lit: LitStr = input.parse()?;
        let mut path = Vec::new();
        for part in lit.value().split('.') {
            match syn::parse_str::<syn::Ident>(part) {
                Ok(mut ident) => {
                    ident.set_span(lit.span());
                    path.push(ident);
                }
                Err(_) => {
                    return Err(syn::Error::new(
                        lit.span(),
                        format!(
                        "implication target {:?} is not a dotted field name like \"section.field\"",
                        lit.value()
                    ),
                    ))
                }
            }
        }
        (path, lit.to_token_stream())
    } else {
        let not_a_name = |e: syn::Error| {
            syn::Error::new(
                e.span(),
                "expected an implication target, a field name (`field`, `section.field`) or a string (`\"section.field\"`); write `{ field = <value>, .. }`",
            )
        };
        let first = input
            .call(syn::ext::IdentExt::parse_any)
            .map_err(not_a_name)?;
        let mut path: Vec<syn::Ident> = vec![first];
        let mut tokens = path[0].to_token_stream();
        while input.peek(Token![.]) {
            let dot: Token![.] = input.parse()?;
            let ident: syn::Ident = input
                .call(syn::ext::IdentExt::parse_any)
                .map_err(not_a_name)?;
            dot.to_tokens(&mut tokens);
            ident.to_tokens(&mut tokens);
            path.push(ident);
        }
        (path, tokens)
    };
    if !input.peek(Token![=]) {
        return Err(
            input.error("expected `= <value>` after the implication target: `field = <value>`")
        );
    }
    input.parse::<Token![=]>()?;
    let value: Expr = input.parse()?;
    Ok(ImpliedTarget {
        path,
        tokens,
        value,
    })
}

fn fuzz_key(meta: &ParseNestedMeta<'_>, out: &mut FieldAttrs, errors: &Errors) -> syn::Result<()> {
    let span = meta.path.span();
    let key = key_of(meta);
    match key.as_str() {
        "skip" => {
            let reason = if meta.input.peek(Token![=]) {
                let e: Expr = meta.value()?.parse()?;
                let reason = str_lit(&e).cloned();
                if reason.is_none() {
                    errors.push_spanned(&e, "`skip` takes an optional reason as a string literal: `skip = \"why\"`");
                }
                reason
            } else {
                flag(meta, "fuzz", &key, errors)?;
                None
            };
            set_once(&mut out.skip, (span, reason), span, "skip", "fuzz", errors);
        }
        "pin" => {
            if let Some(e) = value(meta, "fuzz", &key, errors)? {
                set_once(&mut out.pin, (span, e), span, "pin", "fuzz", errors);
            }
        }
        "values" => match value(meta, "fuzz", &key, errors)? {
            Some(Expr::Array(arr)) => {
                if arr.elems.is_empty() {
                    errors.push_spanned(&arr, "`values` needs at least one value: `values = [a, b, c]`");
                }
                let vals = arr.elems.into_iter().collect();
                set_once(&mut out.values, (span, vals), span, "values", "fuzz", errors);
            }
            Some(other) => {
                errors.push_spanned(&other, "`values` takes a list in brackets: `values = [a, b, c]`");
            }
            None => {}
        },
        "range" => match value(meta, "fuzz", &key, errors)? {
            Some(Expr::Range(r)) => match (&r.start, &r.limits, &r.end) {
                (Some(lo), syn::RangeLimits::Closed(_), Some(hi)) => {
                    let bounds = ((**lo).clone(), (**hi).clone());
                    set_once(&mut out.range, (span, bounds), span, "range", "fuzz", errors);
                }
                _ => errors.push_spanned(
                    &r,
                    "`range` takes an inclusive range with both ends, written with `..=`: `range = 1..=1024`",
                ),
            },
            Some(other) => errors.push_spanned(&other, "`range` takes an inclusive range: `range = 1..=1024`"),
            None => {}
        },
        k if CONFIG_FIELD_KEYS.contains(&k) => {
            errors.push_spanned(
                &meta.path,
                format!("`{key}` is a config attribute, not a fuzz attribute; write it as `#[config({})]`", usage(&key)),
            );
            skip_value(meta.input)?;
        }
        _ => {
            errors.push_spanned(&meta.path, unknown("fuzz attribute", &key, FUZZ_KEYS));
            skip_value(meta.input)?;
        }
    }
    Ok(())
}

pub(crate) fn field(attrs: &[Attribute], errors: &Errors) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in attrs {
        let res = if attr.path().is_ident("config") {
            attr.parse_nested_meta(|meta| config_field_key(&meta, &mut out, errors))
        } else if attr.path().is_ident("fuzz") {
            out.fuzz_attr.get_or_insert_with(|| attr.clone());
            attr.parse_nested_meta(|meta| fuzz_key(&meta, &mut out, errors))
        } else {
            Ok(())
        };
        if let Err(e) = res {
            errors.push_error(e);
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
            if let Some(s) = str_lit(&nv.value) {
                let text = s.value();
                lines.push(
                    text.strip_prefix(' ')
                        .unwrap_or(&text)
                        .trim_end()
                        .to_string(),
                );
            }
        }
    }
    lines.join("\n").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swapped_letters_are_one_edit() {
        assert_eq!(edit_distance("defualt", "default"), 1);
        assert_eq!(edit_distance("rnage", "range"), 1);
        assert_eq!(edit_distance("", "pin"), 3);
    }

    #[test]
    fn suggests_only_close_keys() {
        assert_eq!(closest("defualt", CONFIG_FIELD_KEYS), Some("default"));
        assert_eq!(closest("skiphash", CONFIG_FIELD_KEYS), Some("skip_hash"));
        assert_eq!(closest("Default", CONFIG_FIELD_KEYS), Some("default"));
        assert_eq!(closest("value", FUZZ_KEYS), Some("values"));
        assert_eq!(closest("frobnicate", CONFIG_FIELD_KEYS), None);
        assert_eq!(closest("x", FUZZ_KEYS), None);
    }
}
