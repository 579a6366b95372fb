//! Compile-time behaviour of the derives: every mistake in `tests/ui/fail/`
//! must give the checked-in error, and everything in `tests/ui/pass/` must
//! build without warnings.
//!
//! After changing a message, regenerate the `.stderr` files with
//! `TRYBUILD=overwrite cargo test -p tests --test ui` and read the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
