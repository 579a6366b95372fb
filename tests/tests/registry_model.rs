//! A model-based test of the singleton: random sequences of `patch`,
//! `patch_values`, `install`, `set`, `reset` and guard drops in any order,
//! some made inside `read` closures or inside other patch closures, guards
//! forgotten, sets made on other threads or by closures that read the
//! config, checked after every step against a plain model of layered
//! overrides.

use std::collections::BTreeMap;

use fuzzer_core::prelude::*;
use fuzzer_core::{rng, FuzzRng, PatchGuard};

/// Four numbers; only this test uses this config, so `set` is safe here.
#[derive(FuzzableConfig, Clone, Debug, PartialEq)]
struct Model4 {
    a: i64,
    b: i64,
    c: i64,
    #[config(nested)]
    inner: Inner,
}

#[derive(ConfigSection, Clone, Debug, PartialEq)]
struct Inner {
    d: i64,
}

const FIELDS: usize = 4;

fn get(c: &Model4, i: usize) -> i64 {
    [c.a, c.b, c.c, c.inner.d][i]
}

fn put(c: &mut Model4, i: usize, v: i64) {
    match i {
        0 => c.a = v,
        1 => c.b = v,
        2 => c.c = v,
        _ => c.inner.d = v,
    }
}

/// The model: process-wide overrides, then this thread's layers in order.
#[derive(Default)]
struct Model {
    global: BTreeMap<usize, i64>,
    layers: Vec<(u64, BTreeMap<usize, i64>)>,
}

impl Model {
    fn base(&self) -> [i64; FIELDS] {
        let mut v = [0; FIELDS];
        for (&i, &x) in &self.global {
            v[i] = x;
        }
        v
    }

    fn effective(&self) -> [i64; FIELDS] {
        let mut v = self.base();
        for (_, layer) in &self.layers {
            for (&i, &x) in layer {
                v[i] = x;
            }
        }
        v
    }
}

fn actual() -> [i64; FIELDS] {
    Model4::read(|c| [c.a, c.b, c.c, c.inner.d])
}

/// Some fields with new values: (field, value) pairs, values in 0..4 so that
/// "the same value again" happens often.
fn some_changes(r: &mut FuzzRng) -> Vec<(usize, i64)> {
    let mut out = Vec::new();
    for i in 0..FIELDS {
        if r.chance(0.5) {
            out.push((i, r.below(4) as i64));
        }
    }
    out
}

struct Live {
    id: u64,
    guard: PatchGuard<Model4>,
}

