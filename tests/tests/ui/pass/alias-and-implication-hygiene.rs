//! Alias accessors and implications into a section go through
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
    struct Clone;
    mod core {}
    mod std {}

    /// Method names the generated code uses, on every type.
    #[allow(dead_code)]
    pub trait Everywhere {
        /// Shadows `alias`.
        fn alias(&self) {}
        /// Shadows `get`.
        fn get(&self) {}
        /// Shadows `set`.
        fn set(&self) {}
        /// Shadows `check`.
        fn check(&self) {}
        /// Shadows `holds`.
        fn holds(&self) {}
    }
    impl<T: ?Sized> Everywhere for T {}

    /// A section with an alias.
    #[derive(fuzzer_core::ConfigSection, ::core::clone::Clone, Debug, PartialEq)]
    pub struct Inner {
        /// A nested flag.
        #[config(default = false)]
        pub flag: bool,
        /// Its old name.
        #[config(alias = "flag")]
        pub old_flag: fuzzer_core::Alias<bool>,
    }

    /// Aliases of a field and of a section's field; an implication into the
    /// section.
    #[derive(fuzzer_core::FuzzableConfig, ::core::clone::Clone, Debug, PartialEq)]
    pub struct Settings {
        /// The source.
        #[config(default = false, implies(true => { inner.flag = true, level = 3 }))]
        pub strict: bool,
        /// A number.
        #[config(default = 1)]
        pub level: i64,
        /// Its old name.
        #[config(alias = "level")]
        pub old_level: fuzzer_core::Alias<i64>,
        /// A section field's old name.
        #[config(alias = "inner.flag")]
        pub inner_flag: fuzzer_core::Alias<bool>,
        /// The section.
        #[config(nested)]
        pub inner: Inner,
    }

    /// Uses the accessors and the implication.
    pub fn run() {
        use fuzzer_core::FuzzableConfig as _;
        let mut s = (*Settings::current()).clone();
        s.set_old_level(2);
        s.set_inner_flag(true);
        ::std::assert_eq!((s.old_level(), s.inner_flag()), (2, true));
        ::std::assert!(s.inner.old_flag());
        let _g = Settings::patch(|c| c.strict = true);
        ::std::assert_eq!(Settings::read(|c| (c.inner.flag, c.old_level())), (true, 3));
    }
}

fn main() {
    shadowed::run();
}
