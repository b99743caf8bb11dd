//! The log lines and the error of a client call, the same whichever way the call went
//! (through the loop, `outgoing.rs`, or direct, `direct_call.rs`).

use crate::core::descriptor::MethodDesc;
use crate::event_loop::loop_thread::EventLoop;
use crate::os::error::{Error, ErrorKind};
use crate::os::log::LogLevel;

/// The client's line for a request it sends.
pub(crate) fn log_send(lp: &EventLoop, name: &str, method: &MethodDesc) {
    if lp.log_enabled(LogLevel::Debug) {
        lp.log(
            LogLevel::Debug,
            format!(
                "{{{name}}} IPC client send {}.{}$Params",
                method.interface_name, method.name
            ),
        );
    }
}

/// The client's line for a reply it received.
pub(crate) fn log_recv(lp: &EventLoop, name: &str, method: &MethodDesc) {
    if lp.log_enabled(LogLevel::Debug) {
        lp.log(
            LogLevel::Debug,
            format!(
                "{{{name}}} IPC client recv {}.{}$Results",
                method.interface_name, method.name
            ),
        );
    }
}

/// The error a call that failed with `e` returns, logged as the original does (a disconnect
/// is not logged here: the connection logs it).
pub(crate) fn call_failed(lp: &EventLoop, name: &str, e: capnp::Error) -> Error {
    let error = Error::from_call(e.clone());
    if error.kind != ErrorKind::Disconnected {
        lp.log(
            LogLevel::Info,
            format!("{{{name}}} IPC client exception kj::Exception: {e}"),
        );
    }
    error
}
