//! An object of the peer's that came in a call served directly (`direct_serve.rs`): the
//! transport holds the reference the peer counted for it, not capnp-rpc.
//!
//! Calls on it go direct while they can (`direct_call.rs`: the serving thread's calls back,
//! a thread whose `Context` the peer knows). Dropped so, it lets its reference go with a
//! `Release` of its own. The first call that must go through capnp-rpc (an async call, a
//! thread the peer has not seen, Debug logging) hands the reference to capnp-rpc first
//! (`transport/adopt.rs`), and from then on capnp-rpc's import is the proxy's capability.

use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use capnp::any_pointer;
use capnp::primitive_list;

use crate::connection::conn_state::Connection;
use crate::connection::thread_context::ThreadCap;
use crate::event_loop::loop_box::LoopBox;
use crate::os::error::Error;
use crate::transport::ADOPT_INTERFACE_ID;

/// Objects taken from calls served directly, and of those, handed to capnp-rpc.
static TAKEN: AtomicU64 = AtomicU64::new(0);
static HANDED_OVER: AtomicU64 = AtomicU64::new(0);

/// How many of the peer's objects (callbacks) came in calls served directly in this process
/// so far, held by the transport instead of capnp-rpc; and how many of those were handed to
/// capnp-rpc later for a call that needed it. For tests and benchmarks.
pub fn objects_in_served_calls() -> (u64, u64) {
    (
        TAKEN.load(Ordering::Relaxed),
        HANDED_OVER.load(Ordering::Relaxed),
    )
}

/// The peer's export `import`, held by the transport until handed to capnp-rpc.
pub(crate) struct LazyImport {
    conn: Arc<Connection>,
    import: u32,
    /// A capability of the same connection (the request's `callbackThread`) to send the
    /// hand-over call on; the call never leaves the process.
    via: Arc<ThreadCap>,
    /// capnp-rpc's capability, once handed over (made on the loop).
    adopted: OnceLock<LoopBox<capnp::capability::Client>>,
    /// Set while the call that brought it is served and its `Return` not yet written: a
    /// `Release` deferred now goes out in front of that `Return`, so the loop need not wake.
    serving: Arc<AtomicBool>,
}

impl LazyImport {
    /// The reference to `import` a call served directly carried; `serving` is that call's
    /// flag (see the field).
    pub(crate) fn new(
        conn: Arc<Connection>,
        import: u32,
        via: Arc<ThreadCap>,
        serving: Arc<AtomicBool>,
    ) -> Arc<LazyImport> {
        TAKEN.fetch_add(1, Ordering::Relaxed);
        Arc::new(LazyImport {
            conn,
            import,
            via,
            adopted: OnceLock::new(),
            serving,
        })
    }

    /// Our import number of the object.
    pub(crate) fn import(&self) -> u32 {
        self.import
    }

    /// On the loop thread: capnp-rpc's capability for the object, handed over on first use.
    pub(crate) fn client(&self) -> Option<Rc<capnp::capability::Client>> {
        if self.adopted.get().is_none() {
            let client = self.adopt();
            let _ = self.adopted.set(LoopBox::new(&self.conn.lp, client));
        }
        self.adopted.get()?.get()
    }

    /// Sends the hand-over call: answered by the transport at once with the import, which
    /// capnp-rpc then counts. The answer is awaited by a task of its own, so that the
    /// reference is taken (and later released by capnp-rpc) even if the proxy goes first.
    fn adopt(&self) -> capnp::capability::Client {
        HANDED_OVER.fetch_add(1, Ordering::Relaxed);
        let Some(via) = self.via.get() else {
            return capnp_rpc::new_broken_cap(Error::called_after_disconnect().into());
        };
        let mut request = via
            .client
            .new_call::<any_pointer::Owned, any_pointer::Owned>(ADOPT_INTERFACE_ID, 0, None);
        request
            .get()
            .initn_as::<primitive_list::Builder<'_, u32>>(1)
            .set(0, self.import);
        let answer = request.send().promise;
        let (tx, rx) = tokio::sync::oneshot::channel();
        tokio::task::spawn_local(async move {
            let client = answer.await.and_then(|response| {
                response
                    .get()?
                    .get_as_capability::<capnp::capability::Client>()
            });
            // Nobody waits any more: capnp-rpc releases the import as the client goes.
            let _ = tx.send(client);
        });
        capnp_rpc::new_future_client(async move {
            rx.await.unwrap_or_else(|_| {
                Err(capnp::Error::disconnected(
                    "the connection is closed".into(),
                ))
            })
        })
    }
}

impl Drop for LazyImport {
    fn drop(&mut self) {
        // Handed over: capnp-rpc releases it when its capability goes.
        if self.adopted.get().is_some() || self.conn.is_disconnected() {
            return;
        }
        let wake = !self.serving.load(Ordering::SeqCst);
        self.conn.direct.release_import(self.import, wake);
    }
}
