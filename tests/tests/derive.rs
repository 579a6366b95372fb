//! What the derive's generated code does at run time: default expressions
//! evaluated once, `range` bounds the derive cannot read checked at first
//! use, env names made from field names that collide across types.

use std::panic::catch_unwind;
use std::sync::atomic::{AtomicI64, Ordering};

use fuzzer_core::prelude::*;

static CALLS: AtomicI64 = AtomicI64::new(0);

/// A default that is different each time it is evaluated.
fn next() -> i64 {
    CALLS.fetch_add(1, Ordering::SeqCst)
}

#[derive(ConfigSection, Clone, Debug, PartialEq)]
struct Part {
    #[config(default = next())]
    m: i64,
}

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
struct Counted {
    #[config(default = next())]
    n: i64,
    #[config(nested)]
    part: Part,
}

#[test]
fn default_expressions_are_evaluated_once() {
    let fields = Counted::fields();
    let meta_n = fields[0].default_value();
    let meta_m = fields[1].default_value();
    let d = Counted::defaults();
    assert_eq!((meta_n, meta_m), (d.n.to_value(), d.part.m.to_value()));
    assert_eq!(Counted::read(|c| (c.n, c.part.m)), (d.n, d.part.m));
    assert!(Counted::is_default("n").unwrap());
    assert!(Counted::changed().is_empty());
    assert_eq!(Part::defaults().m, d.part.m);
    assert_eq!(
        CALLS.load(Ordering::SeqCst),
        2,
        "one evaluation per default"
    );
}

const LO: i64 = 10;
const HI: i64 = 1;

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
struct Inverted {
    #[config(default = 5)]
    #[fuzz(range = LO..=HI)]
    n: i64,
}

#[test]
fn an_empty_range_the_derive_cannot_read_fails_at_first_use() {
    let err = catch_unwind(Inverted::fields).unwrap_err();
    let msg = err.downcast_ref::<String>().unwrap();
    assert!(
        msg.contains("`#[fuzz(range = ..)]` on field `n` of `Inverted` is empty")
            && msg.contains("start 10 is greater than its end 1"),
        "{msg}"
    );
}

#[derive(ConfigSection, Clone, Debug, PartialEq)]
struct X {
    y: bool,
}

#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
#[config(env_prefix = "DERIVE_COLLIDE_")]
#[allow(non_snake_case)]
struct Colliding {
    x__y: bool,
    #[config(nested)]
    x: X,
}

#[test]
fn a_field_whose_env_name_collides_with_a_nested_one_fails_at_first_use() {
    let err = catch_unwind(Colliding::fields).unwrap_err();
    let msg = err.downcast_ref::<String>().unwrap();
    assert_eq!(
        msg,
        "fields `x__y` and `x.y` would both read the environment variable `DERIVE_COLLIDE_X__Y`; rename one of them"
    );
}
