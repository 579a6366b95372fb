//! The expressions in `#[config(..)]` and `#[fuzz(..)]` are the user's: a name
//! in them means what it means beside the struct, even when it is a name the
//! derive uses inside its generated code (`__COUNT`, `__ROUTE`, `__REGISTRY`,
//! ...). Each constant below would be shadowed by one of the derive's own
//! items or locals if the generated code put them in scope.

#![deny(warnings)]
#![allow(non_upper_case_globals)]

use fuzzer_core::prelude::*;

const __COUNT: usize = 42;
const __NAME: i64 = 7;
const __FIELD_COUNT: i64 = 8;
const __OFFSETS: i64 = 9;
const __OFFSET_0: i64 = 10;
const __ROUTE: i64 = 11;
const __SPECS: i64 = 12;
const __REGISTRY: i64 = 13;
const __LOCAL: i64 = 14;
const __FAST: i64 = 15;
const __DECLARED: i64 = 16;
const __FIELDS: i64 = 17;
const __default: i64 = 18;
const __v: i64 = 19;
const __lo: i64 = 2;
const __hi: i64 = 5;

#[derive(ConfigSection, Clone, Debug, PartialEq)]
pub struct Section {
    #[config(default = __COUNT as i64)]
    pub count: i64,
    #[config(default = __FIELDS)]
    pub fields: i64,
    #[config(default = __DECLARED)]
    #[fuzz(range = __lo..=__hi)]
    pub declared: i64,
}

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
#[config(env_prefix = "USER_NAMES_")]
pub struct Root {
    #[config(default = __COUNT as i64)]
    pub count: i64,
    #[config(default = __NAME + __FIELD_COUNT + __OFFSETS)]
    pub sum: i64,
    #[config(default = __OFFSET_0)]
    #[fuzz(pin = __ROUTE)]
    pub pinned: i64,
    #[config(default = __SPECS)]
    #[fuzz(values = [__REGISTRY, __LOCAL, __FAST])]
    pub listed: i64,
    #[config(default = __default)]
    #[fuzz(range = __v..=__v)]
    pub ranged: i64,
    #[config(nested)]
    pub section: Section,
}

fn v(x: i64) -> Value {
    x.to_value()
}

fn main() {
    let d = Root::defaults();
    assert_eq!(
        (d.count, d.sum, d.pinned, d.listed, d.ranged),
        (42, 7 + 8 + 9, 10, 12, 18)
    );
    assert_eq!((d.section.count, d.section.fields, d.section.declared), (42, 17, 16));
    assert_eq!(Root::read(|c| c.count), 42);

    let field = |name: &str| &Root::fields()[Root::field_index(name).unwrap()];
    assert_eq!(*field("pinned").fuzz_role(), fuzzer_core::FuzzRole::Pin(v(11)));
    assert_eq!(
        *field("listed").domain(),
        fuzzer_core::Domain::Values(vec![v(13), v(14), v(15)])
    );
    assert_eq!(
        *field("ranged").domain(),
        fuzzer_core::Domain::Range { lo: v(19), hi: v(19) }
    );
    assert_eq!(
        *field("section.declared").domain(),
        fuzzer_core::Domain::Range { lo: v(2), hi: v(5) }
    );
    assert_eq!(field("section.count").default_value(), v(42));
}
