//! The internal model of a config struct or value enum. Every node keeps its
//! `syn` original so later errors can point at the user's tokens.

use syn::{Data, DeriveInput, Fields, Ident, Type};

use crate::attr::{self, ContainerAttrs, Errors, FieldAttrs};

/// A `#[derive(FuzzableConfig)]` struct.
pub(crate) struct Config<'a> {
    pub(crate) original: &'a DeriveInput,
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
}

impl Config<'_> {
    pub(crate) fn ident(&self) -> &Ident {
        &self.original.ident
    }
}

impl<'a> Config<'a> {
    /// Builds the model; shape errors (not a struct with named fields) are
    /// recorded and give `None`.
    pub(crate) fn from_syn(input: &'a DeriveInput, errors: &Errors) -> Option<Self> {
        let attrs = attr::container(&input.attrs, errors);
        let named = match &input.data {
            Data::Struct(s) => match &s.fields {
                Fields::Named(named) => named,
                Fields::Unnamed(_) => {
                    errors.push(
                        input.ident.span(),
                        "FuzzableConfig needs a struct with named fields, because fields are addressed by name; give each field a name",
                    );
                    return None;
                }
                Fields::Unit => {
                    errors.push(input.ident.span(), "FuzzableConfig needs a struct with named fields; this unit struct has none");
                    return None;
                }
            },
            Data::Enum(e) => {
                errors.push(
                    e.enum_token.span,
                    "FuzzableConfig can only be derived for a struct with named fields; for an enum used as a field type, derive FuzzValue instead",
                );
                return None;
            }
            Data::Union(u) => {
                errors.push(u.union_token.span, "FuzzableConfig can only be derived for a struct with named fields, not a union");
                return None;
            }
        };
        let fields = named
            .named
            .iter()
            .map(|f| Field {
                ident: f.ident.as_ref().expect("named field"),
                ty: &f.ty,
                doc: attr::doc(&f.attrs),
                deprecated: f.attrs.iter().any(|a| a.path().is_ident("deprecated")),
                attrs: attr::field(&f.attrs, errors),
            })
            .collect();
        Some(Config {
            original: input,
            attrs,
            fields,
        })
    }
}

/// A `#[derive(FuzzValue)]` enum.
pub(crate) struct ValueEnum<'a> {
    pub(crate) original: &'a DeriveInput,
    pub(crate) variants: Vec<&'a Ident>,
}

impl<'a> ValueEnum<'a> {
    pub(crate) fn from_syn(input: &'a DeriveInput, errors: &Errors) -> Option<Self> {
        let Data::Enum(data) = &input.data else {
            errors.push(
                input.ident.span(),
                "FuzzValue can only be derived for a fieldless enum; std types already implement it, and a config struct derives FuzzableConfig",
            );
            return None;
        };
        if data.variants.is_empty() {
            errors.push(input.ident.span(), "FuzzValue needs at least one variant to have a value to sample");
        }
        for v in &data.variants {
            if !matches!(v.fields, Fields::Unit) {
                errors.push(
                    v.ident.span(),
                    format!("FuzzValue can only be derived for a fieldless enum, but variant `{}` carries data; remove its fields or use a config struct", v.ident),
                );
            }
        }
        Some(ValueEnum {
            original: input,
            variants: data.variants.iter().map(|v| &v.ident).collect(),
        })
    }
}
