//! Fixture configs for `fuzzer-core`: [`FakeConfig`] (PyTorch's
//! `fake_config_module`), `InductorConfig` (the 666 fields of
//! `torch._inductor.config`), and `Wide20`/`Wide100`/`Wide300`.

mod fake;

pub use fake::{FakeConfig, Nested};
