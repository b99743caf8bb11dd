//! `CallCtx`: what generated encode/decode code may do with the connection of a call.

use std::rc::Rc;
use std::sync::Arc;

use crate::client::ProxyClient;
use crate::connection::ConnState;
use crate::error::{Error, Result};
use crate::interface::Interface;
use crate::proxy_capnp::{context, thread, thread_map};
use crate::server::new_server_client;
use crate::thread_context::{ThreadCap, ThreadKey};
use crate::waiter::Waiter;

/// The thread making an outgoing call, as the loop thread sees it.
pub(crate) struct ThreadCaller {
    pub(crate) key: ThreadKey,
    pub(crate) name: String,
    pub(crate) waiter: Arc<Waiter>,
    /// Set while the caller serves a request from this connection: that request's
    /// callbackThread.
    pub(crate) request_override: Option<Arc<ThreadCap>>,
}

/// Who makes an outgoing call.
pub(crate) enum Caller {
    /// A thread blocked in the call; the peer's callbacks run on it.
    Thread(ThreadCaller),
    /// An async call: a peer thread borrowed for this call, and the connection's
    /// runtime-owned thread for callbacks.
    Async {
        name: String,
        thread: thread::Client,
        callback: thread::Client,
    },
}

impl Caller {
    pub(crate) fn name(&self) -> &str {
        match self {
            Caller::Thread(ThreadCaller { name, .. }) | Caller::Async { name, .. } => name,
        }
    }
}

/// Handed to generated code while it builds or reads a message, on the loop thread.
pub struct CallCtx {
    pub(crate) conn: Rc<ConnState>,
    pub(crate) caller: Option<Caller>,
}

impl CallCtx {
    pub(crate) fn new(conn: Rc<ConnState>, caller: Option<Caller>) -> Self {
        CallCtx { conn, caller }
    }

    /// Fills an outgoing `Context`: the peer thread that runs the call and the local thread
    /// that runs the peer's callbacks.
    pub fn fill_context(&self, mut builder: context::Builder<'_>) -> Result<()> {
        let caller = self
            .caller
            .as_ref()
            .ok_or_else(|| Error::failed("a Context can only be filled for an outgoing call"))?;
        let (thread, callback) = match caller {
            Caller::Thread(ThreadCaller {
                key,
                name,
                waiter,
                request_override,
            }) => {
                let callback = self.conn.callback_thread(*key, name, waiter);
                let thread = match request_override.as_ref().and_then(|cap| cap.get()) {
                    Some(cap) => (*cap).clone(),
                    None => self.conn.request_thread(*key, name)?,
                };
                (thread, callback)
            }
            Caller::Async {
                thread, callback, ..
            } => (thread.clone(), callback.clone()),
        };
        builder.set_thread(thread);
        builder.set_callback_thread(callback);
        Ok(())
    }

    /// Refuses a message the peer would refuse: capnp readers (the original's included) stop
    /// at 8 Mi words (64 MiB) per message, so a larger one would only cost the connection.
    pub fn check_size(&self, size: capnp::MessageSize) -> Result<()> {
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
    pub fn log_data(&self, what: &str, value: &dyn std::fmt::Debug) {
        let lp = &self.conn.lp;
        if !lp.log_enabled(crate::log::LogLevel::Trace) {
            return;
        }
        // capnp's C++ text form escapes `'` inside strings (the only place it can occur);
        // doing the same keeps our dumps identical to the original's.
        let text = format!("{value:?}").replace('\'', "\\'");
        let text = crate::log::log_escape(&text, lp.log_max_chars());
        let line = match &self.caller {
            Some(_) => format!("{what}: {text}"),
            None => {
                let name = crate::thread_context::current_thread_name(lp.exe_name());
                format!("{{{name}}} {what}: {text}")
            }
        };
        lp.log(crate::log::LogLevel::Trace, line);
    }

    /// A new local `ThreadMap` for the peer (an outgoing `Proxy.ThreadMap` field).
    pub fn export_thread_map(&self) -> thread_map::Client {
        self.conn.new_thread_map()
    }

    /// Keeps a `ThreadMap` the peer sent (an incoming `Proxy.ThreadMap` field): later calls
    /// from this process create their threads with it.
    pub fn import_thread_map(&self, map: thread_map::Client) {
        *self.conn.peer_thread_map.borrow_mut() = Some(map);
    }

    /// Serves `imp` to the peer as a new capability.
    pub fn export<I: Interface + ?Sized>(&self, imp: Arc<I>) -> capnp::capability::Client {
        new_server_client(&self.conn, I::make_server(imp))
    }

    /// Wraps a capability the peer sent in a client proxy.
    pub fn import<I: Interface + ?Sized>(&self, cap: capnp::capability::Client) -> Box<I> {
        I::make_client(ProxyClient::new(
            &self.conn,
            cap,
            Some(I::NAME),
            I::DESTROY,
            None,
        ))
    }
}
