//! The impl emitted beside an error, so that one mistake in the input gives
//! one error instead of a cascade of "trait not implemented" errors.
//!
//! The impl holds only where the type has the trait's supertraits. The bound
//! is written with a `for<'__fuzz>` binder, which makes the compiler take it
//! as an assumption instead of checking it: a union (which cannot derive
//! `Debug`) or a generic struct (whose derived `Clone` needs `T: Clone`) then
//! gives only the derive's own error, not one more per missing supertrait.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::ast::Kind;

/// `where <existing predicates>, for<'__fuzz> Self: <supertraits>`.
fn where_supertraits(input: &DeriveInput, supertraits: TokenStream) -> TokenStream {
    let ident = &input.ident;
    let (_, ty_generics, where_clause) = input.generics.split_for_impl();
    let existing = where_clause.into_iter().flat_map(|w| &w.predicates);
    quote! {
        where
            #(#existing,)*
            for<'__fuzz> #ident #ty_generics: #supertraits
    }
}

pub(crate) fn config(input: &DeriveInput, kind: Kind, p: &TokenStream) -> TokenStream {
    let ident = &input.ident;
    let name = ident.to_string();
    let (impl_generics, ty_generics, _) = input.generics.split_for_impl();
    let where_clause = where_supertraits(
        input,
        quote!(
            ::core::clone::Clone
                + ::core::fmt::Debug
                + ::core::cmp::PartialEq
                + ::core::marker::Send
                + ::core::marker::Sync
                + 'static
        ),
    );
    let (tr, kind_items) = match kind {
        Kind::Root => (
            quote!(#p::FuzzableConfig),
            quote! {
                fn __registry() -> &'static #p::Registry<Self> { ::core::unreachable!() }
                fn __local() -> &'static ::std::thread::LocalKey<#p::Local<Self>> { ::core::unreachable!() }
                fn __fast() -> &'static ::std::thread::LocalKey<#p::Fast<Self>> { ::core::unreachable!() }
            },
        ),
        Kind::Section => (
            quote!(#p::ConfigSection),
            quote! {
                fn __fields_cell() -> &'static ::std::sync::OnceLock<::std::vec::Vec<#p::FieldMeta>> { ::core::unreachable!() }
            },
        ),
    };
    quote! {
        #[automatically_derived]
        #[allow(unused_variables, clippy::all)]
        impl #impl_generics #tr for #ident #ty_generics #where_clause {
            const __NAME: &'static ::core::primitive::str = #name;
            const __FIELD_COUNT: ::core::primitive::usize = 0;
            fn __specs() -> &'static [#p::FieldSpec] { ::core::unreachable!() }
            fn __env_prefix() -> ::core::option::Option<&'static ::core::primitive::str> { ::core::unreachable!() }
            fn __get_index(&self, __i: ::core::primitive::usize) -> #p::Value { ::core::unreachable!() }
            fn __set_index(&mut self, __i: ::core::primitive::usize, __v: &#p::Value) -> ::core::result::Result<(), #p::ConfigError> { ::core::unreachable!() }
            fn __copy_field(&mut self, __src: &Self, __i: ::core::primitive::usize) { ::core::unreachable!() }
            fn __field_eq(&self, __other: &Self, __i: ::core::primitive::usize) -> ::core::primitive::bool { ::core::unreachable!() }
            #kind_items
            fn __diff(&self, __other: &Self, __offset: ::core::primitive::u32, __out: &mut ::std::vec::Vec<::core::primitive::u32>) { ::core::unreachable!() }
        }

        #[automatically_derived]
        #[allow(clippy::all)]
        impl #impl_generics #p::DeclaredDefaults for #ident #ty_generics #where_clause {
            fn __declared() -> &'static Self { ::core::unreachable!() }
        }
    }
}

pub(crate) fn value(input: &DeriveInput, p: &TokenStream) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, _) = input.generics.split_for_impl();
    let where_clause = where_supertraits(
        input,
        quote!(
            ::core::clone::Clone
                + ::core::cmp::PartialEq
                + ::core::fmt::Debug
                + ::core::marker::Send
                + ::core::marker::Sync
                + 'static
        ),
    );
    quote! {
        #[automatically_derived]
        #[allow(unused_variables, clippy::all)]
        impl #impl_generics #p::FuzzValue for #ident #ty_generics #where_clause {
            fn to_value(&self) -> #p::Value { ::core::unreachable!() }
            fn from_value(__v: &#p::Value) -> ::core::result::Result<Self, #p::ConfigError> { ::core::unreachable!() }
            fn type_name() -> ::std::string::String { ::core::unreachable!() }
            fn seed_value() -> Self { ::core::unreachable!() }
            fn sample(__d: &Self, __c: &mut #p::SampleCtx<'_>) -> Self { ::core::unreachable!() }
            fn schema_type() -> #p::SchemaType { ::core::unreachable!() }
        }
    }
}
