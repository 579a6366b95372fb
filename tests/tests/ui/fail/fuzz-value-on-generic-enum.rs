use fuzzer_core::prelude::*;

#[derive(FuzzValue, Clone, Debug, PartialEq)]
pub enum Backend<T> {
    Triton,
    Halide,
    #[allow(dead_code)]
    Other(std::marker::PhantomData<T>),
}

fn main() {}
