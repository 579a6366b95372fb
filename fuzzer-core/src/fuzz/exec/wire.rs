//! The candidate as it travels to a child process: every [`Value`] exactly,
//! floats by their bits and wide integers as decimal text, so the child runs
//! the very config the parent built. Only ever read by the same executable
//! that wrote it.

use serde_json::{json, Value as Json};

use crate::value::Value;

/// Encodes `v` losslessly.
pub(crate) fn encode(v: &Value) -> Json {
    match v {
        Value::None => json!({ "n": 0 }),
        Value::Some(inner) => json!({ "s": encode(inner) }),
        Value::Bool(b) => json!({ "b": b }),
        Value::Int(i) => json!({ "i": i.to_string() }),
        Value::UInt(u) => json!({ "u": u.to_string() }),
        Value::Float(f) => json!({ "f": f.to_bits().to_string() }),
        Value::Str(s) => json!({ "t": s }),
        Value::Enum { ty, variant } => json!({ "e": [ty, variant] }),
        Value::List(items) => json!({ "l": items.iter().map(encode).collect::<Vec<_>>() }),
        Value::Set(items) => json!({ "S": items.iter().map(encode).collect::<Vec<_>>() }),
        Value::Tuple(items) => json!({ "T": items.iter().map(encode).collect::<Vec<_>>() }),
        Value::Map(pairs) => json!({
            "m": pairs.iter().map(|(k, x)| json!([encode(k), encode(x)])).collect::<Vec<_>>()
        }),
    }
}

/// Decodes what [`encode`] wrote. Enum names are leaked to get the
/// `&'static str` a [`Value::Enum`] holds; only a child process, which runs
/// one test and exits, decodes.
pub(crate) fn decode(j: &Json) -> Result<Value, String> {
    let bad = || format!("not an encoded value: {j}");
    let obj = j.as_object().filter(|o| o.len() == 1).ok_or_else(bad)?;
    let (tag, x) = obj.iter().next().ok_or_else(bad)?;
    let text = || x.as_str().ok_or_else(bad);
    let items = || -> Result<Vec<Value>, String> {
        x.as_array().ok_or_else(bad)?.iter().map(decode).collect()
    };
    Ok(match tag.as_str() {
        "n" => Value::None,
        "s" => Value::Some(Box::new(decode(x)?)),
        "b" => Value::Bool(x.as_bool().ok_or_else(bad)?),
        "i" => Value::Int(text()?.parse().map_err(|_| bad())?),
        "u" => Value::UInt(text()?.parse().map_err(|_| bad())?),
        "f" => Value::Float(f64::from_bits(text()?.parse().map_err(|_| bad())?)),
        "t" => Value::Str(text()?.to_string()),
        "e" => {
            let names: Vec<&str> = x
                .as_array()
                .ok_or_else(bad)?
                .iter()
                .map(|n| n.as_str().ok_or_else(bad))
                .collect::<Result<_, _>>()?;
            let [ty, variant] = names[..] else {
                return Err(bad());
            };
            Value::Enum {
                ty: Box::leak(ty.to_string().into_boxed_str()),
                variant: Box::leak(variant.to_string().into_boxed_str()),
            }
        }
        "l" => Value::List(items()?),
        "S" => Value::Set(items()?),
        "T" => Value::Tuple(items()?),
        "m" => Value::Map(
            x.as_array()
                .ok_or_else(bad)?
                .iter()
                .map(|pair| match pair.as_array().map(Vec::as_slice) {
                    Some([k, v]) => Ok((decode(k)?, decode(v)?)),
                    _ => Err(bad()),
                })
                .collect::<Result<_, _>>()?,
        ),
        _ => return Err(bad()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_survives_the_trip_exactly() {
        let values = [
            Value::None,
            Value::Some(Box::new(Value::None)),
            Value::Bool(true),
            Value::Int(i128::MIN),
            Value::UInt(u128::MAX),
            Value::Float(0.999_999_999_999_999_9),
            Value::Float(f64::NAN),
            Value::Float(-0.0),
            Value::Float(f64::NEG_INFINITY),
            Value::Str("a \"quoted\"\nline".into()),
            Value::Enum {
                ty: "Backend",
                variant: "Halide",
            },
            Value::List(vec![
                Value::Int(1),
                Value::Set(vec![Value::Str("x".into())]),
            ]),
            Value::Tuple(vec![Value::Bool(false), Value::Float(1e300)]),
            Value::Map(vec![(Value::None, Value::Int(1))]),
        ];
        for v in values {
            let back = decode(&encode(&v)).unwrap();
            // Bit-exact, NaN included.
            assert_eq!(format!("{back:?}"), format!("{v:?}"));
            if let (Value::Float(a), Value::Float(b)) = (&v, &back) {
                assert_eq!(a.to_bits(), b.to_bits());
            }
        }
        assert!(decode(&json!({"q": 1})).is_err());
        assert!(decode(&json!({"i": "x"})).is_err());
    }
}
