//! Keeps panics on the Rust side of the bridge.
//!
//! A panic unwinding into C++ would abort the process; every entry point that runs more than
//! trivial code goes through [`guard`], which turns a panic into an error C++ sees as an
//! exception.

use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `f`, turning a panic into an error message.
pub(crate) fn guard<T>(what: &str, f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(panic) => {
            let text = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(format!("{what}: internal error: {text}"))
        }
    }
}
