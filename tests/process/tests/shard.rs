//! Shards in process isolation: three shards of a hunt, merged from their
//! saved JSON, give the findings of one unsharded hunt with the same seed;
//! a process-isolated hunt resumes from its state file.

use fuzzer_core::prelude::*;
use process_tests::{write_null, Flags};

/// Three planted bugs, one of them a crash only process isolation survives.
fn planted() -> Result<(), String> {
    let c = Flags::current();
    if c.a && c.b {
        write_null();
    }
    if c.c {
        return Err("c is an error".into());
    }
    if c.d && c.e {
        panic!("d and e");
    }
    Ok(())
}

type Summary = Vec<(ConfigDiff, Status, usize)>;

fn summary(h: &Hunt) -> Summary {
    let h = Hunt::load_json(&h.save_json()).unwrap();
    h.findings()
        .iter()
        .map(|f| (f.config().clone(), f.status(), f.hits()))
        .collect()
}

#[test]
fn three_process_isolated_shards_merged_equal_one_hunt() {
    const SEED: u64 = 3;
    // Every fuzzer first: a child re-runs this function up to the fuzzer
    // it serves.
    let make = || {
        ConfigFuzzer::<Flags>::new(planted, SEED)
            .isolation(Isolation::Process)
            .jobs(2)
            // Independent attempts: the merge is then one unsharded run.
            .forbid_found(false)
    };
    let whole = make();
    let shards: Vec<ConfigFuzzer<Flags>> = (1..=3).map(|k| make().shard(k, 3).unwrap()).collect();

    let one = whole.hunt(24, 0.4).expect("the baseline passes");
    let statuses: std::collections::BTreeSet<Status> =
        one.findings().iter().map(Finding::status).collect();
    assert!(
        statuses.contains(&Status::FailedCrash),
        "the seed should find the crash: {one}"
    );
    let saved: Vec<String> = shards
        .iter()
        .map(|s| s.hunt(24, 0.4).expect("the baseline passes").save_json())
        .collect();
    let parts: Vec<Hunt> = saved.iter().map(|j| Hunt::load_json(j).unwrap()).collect();
    let merged = Hunt::merge(parts).unwrap();
    assert_eq!(
        summary(&merged),
        summary(&one),
        "merged\n{merged}\nwhole\n{one}"
    );
    assert_eq!(merged.attempts(), 24);
}

#[test]
fn a_process_isolated_hunt_resumes_from_its_state_file() {
    // Named by the process id: a child re-running this function up to its
    // fuzzer gets a path of its own, and never touches the parent's file.
    let path = std::env::temp_dir().join(format!("process-state-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let make = || {
        ConfigFuzzer::<Flags>::new(planted, 3)
            .isolation(Isolation::Process)
            .state(&path)
    };
    let first = make();
    let second = make();
    let one = first.hunt(12, 0.4).expect("the baseline passes");
    let two = second.hunt(12, 0.4).expect("the baseline passes");
    assert_eq!(summary(&two), summary(&one));
    assert_eq!(two.resumed_runs(), two.runs());
    assert!(two.runs() > 0);
    std::fs::remove_file(&path).unwrap();
}
