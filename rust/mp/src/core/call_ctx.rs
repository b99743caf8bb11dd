//! `CallCtx`: what code that encodes or decodes one call's message may ask of the runtime,
//! on whichever thread it runs.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use capnp::private::layout::CapTable;

use crate::connection::conn_state::{ConnState, Connection};
use crate::core::caller::Caller;
use crate::core::lazy_import::LazyImport;
use crate::event_loop::loop_box::LoopBox;
use crate::os::error::{Error, Result};
use crate::os::log::{log_escape, LogLevel};
use crate::os::thread_name::thread_name;
use crate::transport::ToPin;

/// Handed to the code that builds or reads one call's messages: generated `build`/`read`
/// closures of a client call (on the loop thread) and a [`Dispatch`](crate::core::Dispatch)
/// serving a call (on the thread that runs it). Capabilities in those messages go through it:
/// [`export`](crate::core::export) and [`ProxyClient::import`](crate::core::ProxyClient::import).
pub struct CallCtx {
    pub(crate) mode: Mode,
}

/// Where the message lives, and so how capabilities in it are reached.
pub(crate) enum Mode {
    /// On the loop thread, in capnp-rpc's own message: capabilities are real.
    Loop {
        conn: Rc<ConnState>,
        caller: Option<Caller>,
        /// Set for a call whose exported objects may be lent again later without the loop:
        /// those objects (`reusable_export.rs`), in the order they were exported.
        lending: Option<RefCell<Vec<ToPin>>>,
    },
    /// On the thread running an incoming call, in a copy of the params and a results message
    /// of its own: capabilities are slots of tables the loop holds.
    Worker(WorkerCaps),
    /// On a blocked caller that sends its call itself (`direct_call.rs`): the messages carry
    /// no capabilities but, for a method that passes objects, the objects exported into the
    /// params (`exported`, by slot index), which the call lends by reusable export numbers.
    Direct {
        conn: Arc<Connection>,
        exported: Option<Mutex<Vec<Exported>>>,
    },
}

/// An object exported into a direct call's params: an `Arc<dyn Dispatch>`, kept as `Any`
/// because `dispatch.rs` names `CallCtx` (the files do not import each other both ways).
pub(crate) type Exported = Box<dyn std::any::Any + Send>;

/// The loop-side tables behind the slots of a call served off the loop thread.
pub(crate) struct WorkerCaps {
    pub(crate) conn: Arc<Connection>,
    /// The capabilities of the params, each in a handle a worker can turn into a proxy without
    /// a trip to the loop (taken by the first import of each).
    pub(crate) boxed: Mutex<Vec<Option<LoopBox<capnp::capability::Client>>>>,
    /// The capabilities of the params, by cap-table index (`None`: the params have none).
    pub(crate) params: Option<Arc<LoopBox<CapTable>>>,
    /// The import number of each of those capabilities, where known, so that calls on it
    /// may go direct (`request_caps.rs`).
    pub(crate) imports: Vec<Option<u32>>,
    /// In a call served directly, by capability-table index: the peer's objects it carries,
    /// held by the transport (`lazy_import.rs`).
    pub(crate) lazy: Vec<Option<Arc<LazyImport>>>,
    /// Capabilities exported while the call runs, for its results (`None`: its descriptor
    /// says the results carry none).
    pub(crate) exported: Option<Arc<LoopBox<RefCell<Vec<capnp::capability::Client>>>>>,
}

/// What exporting or importing a capability in a direct call gives: its descriptor said the
/// messages carry none.
pub(crate) fn no_caps_here() -> Error {
    Error::failed("the messages of this method carry no capabilities (its descriptor)")
}

impl CallCtx {
    pub(crate) fn on_loop(conn: Rc<ConnState>, caller: Option<Caller>) -> Self {
        CallCtx {
            mode: Mode::Loop {
                conn,
                caller,
                lending: None,
            },
        }
    }

    /// On the loop thread, for a call whose exported objects become reusable exports.
    pub(crate) fn on_loop_lending(conn: Rc<ConnState>, caller: Caller) -> Self {
        CallCtx {
            mode: Mode::Loop {
                conn,
                caller: Some(caller),
                lending: Some(RefCell::new(Vec::new())),
            },
        }
    }

    /// The objects a direct call exported into its params (by slot index), if it may.
    pub(crate) fn take_direct_exported(&self) -> Option<Vec<Exported>> {
        match &self.mode {
            Mode::Direct {
                exported: Some(e), ..
            } => Some(std::mem::take(
                &mut *e.lock().unwrap_or_else(|e| e.into_inner()),
            )),
            _ => None,
        }
    }

    /// The objects a call through the loop exported as reusable ones, in order, to pin as
    /// capnp-rpc sends them.
    pub(crate) fn take_lending(&self) -> Vec<ToPin> {
        match &self.mode {
            Mode::Loop {
                lending: Some(l), ..
            } => std::mem::take(&mut *l.borrow_mut()),
            _ => Vec::new(),
        }
    }

    /// The connection of the call.
    pub fn connection(&self) -> &Connection {
        match &self.mode {
            Mode::Loop { conn, .. } => &conn.shared,
            Mode::Worker(w) => &w.conn,
            Mode::Direct { conn, .. } => conn,
        }
    }

    /// Refuses a message the peer would refuse: capnp readers (the original's included) stop
    /// at 8 Mi words (64 MiB) per message, so a larger one would only cost the connection.
    pub(crate) fn check_size(size: capnp::MessageSize) -> Result<()> {
        // Leave room for the RPC envelope and the cap table around the params or results.
        const LIMIT_WORDS: u64 = 8 * 1024 * 1024 - 4096;
        if size.word_count > LIMIT_WORDS {
            return Err(Error::invalid_argument(format!(
                "message of {} bytes is larger than the 64 MiB a peer accepts",
                size.word_count * 8
            )));
        }
        Ok(())
    }

    /// Logs a message's contents at Trace level like the original (`send data: ...` on the
    /// client, `{thread} request data: ...` on the server), escaped and cut at `max_chars`.
    pub(crate) fn log_data(&self, what: &str, text: impl FnOnce() -> String) {
        let lp = &self.connection().lp;
        if !lp.log_enabled(LogLevel::Trace) {
            return;
        }
        // capnp's C++ text form escapes `'` inside strings (the only place it can occur);
        // doing the same keeps our dumps identical to the original's.
        // Logging never fails a call: a renderer that panics (it should not; see
        // `text_of`) leaves a note instead of unwinding through the connection.
        let text = std::panic::catch_unwind(std::panic::AssertUnwindSafe(text))
            .unwrap_or_else(|_| "<malformed message: cannot render it>".to_string());
        let text = text.replace('\'', "\\'");
        let text = log_escape(&text, lp.log_max_chars());
        let line = match &self.mode {
            Mode::Loop {
                caller: Some(_), ..
            }
            | Mode::Direct { .. } => format!("{what}: {text}"),
            _ => {
                let name = thread_name(lp.exe_name());
                format!("{{{name}}} {what}: {text}")
            }
        };
        lp.log(LogLevel::Trace, line);
    }
}
