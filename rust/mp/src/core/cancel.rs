//! Cancellation of incoming calls: the flag a long-running implementation may poll, and the
//! guard that raises it when capnp-rpc drops a call (on `Finish` or disconnect).

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::event_loop::loop_thread::EventLoop;
use crate::os::log::LogLevel;
use crate::os::thread_name::thread_name;

thread_local! {
    /// Cancellation flags of the requests this thread is executing (innermost last).
    static CURRENT_CANCEL: RefCell<Vec<Arc<AtomicBool>>> = const { RefCell::new(Vec::new()) };
}

/// Whether the caller has cancelled the request that the current thread is executing (it
/// dropped its async call, or disconnected). Long-running implementations may poll it and
/// return early; the result of a cancelled request is discarded.
pub fn call_canceled() -> bool {
    CURRENT_CANCEL.with(|c| {
        c.borrow()
            .last()
            .is_some_and(|flag| flag.load(Ordering::SeqCst))
    })
}

/// Runs `f` as the execution of a request whose cancellation flag is `canceled`.
pub(crate) fn with_cancel_flag<R>(canceled: &Arc<AtomicBool>, f: impl FnOnce() -> R) -> R {
    CURRENT_CANCEL.with(|c| c.borrow_mut().push(canceled.clone()));
    let result = f();
    CURRENT_CANCEL.with(|c| c.borrow_mut().pop());
    result
}

/// Marks a request cancelled when its serving future is dropped before the result arrives.
pub(crate) struct CancelGuard {
    pub(crate) canceled: Arc<AtomicBool>,
    pub(crate) started: Arc<AtomicBool>,
    pub(crate) finished: bool,
    pub(crate) lp: EventLoop,
    pub(crate) number: u64,
}

impl Drop for CancelGuard {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        self.canceled.store(true, Ordering::SeqCst);
        let number = self.number;
        let name = thread_name(self.lp.exe_name());
        if self.started.load(Ordering::SeqCst) {
            self.lp.log(
                LogLevel::Debug,
                format!("{{{name}}} IPC server request #{number} canceled while executing."),
            );
        } else {
            self.lp.log(
                LogLevel::Debug,
                format!(
                    "{{{name}}} IPC server request #{number} canceled before it could be executed"
                ),
            );
        }
    }
}