/// One random step, applied to both the real registry and the model.
fn step(r: &mut FuzzRng, model: &mut Model, live: &mut Vec<Live>, next_id: &mut u64) {
    let mut push = |model: &mut Model, live: &mut Vec<Live>, layer: BTreeMap<usize, i64>, guard| {
        *next_id += 1;
        model.layers.push((*next_id, layer));
        live.push(Live {
            id: *next_id,
            guard,
        });
    };
    match r.below(15) {
        // patch: records the fields whose value the closure changed.
        0 | 1 => {
            let changes = some_changes(r);
            let before = model.effective();
            let layer = changes
                .iter()
                .filter(|(i, v)| before[*i] != *v)
                .copied()
                .collect();
            let guard = Model4::patch(|c| changes.iter().for_each(|&(i, v)| put(c, i, v)));
            push(model, live, layer, guard);
        }
        // patch_values: records every field it names.
        2 => {
            let changes = some_changes(r);
            let names = ["a", "b", "c", "inner.d"];
            let guard = Model4::patch_values(
                changes
                    .iter()
                    .map(|&(i, v)| (names[i], Value::Int(i128::from(v)))),
            )
            .unwrap();
            push(model, live, changes.into_iter().collect(), guard);
        }
        // install a snapshot with some changes: every field.
        3 => {
            let mut snap = (*Model4::current()).clone();
            for (i, v) in some_changes(r) {
                put(&mut snap, i, v);
            }
            let layer = (0..FIELDS).map(|i| (i, get(&snap, i))).collect();
            let guard = Model4::install(std::sync::Arc::new(snap));
            push(model, live, layer, guard);
        }
        // drop any live guard.
        4 | 5 if !live.is_empty() => {
            let k = r.below(live.len() as u64) as usize;
            let gone = live.remove(k);
            model.layers.retain(|(id, _)| *id != gone.id);
            drop(gone.guard);
        }
        // set: records the fields whose value changed from the base.
        6 => {
            let changes = some_changes(r);
            let base = model.base();
            for &(i, v) in &changes {
                if base[i] != v {
                    model.global.insert(i, v);
                }
            }
            Model4::set(|c| changes.iter().for_each(|&(i, v)| put(c, i, v)));
        }
        // a patch made inside a read closure, or inside another patch's closure.
        7 => {
            let changes = some_changes(r);
            let before = model.effective();
            let layer: BTreeMap<usize, i64> = changes
                .iter()
                .filter(|(i, v)| before[*i] != *v)
                .copied()
                .collect();
            let guard = if r.chance(0.5) {
                Model4::read(|_| Model4::patch(|c| changes.iter().for_each(|&(i, v)| put(c, i, v))))
            } else {
                let mut inner = None;
                let outer = Model4::patch(|_| {
                    inner = Some(Model4::patch(|c| {
                        changes.iter().for_each(|&(i, v)| put(c, i, v))
                    }));
                });
                // The outer patch changed nothing itself.
                push(model, live, BTreeMap::new(), outer);
                inner.expect("made inside the closure")
            };
            push(model, live, layer, guard);
        }
        // forget a live guard: its layer stays for the thread's life.
        8 if !live.is_empty() => {
            let k = r.below(live.len() as u64) as usize;
            std::mem::forget(live.remove(k).guard);
        }
        // drop a live guard inside a read closure.
        9 if !live.is_empty() => {
            let k = r.below(live.len() as u64) as usize;
            let gone = live.remove(k);
            model.layers.retain(|(id, _)| *id != gone.id);
            Model4::read(|_| drop(gone.guard));
        }
        // set on another thread, between two steps of this one.
        10 => {
            let changes = some_changes(r);
            let base = model.base();
            for &(i, v) in &changes {
                if base[i] != v {
                    model.global.insert(i, v);
                }
            }
            std::thread::spawn(move || {
                Model4::set(|c| changes.iter().for_each(|&(i, v)| put(c, i, v)))
            })
            .join()
            .unwrap();
        }
        // set whose closure reads this thread's config (patches included)
        // and copies one field of it to another.
        11 => {
            let (from, to) = (
                r.below(FIELDS as u64) as usize,
                r.below(FIELDS as u64) as usize,
            );
            let v = model.effective()[from];
            if model.base()[to] != v {
                model.global.insert(to, v);
            }
            Model4::set(|c| put(c, to, Model4::read(|now| get(now, from))));
        }
        // set or set_values made inside a read closure.
        12 => {
            let changes = some_changes(r);
            if r.chance(0.5) {
                let base = model.base();
                for &(i, v) in &changes {
                    if base[i] != v {
                        model.global.insert(i, v);
                    }
                }
                Model4::read(|_| Model4::set(|c| changes.iter().for_each(|&(i, v)| put(c, i, v))));
            } else {
                model.global.extend(changes.iter().copied());
                let names = ["a", "b", "c", "inner.d"];
                Model4::read(|_| {
                    Model4::set_values(
                        changes
                            .iter()
                            .map(|&(i, v)| (names[i], Value::Int(i128::from(v)))),
                    )
                })
                .unwrap();
            }
        }
        // capture this thread's patches, enter them on another thread: the
        // fields some layer overrides show this thread's values, the others
        // the process-wide ones.
        13 => {
            let (base, mine) = (model.base(), model.effective());
            let want: Vec<i64> = (0..FIELDS)
                .map(|i| {
                    let overridden = model.layers.iter().any(|(_, l)| l.contains_key(&i));
                    if overridden {
                        mine[i]
                    } else {
                        base[i]
                    }
                })
                .collect();
            let snap = Snapshot::capture();
            let seen = std::thread::spawn(move || snap.enter(actual))
                .join()
                .unwrap();
            assert_eq!(seen.to_vec(), want, "a snapshot entered on another thread");
        }
        _ => {
            model.global.clear();
            Model4::reset();
        }
    }
}

/// One seed's run, on its own thread (forgotten layers die with it).
fn run(seed: u64, steps: usize) {
    let mut r = rng(seed);
    let mut model = Model::default();
    let mut live: Vec<Live> = Vec::new();
    let mut next_id = 0;
    Model4::reset();
    for n in 0..steps {
        step(&mut r, &mut model, &mut live, &mut next_id);
        assert_eq!(actual(), model.effective(), "seed {seed}, step {n}");
    }
    // Drop what is left, in a random order.
    while !live.is_empty() {
        let k = r.below(live.len() as u64) as usize;
        let gone = live.remove(k);
        model.layers.retain(|(id, _)| *id != gone.id);
        drop(gone.guard);
        assert_eq!(actual(), model.effective(), "seed {seed}, unwinding");
    }
}

#[test]
fn the_registry_matches_a_model_of_layered_overrides() {
    for seed in 0..300 {
        std::thread::spawn(move || run(seed, 60)).join().unwrap();
    }
    // Long runs: many layers, forgotten ones below live ones, enough dead
    // stack entries to be swept.
    for seed in 1000..1010 {
        std::thread::spawn(move || run(seed, 2000)).join().unwrap();
    }
    Model4::reset();
}
