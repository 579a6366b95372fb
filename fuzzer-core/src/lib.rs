// The crate's documentation is the README: a guide with the quick start,
// sections, fuzzing, precedence and the differences from PyTorch. Its code
// blocks run as doc tests, so it cannot rot. `README.md` in this directory
// is a link to the workspace's, so that `cargo package` ships it.
#![doc = include_str!("../README.md")]
#![doc(html_root_url = "https://docs.rs/fuzzer-core/0.1.0")]

// Lets unit tests use `#[derive(FuzzableConfig)]`, whose code names this
// crate by its path.
#[cfg(test)]
extern crate self as fuzzer_core;

mod alias;
mod config;
mod constraint;
mod error;
mod field;
mod fuzz;
mod json;
mod knob;
mod persist;
mod progress;
mod registry;
mod report;
mod repro;
mod sample;
mod tristate;
mod value;
mod warn;

pub mod schema;

pub use alias::{Alias, AliasMeta};
pub use config::{ConfigSection, FuzzableConfig};
pub use error::ConfigError;
pub use field::{Domain, FieldMeta, FuzzRole, PRIVATE_FIELD, TESTING_ONLY};
pub use fuzz::Campaign;
pub use fuzz::NTupleDraw;
pub use fuzz::{
    ConfigFuzzer, Detail, Entry, Finding, FuzzError, Hunt, Isolation, Phase, Progress, Results,
    ShrinkLimit, Status, TestOutcome, DEFAULT_CONFIRM, DEFAULT_MAX_SHRINK_RUNS,
    DEFAULT_MAX_SHRINK_TIME, DEFAULT_STACK_SIZE, DEFAULT_TIMEOUT,
};
pub use knob::{reset_knob_provider, set_knob_provider, KnobProvider};
pub use persist::ConfigHash;
pub use progress::{ProgressReporter, DEFAULT_PROGRESS_INTERVAL};
pub use registry::{PatchGuard, Snapshot};
pub use report::{Report, ReportFinding, DEFAULT_REPORT_MAX_BYTES, DEFAULT_REPORT_MAX_GRID_CELLS};
pub use repro::repro_snippet;
pub use sample::{rng, FuzzRng, SamplingMethod};
pub use tristate::tristate_env;
pub use value::{ConfigDiff, FuzzValue, Value};
pub use warn::{reset_deprecation_warnings, set_warning_handler, Warning, WarningKind};

pub use schema::{DynConfig, RunOutcome, Schema, SchemaError};

/// `#[derive(ConfigSection)]`: see [`ConfigSection`](trait@ConfigSection),
/// and [`attributes`] for every `#[config(..)]` and `#[fuzz(..)]` key.
pub use config_derive::ConfigSection;
/// `#[derive(FuzzValue)]` for fieldless enums: see [`FuzzValue`](trait@FuzzValue)
/// and [`attributes`](attributes#fuzzvalue-enums).
pub use config_derive::FuzzValue;
/// `#[derive(FuzzableConfig)]`: see [`FuzzableConfig`](trait@FuzzableConfig),
/// and [`attributes`] for every `#[config(..)]` and `#[fuzz(..)]` key.
pub use config_derive::FuzzableConfig;

#[doc = include_str!("../docs/attributes.md")]
pub mod attributes {}

/// Guides: how to use the crate for a task, beyond the crate root's tour.
pub mod guide {
    #[doc = include_str!("../docs/testing.md")]
    pub mod testing {}

    #[doc = include_str!("../docs/schemas.md")]
    pub mod schemas {}
}

/// The names almost every user needs: `use fuzzer_core::prelude::*;`.
pub mod prelude {
    pub use crate::{
        Alias, ConfigDiff, ConfigFuzzer, ConfigSection, Finding, FuzzError, FuzzValue,
        FuzzableConfig, Hunt, Isolation, Results, SamplingMethod, Snapshot, Status, Value,
    };
}

#[cfg(unix)]
mod signals;

