//! Code generation. Starts from a validated model and cannot fail.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::DeriveInput;

use crate::ast::{Config, Field, Kind, ValueEnum};
use crate::attr::Errors;
use crate::{fallback, valid};

pub(crate) fn derive_config(input: &DeriveInput, kind: Kind) -> TokenStream {
    let errors = Errors::default();
    let model = Config::from_syn(input, kind, &errors);
    if let Some(model) = &model {
        valid::config(model, &errors);
    }
    match errors.finish() {
        Ok(()) => expand_config(&model.expect("no errors means a model")),
        Err(e) => {
            let krate = model.as_ref().and_then(|m| m.attrs.krate.as_ref());
            let mut out = e.to_compile_error();
            out.extend(fallback::config(input, kind, &private(krate)));
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
            let krate = model.as_ref().and_then(|m| m.krate.as_ref());
            let mut out = e.to_compile_error();
            out.extend(fallback::value(input, &private(krate)));
            out
        }
    }
}

/// The support module, through `#[config(crate = "..")]` when given.
fn private(krate: Option<&syn::Path>) -> TokenStream {
    match krate {
        Some(path) => quote!(#path::__private),
        None => quote!(::fuzzer_core::__private),
    }
}

/// `<ty as ConfigSection>`, at the field type's tokens.
///
/// Every use of a nested field's type goes through this form (and of a plain
/// field's type through [`as_value`]), so a type that is not a section gives
/// one error at the type: the compiler reports each unmet bound once per span
/// and item, and drops repeats of an identical error from other items.
fn as_section(p: &TokenStream, ty: &syn::Type) -> TokenStream {
    quote_spanned!(ty.span()=> <#ty as #p::ConfigSection>)
}

/// `<ty as FuzzValue>`, at the field type's tokens; see [`as_section`].
fn as_value(p: &TokenStream, ty: &syn::Type) -> TokenStream {
    quote_spanned!(ty.span()=> <#ty as #p::FuzzValue>)
}

/// `expr`, checked to have type `ty` at the expression's own tokens.
///
/// A closure with a return type rather than `let __v: T = expr`: a user's
/// constant named like the binding would turn the binding into a pattern.
fn ascribe(ty: &syn::Type, expr: &syn::Expr) -> TokenStream {
    ascribe_at(ty, expr, expr.span())
}

/// [`ascribe`], with the generated tokens at `span`.
fn ascribe_at(ty: &syn::Type, expr: &syn::Expr, span: proc_macro2::Span) -> TokenStream {
    quote_spanned!(span=> (|| -> #ty { #expr })())
}

/// `tokens` with every span set to `span`.
fn respan(tokens: TokenStream, span: proc_macro2::Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tt| {
            if let proc_macro2::TokenTree::Group(g) = &tt {
                let mut group = proc_macro2::Group::new(g.delimiter(), respan(g.stream(), span));
                group.set_span(span);
                tt = proc_macro2::TokenTree::Group(group);
            } else {
                tt.set_span(span);
            }
            tt
        })
        .collect()
}

/// The declared default of a plain field, type-checked against the field's
/// type at the default's own tokens.
fn default_expr(f: &Field<'_>) -> TokenStream {
    let ty = f.ty;
    match &f.attrs.default {
        Some(expr) => ascribe(ty, expr),
        None => quote_spanned!(ty.span()=> <#ty as ::core::default::Default>::default()),
    }
}

/// `value` checked to have the field's type, as a `Value`.
fn typed_value(p: &TokenStream, ty: &syn::Type, expr: &syn::Expr) -> TokenStream {
    let v = as_value(p, ty);
    let value = ascribe(ty, expr);
    quote_spanned!(expr.span()=> #v::to_value(&#value))
}

fn lit_strs(names: &[syn::LitStr]) -> TokenStream {
    quote!(&[#(#names),*])
}

/// The generated impl holds every user expression (defaults, pins, values,
/// range bounds) in a scope that declares no names of its own: the impl sits
/// alone in its `const _` block, and the statics it needs live inside the
/// functions that use them. So a user's `const __COUNT` or `static
/// __REGISTRY` means in an attribute what it means beside the struct.
fn expand_config(cfg: &Config<'_>) -> TokenStream {
    let p = private(cfg.attrs.krate.as_ref());
    let p = &p;
    let ident = cfg.ident();
    let name = ident.to_string();
    let tr = match cfg.kind {
        Kind::Root => quote!(#p::FuzzableConfig),
        Kind::Section => quote!(#p::ConfigSection),
    };
    // The declared-defaults instance, by a path no user name can shadow. The
    // generated code names none of its own config trait's items: each would
    // repeat an error about a missing `Clone` or `Debug` once more.
    let declared = quote!(<#ident as #p::DeclaredDefaults>::__declared());
    // Aliases hold no value: they are not in the field index space.
    let value_fields: Vec<&Field<'_>> = cfg.fields.iter().filter(|f| !f.is_alias()).collect();

    // Where each struct field starts in the flattened order. Each is a flat
    // sum (plain fields before it, plus the sizes of nested sections before
    // it), not a chain, so that const evaluation stays shallow on configs
    // with hundreds of fields.
    let mut offsets = Vec::new();
    let mut plain_before = 0usize;
    let mut nested_before: Vec<TokenStream> = Vec::new();
    for f in &value_fields {
        offsets.push(quote!(#plain_before #(+ #nested_before)*));
        if f.attrs.nested.is_some() {
            let c = as_section(p, f.ty);
            nested_before.push(quote!(#c::__FIELD_COUNT));
        } else {
            plain_before += 1;
        }
    }
    let count_expr = quote!(#plain_before #(+ #nested_before)*);

    let specs = value_fields.iter().map(|f| {
        let fname = syn::ext::IdentExt::unraw(f.ident).to_string();
        let ty = f.ty;
        let id = f.ident;
        if f.attrs.nested.is_some() {
            let c = as_section(p, ty);
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
                    // Never called: a nested field is replaced by the
                    // section's own fields when the metadata is flattened.
                    sampler: #p::sample_field::<::core::primitive::bool>,
                    env_parser: #p::parse_env::<::core::primitive::bool>,
                    rust_expr: #p::rust_expr::<::core::primitive::bool>,
                    nested: ::core::option::Option::Some(|| #p::build_fields(#c::__specs(), #c::__env_prefix())),
                    knob: ::core::option::Option::None,
                    deprecation_note: ::core::option::Option::None,
                    schema_type: <::core::primitive::bool as #p::FuzzValue>::schema_type,
                }
            };
        }
        let doc = &f.doc;
        let env = lit_strs(f.attrs.env.as_ref().map_or(&[][..], |e| &e.1));
        let env_force = lit_strs(f.attrs.env_force.as_ref().map_or(&[][..], |e| &e.1));
        let skip_hash = f.attrs.skip_hash.is_some();
        let skip_save = f.attrs.skip_save.is_some();
        let deprecated = f.deprecated;
        let knob = match &f.attrs.knob {
            Some(name) => quote!(::core::option::Option::Some(#name)),
            None => quote!(::core::option::Option::None),
        };
        let deprecation_note = option_str(f.deprecation_note.as_deref());
        let skip = match &f.attrs.skip {
            Some((_, Some(reason))) => quote!(::core::option::Option::Some(#reason)),
            Some((_, None)) => quote!(::core::option::Option::Some("")),
            None => quote!(::core::option::Option::None),
        };
        let pin = match &f.attrs.pin {
            Some((_, expr)) => {
                let v = typed_value(p, ty, expr);
                quote!(::core::option::Option::Some(|| #v))
            }
            None => quote!(::core::option::Option::None),
        };
        let domain = if let Some((_, values)) = &f.attrs.values {
            let vals = values.iter().map(|e| typed_value(p, ty, e));
            quote!(|| #p::Domain::Values(::std::vec![#(#vals),*]))
        } else if let Some((span, (lo, hi))) = &f.attrs.range {
            // Literal bounds were checked by the derive; these are checked
            // when the field list is first built, with the same message.
            // The type and the bounds go through `Number`, all at the `range`
            // key, so that a field type that is not a number (an alias the
            // derive cannot see through) gives one error, there.
            let ty_at_range = respan(ty.to_token_stream(), *span);
            let range = quote_spanned!(*span=> #p::range_domain::<#ty_at_range>);
            let bound_ty: syn::Type =
                syn::parse_quote_spanned!(*span=> <#ty_at_range as #p::Number>::Itself);
            let (lo, hi) = (ascribe_at(&bound_ty, lo, *span), ascribe_at(&bound_ty, hi, *span));
            quote!(|| #range(#lo, #hi, #name, #fname))
        } else {
            quote!(|| #p::Domain::Type)
        };
        // `type_name` comes first: it is where an unsupported type is reported.
        let v = as_value(p, ty);
        let sampler = quote_spanned!(ty.span()=> #p::sample_field::<#ty>);
        let env_parser = quote_spanned!(ty.span()=> #p::parse_env::<#ty>);
        quote! {
            #p::FieldSpec {
                name: #fname,
                type_name: #v::type_name,
                doc: #doc,
                // The declared-defaults instance, so that `fields()` and
                // `defaults()` agree even for a default that is not
                // deterministic.
                default: || #v::to_value(&#declared.#id),
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
                knob: #knob,
                deprecation_note: #deprecation_note,
                schema_type: #v::schema_type,
            }
        }
    });

    let defaults = cfg.fields.iter().map(|f| {
        let id = f.ident;
        if f.is_alias() {
            quote!(#id: #p::Alias::new())
        } else if f.attrs.nested.is_some() {
            let c = as_section(p, f.ty);
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
    let mut route_steps = Vec::new();
    for (k, (f, off)) in value_fields.iter().zip(&offsets).enumerate() {
        let k = k as u16;
        let id = f.ident;
        if f.attrs.nested.is_some() {
            let c = as_section(p, f.ty);
            get_arms.push(quote!(#k => #c::__get_index(&self.#id, __i - (#off)),));
            set_arms.push(quote!(#k => #c::__set_index(&mut self.#id, __i - (#off), __value),));
            copy_arms
                .push(quote!(#k => #c::__copy_field(&mut self.#id, &__src.#id, __i - (#off)),));
            eq_arms.push(quote!(#k => #c::__field_eq(&self.#id, &__other.#id, __i - (#off)),));
            diffs.push(quote! {
                #c::__diff(&self.#id, &__other.#id, __at, __out);
                __at += #c::__FIELD_COUNT as ::core::primitive::u32;
            });
            route_steps.push(quote! {
                let mut __j = 0;
                while __j < #c::__FIELD_COUNT {
                    __route[__i] = #k;
                    __i += 1;
                    __j += 1;
                }
            });
        } else {
            let v = as_value(p, f.ty);
            get_arms.push(quote!(#k => #v::to_value(&self.#id),));
            set_arms.push(quote!(#k => #v::set_from_value(&mut self.#id, __value),));
            copy_arms
                .push(quote!(#k => ::core::clone::Clone::clone_from(&mut self.#id, &__src.#id),));
            eq_arms.push(quote!(#k => #v::same(&self.#id, &__other.#id),));
            diffs.push(quote! {
                if !#v::same(&self.#id, &__other.#id) {
                    __out.push(__at);
                }
                __at += 1;
            });
            route_steps.push(quote! {
                __route[__i] = #k;
                __i += 1;
            });
        }
    }
    // A constant local to each function that uses it: a constant in the
    // block around the impl would be in scope of the user's expressions.
    let route = quote! {
        const __ROUTE: [::core::primitive::u16; #count_expr] = {
            let mut __route = [0u16; #count_expr];
            let mut __i = 0;
            #(#route_steps)*
            __route
        };
    };

    let env_prefix = match &cfg.attrs.env_prefix {
        Some(s) => quote!(::core::option::Option::Some(#s)),
        None => quote!(::core::option::Option::None),
    };

    let portable_ignore = match &cfg.attrs.portable_ignore {
        Some((_, prefixes)) => quote! {
            fn __portable_ignore() -> &'static [&'static ::core::primitive::str] {
                &[#(#prefixes),*]
            }
        },
        None => quote!(),
    };
    let aliases = aliases(p, cfg, &value_fields);
    let accessors = accessors(cfg);

    let oob = quote!(::core::unreachable!("field index {} out of range for {}", __i, #name));

    let constraints = constraint_items(cfg, p);

    let kind_items = match cfg.kind {
        // The singleton: one process-wide registry and two thread-locals.
        Kind::Root => quote! {
            #portable_ignore

            fn __registry() -> &'static #p::Registry<Self> {
                static __REGISTRY: #p::Registry<#ident> = #p::Registry::new();
                &__REGISTRY
            }

            fn __local() -> &'static ::std::thread::LocalKey<#p::Local<Self>> {
                ::std::thread_local! {
                    static __LOCAL: #p::Local<#ident> = const { #p::Local::new() };
                }
                &__LOCAL
            }

            fn __fast() -> &'static ::std::thread::LocalKey<#p::Fast<Self>> {
                ::std::thread_local! {
                    static __FAST: #p::Fast<#ident> = const { #p::Fast::new() };
                }
                &__FAST
            }

            #constraints
        },
        Kind::Section => quote! {
            fn __fields_cell() -> &'static ::std::sync::OnceLock<::std::vec::Vec<#p::FieldMeta>> {
                static __FIELDS: ::std::sync::OnceLock<::std::vec::Vec<#p::FieldMeta>> =
                    ::std::sync::OnceLock::new();
                &__FIELDS
            }
        },
    };

    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, deprecated, unused_mut, unused_assignments, clippy::all)]
        const _: () = {
            #[automatically_derived]
            impl #tr for #ident {
                const __NAME: &'static ::core::primitive::str = #name;
                const __FIELD_COUNT: ::core::primitive::usize = #count_expr;
                fn __specs() -> &'static [#p::FieldSpec] {
                    const { &[#(#specs),*] }
                }

                fn __env_prefix() -> ::core::option::Option<&'static ::core::primitive::str> {
                    #env_prefix
                }

                fn __get_index(&self, __i: ::core::primitive::usize) -> #p::Value {
                    #route
                    match __ROUTE[__i] {
                        #(#get_arms)*
                        _ => #oob,
                    }
                }

                fn __set_index(&mut self, __i: ::core::primitive::usize, __value: &#p::Value) -> ::core::result::Result<(), #p::ConfigError> {
                    #route
                    match __ROUTE[__i] {
                        #(#set_arms)*
                        _ => #oob,
                    }
                }

                fn __copy_field(&mut self, __src: &Self, __i: ::core::primitive::usize) {
                    #route
                    match __ROUTE[__i] {
                        #(#copy_arms)*
                        _ => #oob,
                    }
                }

                fn __field_eq(&self, __other: &Self, __i: ::core::primitive::usize) -> ::core::primitive::bool {
                    #route
                    match __ROUTE[__i] {
                        #(#eq_arms)*
                        _ => #oob,
                    }
                }

                #kind_items

                fn __diff(
                    &self,
                    __other: &Self,
                    __offset: ::core::primitive::u32,
                    __out: &mut ::std::vec::Vec<::core::primitive::u32>,
                ) {
                    let mut __at = __offset;
                    #(#diffs)*
                }

                #aliases
            }

            #accessors

            #[automatically_derived]
            impl #p::DeclaredDefaults for #ident {
                fn __declared() -> &'static Self {
                    // The cell is declared inside the first argument, so that
                    // its name is not in scope of the default expressions.
                    #p::declared_once(
                        {
                            static __DECLARED: ::std::sync::OnceLock<#ident> = ::std::sync::OnceLock::new();
                            &__DECLARED
                        },
                        || #ident { #(#defaults),* },
                    )
                }
            }
        };
    }
}

/// Tokens as text for messages, without the spaces `to_string` puts
/// around `::` and `.`.
fn tidy(tokens: &impl ToTokens) -> String {
    tokens
        .to_token_stream()
        .to_string()
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" . ", ".")
        .replace(" (", "(")
        .replace("( ", "(")
        .replace(" )", ")")
}

/// `__rules` and `__validators`, when the struct has any. Each condition is
/// compared with its source field, and each implied value assigned to (and
/// compared with) its target field, in code spanned at the user's tokens,
/// so a value of the wrong type is the compiler's error there.
fn constraint_items(cfg: &Config<'_>, p: &TokenStream) -> TokenStream {
    let ident = cfg.ident();
    let order = cfg
        .implication_order()
        .expect("cycles are rejected by validation");
    let mut rules = Vec::new();
    for &k in &order {
        let f = &cfg.fields[k];
        let src = f.ident;
        let src_name = syn::ext::IdentExt::unraw(src).to_string();
        let src_v = as_value(p, f.ty);
        for imp in &f.attrs.implies {
            let cond = ascribe(f.ty, &imp.condition);
            let cond_text = tidy(&imp.condition);
            let active = quote_spanned!(imp.condition.span()=> |__c: &#ident| -> ::core::primitive::bool {
                #src_v::same(&__c.#src, &#cond)
            });
            for t in &imp.targets {
                let path = &t.path;
                let target = t.dotted();
                let value_text = tidy(&t.value);
                let value = &t.value;
                let root_target = match path.as_slice() {
                    [one] => cfg.field_named(&syn::ext::IdentExt::unraw(one).to_string()),
                    _ => None,
                };
                let (apply, holds) = match root_target {
                    Some(d) => {
                        let ty = cfg.fields[d].ty;
                        let v = as_value(p, ty);
                        let typed = ascribe(ty, value);
                        (
                            quote_spanned!(value.span()=> |__c: &mut #ident| { __c.#(#path).* = #typed; }),
                            quote_spanned!(value.span()=> |__c: &#ident| -> ::core::primitive::bool { #v::same(&__c.#(#path).*, &#typed) }),
                        )
                    }
                    // A section field: its type is unknown here, so both
                    // go through `Implied`, whose one check rejects an alias
                    // (the two closures' errors are one diagnostic).
                    None => {
                        let at = t.tokens.span();
                        // All at the target, `#p` too, so the error is there.
                        let p_at: TokenStream = p
                            .clone()
                            .into_iter()
                            .map(|mut tt| {
                                tt.set_span(at);
                                tt
                            })
                            .collect();
                        let check = quote_spanned!(at=> #p_at::Implied(&__c.#(#path).*).check(););
                        (
                            quote_spanned!(value.span()=> |__c: &mut #ident| {
                                #check
                                #p::Implied(&mut __c.#(#path).*).set(#value);
                            }),
                            quote_spanned!(value.span()=> |__c: &#ident| -> ::core::primitive::bool {
                                #check
                                #p::Implied(&__c.#(#path).*).holds(&(#value))
                            }),
                        )
                    }
                };
                rules.push(quote! {
                    #p::Rule {
                        source: #src_name,
                        condition: #cond_text,
                        target: #target,
                        value: #value_text,
                        active: #active,
                        apply: #apply,
                        holds: #holds,
                    }
                });
            }
        }
    }
    let mut out = TokenStream::new();
    if !rules.is_empty() {
        out.extend(quote! {
            fn __rules() -> &'static [#p::Rule<Self>] {
                const { &[#(#rules),*] }
            }
        });
    }
    if !cfg.attrs.validate.is_empty() {
        let validators = cfg.attrs.validate.iter().map(|path| {
            let name = tidy(path);
            let check = quote_spanned!(path.span()=> |__c: &#ident| -> ::core::result::Result<(), ::std::string::String> { #path(__c) });
            quote!(#p::Validator { name: #name, check: #check })
        });
        out.extend(quote! {
            fn __validators() -> &'static [#p::Validator<Self>] {
                const { &[#(#validators),*] }
            }
        });
    }
    out
}

/// `Some("text")` or `None`, as an `Option<&'static str>`.
fn option_str(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => quote!(::core::option::Option::Some(#s)),
        None => quote!(::core::option::Option::None),
    }
}

/// `__aliases()`: this struct's aliases and its sections'. Nothing when the
/// struct has neither (the trait's default, an empty list, applies).
fn aliases(p: &TokenStream, cfg: &Config<'_>, value_fields: &[&Field<'_>]) -> TokenStream {
    let own: Vec<TokenStream> = cfg
        .fields
        .iter()
        .filter(|f| f.is_alias())
        .map(|f| {
            let name = syn::ext::IdentExt::unraw(f.ident).to_string();
            let target = valid::final_target(cfg, f);
            let doc = &f.doc;
            let deprecated = f.deprecated;
            let note = option_str(f.deprecation_note.as_deref());
            // An alias of a whole section aliases each of its fields; the
            // names come from the target's type (the alias's own type is
            // checked against it by the accessors, once).
            let section = match valid::section_target(cfg, f) {
                Some(t) => section_names(p, t.ty),
                None => quote!(::core::option::Option::None),
            };
            quote! {
                #p::AliasSpec {
                    name: #name,
                    target: #target,
                    doc: #doc,
                    deprecated: #deprecated,
                    deprecation_note: #note,
                    section: #section,
                }
            }
        })
        .chain(cfg.fields.iter().filter_map(|f| {
            // `#[config(nested, alias_fields_from = "from")]`: every field of
            // `from` this section does not define itself.
            let (_, from) = f.attrs.alias_fields_from.as_ref()?;
            let name = syn::ext::IdentExt::unraw(f.ident).to_string();
            let target = from.value();
            let from_ty = cfg
                .fields
                .iter()
                .find(|g| syn::ext::IdentExt::unraw(g.ident) == target)
                .expect("checked: a section field")
                .ty;
            let section = section_names(p, from_ty);
            let doc = &f.doc;
            let deprecated = f.deprecated;
            let note = option_str(f.deprecation_note.as_deref());
            Some(quote! {
                #p::AliasSpec {
                    name: #name,
                    target: #target,
                    doc: #doc,
                    deprecated: #deprecated,
                    deprecation_note: #note,
                    section: #section,
                }
            })
        }))
        .collect();
    let nested: Vec<TokenStream> = value_fields
        .iter()
        .filter(|f| f.attrs.nested.is_some())
        .map(|f| {
            let name = syn::ext::IdentExt::unraw(f.ident).to_string();
            let c = as_section(p, f.ty);
            quote!((#name, #c::__aliases as fn() -> ::std::vec::Vec<#p::AliasMeta>))
        })
        .collect();
    if own.is_empty() && nested.is_empty() {
        return TokenStream::new();
    }
    quote! {
        fn __aliases() -> ::std::vec::Vec<#p::AliasMeta> {
            #p::collect_aliases(&[#(#own),*], &[#(#nested),*], Self::__env_prefix())
        }
    }
}

/// `Some(section_names::<ty>)`, the field names of section type `ty`.
fn section_names(p: &TokenStream, ty: &syn::Type) -> TokenStream {
    let names = quote_spanned!(ty.span()=> #p::section_names::<#ty>);
    quote!(::core::option::Option::Some(#names as #p::SectionNames))
}

/// For each alias `a` of type `Alias<T>`: `fn a(&self) -> T` and
/// `fn set_a(&mut self, T)`, reading and writing its target; deprecated
/// with the alias, so compiled code that uses an old name is warned too.
fn accessors(cfg: &Config<'_>) -> TokenStream {
    let ident = cfg.ident();
    let methods = cfg.fields.iter().filter(|f| f.is_alias()).map(|f| {
        let (_, lit) = f.attrs.alias.as_ref().expect("an alias");
        let ty = f
            .alias_of_type
            .expect("checked: an alias has type Alias<T>");
        let vis = f.vis;
        let get = f.ident;
        let set = quote::format_ident!("set_{}", syn::ext::IdentExt::unraw(f.ident));
        let target = valid::final_target(cfg, f);
        // The path to the target, at the alias's literal: a section field
        // that does not exist, or a type that differs, is reported there.
        let path: Vec<proc_macro2::Ident> = target
            .split('.')
            .map(|part| {
                let mut id: proc_macro2::Ident =
                    syn::parse_str(part).expect("checked: identifiers");
                // Located at the literal, resolved as the macro's own
                // tokens: the compiler reports there but does not suggest
                // replacing the string with a bare field name.
                id.set_span(proc_macro2::Span::mixed_site().located_at(lit.span()));
                id
            })
            .collect();
        let deprecated = &f.deprecated_attrs;
        let doc_get = format!(
            "Reads `{target}`, which `{}` is an alias of.{}",
            syn::ext::IdentExt::unraw(f.ident),
            if f.doc.is_empty() {
                String::new()
            } else {
                format!("\n\n{}", f.doc)
            }
        );
        let doc_set = format!(
            "Writes `{target}`, which `{}` is an alias of.",
            syn::ext::IdentExt::unraw(f.ident)
        );
        let p = private(cfg.attrs.krate.as_ref());
        // Through `AliasRef`'s one method, so that the target's type is
        // known before the alias's is checked against it, once.
        if valid::section_target(cfg, f).is_some() {
            // An alias of a whole section: borrowed, not copied, so that
            // `c.old()` and `c.old_mut().field = v` read and write the
            // section in place.
            let get_mut = quote::format_ident!("{}_mut", syn::ext::IdentExt::unraw(f.ident));
            let doc_mut = format!(
                "Borrows `{target}` mutably, which `{}` is an alias of: `c.{}().field = value` writes `{target}.field`.",
                syn::ext::IdentExt::unraw(f.ident),
                get_mut
            );
            let read = quote_spanned!(lit.span()=> #p::AliasRef(&self.#(#path).*).alias::<#ty>().get_ref());
            let borrow = quote_spanned!(lit.span()=> #p::AliasRef(&mut self.#(#path).*).alias::<#ty>().get_mut());
            let write = quote_spanned!(lit.span()=> #p::AliasRef(&mut self.#(#path).*).alias::<#ty>().set(__value););
            return quote! {
                #[doc = #doc_get]
                #(#deprecated)*
                #[inline]
                #vis fn #get(&self) -> &#ty {
                    #read
                }

                #[doc = #doc_mut]
                #(#deprecated)*
                #[inline]
                #vis fn #get_mut(&mut self) -> &mut #ty {
                    #borrow
                }

                #[doc = #doc_set]
                #(#deprecated)*
                #[inline]
                #vis fn #set(&mut self, __value: #ty) {
                    #write
                }
            };
        }
        let read =
            quote_spanned!(lit.span()=> #p::AliasRef(&self.#(#path).*).alias::<#ty>().get());
        let write = quote_spanned!(lit.span()=> #p::AliasRef(&mut self.#(#path).*).alias::<#ty>().set(__value););
        quote! {
            #[doc = #doc_get]
            #(#deprecated)*
            #[inline]
            #vis fn #get(&self) -> #ty {
                #read
            }

            #[doc = #doc_set]
            #(#deprecated)*
            #[inline]
            #vis fn #set(&mut self, __value: #ty) {
                #write
            }
        }
    });
    let methods: Vec<TokenStream> = methods.collect();
    if methods.is_empty() {
        return TokenStream::new();
    }
    quote! {
        #[automatically_derived]
        impl #ident {
            #(#methods)*
        }
    }
}

fn expand_value(e: &ValueEnum<'_>) -> TokenStream {
    let p = private(e.krate.as_ref());
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

                fn schema_type() -> #p::SchemaType {
                    #p::SchemaType::Enum(::std::vec![#(::std::string::String::from(#names)),*])
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
