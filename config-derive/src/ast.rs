//! The internal model of a config struct or value enum. Every node keeps its
//! `syn` original so later errors can point at the user's tokens.

use quote::{quote, ToTokens};
use syn::{Data, DeriveInput, Fields, Ident, Type};

use crate::attr::{self, ContainerAttrs, Errors, FieldAttrs};

/// Which derive a struct is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `#[derive(FuzzableConfig)]`: a root config with its own singleton.
    Root,
    /// `#[derive(ConfigSection)]`: a section, nested in a root, no singleton.
    Section,
}

impl Kind {
    /// The derive's (and trait's) name, for messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Root => "FuzzableConfig",
            Kind::Section => "ConfigSection",
        }
    }
}

/// A `#[derive(FuzzableConfig)]` or `#[derive(ConfigSection)]` struct.
pub(crate) struct Config<'a> {
    pub(crate) original: &'a DeriveInput,
    pub(crate) kind: Kind,
    pub(crate) attrs: ContainerAttrs,
    pub(crate) fields: Vec<Field<'a>>,
}

/// One named field.
pub(crate) struct Field<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) ty: &'a Type,
    pub(crate) doc: String,
    pub(crate) deprecated: bool,
    pub(crate) attrs: FieldAttrs,
    pub(crate) vis: &'a syn::Visibility,
    /// The `#[deprecated]` attributes as written, for an alias's accessors.
    pub(crate) deprecated_attrs: Vec<&'a syn::Attribute>,
    /// The note of `#[deprecated(note = "..")]` or `#[deprecated = ".."]`.
    pub(crate) deprecation_note: Option<String>,
    /// `T` when the type is `Alias<T>` (any path ending in `Alias<..>`).
    pub(crate) alias_of_type: Option<&'a Type>,
}

impl Field<'_> {
    /// Whether this is an alias field (`#[config(alias = "..")]`).
    pub(crate) fn is_alias(&self) -> bool {
        self.attrs.alias.is_some()
    }
}

/// The note of a `#[deprecated]` attribute, if it gives one.
fn deprecation_note(attr: &syn::Attribute) -> Option<String> {
    match &attr.meta {
        syn::Meta::NameValue(nv) => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        syn::Meta::List(_) => {
            let mut note = None;
            // A malformed `deprecated` is the compiler's to report.
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("note") {
                    let s: syn::LitStr = meta.value()?.parse()?;
                    note = Some(s.value());
                } else if meta.input.peek(syn::Token![=]) {
                    let _: syn::Expr = meta.value()?.parse()?;
                }
                Ok(())
            });
            note
        }
        syn::Meta::Path(_) => None,
    }
}

/// `T` of a type written `Alias<T>` (the last path segment named `Alias`
/// with one type argument).
fn alias_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    if seg.ident != "Alias" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &seg.arguments else {
        return None;
    };
    match args.args.iter().collect::<Vec<_>>()[..] {
        [syn::GenericArgument::Type(t)] => Some(t),
        _ => None,
    }
}

impl Config<'_> {
    pub(crate) fn ident(&self) -> &Ident {
        &self.original.ident
    }
}