/// Support for the code the derives generate. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::alias::{
        collect_aliases, section_names, Alias, AliasMeta, AliasSpec, SectionAliases, SectionNames,
        SectionShape,
    };
    pub use crate::config::{
        ConfigSection, DeclaredDefaults, FuzzableConfig, SectionHasNoSingleton,
    };
    pub use crate::constraint::{Rule, Validator};
    pub use crate::error::ConfigError;
    pub use crate::field::{build_fields, Domain, FieldMeta, FieldSpec};
    pub use crate::knob::knob_warnings;
    pub use crate::registry::layer_work;
    pub use crate::registry::{Fast, Local, Registry};
    pub use crate::sample::{sample_field, SampleCtx};
    pub use crate::schema::ty::DynType as SchemaType;
    #[cfg(unix)]
    pub use crate::signals::signal_abbrev;
    pub use crate::value::{FuzzValue, Value};

    /// Whether two values of one field type are the same (floats by their
    /// bits), for implication rules on section fields, whose types the
    /// derive does not see.
    pub fn same<T: FuzzValue>(a: &T, b: &T) -> bool {
        a.same(b)
    }

    /// The field type's name.
    pub fn type_name<T: FuzzValue>() -> ::std::string::String {
        T::type_name()
    }

    /// Parses an env var's text as a `T`, as a `Value`.
    pub fn parse_env<T: FuzzValue>(
        text: &str,
    ) -> ::core::result::Result<Value, ::std::string::String> {
        T::parse_env(text).map(|v| v.to_value())
    }

    /// Reads `v` as a `T` and prints it as a Rust expression of type `T`.
    pub fn rust_expr<T: FuzzValue>(
        v: &Value,
    ) -> ::core::result::Result<::std::string::String, ConfigError> {
        T::from_value(v).map(|t| t.rust_expr())
    }

    /// The error for an enum `from_value` that matched no variant.
    pub fn unknown_variant(ty: &'static str, variants: &[&str], found: &Value) -> ConfigError {
        ConfigError::WrongType {
            field: ::std::string::String::new(),
            expected: format!("{ty} (one of {})", variants.join(", ")),
            found: format!("{} {}", found.kind(), crate::error::preview_value(found)),
        }
    }

    /// `cell`'s value, made by `init` on first use. The derive passes the cell
    /// and the closure (which holds the user's default expressions) as two
    /// arguments, so that the cell's name is not in scope of those expressions.
    pub fn declared_once<T>(
        cell: &'static ::std::sync::OnceLock<T>,
        init: impl ::core::ops::FnOnce() -> T,
    ) -> &'static T {
        cell.get_or_init(init)
    }

    /// `Self` is `U`: an alias of type `Alias<Self>` may stand for a field
    /// of type `U`. The derive's accessors convert through it both ways, so
    /// that a wrong `T` in `Alias<T>` gives one error (the getter's and the
    /// setter's are the same diagnostic, which the compiler reports once).
    #[diagnostic::on_unimplemented(
        message = "this alias has type `Alias<{Self}>`, but the field it stands for has type `{U}`",
        label = "expected `{U}` here, the type of the field this alias stands for",
        note = "an alias has the type of its target: write `Alias<{U}>`"
    )]
    pub trait AliasOf<U> {
        /// The target's value as the alias's.
        fn from_target(u: U) -> Self;
        /// The alias's value as the target's.
        fn into_target(self) -> U;
        /// The target, borrowed as the alias's type (an alias of a section).
        fn from_target_ref(u: &U) -> &Self;
        /// The target, borrowed mutably as the alias's type.
        fn from_target_mut(u: &mut U) -> &mut Self;
    }

    /// A reference to the field an alias stands for, `&U` or `&mut U`.
    pub trait AliasSlot {
        /// The field's type.
        type Field;
    }

    impl<U> AliasSlot for &U {
        type Field = U;
    }

    impl<U> AliasSlot for &mut U {
        type Field = U;
    }

    /// The field an alias stands for: `AliasRef(&self.target)`. The getter
    /// and the setter both go through its one bounded method (an inherent
    /// method generic, so that the field's type is known first and no trait
    /// in the user's scope can interfere), so a wrong alias type is one
    /// error.
    pub struct AliasRef<R>(pub R);

    impl<R: AliasSlot> AliasRef<R> {
        /// The field, converted to and from the alias's type `A`.
        #[inline]
        pub fn alias<A: AliasOf<R::Field>>(self) -> AliasView<R, R::Field, A> {
            AliasView {
                slot: self.0,
                from: A::from_target,
                into: A::into_target,
                from_ref: A::from_target_ref,
                from_mut: A::from_target_mut,
            }
        }
    }

    /// A field viewed as an alias's type; see [`AliasRef`].
    pub struct AliasView<R, U, A> {
        slot: R,
        from: fn(U) -> A,
        into: fn(A) -> U,
        from_ref: fn(&U) -> &A,
        from_mut: fn(&mut U) -> &mut A,
    }

    impl<U: ::core::clone::Clone, A> AliasView<&U, U, A> {
        /// The field's value, as the alias's type.
        #[inline]
        pub fn get(self) -> A {
            (self.from)(::core::clone::Clone::clone(self.slot))
        }
    }

    impl<'a, U, A> AliasView<&'a U, U, A> {
        /// The field, borrowed as the alias's type (an alias of a section).
        #[inline]
        pub fn get_ref(self) -> &'a A {
            (self.from_ref)(self.slot)
        }
    }

    impl<U, A> AliasView<&mut U, U, A> {
        /// Writes the field from a value of the alias's type.
        #[inline]
        pub fn set(self, a: A) {
            *self.slot = (self.into)(a);
        }
    }

    impl<'a, U, A> AliasView<&'a mut U, U, A> {
        /// The field, borrowed mutably as the alias's type.
        #[inline]
        pub fn get_mut(self) -> &'a mut A {
            (self.from_mut)(self.slot)
        }
    }

    impl<T> AliasOf<T> for T {
        #[inline]
        fn from_target(u: T) -> T {
            u
        }
        #[inline]
        fn into_target(self) -> T {
            self
        }
        #[inline]
        fn from_target_ref(u: &T) -> &T {
            u
        }
        #[inline]
        fn from_target_mut(u: &mut T) -> &mut T {
            u
        }
    }

    /// A section field an implication targets (`section.field = v`), whose
    /// type the root's derive does not see: `Implied(&__c.section.field)`.
    /// On an alias the check below fails, once, with a message naming the
    /// mistake; on a value field it reads and writes the field.
    pub struct Implied<R>(pub R);

    /// Not implemented: an alias is never an implication target.
    #[diagnostic::on_unimplemented(
        message = "an implication target cannot be an alias: this section field is an alias of another field",
        label = "this targets an alias",
        note = "name the field the alias stands for (its `#[config(alias = \"..\")]`) as the target"
    )]
    pub trait ImplicationTargetIsAlias {}

    impl<T: FuzzValue> Implied<&T> {
        /// Passes: a value field may be a target.
        #[inline]
        pub fn check(&self) {}
        /// Whether the field holds `v`.
        #[inline]
        pub fn holds(&self, v: &T) -> bool {
            v.same(self.0)
        }
    }

    impl<T: FuzzValue> Implied<&mut T> {
        /// Writes `v`.
        #[inline]
        pub fn set(self, v: T) {
            *self.0 = v;
        }
    }

    impl<T> Implied<&crate::alias::Alias<T>> {
        /// Fails to compile: an alias is not a target.
        #[inline]
        pub fn check(&self)
        where
            T: ImplicationTargetIsAlias,
        {
        }
        /// Never runs: `check` does not compile.
        #[inline]
        pub fn holds(&self, _: &T) -> bool {
            false
        }
    }

    impl<T> Implied<&mut crate::alias::Alias<T>> {
        /// Never runs: `check` does not compile.
        #[inline]
        pub fn set(self, _: T) {}
    }

    /// A number type: what `#[fuzz(range = ..)]` applies to.
    #[diagnostic::on_unimplemented(
        message = "`range` applies to number fields, but `{Self}` is not a number",
        label = "`range` needs an integer or float field",
        note = "use `values = [..]` to list the values to try"
    )]
    pub trait Number {
        /// `Self`: the derive types `range` bounds as `<T as Number>::Itself`,
        /// so that a `T` that is not a number gives one error, not one more
        /// per bound.
        type Itself: FuzzValue + ::core::cmp::PartialOrd + ::core::fmt::Debug;
    }

    macro_rules! numbers {
        ($($t:ty)*) => { $(impl Number for $t { type Itself = $t; })* };
    }
    numbers!(i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize f32 f64);

    /// The domain of `#[fuzz(range = lo..=hi)]`. The derive rejects an empty
    /// range with literal bounds; other bounds are checked here, when the
    /// config's field list is first built.
    ///
    /// # Panics
    ///
    /// If `lo > hi` or either is NaN: no value could be drawn.
    pub fn range_domain<T: Number>(
        lo: T::Itself,
        hi: T::Itself,
        config: &str,
        field: &str,
    ) -> Domain {
        match lo.partial_cmp(&hi) {
            ::core::option::Option::Some(::core::cmp::Ordering::Greater) => ::core::panic!(
                "`#[fuzz(range = ..)]` on field `{field}` of `{config}` is empty: its start {lo:?} is greater than its end {hi:?}; write the smaller bound first"
            ),
            ::core::option::Option::None => ::core::panic!(
                "`#[fuzz(range = ..)]` on field `{field}` of `{config}` has a NaN bound ({lo:?}..={hi:?}); give two numbers"
            ),
            _ => Domain::Range {
                lo: lo.to_value(),
                hi: hi.to_value(),
            },
        }
    }

    /// Finds a variant by exact name, then ignoring ASCII case.
    pub fn find_variant(variants: &[&'static str], text: &str) -> ::core::option::Option<usize> {
        variants
            .iter()
            .position(|v| *v == text)
            .or_else(|| variants.iter().position(|v| v.eq_ignore_ascii_case(text)))
    }
}
