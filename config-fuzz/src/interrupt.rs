//! Ctrl-C, `kill` and a closed terminal end the campaign *and* its runs.
//!
//! Each run of COMMAND lives in a process group of its own (so a timeout can
//! kill everything it started), which also means the terminal's SIGINT never
//! reaches it. Without this module an interrupted `config-fuzz` would leave
//! its runs behind, hung ones included. Every group is registered here while
//! it may be alive; on SIGINT, SIGTERM or SIGHUP the watcher kills all of
//! them and exits with 128 + the signal's number, as a shell does. A state
//! file (`--state`) keeps every finished run, so the same command resumes.

use std::collections::BTreeSet;
use std::io;
use std::process::{Child, Command};
use std::sync::Mutex;

use rustix::process::{kill_process_group, Pid, Signal};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

/// The process groups of the runs that may be alive (their leaders' pids).
/// The watcher holds this lock from the kill to the exit, so a run started
/// meanwhile waits and never escapes.
static LIVE: Mutex<BTreeSet<i32>> = Mutex::new(BTreeSet::new());

fn live() -> std::sync::MutexGuard<'static, BTreeSet<i32>> {
    // A panic while the lock was held leaves a set that is still right.
    LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Starts the watcher thread. Call once, before the first run.
pub(crate) fn install() -> io::Result<()> {
    let mut signals = Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("config-fuzz-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let groups = live();
                kill_all(&groups);
                eprintln!(
                    "config-fuzz: interrupted ({}); killed {} run(s) in flight",
                    crate::child::signal_name(signal),
                    groups.len()
                );
                std::process::exit(128 + signal);
            }
        })?;
    Ok(())
}

fn kill_all(groups: &BTreeSet<i32>) {
    for &leader in groups {
        if let Some(pid) = Pid::from_raw(leader) {
            // ESRCH (the group is already empty) is the usual answer.
            let _ = kill_process_group(pid, Signal::KILL);
        }
    }
}

/// Spawns `cmd` (already set up to lead a process group of its own) and
/// registers its group, both under the lock, so an interrupt either comes
/// before the spawn (which then never happens) or finds the group.
pub(crate) fn spawn(cmd: &mut Command) -> io::Result<Child> {
    let mut groups = live();
    let child = cmd.spawn()?;
    groups.insert(child.id() as i32);
    Ok(child)
}

/// Forgets a group once it has been killed and its leader reaped.
pub(crate) fn forget(leader: u32) {
    live().remove(&(leader as i32));
}