impl<'a> Config<'a> {
    /// Builds the model; shape errors (not a struct with named fields) are
    /// recorded and give `None`.
    pub(crate) fn from_syn(input: &'a DeriveInput, kind: Kind, errors: &Errors) -> Option<Self> {
        let attrs = attr::container(&input.attrs, errors);
        let ident = &input.ident;
        let derive = kind.name();
        let named = match &input.data {
            Data::Struct(s) => match &s.fields {
                Fields::Named(named) => named,
                Fields::Unnamed(unnamed) => {
                    errors.push_spanned(
                        unnamed,
                        format!("`{derive}` needs a struct with named fields, because fields are read and set by name; give each field a name: `struct Config {{ flag: bool }}`"),
                    );
                    return None;
                }
                Fields::Unit => {
                    errors.push(
                        ident.span(),
                        format!("`{derive}` needs a struct with named fields, but `{ident}` is a unit struct; declare its fields in braces: `struct {ident} {{ flag: bool }}`"),
                    );
                    return None;
                }
            },
            Data::Enum(e) => {
                let enum_token = e.enum_token;
                errors.push_spanned(
                    quote!(#enum_token #ident),
                    format!("`{derive}` can only be derived for a struct with named fields, not an enum; to use an enum as a field type, derive `FuzzValue` for it instead"),
                );
                return None;
            }
            Data::Union(u) => {
                let union_token = u.union_token;
                errors.push_spanned(
                    quote!(#union_token #ident),
                    format!("`{derive}` can only be derived for a struct with named fields, not a union; declare the settings as a struct"),
                );
                return None;
            }
        };
        let fields = named
            .named
            .iter()
            .map(|f| {
                let deprecated_attrs: Vec<&syn::Attribute> = f
                    .attrs
                    .iter()
                    .filter(|a| a.path().is_ident("deprecated"))
                    .collect();
                Field {
                    ident: f.ident.as_ref().expect("named field"),
                    ty: &f.ty,
                    doc: attr::doc(&f.attrs),
                    deprecated: !deprecated_attrs.is_empty(),
                    attrs: attr::field(&f.attrs, errors),
                    vis: &f.vis,
                    deprecation_note: deprecated_attrs.first().and_then(|a| deprecation_note(a)),
                    deprecated_attrs,
                    alias_of_type: alias_inner(&f.ty),
                }
            })
            .collect();
        Some(Config {
            original: input,
            kind,
            attrs,
            fields,
        })
    }
}

/// A `#[derive(FuzzValue)]` enum.
pub(crate) struct ValueEnum<'a> {
    pub(crate) original: &'a DeriveInput,
    /// `#[config(crate = "..")]`.
    pub(crate) krate: Option<syn::Path>,
    pub(crate) variants: Vec<&'a Ident>,
}

impl<'a> ValueEnum<'a> {
    pub(crate) fn from_syn(input: &'a DeriveInput, errors: &Errors) -> Option<Self> {
        let ident = &input.ident;
        let krate = attr::value_enum(&input.attrs, errors);
        let Data::Enum(data) = &input.data else {
            let (kind, token) = match &input.data {
                Data::Struct(s) => ("a struct", s.struct_token.to_token_stream()),
                Data::Union(u) => ("a union", u.union_token.to_token_stream()),
                Data::Enum(_) => unreachable!("handled above"),
            };
            errors.push_spanned(
                quote!(#token #ident),
                format!("`FuzzValue` can only be derived for a fieldless enum, not {kind}; a struct of settings derives `ConfigSection` and is used as a field with `#[config(nested)]`"),
            );
            return None;
        };
        if data.variants.is_empty() {
            errors.push_spanned(
                quote!(#ident),
                format!("`FuzzValue` needs an enum with at least one variant, but `{ident}` has none; add the variants to choose from"),
            );
        }
        for v in &data.variants {
            if !matches!(v.fields, Fields::Unit) {
                errors.push_spanned(
                    &v.fields,
                    format!(
                        "`FuzzValue` can only be derived for a fieldless enum, but variant `{}` has fields; remove them, and make each setting its own config field",
                        v.ident
                    ),
                );
            }
        }
        Some(ValueEnum {
            original: input,
            krate,
            variants: data.variants.iter().map(|v| &v.ident).collect(),
        })
    }
}

impl Config<'_> {
    /// The index of the field named `name` (as the user sees it, `r#`
    /// removed).
    pub(crate) fn field_named(&self, name: &str) -> Option<usize> {
        self.fields
            .iter()
            .position(|f| syn::ext::IdentExt::unraw(f.ident) == name)
    }

    /// The implication graph's edges: (source field, target field) for
    /// every single-segment target that names a field. Nested targets are
    /// section fields, which are never sources, so they close no cycle.
    fn implication_edges(&self) -> Vec<(usize, usize)> {
        let mut edges = Vec::new();
        for (s, f) in self.fields.iter().enumerate() {
            for imp in &f.attrs.implies {
                for t in &imp.targets {
                    if let [one] = t.path.as_slice() {
                        if let Some(d) =
                            self.field_named(&syn::ext::IdentExt::unraw(one).to_string())
                        {
                            edges.push((s, d));
                        }
                    }
                }
            }
        }
        edges
    }

    /// The fields in an order where every implication source comes after
    /// the sources of the rules that target it; `Err` with a cycle (field
    /// indices, first repeated at the end) if there is one.
    pub(crate) fn implication_order(&self) -> Result<Vec<usize>, Vec<usize>> {
        let n = self.fields.len();
        let edges = self.implication_edges();
        // Depth-first, emitting a field after everything that implies it.
        let mut state = vec![0u8; n]; // 0 new, 1 on the path, 2 done
        let mut order = Vec::with_capacity(n);
        fn visit(
            v: usize,
            edges: &[(usize, usize)],
            state: &mut [u8],
            path: &mut Vec<usize>,
            order: &mut Vec<usize>,
        ) -> Result<(), Vec<usize>> {
            state[v] = 1;
            path.push(v);
            // Predecessors: the sources that imply `v`.
            for &(s, _) in edges.iter().filter(|(_, d)| *d == v) {
                match state[s] {
                    0 => visit(s, edges, state, path, order)?,
                    1 => {
                        let at = path.iter().position(|&p| p == s).expect("on the path");
                        let mut cycle: Vec<usize> = path[at..].to_vec();
                        cycle.reverse();
                        cycle.insert(0, v);
                        cycle.dedup();
                        cycle.push(cycle[0]);
                        return Err(cycle);
                    }
                    _ => {}
                }
            }
            path.pop();
            state[v] = 2;
            order.push(v);
            Ok(())
        }
        for v in 0..n {
            if state[v] == 0 {
                visit(v, &edges, &mut state, &mut Vec::new(), &mut order)?;
            }
        }
        Ok(order)
    }
}
