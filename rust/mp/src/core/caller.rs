//! Who makes an outgoing call, and the `Context` that tells the peer where to run it.

use std::sync::Arc;

use crate::connection::conn_state::ConnState;
use crate::connection::thread_context::ThreadCap;
use crate::os::error::Result;
use crate::os::thread_name::ThreadKey;
use crate::os::waiter::Waiter;
use crate::proxy_capnp::{context, thread};

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

    /// The peer thread that runs this caller's calls on `conn`, made on first use.
    pub(crate) fn request_thread(&self, conn: &ConnState) -> Result<thread::Client> {
        match self {
            Caller::Thread(ThreadCaller {
                key,
                name,
                request_override,
                ..
            }) => match request_override.as_ref().and_then(|cap| cap.get()) {
                Some(cap) => Ok((*cap).clone()),
                None => conn.request_thread(*key, name),
            },
            Caller::Async { thread, .. } => Ok(thread.clone()),
        }
    }

    /// Fills an outgoing `Context`: the peer thread that runs the call and the local thread
    /// that runs the peer's callbacks.
    pub(crate) fn fill_context(
        &self,
        conn: &ConnState,
        mut builder: context::Builder<'_>,
    ) -> Result<()> {
        let callback = match self {
            Caller::Thread(ThreadCaller {
                key, name, waiter, ..
            }) => conn.callback_thread(*key, name, waiter),
            Caller::Async { callback, .. } => callback.clone(),
        };
        let thread = self.request_thread(conn)?;
        builder.set_thread(thread);
        builder.set_callback_thread(callback);
        Ok(())
    }
}
