//! Derive macros for `fuzzer-core`. Use them through `fuzzer_core`, which
//! re-exports them under the names of their traits:
//!
//! - `#[derive(FuzzableConfig)]` on a struct with named fields makes it a
//!   config: field metadata, by-name accessors and a patchable singleton.
//! - `#[derive(ConfigSection)]` on a struct with named fields makes it a
//!   section of a config, held in a `#[config(nested)]` field: the same field
//!   metadata, no singleton of its own.
//! - `#[derive(FuzzValue)]` on a fieldless enum makes it usable as a field
//!   type (the analogue of Python's `Literal[...]`).
//!
//! The crate parses attributes into typed options (`attr`), builds a model of
//! the input (`ast`), checks every rule (`valid`), and only then generates
//! code (`expand`). When the input is wrong it reports every mistake at its
//! tokens and still emits an impl (`fallback`), so one typo gives one error.

mod ast;
mod attr;
mod expand;
mod fallback;
mod valid;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Derives `fuzzer_core::FuzzableConfig`. Every `#[config(..)]` and
/// `#[fuzz(..)]` key, with examples, is in the `fuzzer_core::attributes`
/// module.
#[proc_macro_derive(FuzzableConfig, attributes(config, fuzz))]
pub fn derive_fuzzable_config(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive_config(&input, ast::Kind::Root).into()
}

/// Derives `fuzzer_core::ConfigSection`, with the same attributes as
/// `FuzzableConfig` (see the `fuzzer_core::attributes` module).
#[proc_macro_derive(ConfigSection, attributes(config, fuzz))]
pub fn derive_config_section(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive_config(&input, ast::Kind::Section).into()
}

/// Derives `fuzzer_core::FuzzValue` for a fieldless enum. Takes
/// `#[config(crate = "..")]` when `fuzzer_core` is renamed (see the
/// `fuzzer_core::attributes` module).
#[proc_macro_derive(FuzzValue, attributes(config))]
pub fn derive_fuzz_value(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive_value(&input).into()
}
