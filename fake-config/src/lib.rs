//! Fixture configs for `fuzzer-core`: [`FakeConfig`] (PyTorch's
//! `fake_config_module`), `InductorConfig` (the 666 fields of
//! `torch._inductor.config`), `Wide20`/`Wide50`/`Wide100`/`Wide300`, and
//! [`ImplicationConfig`] (implications and a validator).

mod fake;
mod implied;
pub mod inductor;
mod wide;

pub use fake::{FakeConfig, Nested};
pub use implied::{check_budget, ImplicationConfig, ImplicationMode, ImplicationNested};
pub use inductor::InductorConfig;
pub use wide::{Wide100, Wide20, Wide300, Wide50};
