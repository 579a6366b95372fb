//! Code generation. Starts from a validated model and cannot fail.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::DeriveInput;

use crate::ast::{Config, Field, ValueEnum};
use crate::attr::Errors;
use crate::{fallback, valid};

pub(crate) fn derive_config(input: &DeriveInput) -> TokenStream {
    let errors = Errors::default();
    let model = Config::from_syn(input, &errors);
    if let Some(model) = &model {
        valid::config(model, &errors);
    }
    match errors.finish() {
        Ok(()) => expand_config(&model.expect("no errors means a model")),
        Err(e) => {
            let mut out = e.to_compile_error();
            out.extend(fallback::config(input));
            out
        }
    }
}

pub(crate) fn derive_value(input: &DeriveInput) -> TokenStream {
    let errors = Errors::default();
    let model = ValueEnum::from_syn(input, &errors);
    if let Some(model) = &model {
        valid::value_enum(model, &errors);
    }
    match errors.finish() {
        Ok(()) => expand_value(&model.expect("no errors means a model")),
        Err(e) => {
            let mut out = e.to_compile_error();
            out.extend(fallback::value(input));
            out
        }
    }
}

fn private() -> TokenStream {
    quote!(::fuzzer_core::__private)
}

/// `<ty as FuzzableConfig>`, at the field type's tokens.
///
/// Every use of a field's type goes through this form (or [`as_value`]), so
/// a type that is not a config gives one error at the type: the compiler
/// reports each unmet bound once per span and item, and drops repeats of an
/// identical error from other items.
fn as_config(ty: &syn::Type) -> TokenStream {
    let p = private();
    quote_spanned!(ty.span()=> <#ty as #p::FuzzableConfig>)
}

/// `<ty as FuzzValue>`, at the field type's tokens; see [`as_config`].
fn as_value(ty: &syn::Type) -> TokenStream {
    let p = private();
    quote_spanned!(ty.span()=> <#ty as #p::FuzzValue>)
}

/// The declared default of a plain field, type-checked against the field's
/// type at the default's own tokens.
fn default_expr(f: &Field<'_>) -> TokenStream {
    let ty = f.ty;
    match &f.attrs.default {
        Some(expr) => quote_spanned!(expr.span()=> {
            let __default: #ty = #expr;
            __default
        }),
        None => quote_spanned!(ty.span()=> <#ty as ::core::default::Default>::default()),
    }
}

/// `value` checked to have the field's type, as a `Value`.
fn typed_value(ty: &syn::Type, expr: &syn::Expr) -> TokenStream {
    let v = as_value(ty);
    quote_spanned!(expr.span()=> {
        let __v: #ty = #expr;
        #v::to_value(&__v)
    })
}

fn lit_strs(names: &[syn::LitStr]) -> TokenStream {
    quote!(&[#(#names),*])
}

fn expand_config(cfg: &Config<'_>) -> TokenStream {
    let p = private();
    let ident = cfg.ident();
    let name = ident.to_string();
    let n_specs = cfg.fields.len();

    // Offsets of each field in the flattened order, as constants. Each is a
    // flat sum (plain fields before it, plus the sizes of nested configs
    // before it), not a chain of constants, so that const evaluation stays
    // shallow on configs with hundreds of fields.
    let mut offset_consts = Vec::new();
    let mut plain_before = 0usize;
    let mut nested_before: Vec<TokenStream> = Vec::new();
    for (k, f) in cfg.fields.iter().enumerate() {
        let off = format_ident!("__OFFSET_{}", k);
        offset_consts.push(
            quote!(const #off: ::core::primitive::usize = #plain_before #(+ #nested_before)*;),
        );
        if f.attrs.nested.is_some() {
            let c = as_config(f.ty);
            nested_before.push(quote!(#c::__FIELD_COUNT));
        } else {
            plain_before += 1;
        }
    }
    let count_expr = quote!(#plain_before #(+ #nested_before)*);

    let specs = cfg.fields.iter().map(|f| {
        let fname = syn::ext::IdentExt::unraw(f.ident).to_string();
        let ty = f.ty;
        if f.attrs.nested.is_some() {
            let c = as_config(ty);
            return quote! {
                #p::FieldSpec {
                    name: #fname,
                    type_name: || ::std::string::String::from(#c::__NAME),
                    doc: "",
                    default: || #p::Value::None,
                    env: &[],
                    env_force: &[],
                    skip_hash: false,
                    skip_save: false,
                    deprecated: false,
                    skip: ::core::option::Option::None,
                    pin: ::core::option::Option::None,
                    domain: || #p::Domain::Type,
                    // Never called: a nested field is replaced by the nested
                    // config's own fields when the metadata is flattened.
                    sampler: #p::sample_field::<::core::primitive::bool>,
                    env_parser: #p::parse_env::<::core::primitive::bool>,
                    rust_expr: #p::rust_expr::<::core::primitive::bool>,
                    nested: ::core::option::Option::Some(|| ::std::vec::Vec::from(#c::fields())),
                }
            };
        }
        let doc = &f.doc;
        let default = default_expr(f);
        let env = lit_strs(f.attrs.env.as_ref().map_or(&[][..], |e| &e.1));
        let env_force = lit_strs(f.attrs.env_force.as_ref().map_or(&[][..], |e| &e.1));
        let skip_hash = f.attrs.skip_hash.is_some();
        let skip_save = f.attrs.skip_save.is_some();
        let deprecated = f.deprecated;
        let skip = match &f.attrs.skip {
            Some((_, Some(reason))) => quote!(::core::option::Option::Some(#reason)),
            Some((_, None)) => quote!(::core::option::Option::Some("")),
            None => quote!(::core::option::Option::None),
        };
        let pin = match &f.attrs.pin {
            Some((_, expr)) => {
                let v = typed_value(ty, expr);
                quote!(::core::option::Option::Some(|| #v))
            }
            None => quote!(::core::option::Option::None),
        };
        let domain = if let Some((_, values)) = &f.attrs.values {
            let vals = values.iter().map(|e| typed_value(ty, e));
            quote!(|| #p::Domain::Values(::std::vec![#(#vals),*]))
        } else if let Some((_, (lo, hi))) = &f.attrs.range {
            let lo = typed_value(ty, lo);
            let hi = typed_value(ty, hi);
            quote!(|| #p::Domain::Range { lo: #lo, hi: #hi })
        } else {
            quote!(|| #p::Domain::Type)
        };
        // `type_name` comes first: it is where an unsupported type is reported.
        let v = as_value(ty);
        let sampler = quote_spanned!(ty.span()=> #p::sample_field::<#ty>);
        let env_parser = quote_spanned!(ty.span()=> #p::parse_env::<#ty>);
        quote! {
            #p::FieldSpec {
                name: #fname,
                type_name: #v::type_name,
                doc: #doc,
                default: || #v::to_value(&#default),
                env: #env,
                env_force: #env_force,
                skip_hash: #skip_hash,
                skip_save: #skip_save,
                deprecated: #deprecated,
                skip: #skip,
                pin: #pin,
                domain: #domain,
                sampler: #sampler,
                env_parser: #env_parser,
                rust_expr: #p::rust_expr::<#ty>,
                nested: ::core::option::Option::None,
            }
        }
    });

    let defaults = cfg.fields.iter().map(|f| {
        let id = f.ident;
        if f.attrs.nested.is_some() {
            let c = as_config(f.ty);
            quote!(#id: #c::__declared_defaults())
        } else {
            let d = default_expr(f);
            quote!(#id: #d)
        }
    });

    // Per-field match arms. The flattened index goes through `__ROUTE` (the
    // struct field it belongs to) so that one jump table reaches plain and
    // nested fields alike.
    let mut get_arms = Vec::new();
    let mut set_arms = Vec::new();
    let mut copy_arms = Vec::new();
    let mut eq_arms = Vec::new();
    let mut diffs = Vec::new();
    for (k, f) in cfg.fields.iter().enumerate() {
        let off = format_ident!("__OFFSET_{}", k);
        let k = k as u16;
        let id = f.ident;
        if f.attrs.nested.is_some() {
            let c = as_config(f.ty);
            get_arms.push(quote!(#k => #c::__get_index(&self.#id, __i - #off),));
            set_arms.push(quote!(#k => #c::__set_index(&mut self.#id, __i - #off, __value),));
            copy_arms.push(quote!(#k => #c::__copy_field(&mut self.#id, &__src.#id, __i - #off),));
            eq_arms.push(quote!(#k => #c::__field_eq(&self.#id, &__other.#id, __i - #off),));
            diffs.push(quote!(#c::__diff(&self.#id, &__other.#id, __offset + #off as ::core::primitive::u32, __out);));
        } else {
            let v = as_value(f.ty);
            get_arms.push(quote!(#k => #v::to_value(&self.#id),));
            set_arms.push(quote!(#k => {
                self.#id = #v::from_value(__value)?;
                ::core::result::Result::Ok(())
            }));
            copy_arms
                .push(quote!(#k => ::core::clone::Clone::clone_from(&mut self.#id, &__src.#id),));
            eq_arms.push(quote!(#k => self.#id == __other.#id,));
            diffs.push(quote!(if self.#id != __other.#id {
                __out.push(__offset + #off as ::core::primitive::u32);
            }));
        }
    }
    let offsets: Vec<_> = (0..cfg.fields.len())
        .map(|k| format_ident!("__OFFSET_{}", k))
        .collect();
    let route = quote! {
        /// The struct field (by position) that each flattened index belongs to.
        const __ROUTE: [::core::primitive::u16; __COUNT] = {
            let __offsets: [::core::primitive::usize; #n_specs] = [#(#offsets),*];
            let mut __route = [0u16; __COUNT];
            let mut __k = 0;
            while __k < #n_specs {
                let __end = if __k + 1 < #n_specs { __offsets[__k + 1] } else { __COUNT };
                let mut __i = __offsets[__k];
                while __i < __end {
                    __route[__i] = __k as ::core::primitive::u16;
                    __i += 1;
                }
                __k += 1;
            }
            __route
        };
    };

    let env_prefix = match &cfg.attrs.env_prefix {
        Some(s) => quote!(::core::option::Option::Some(#s)),
        None => quote!(::core::option::Option::None),
    };

    let oob = quote!(::core::unreachable!("field index {} out of range for {}", __i, #name));

    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, deprecated, clippy::all)]
        const _: () = {
            #(#offset_consts)*
            const __COUNT: ::core::primitive::usize = #count_expr;
            #route

            static __REGISTRY: #p::Registry<#ident> = #p::Registry::new();
            ::std::thread_local! {
                static __LOCAL: #p::Local<#ident> = const { #p::Local::new() };
                static __FAST: #p::Fast<#ident> = const { #p::Fast::new() };
            }

            #[automatically_derived]
            impl #p::FuzzableConfig for #ident {
                const __NAME: &'static ::core::primitive::str = #name;
                const __FIELD_COUNT: ::core::primitive::usize = __COUNT;

                fn __specs() -> &'static [#p::FieldSpec] {
                    static __SPECS: [#p::FieldSpec; #n_specs] = [#(#specs),*];
                    &__SPECS
                }

                fn __env_prefix() -> ::core::option::Option<&'static ::core::primitive::str> {
                    #env_prefix
                }

                fn __declared_defaults() -> Self {
                    #ident { #(#defaults),* }
                }

                fn __get_index(&self, __i: ::core::primitive::usize) -> #p::Value {
                    match __ROUTE[__i] {
                        #(#get_arms)*
                        _ => #oob,
                    }
                }

                fn __set_index(&mut self, __i: ::core::primitive::usize, __value: &#p::Value) -> ::core::result::Result<(), #p::ConfigError> {
                    match __ROUTE[__i] {
                        #(#set_arms)*
                        _ => #oob,
                    }
                }

                fn __copy_field(&mut self, __src: &Self, __i: ::core::primitive::usize) {
                    match __ROUTE[__i] {
                        #(#copy_arms)*
                        _ => #oob,
                    }
                }

                fn __field_eq(&self, __other: &Self, __i: ::core::primitive::usize) -> ::core::primitive::bool {
                    match __ROUTE[__i] {
                        #(#eq_arms)*
                        _ => #oob,
                    }
                }

                fn __registry() -> &'static #p::Registry<Self> {
                    &__REGISTRY
                }

                fn __local() -> &'static ::std::thread::LocalKey<#p::Local<Self>> {
                    &__LOCAL
                }

                fn __fast() -> &'static ::std::thread::LocalKey<#p::Fast<Self>> {
                    &__FAST
                }

                fn __diff(
                    &self,
                    __other: &Self,
                    __offset: ::core::primitive::u32,
                    __out: &mut ::std::vec::Vec<::core::primitive::u32>,
                ) {
                    #(#diffs)*
                }
            }
        };
    }
}

fn expand_value(e: &ValueEnum<'_>) -> TokenStream {
    let p = private();
    let ident = &e.original.ident;
    let name = ident.to_string();
    let variants = &e.variants;
    let names: Vec<String> = variants.iter().map(ToString::to_string).collect();
    let idx: Vec<usize> = (0..variants.len()).collect();
    let n = variants.len();
    let first = variants[0];
    quote! {
        #[doc(hidden)]
        #[allow(clippy::all)]
        const _: () = {
            const __VARIANTS: [&'static ::core::primitive::str; #n] = [#(#names),*];

            #[automatically_derived]
            impl #p::FuzzValue for #ident {
                fn to_value(&self) -> #p::Value {
                    #p::Value::Enum {
                        ty: #name,
                        variant: match self { #(#ident::#variants => #names,)* },
                    }
                }

                fn from_value(__v: &#p::Value) -> ::core::result::Result<Self, #p::ConfigError> {
                    let __text: ::core::option::Option<&::core::primitive::str> = match __v {
                        #p::Value::Enum { variant, .. } => ::core::option::Option::Some(*variant),
                        #p::Value::Str(__s) => ::core::option::Option::Some(__s.as_str()),
                        _ => ::core::option::Option::None,
                    };
                    match __text.and_then(|__t| #p::find_variant(&__VARIANTS, __t)) {
                        #(::core::option::Option::Some(#idx) => ::core::result::Result::Ok(#ident::#variants),)*
                        _ => ::core::result::Result::Err(#p::unknown_variant(#name, &__VARIANTS, __v)),
                    }
                }

                fn type_name() -> ::std::string::String {
                    ::std::string::String::from(#name)
                }

                fn parse_env(__text: &::core::primitive::str) -> ::core::result::Result<Self, ::std::string::String> {
                    match #p::find_variant(&__VARIANTS, __text.trim()) {
                        #(::core::option::Option::Some(#idx) => ::core::result::Result::Ok(#ident::#variants),)*
                        _ => ::core::result::Result::Err(::std::format!("one of {}", __VARIANTS.join(", "))),
                    }
                }

                fn seed_value() -> Self {
                    #ident::#first
                }

                fn sample(__default: &Self, __ctx: &mut #p::SampleCtx<'_>) -> Self {
                    let __all: [Self; #n] = [#(#ident::#variants),*];
                    let __others: ::std::vec::Vec<&Self> =
                        __all.iter().filter(|__x| !__ctx.toggle || *__x != __default).collect();
                    if __others.is_empty() {
                        return ::core::clone::Clone::clone(__default);
                    }
                    let __k = __ctx.rng.below(__others.len() as ::core::primitive::u64) as ::core::primitive::usize;
                    ::core::clone::Clone::clone(__others[__k])
                }
            }
        };
    }
}
