//! Replaying, in a child process, what earlier campaigns returned in the
//! parent.
//!
//! A child re-runs the program up to the construction of its fuzzer. Any
//! process-isolated campaign on the way (a test that hunts with one fuzzer,
//! then builds another) would otherwise run again, whole, in every child of
//! the later fuzzer, each run starting more children. Instead the parent
//! logs what each process-isolated campaign call on a thread returned, and
//! hands the log of the calls made before a fuzzer was built to that
//! fuzzer's children, which return the logged answers without running
//! anything.

use std::cell::RefCell;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value as Json};

use super::exec::wire;
use super::hunt::{Finding, FuzzError, Hunt, ShrinkLimit};
use super::results::{Detail, Entry, Results, Status};
use crate::error::ConfigError;
use crate::value::ConfigDiff;

/// A campaign's return value, as it is logged.
pub(crate) trait Replay: Sized {
    fn encode(&self) -> Json;
    fn decode(j: &Json) -> Option<Self>;
}

thread_local! {
    /// What the process-isolated campaign calls made on this thread
    /// returned, in order, each with the fuzzer's run count after it.
    static LOG: RefCell<Vec<Arc<str>>> = const { RefCell::new(Vec::new()) };
}

/// Logs a campaign call's answer.
pub(crate) fn record<T: Replay>(answer: &T, runs: usize) {
    let text: Arc<str> = json!({ "answer": answer.encode(), "runs": runs })
        .to_string()
        .into();
    let _ = LOG.try_with(|l| l.borrow_mut().push(text));
}

/// The calls logged on this thread so far.
pub(crate) fn log_so_far() -> Vec<Arc<str>> {
    LOG.try_with(|l| l.borrow().clone()).unwrap_or_default()
}

