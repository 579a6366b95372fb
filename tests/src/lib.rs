//! Integration and trybuild UI tests for the workspace live under `tests/`;
//! this library holds helpers they share.

/// Serializes tests that change process-wide state (`set`, env vars), since
/// `cargo test` runs tests of one binary on parallel threads.
pub fn global_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// Where each line of `text` ends (the offset just past its `\n`): the
/// places a state file can be cut to a whole number of lines, as a kill
/// between two writes leaves it.
pub fn line_ends(text: &[u8]) -> Vec<usize> {
    text.iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i + 1)
        .collect()
}

pub mod every;

pub mod dyn_schema;
