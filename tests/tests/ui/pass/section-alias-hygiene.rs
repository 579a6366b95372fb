//! An alias of a whole section and `alias_fields_from` go through
//! `fuzzer_core::__private` helpers' inherent methods: a user trait in scope
//! with the same method names, implemented for every type, and shadowed
//! prelude names must not change what they call, under `#![deny(warnings)]`.

#![deny(warnings)]

/// Names that shadow the prelude, and the configs.
pub mod shadowed {
    #[allow(dead_code)]
    struct Option;
    #[allow(dead_code)]
    struct Result;
    #[allow(dead_code)]
    struct Vec;
    #[allow(dead_code)]
    struct Clone;
    mod core {}
    mod std {}

    /// Method names the generated code uses, on every type.
    #[allow(dead_code)]
    pub trait Everywhere {
        /// Shadows `alias`.
        fn alias(&self) {}
        /// Shadows `get_ref`.
        fn get_ref(&self) {}
        /// Shadows `get_mut`.
        fn get_mut(&self) {}
        /// Shadows `set`.
        fn set(&self) {}
    }
    impl<T: ?Sized> Everywhere for T {}

    /// A section.
    #[derive(fuzzer_core::ConfigSection, ::core::clone::Clone, Debug, PartialEq)]
    pub struct Pool {
        /// A size.
        #[config(default = 2)]
        pub size: i64,
        /// A flag.
        #[config(default = false)]
        pub flag: bool,
    }

    /// A section defining only `flag`.
    #[derive(fuzzer_core::ConfigSection, ::core::clone::Clone, Debug, PartialEq)]
    pub struct Local {
        /// Its own flag.
        #[config(default = true)]
        pub flag: bool,
    }

    /// An alias of a whole section, one through it, and `alias_fields_from`.
    #[derive(fuzzer_core::FuzzableConfig, ::core::clone::Clone, Debug, PartialEq)]
    pub struct Settings {
        /// The section.
        #[config(nested)]
        pub pool: Pool,
        /// Its old name.
        #[config(alias = "pool")]
        pub old_pool: fuzzer_core::Alias<Pool>,
        /// A field through the old name.
        #[config(alias = "old_pool.size")]
        pub old_size: fuzzer_core::Alias<i64>,
        /// Its own `flag`, `pool`'s `size`.
        #[config(nested, alias_fields_from = "pool")]
        pub local: Local,
    }

    /// Uses the accessors.
    pub fn run() {
        use fuzzer_core::FuzzableConfig as _;
        let mut s = (*Settings::current()).clone();
        s.old_pool_mut().size = 5;
        ::std::assert_eq!((s.old_pool().size, s.old_size()), (5, 5));
        let replaced = s.pool.clone();
        s.set_old_pool(replaced);
        ::std::assert_eq!(Settings::aliases().len(), 4);
    }
}

fn main() {
    shadowed::run();
}