/// Decodes a logged entry: the answer and the run count.
pub(crate) fn decode_entry<T: Replay>(text: &str) -> Option<(T, usize)> {
    let j: Json = serde_json::from_str(text).ok()?;
    let answer = T::decode(j.get("answer")?)?;
    let runs = j.get("runs")?.as_u64()? as usize;
    Some((answer, runs))
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

impl Replay for Status {
    fn encode(&self) -> Json {
        json!(self.as_str())
    }
    fn decode(j: &Json) -> Option<Self> {
        j.as_str()?.parse().ok()
    }
}

impl Replay for ConfigDiff {
    fn encode(&self) -> Json {
        Json::Array(
            self.iter()
                .map(|(k, v)| json!([k, wire::encode(v)]))
                .collect(),
        )
    }
    fn decode(j: &Json) -> Option<Self> {
        j.as_array()?
            .iter()
            .map(|pair| match pair.as_array()?.as_slice() {
                [k, v] => Some((k.as_str()?.to_string(), wire::decode(v).ok()?)),
                _ => None,
            })
            .collect()
    }
}

impl Replay for Detail {
    fn encode(&self) -> Json {
        json!({ "message": self.message, "ns": nanos(self.duration) })
    }
    fn decode(j: &Json) -> Option<Self> {
        Some(Detail {
            message: j.get("message")?.as_str().map(str::to_string),
            duration: Duration::from_nanos(j.get("ns")?.as_u64()?),
        })
    }
}

impl Replay for Results {
    fn encode(&self) -> Json {
        let entries: Vec<Json> = self
            .entries()
            .iter()
            .map(|e| json!([e.config.encode(), e.status.encode(), e.detail.encode()]))
            .collect();
        // A covering sweep's rule, its culprits in their typed form.
        let cover = self.cover.as_ref().map(|c| {
            let culprits: Vec<Json> = c
                .culprits
                .iter()
                .map(|(d, s)| json!([d.encode(), s.encode()]))
                .collect();
            json!({ "rule": c, "culprits": culprits })
        });
        json!({ "entries": entries, "sweep": self.sweep_to_json(), "campaign": self.campaign, "cover": cover })
    }
    fn decode(j: &Json) -> Option<Self> {
        let mut r = Results::new();
        r.sweep_from_json(j.get("sweep")?)?;
        r.campaign = serde_json::from_value(j.get("campaign")?.clone()).ok()?;
        if let Some(cover) = j.get("cover").filter(|c| !c.is_null()) {
            let mut rule: super::results::CoverRule =
                serde_json::from_value(cover.get("rule")?.clone()).ok()?;
            rule.culprits = Vec::new();
            for c in cover.get("culprits")?.as_array()? {
                let [diff, status] = c.as_array()?.as_slice() else {
                    return None;
                };
                rule.culprits
                    .push((ConfigDiff::decode(diff)?, Status::decode(status)?));
            }
            r.cover = Some(rule);
        }
        for e in j.get("entries")?.as_array()? {
            let [config, status, detail] = e.as_array()?.as_slice() else {
                return None;
            };
            r.record(Entry {
                config: ConfigDiff::decode(config)?,
                status: Status::decode(status)?,
                detail: Detail::decode(detail)?,
            });
        }
        Some(r)
    }
}

impl Replay for Finding {
    fn encode(&self) -> Json {
        let limit = match self.shrink_limit {
            None => Json::Null,
            Some(ShrinkLimit::Runs(n)) => json!({ "runs": n }),
            Some(ShrinkLimit::Time(d)) => json!({ "ns": nanos(d) }),
        };
        json!({
            "config": self.config.encode(),
            "status": self.status.encode(),
            "detail": self.detail.encode(),
            "hits": self.hits,
            "snippet": self.snippet,
            "limit": limit,
            "first": self.first_attempt,
            "replayed": self.replayed,
        })
    }
    fn decode(j: &Json) -> Option<Self> {
        let limit = j.get("limit")?;
        let shrink_limit = if limit.is_null() {
            None
        } else if let Some(n) = limit.get("runs") {
            Some(ShrinkLimit::Runs(n.as_u64()? as usize))
        } else {
            Some(ShrinkLimit::Time(Duration::from_nanos(
                limit.get("ns")?.as_u64()?,
            )))
        };
        Some(Finding {
            config: ConfigDiff::decode(j.get("config")?)?,
            status: Status::decode(j.get("status")?)?,
            detail: Detail::decode(j.get("detail")?)?,
            hits: j.get("hits")?.as_u64()? as usize,
            snippet: j.get("snippet")?.as_str()?.to_string(),
            shrink_limit,
            first_attempt: j.get("first")?.as_u64()? as usize,
            replayed: j.get("replayed")?.as_bool()?,
        })
    }
}

impl Replay for Hunt {
    fn encode(&self) -> Json {
        json!({
            "findings": self.findings.iter().map(Replay::encode).collect::<Vec<_>>(),
            "attempts": self.attempts,
            "failing": self.failing_attempts,
            "runs": self.runs,
            "ns": nanos(self.elapsed),
            "campaign": self.campaign,
            "resumed": self.resumed_runs,
            "warnings": self.regression_warnings,
        })
    }
    fn decode(j: &Json) -> Option<Self> {
        Some(Hunt {
            findings: j
                .get("findings")?
                .as_array()?
                .iter()
                .map(Finding::decode)
                .collect::<Option<_>>()?,
            attempts: j.get("attempts")?.as_u64()? as usize,
            failing_attempts: j.get("failing")?.as_u64()? as usize,
            runs: j.get("runs")?.as_u64()? as usize,
            elapsed: Duration::from_nanos(j.get("ns")?.as_u64()?),
            campaign: serde_json::from_value(j.get("campaign")?.clone()).ok()?,
            resumed_runs: j.get("resumed")?.as_u64()? as usize,
            regression_warnings: serde_json::from_value(j.get("warnings")?.clone()).ok()?,
        })
    }
}

impl Replay for FuzzError {
    fn encode(&self) -> Json {
        match self {
            FuzzError::FailsAtBaseline { status, detail } => {
                json!({ "baseline": [status.encode(), detail.encode()] })
            }
            FuzzError::Config(e) => json!({ "config": e.encode() }),
            FuzzError::Process { message } => json!({ "process": message }),
            FuzzError::State { path, message } => json!({ "state": [path, message] }),
            FuzzError::Shard { message } => json!({ "shard": message }),
        }
    }
    fn decode(j: &Json) -> Option<Self> {
        if let Some(b) = j.get("baseline") {
            let [status, detail] = b.as_array()?.as_slice() else {
                return None;
            };
            return Some(FuzzError::FailsAtBaseline {
                status: Status::decode(status)?,
                detail: Detail::decode(detail)?,
            });
        }
        if let Some(e) = j.get("config") {
            return Some(FuzzError::Config(ConfigError::decode(e)?));
        }
        if let Some(s) = j.get("state") {
            let [path, message] = s.as_array()?.as_slice() else {
                return None;
            };
            return Some(FuzzError::State {
                path: serde_json::from_value(path.clone()).ok()?,
                message: message.as_str()?.to_string(),
            });
        }
        if let Some(m) = j.get("shard") {
            return Some(FuzzError::Shard {
                message: m.as_str()?.to_string(),
            });
        }
        Some(FuzzError::Process {
            message: j.get("process")?.as_str()?.to_string(),
        })
    }
}

impl Replay for ConfigError {
    fn encode(&self) -> Json {
        match self {
            ConfigError::UnknownField {
                config,
                name,
                suggestion,
            } => json!({ "unknown": [config, name, suggestion] }),
            ConfigError::WrongType {
                field,
                expected,
                found,
            } => json!({ "type": [field, expected, found] }),
            ConfigError::BadEnv {
                var,
                value,
                field,
                expected,
            } => json!({ "env": [var, value, field, expected] }),
            ConfigError::Json {
                line,
                column,
                message,
            } => json!({ "json": [line, column, message] }),
            ConfigError::Invalid { message } => json!({ "invalid": message }),
            ConfigError::BadKnob {
                knob,
                field,
                expected,
                found,
            } => json!({ "knob": [knob, field, expected, found] }),
            ConfigError::Conflict {
                config,
                target,
                rules,
            } => json!({ "conflict": [config, target, rules] }),
            ConfigError::Rejected {
                config,
                validator,
                message,
            } => json!({ "rejected": [config, validator, message] }),
        }
    }
    fn decode(j: &Json) -> Option<Self> {
        let text = |v: &Json| v.as_str().map(str::to_string);
        let (tag, x) = j.as_object()?.iter().next()?;
        let parts = x.as_array();
        Some(match (tag.as_str(), parts.map(Vec::as_slice)) {
            ("unknown", Some([config, name, suggestion])) => ConfigError::UnknownField {
                // Only a child replays: the leak is one name per replayed error.
                config: Box::leak(text(config)?.into_boxed_str()),
                name: text(name)?,
                suggestion: text(suggestion),
            },
            ("type", Some([field, expected, found])) => ConfigError::WrongType {
                field: text(field)?,
                expected: text(expected)?,
                found: text(found)?,
            },
            ("env", Some([var, value, field, expected])) => ConfigError::BadEnv {
                var: text(var)?,
                value: text(value)?,
                field: text(field)?,
                expected: text(expected)?,
            },
            ("json", Some([line, column, message])) => ConfigError::Json {
                line: line.as_u64()? as usize,
                column: column.as_u64()? as usize,
                message: text(message)?,
            },
            ("invalid", _) => ConfigError::Invalid { message: text(x)? },
            ("knob", Some([knob, field, expected, found])) => ConfigError::BadKnob {
                knob: text(knob)?,
                field: text(field)?,
                expected: text(expected)?,
                found: text(found)?,
            },
            ("conflict", Some([config, target, rules])) => ConfigError::Conflict {
                config: text(config)?,
                target: text(target)?,
                rules: rules
                    .as_array()?
                    .iter()
                    .map(text)
                    .collect::<Option<Vec<_>>>()?,
            },
            ("rejected", Some([config, validator, message])) => ConfigError::Rejected {
                config: text(config)?,
                validator: text(validator)?,
                message: text(message)?,
            },
            _ => return None,
        })
    }
}

impl<T: Replay> Replay for Option<T> {
    fn encode(&self) -> Json {
        match self {
            None => Json::Null,
            Some(v) => json!([v.encode()]),
        }
    }
    fn decode(j: &Json) -> Option<Self> {
        if j.is_null() {
            return Some(None);
        }
        match j.as_array()?.as_slice() {
            [v] => Some(Some(T::decode(v)?)),
            _ => None,
        }
    }
}

impl<T: Replay> Replay for Vec<T> {
    fn encode(&self) -> Json {
        Json::Array(self.iter().map(Replay::encode).collect())
    }
    fn decode(j: &Json) -> Option<Self> {
        j.as_array()?.iter().map(T::decode).collect()
    }
}

impl<T: Replay> Replay for Result<T, FuzzError> {
    fn encode(&self) -> Json {
        match self {
            Ok(v) => json!({ "ok": v.encode() }),
            Err(e) => json!({ "err": e.encode() }),
        }
    }
    fn decode(j: &Json) -> Option<Self> {
        if let Some(v) = j.get("ok") {
            return Some(Ok(T::decode(v)?));
        }
        Some(Err(FuzzError::decode(j.get("err")?)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    #[test]
    fn answers_survive_the_log() {
        let config = ConfigDiff::from([
            ("a".to_string(), Value::Bool(true)),
            ("x".to_string(), Value::Float(0.1 + 0.2)),
        ]);
        let finding = Finding {
            config: config.clone(),
            status: Status::FailedCrash,
            detail: Detail {
                message: Some("SIGABRT".into()),
                duration: Duration::from_micros(3),
            },
            hits: 2,
            snippet: "let _config = ..;".into(),
            shrink_limit: Some(ShrinkLimit::Runs(5)),
            first_attempt: 3,
            replayed: true,
        };
        let hunt: Result<Hunt, FuzzError> = Ok(Hunt {
            findings: vec![finding.clone()],
            attempts: 4,
            failing_attempts: 2,
            runs: 9,
            elapsed: Duration::from_millis(7),
            campaign: None,
            resumed_runs: 4,
            regression_warnings: vec!["gone".into()],
        });
        let back: (Result<Hunt, FuzzError>, usize) =
            decode_entry(&json!({"answer": hunt.encode(), "runs": 9}).to_string()).unwrap();
        assert_eq!(back, (hunt, 9));
        let mut results = Results::new();
        results.record(Entry {
            config: config.clone(),
            status: Status::Passed,
            detail: Detail::default(),
        });
        assert_eq!(Results::decode(&results.encode()), Some(results.clone()));
        // A sweep's skipped combinations come back too.
        results.begin_sweep(&[], Vec::new(), 2);
        results.count_skipped(12);
        results.end_sweep(Some(vec![0, 3]));
        let back = Results::decode(&results.encode()).unwrap();
        assert_eq!(back.num_skipped(), 12);
        assert_eq!(back, results);
        let err: Result<Status, FuzzError> = Err(FuzzError::FailsAtBaseline {
            status: Status::Flaky,
            detail: Detail::default(),
        });
        assert_eq!(Replay::decode(&err.encode()), Some(err));
        let errors = [
            ConfigError::UnknownField {
                config: "Flags",
                name: "e_bol".into(),
                suggestion: Some("e_bool".into()),
            },
            ConfigError::WrongType {
                field: "a".into(),
                expected: "bool".into(),
                found: "integer `1`".into(),
            },
            ConfigError::BadEnv {
                var: "X".into(),
                value: "y".into(),
                field: "a".into(),
                expected: "bool".into(),
            },
            ConfigError::Json {
                line: 1,
                column: 2,
                message: "eof".into(),
            },
            ConfigError::Invalid {
                message: "bad".into(),
            },
            ConfigError::BadKnob {
                knob: "k".into(),
                field: "a".into(),
                expected: "bool".into(),
                found: "integer `1`".into(),
            },
            ConfigError::Conflict {
                config: "C".into(),
                target: "a".into(),
                rules: vec!["`x == true => a = 1`".into(), "`y == true => a = 2`".into()],
            },
            ConfigError::Rejected {
                config: "C".into(),
                validator: "check".into(),
                message: "too big".into(),
            },
        ];
        for e in errors {
            let r: Result<Status, FuzzError> = Err(FuzzError::Config(e));
            assert_eq!(Replay::decode(&r.encode()), Some(r));
        }
        let bisect = vec![config];
        assert_eq!(Vec::<ConfigDiff>::decode(&bisect.encode()), Some(bisect));
        assert_eq!(Option::<ConfigDiff>::decode(&Json::Null), Some(None));
    }
}
