//! Integration and trybuild UI tests for the workspace live under `tests/`;
//! this library holds helpers they share.

/// Serializes tests that change process-wide state (`set`, env vars), since
/// `cargo test` runs tests of one binary on parallel threads.
pub fn global_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

pub mod every;

pub mod dyn_schema;
