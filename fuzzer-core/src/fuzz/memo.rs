//! The fuzzer's memo keys: a config is identified by its field indices and
//! values, hashed to 128 bits.

use std::hash::Hasher;

use std::time::Duration;

use super::exec::RunRecord;
use super::results::Status;
use crate::value::Value;

/// A run as the memo keeps it: compact, since a long campaign remembers
/// millions of runs and every insert touches this memory.
#[derive(Debug)]
pub(super) struct Remembered {
    pub(super) status: Status,
    nanos: u64,
    message: Option<Box<str>>,
}

impl Remembered {
    pub(super) fn new(r: &RunRecord) -> Self {
        Remembered {
            status: r.status,
            nanos: u64::try_from(r.duration.as_nanos()).unwrap_or(u64::MAX),
            message: r.message.as_deref().map(Box::from),
        }
    }

    pub(super) fn record(&self) -> RunRecord {
        RunRecord {
            status: self.status,
            message: self.message.as_deref().map(str::to_string),
            duration: Duration::from_nanos(self.nanos),
        }
    }
}

/// The memo's keys are already well-mixed 128-bit hashes.
#[derive(Default)]
pub(super) struct KeyIdentity(u64);

impl Hasher for KeyIdentity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u128(&mut self, v: u128) {
        self.0 = v as u64;
    }
}

/// The memo key's term for one field: a 128-bit hash of (field index,
/// value) from two independent 64-bit multiply-xor lanes. A config's key is
/// the wrapping sum of its fields' terms, so it does not depend on order;
/// collisions between distinct configs are astronomically unlikely for a
/// campaign's few million runs.
pub(super) fn key_term(i: u32, v: &Value) -> u128 {
    let mut h = KeyHasher::default();
    h.word(u64::from(i) | 0xFF00_0000_0000_0000);
    h.value(v);
    h.finish()
}

/// The memo key of a whole config.
#[cfg(test)]
fn key_of(changes: &[(u32, &Value)]) -> u128 {
    changes
        .iter()
        .fold(0u128, |k, (i, v)| k.wrapping_add(key_term(*i, v)))
}

#[derive(Default)]
struct KeyHasher {
    a: u64,
    b: u64,
}

impl KeyHasher {
    fn word(&mut self, w: u64) {
        self.a = (self.a ^ w)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29);
        self.b = (self.b ^ w.rotate_left(17))
            .wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
            .rotate_left(31);
    }

    fn bytes(&mut self, bytes: &[u8]) {
        self.word(bytes.len() as u64);
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.word(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // The last bytes as a little-endian word padded with zeros,
            // built in a register rather than through a stack buffer.
            let w = rest
                .iter()
                .rev()
                .fold(0u64, |w, &b| (w << 8) | u64::from(b));
            self.word(w);
        }
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::None => self.word(1),
            Value::Some(inner) => {
                self.word(2);
                self.value(inner);
            }
            Value::Bool(b) => self.word(3 + u64::from(*b)),
            Value::Int(i) => {
                self.word(5);
                self.word(*i as u64);
                self.word((*i >> 64) as u64);
            }
            Value::UInt(u) => {
                self.word(6);
                self.word(*u as u64);
                self.word((*u >> 64) as u64);
            }
            Value::Float(f) => {
                self.word(7);
                self.word(f.to_bits());
            }
            Value::Str(s) => {
                self.word(8);
                self.bytes(s.as_bytes());
            }
            Value::Enum { ty, variant } => {
                self.word(9);
                self.bytes(ty.as_bytes());
                self.bytes(variant.as_bytes());
            }
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                self.word(
                    10 + matches!(v, Value::Set(_)) as u64
                        + 2 * matches!(v, Value::Tuple(_)) as u64,
                );
                self.word(items.len() as u64);
                items.iter().for_each(|x| self.value(x));
            }
            Value::Map(pairs) => {
                self.word(13);
                self.word(pairs.len() as u64);
                for (k, x) in pairs {
                    self.value(k);
                    self.value(x);
                }
            }
        }
    }

    fn finish(&self) -> u128 {
        // A final avalanche on each lane.
        let mix = |mut z: u64| {
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        (u128::from(mix(self.a)) << 64) | u128::from(mix(self.b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_tell_values_apart() {
        let key = |i: u32, v: Value| key_of(&[(i, &v)]);
        let a = key(0, Value::Bool(true));
        let b = key(0, Value::Bool(false));
        let c = key(1, Value::Bool(true));
        let d = key(0, Value::Some(Box::new(Value::Bool(true))));
        assert!(a != b && a != c && b != c && a != d);
        assert_eq!(a, key(0, Value::Bool(true)));
        assert_ne!(key(0, Value::List(vec![])), key(0, Value::Set(vec![])));
    }

    #[test]
    fn a_string_hashes_as_zero_padded_little_endian_words() {
        // The tail word is built in a register; it must be the word a
        // zero-padded buffer gives, so every length hashes as before.
        for s in [
            "",
            "a",
            "abcdefg",
            "abcdefgh",
            "abcdefghi",
            "triton.max_tiles_x",
        ] {
            let mut fast = KeyHasher::default();
            fast.bytes(s.as_bytes());
            let mut padded = KeyHasher::default();
            padded.word(s.len() as u64);
            for chunk in s.as_bytes().chunks(8) {
                let mut w = [0u8; 8];
                w[..chunk.len()].copy_from_slice(chunk);
                padded.word(u64::from_le_bytes(w));
            }
            assert_eq!(fast.finish(), padded.finish(), "{s:?}");
        }
        assert_ne!(
            key_of(&[(0, &Value::Str("ab".into()))]),
            key_of(&[(0, &Value::Str("ab\0".into()))])
        );
    }
}
