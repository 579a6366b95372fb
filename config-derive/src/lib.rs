//! Derive macros for `fuzzer-core`. Use them through `fuzzer_core`, which
//! re-exports both under the names of their traits:
//!
//! - `#[derive(FuzzableConfig)]` on a struct with named fields makes it a
//!   config: field metadata, by-name accessors and a patchable singleton.
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

/// Derives `fuzzer_core::FuzzableConfig`; see that trait and the `fuzzer_core`
/// README for the `#[config(..)]` and `#[fuzz(..)]` attributes.
#[proc_macro_derive(FuzzableConfig, attributes(config, fuzz))]
pub fn derive_fuzzable_config(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive_config(&input).into()
}

/// Derives `fuzzer_core::FuzzValue` for a fieldless enum.
#[proc_macro_derive(FuzzValue)]
pub fn derive_fuzz_value(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive_value(&input).into()
}
