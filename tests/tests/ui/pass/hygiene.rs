//! The derives' generated code must not depend on anything the user's crate
//! can shadow: this module redefines prelude types, the `Option`/`Result`
//! constructors and the `core`/`std` names, uses every attribute, and must
//! still build without a single warning.

#![deny(warnings)]

mod shadowed {
    #[allow(dead_code)]
    struct Option;
    #[allow(dead_code)]
    struct Result;
    #[allow(dead_code)]
    struct Box;
    #[allow(dead_code)]
    struct Vec;
    #[allow(dead_code)]
    struct String;
    #[allow(dead_code)]
    struct Default;
    #[allow(dead_code)]
    struct Value;
    #[allow(dead_code, non_snake_case)]
    fn Some() {}
    #[allow(dead_code, non_upper_case_globals)]
    const None: () = ();
    #[allow(dead_code, non_snake_case)]
    fn Ok() {}
    #[allow(dead_code, non_upper_case_globals)]
    const Err: () = ();
    #[allow(dead_code)]
    fn unreachable() {}
    mod core {}
    mod std {}
    #[allow(dead_code, non_camel_case_types)]
    struct usize;
    #[allow(dead_code, non_camel_case_types)]
    struct u64;
    #[allow(dead_code, non_camel_case_types)]
    struct str;

    /// Where the program runs.
    #[derive(fuzzer_core::FuzzValue, Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Backend {
        /// The default.
        Triton,
        /// The other one.
        Halide,
    }

    /// A nested section.
    #[derive(fuzzer_core::ConfigSection, Clone, Debug, PartialEq)]
    pub struct Inner {
        /// A nested flag.
        #[config(default = true)]
        pub flag: bool,
        /// A nested number.
        #[fuzz(range = 0..=3)]
        pub level: u8,
    }

    /// A section nested once more.
    #[derive(fuzzer_core::ConfigSection, Clone, Debug, PartialEq)]
    pub struct Middle {
        /// The innermost part.
        #[config(nested)]
        pub inner: Inner,
        /// A list of names.
        pub names: ::std::vec::Vec<::std::string::String>,
    }

    /// Every attribute at once.
    #[derive(fuzzer_core::FuzzableConfig, Clone, Debug, PartialEq)]
    #[config(env_prefix = "HYGIENE_")]
    pub struct Settings {
        /// A plain bool.
        #[config(default = true)]
        pub flag: bool,
        /// No default: `Default::default()`.
        pub count: i64,
        /// An option.
        #[config(default = ::std::option::Option::Some(3))]
        pub limit: ::std::option::Option<i64>,
        /// A list.
        #[config(default = ::std::vec![1, 2])]
        pub sizes: ::std::vec::Vec<u32>,
        /// A map.
        #[config(default = ::std::collections::BTreeMap::new())]
        pub table: ::std::collections::BTreeMap<::std::string::String, i64>,
        /// An enum with listed values.
        #[config(default = Backend::Triton)]
        #[fuzz(values = [Backend::Triton, Backend::Halide])]
        pub backend: Backend,
        /// Env default.
        #[config(default = false, env = "HYGIENE_TEST_ENV")]
        pub from_env: bool,
        /// Env default from either of two names.
        #[config(default = 0, env = ["HYGIENE_TEST_A", "HYGIENE_TEST_B"])]
        pub from_either: u16,
        /// Env force.
        #[config(default = false, env_force = "HYGIENE_TEST_FORCE")]
        pub forced: bool,
        /// Not hashed.
        #[config(default = 1, skip_hash)]
        pub unhashed: u8,
        /// Not saved.
        #[config(default = 1, skip_save)]
        pub unsaved: u16,
        /// Never fuzzed.
        #[fuzz(skip)]
        pub skipped: bool,
        /// Never fuzzed, with a reason.
        #[config(default = ::std::string::String::from("cc"))]
        #[fuzz(skip = "comes from the environment")]
        pub compiler: ::std::string::String,
        /// Always this value while fuzzing.
        #[config(default = false)]
        #[fuzz(pin = true)]
        pub pinned: bool,
        /// A bounded number.
        #[config(default = 4)]
        #[fuzz(range = 1..=8)]
        pub threads: i32,
        /// A bounded float.
        #[config(default = 0.5)]
        #[fuzz(range = 0.0..=1.0)]
        pub ratio: f64,
        /// A deprecated field: the generated code must not warn about it.
        #[deprecated(note = "use `flag`")]
        #[config(default = true)]
        pub old_flag: bool,
        /// A nested config.
        #[config(nested)]
        pub inner: Inner,
        /// A config nested two deep.
        #[config(nested)]
        pub middle: Middle,
    }

    /// Reads and patches from inside the shadowing module.
    pub fn exercise() {
        use fuzzer_core::FuzzableConfig as _;

        assert!(Settings::read(|c| c.flag));
        assert_eq!(Settings::read(|c| c.limit), ::std::option::Option::Some(3));
        let _guard = Settings::patch(|c| c.backend = Backend::Halide);
        assert_eq!(Settings::read(|c| c.backend), Backend::Halide);
        assert_eq!(Settings::read(|c| c.middle.inner.level), 0);
    }
}

fn main() {
    use fuzzer_core::FuzzableConfig as _;

    shadowed::exercise();
    let names: Vec<&str> = shadowed::Settings::fields()
        .iter()
        .map(|f| f.name())
        .collect();
    assert!(names.contains(&"middle.inner.flag"), "{names:?}");
    assert_eq!(
        shadowed::Settings::read(|c| c.backend),
        shadowed::Backend::Triton
    );
}
