//! Compile-time behaviour of the derives: every mistake in `tests/ui/fail/`
//! must give the checked-in error, and everything in `tests/ui/pass/` must
//! build without warnings.
//!
//! Spec items covered here: ALIAS-175 (`alias-with-*`), ALIAS-183 and
//! IMPL-201 (`alias-with-implies`, `implies-alias-target`,
//! `implies-section-alias-target`), IMPL-196 (`implies-not-parenthesized`),
//! IMPL-197 (`implies-without-arrow`), IMPL-200
//! (`implies-targets-not-in-braces`, `implies-target-not-a-path`,
//! `implies-target-without-value`), ALIAS-189–195 (section aliases:
//! `section-alias-wrong-type`, `alias-fields-from-*`,
//! `alias-through-a-field-alias`, `implies-through-section-alias`; pass/`section-alias-hygiene`).
//!
//! After changing a message, regenerate the `.stderr` files with
//! `TRYBUILD=overwrite cargo test -p tests --test ui` and read the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
