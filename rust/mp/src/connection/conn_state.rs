//! One capnp-rpc two-party connection and the thread-mapping state that belongs to it.
//!
//! Lives on the loop thread. Other threads refer to a connection through [`Connection`].

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::os::unix::net::UnixStream;
use std::panic::AssertUnwindSafe;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};

use capnp_rpc::rpc_twoparty_capnp::Side;
use capnp_rpc::{CapabilityServerSet, RpcSystem};
use futures::FutureExt;

use crate::connection::pool::{start_pool, PoolSlot};
use crate::connection::thread_server::ThreadServer;
use crate::event_loop::loop_state::loop_state;
use crate::event_loop::loop_thread::{EventLoop, EventLoopRef};
use crate::os::error::{Error, Result};
use crate::os::log::LogLevel;
use crate::os::thread_name::{os_thread_name, ThreadKey};
use crate::os::waiter::Waiter;
use crate::proxy_capnp::{thread, thread_map};
use crate::transport::{DirectPath, Network, Socket};

static NEXT_CONN_ID: AtomicU64 = AtomicU64::new(1);

/// A connection as any thread sees it: whether it is still up, its loop, and a way to close
/// it. Reached through [`ProxyClient::connection`](crate::core::ProxyClient::connection).
#[derive(Debug)]
pub struct Connection {
    pub(crate) id: u64,
    pub(crate) lp: EventLoop,
    disconnected: AtomicBool,
    /// Calls a blocked thread sends and receives without the loop.
    pub(crate) direct: Arc<DirectPath>,
}

impl Connection {
    /// Whether the connection is closed or lost.
    pub fn is_disconnected(&self) -> bool {
        self.disconnected.load(Ordering::SeqCst)
    }

    /// How many calls on this connection went without the loop so far: blocking calls whose
    /// messages carry no capabilities but the caller's `Context` go from the calling thread
    /// straight to the socket once the runtime knows the numbers to name (after the first
    /// such call through the loop). For diagnostics and tests.
    pub fn direct_calls(&self) -> u64 {
        self.direct.calls()
    }

    /// How many replies of those calls the calling thread read off the socket itself,
    /// instead of the loop reading them and handing them over (on connecting sides, while
    /// the loop had nothing else to read). For diagnostics and tests.
    pub fn replies_read_by_caller(&self) -> u64 {
        self.direct.read_by_caller()
    }

    /// The event loop that owns the connection.
    pub fn event_loop(&self) -> &EventLoop {
        &self.lp
    }

    /// Closes the connection now, even while proxies of it still exist: the peer sees a
    /// disconnect, and later calls on those proxies fail with the original's "IPC client
    /// method called after disconnect." When this returns (off the loop thread), the
    /// connection counts as disconnected. Closing a closed connection does nothing.
    pub fn close(&self) {
        let id = self.id;
        let close = move || {
            if let Some(conn) = ConnState::get(id) {
                conn.close();
            }
        };
        if self.lp.on_loop_thread() {
            close();
        } else if self.lp.sync(close).is_err() {
            // The loop is gone, and every connection with it.
            self.disconnected.store(true, Ordering::SeqCst);
        }
    }
}

/// The open connections of one loop, by id; kept in the loop's state.
#[derive(Default)]
pub(crate) struct Connections(RefCell<HashMap<u64, Rc<ConnState>>>);

/// Per (local thread, connection): the peer thread this thread's calls run on, and the local
/// `Thread` the peer calls back into.
#[derive(Default)]
struct ThreadEntry {
    request_thread: Option<thread::Client>,
    callback_thread: Option<thread::Client>,
    /// The export number of `callback_thread` while direct calls name it (one reference
    /// kept in capnp-rpc's count, given back when the entry goes).
    kept_export: Option<u32>,
    /// The `makeThread` question of `request_thread`, kept open while the entry lives:
    /// direct calls may name the thread as that question's answer, which the peer forgets
    /// once the question is finished (capnp-rpc finishes it when the pipelined capability
    /// resolves).
    made_by: Option<thread_map::make_thread_results::Pipeline>,
    /// Cleared when what direct calls name stops being valid (the entry goes, or its peer
    /// thread is dropped), so that the thread's next call goes through the loop again.
    direct_valid: Option<Arc<AtomicBool>>,
}

impl ThreadEntry {
    fn end_direct(&mut self) {
        if let Some(valid) = self.direct_valid.take() {
            valid.store(false, Ordering::SeqCst);
        }
    }
}

impl Drop for ThreadEntry {
    /// The thread's direct calls named what this entry holds: however the entry goes (the
    /// thread ended, the connection closed), they stop.
    fn drop(&mut self) {
        self.end_direct();
    }
}

type RpcDisconnector =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), capnp::Error>>>>;

/// A connection, owned by the loop thread's registry.
pub(crate) struct ConnState {
    pub(crate) id: u64,
    pub(crate) lp: EventLoop,
    pub(crate) shared: Arc<Connection>,
    pub(crate) side: Side,
    pub(crate) threads: RefCell<CapabilityServerSet<ThreadServer, thread::Client>>,
    pub(crate) peer_thread_map: RefCell<Option<thread_map::Client>>,
    pub(crate) pool: RefCell<Vec<PoolSlot>>,
    entries: RefCell<HashMap<ThreadKey, ThreadEntry>>,
    disconnector: RefCell<Option<RpcDisconnector>>,
    task: RefCell<Option<tokio::task::JoinHandle<()>>>,
    loop_ref: RefCell<Option<EventLoopRef>>,
    on_close: RefCell<Vec<Box<dyn FnOnce()>>>,
    closing: Cell<bool>,
    /// The socket (the transport holds it too), kept so that closing can linger (see `close`).
    linger: RefCell<Option<Rc<Socket>>>,
    /// Peer threads lent to async calls, idle ones here; and how many were made.
    async_threads: RefCell<Vec<thread::Client>>,
    async_made: Cell<usize>,
    /// The local thread that runs the peer's callbacks during async calls.
    async_callback: RefCell<Option<thread::Client>>,
    /// Workers made for the peer (`makeThread`, `makePool`), counted against
    /// `Limits::max_threads_per_connection` while their thread lives.
    made_threads: RefCell<Vec<Weak<Waiter>>>,
    /// A `makePool` is starting its threads.
    pool_pending: Cell<bool>,
}

/// Makes the bootstrap capability for a serving connection.
pub(crate) type BootstrapFactory = Box<dyn FnOnce(&Rc<ConnState>) -> capnp::capability::Client>;

impl ConnState {
    /// Opens a connection over `stream` on the current (loop) thread. The connecting side
    /// (`Side::Client`) gets the peer's bootstrap capability back.
    pub(crate) fn open(
        lp: &EventLoop,
        loop_ref: EventLoopRef,
        stream: UnixStream,
        side: Side,
        bootstrap: Option<BootstrapFactory>,
    ) -> Result<(Rc<ConnState>, Option<capnp::capability::Client>)> {
        let state = loop_state().ok_or_else(|| Error::failed("not on the event loop thread"))?;
        stream.set_nonblocking(true)?;
        let max_unwritten = match side {
            Side::Server => crate::transport::max_unwritten_bytes(),
            Side::Client => None,
        };
        // One socket, shared by reading, writing and the linger on close. Threads may read
        // it while the loop lets them: on a connecting side, for their replies, from the
        // start; on a serving side, once a worker would read for its calls (which costs a
        // second fd, `transport/socket.rs`).
        let socket = Rc::new(Socket::new(stream, side == Side::Client)?);
        let linger = Some(socket.clone());
        let network = Network::new(socket, side, max_unwritten);
        let direct = network.direct();
        let id = NEXT_CONN_ID.fetch_add(1, Ordering::Relaxed);
        let conn = Rc::new(ConnState {
            id,
            lp: lp.clone(),
            shared: Arc::new(Connection {
                id,
                lp: lp.clone(),
                disconnected: AtomicBool::new(false),
                direct,
            }),
            side,
            threads: RefCell::new(CapabilityServerSet::new()),
            peer_thread_map: RefCell::new(None),
            pool: RefCell::new(Vec::new()),
            entries: RefCell::new(HashMap::new()),
            disconnector: RefCell::new(None),
            task: RefCell::new(None),
            loop_ref: RefCell::new(Some(loop_ref)),
            on_close: RefCell::new(Vec::new()),
            closing: Cell::new(false),
            linger: RefCell::new(linger),
            async_threads: RefCell::new(Vec::new()),
            async_made: Cell::new(0),
            async_callback: RefCell::new(None),
            made_threads: RefCell::new(Vec::new()),
            pool_pending: Cell::new(false),
        });
        if side == Side::Server {
            lp.log_here(LogLevel::Info, "IPC server: socket connected.");
        }
        let bootstrap_cap = bootstrap.map(|make| make(&conn));
        let mut rpc = RpcSystem::new(Box::new(network), bootstrap_cap);
        let peer = match side {
            Side::Client => Some(rpc.bootstrap::<capnp::capability::Client>(Side::Server)),
            Side::Server => None,
        };
        *conn.disconnector.borrow_mut() = Some(Box::pin(rpc.get_disconnector()));
        state
            .slot::<Connections>()
            .0
            .borrow_mut()
            .insert(id, conn.clone());
        let weak = Rc::downgrade(&conn);
        let task = tokio::task::spawn_local(async move {
            // A panic while the RPC system runs (in capnp-rpc or in code it polls) must not
            // skip `finish`: that would leak the connection's socket, threads and loop
            // reference, and keep a process that exits with its peer alive.
            let result = match AssertUnwindSafe(rpc).catch_unwind().await {
                Ok(result) => result,
                Err(panic) => Err(capnp::Error::failed(format!(
                    "connection task panicked: {}",
                    panic_text(&*panic)
                ))),
            };
            if let Some(conn) = weak.upgrade() {
                conn.finish(result.err());
            }
        });
        *conn.task.borrow_mut() = Some(task);
        Ok((conn, peer))
    }

    /// Looks up an open connection of the current loop thread.
    pub(crate) fn get(id: u64) -> Option<Rc<ConnState>> {
        loop_state()?
            .slot::<Connections>()
            .0
            .borrow()
            .get(&id)
            .cloned()
    }

    /// Registers `f` to run once when the connection closes, for any reason.
    pub(crate) fn on_close(&self, f: impl FnOnce() + 'static) {
        self.on_close.borrow_mut().push(Box::new(f));
    }

    /// Marks the connection gone and drops everything that refers to the peer. Idempotent.
    fn mark_closed(&self) -> bool {
        if self.closing.replace(true) {
            return false;
        }
        self.shared.disconnected.store(true, Ordering::SeqCst);
        self.shared.direct.close(capnp::Error::disconnected(
            "the connection is closed".into(),
        ));
        let entries = std::mem::take(&mut *self.entries.borrow_mut());
        drop(entries);
        let pool = std::mem::take(&mut *self.pool.borrow_mut());
        drop(pool);
        let map = self.peer_thread_map.borrow_mut().take();
        drop(map);
        let idle = std::mem::take(&mut *self.async_threads.borrow_mut());
        drop(idle);
        let callback = self.async_callback.borrow_mut().take();
        drop(callback);
        let callbacks = std::mem::take(&mut *self.on_close.borrow_mut());
        for f in callbacks {
            f();
        }
        true
    }

    /// Closes the connection at this side's request: flushes what is queued, shuts the
    /// socket down and removes the connection once the RPC system has stopped.
    pub(crate) fn close(self: &Rc<Self>) {
        if !self.mark_closed() {
            return;
        }
        let disconnector = self.disconnector.borrow_mut().take();
        let this = self.clone();
        tokio::task::spawn_local(async move {
            if let Some(d) = disconnector {
                // As in `open`: a panic while capnp-rpc shuts down must not skip `finish`.
                let _ = AssertUnwindSafe(d).catch_unwind().await;
            }
            if let Some(task) = this.task.borrow_mut().take() {
                task.abort();
            }
            let linger = this.linger.borrow_mut().take();
            if let Some(socket) = linger {
                drain_until_peer_closes(socket).await;
            }
            this.finish(None);
        });
    }

    /// The RPC system stopped (peer gone or our close finished): log, clean up, unregister.
    fn finish(&self, error: Option<capnp::Error>) {
        // User code runs in here (close hooks, the log callback); if it panics, the
        // connection is still removed and its loop reference released below.
        let unexpected =
            std::panic::catch_unwind(AssertUnwindSafe(|| self.mark_closed())).unwrap_or(true);
        let _ = std::panic::catch_unwind(AssertUnwindSafe(|| self.log_finish(unexpected, error)));
        self.disconnector.borrow_mut().take();
        self.linger.borrow_mut().take();
        if let Some(state) = loop_state() {
            let removed = state.slot::<Connections>().0.borrow_mut().remove(&self.id);
            drop(removed);
        }
        // Dropping the reference last lets the loop exit once nothing else uses it.
        let loop_ref = self.loop_ref.borrow_mut().take();
        drop(loop_ref);
    }

    /// The lines the original logs when a connection ends.
    fn log_finish(&self, unexpected: bool, error: Option<capnp::Error>) {
        match self.side {
            Side::Client if unexpected => self.lp.log_here(
                LogLevel::Warning,
                "IPC client: unexpected network disconnect.",
            ),
            Side::Client => {}
            Side::Server => self
                .lp
                .log_here(LogLevel::Info, "IPC server: socket disconnected."),
        }
        if let Some(e) = error.filter(|_| unexpected) {
            self.lp
                .log_here(LogLevel::Info, format!("IPC connection error: {e}"));
        }
    }

    /// The local `Thread` standing for thread `key` (blocked in a call), created on first use.
    pub(crate) fn callback_thread(
        &self,
        key: ThreadKey,
        name: &str,
        waiter: &Arc<Waiter>,
    ) -> thread::Client {
        let mut entries = self.entries.borrow_mut();
        let entry = entries.entry(key).or_default();
        if let Some(t) = &entry.callback_thread {
            return t.clone();
        }
        let server = ThreadServer::for_caller(name.to_string(), waiter.clone());
        let client = self.threads.borrow_mut().new_client(server);
        entry.callback_thread = Some(client.clone());
        client
    }

    /// The peer thread that runs thread `key`'s calls, created with a pipelined `makeThread`
    /// on first use.
    pub(crate) fn request_thread(&self, key: ThreadKey, name: &str) -> Result<thread::Client> {
        let mut entries = self.entries.borrow_mut();
        let entry = entries.entry(key).or_default();
        if let Some(t) = &entry.request_thread {
            return Ok(t.clone());
        }
        let (client, made_by) = self.make_remote_thread(name, Some(key))?;
        entry.request_thread = Some(client.clone());
        entry.made_by = Some(made_by);
        Ok(client)
    }

    /// Asks the peer for a new thread (`makeThread`), returning its pipelined capability. If
    /// the peer refuses (its thread limit, say), thread `key` forgets that thread, so that its
    /// next call asks again rather than fail for as long as the thread lives.
    fn make_remote_thread(
        &self,
        name: &str,
        key: Option<ThreadKey>,
    ) -> Result<(thread::Client, thread_map::make_thread_results::Pipeline)> {
        let map = self.peer_thread_map.borrow().clone().ok_or_else(|| {
            Error::failed("IPC client: the peer sent no ThreadMap (construct was not called), so no thread can be made")
        })?;
        let mut request = map.make_thread_request();
        request.get().set_name(name);
        let remote = request.send();
        let client = remote.pipeline.get_result();
        let pipeline = remote.pipeline;
        let lp = self.lp.clone();
        let (id, made) = (self.id, client.client.hook.get_ptr());
        tokio::task::spawn_local(async move {
            if let Err(e) = remote.promise.await {
                lp.log(LogLevel::Info, format!("IPC client makeThread failed: {e}"));
                let conn = ConnState::get(id);
                let mut entries = conn.as_ref().map(|c| c.entries.borrow_mut());
                let entry = entries.as_mut().zip(key).and_then(|(e, k)| e.get_mut(&k));
                if let Some(entry) = entry {
                    let same = entry
                        .request_thread
                        .as_ref()
                        .map(|t| t.client.hook.get_ptr());
                    if same == Some(made) {
                        entry.request_thread = None;
                        entry.made_by = None;
                        entry.end_direct();
                    }
                }
            }
        });
        Ok((client, pipeline))
    }

    /// A peer thread for one async call (an idle one, or a new one made with a pipelined
    /// `makeThread`), and the local thread that runs the peer's callbacks during async calls.
    pub(crate) fn take_async_threads(&self) -> Result<(thread::Client, thread::Client)> {
        let callback = {
            let mut slot = self.async_callback.borrow_mut();
            match &*slot {
                Some(c) => c.clone(),
                None => {
                    let server =
                        ThreadServer::start_worker(self.lp.exe_name(), "(async callbacks)".into())
                            .map_err(|e| Error::failed(format!("cannot start thread: {e}")))?;
                    let client = self.threads.borrow_mut().new_client(server);
                    *slot = Some(client.clone());
                    client
                }
            }
        };
        if let Some(thread) = self.async_threads.borrow_mut().pop() {
            return Ok((thread, callback));
        }
        let n = self.async_made.get() + 1;
        self.async_made.set(n);
        let name = format!("{} (async {n})", os_thread_name(self.lp.exe_name()));
        let (thread, _) = self.make_remote_thread(&name, None)?;
        Ok((thread, callback))
    }

    /// Gives a peer thread back after an async call.
    pub(crate) fn return_async_thread(&self, thread: thread::Client) {
        if !self.closing.get() {
            self.async_threads.borrow_mut().push(thread);
        }
    }

    /// Starts the connection's pool (`makePool`) off the loop thread, within the loop's
    /// [`Limits`](crate::Limits); resolves once the threads run.
    pub(crate) fn make_pool(
        self: &Rc<Self>,
        count: u32,
    ) -> impl std::future::Future<Output = Result<(), capnp::Error>> + 'static {
        let checked = self.check_pool(count);
        let weak = Rc::downgrade(self);
        let exe_name = self.lp.exe_name().to_string();
        async move {
            checked?;
            let started = start_pool(&exe_name, count).await;
            let conn = weak
                .upgrade()
                .ok_or_else(|| capnp::Error::disconnected("connection closed".into()))?;
            conn.pool_pending.set(false);
            let servers =
                started.map_err(|e| capnp::Error::failed(format!("cannot start thread: {e}")))?;
            if conn.closing.get() {
                return Err(capnp::Error::disconnected("connection closed".into()));
            }
            for server in &servers {
                conn.note_thread(server);
            }
            *conn.pool.borrow_mut() = servers.into_iter().map(PoolSlot::new).collect();
            Ok(())
        }
    }

    /// Refuses a second pool and one beyond the limits; else marks a pool as starting.
    fn check_pool(&self, count: u32) -> Result<(), capnp::Error> {
        if !self.pool.borrow().is_empty() || self.pool_pending.get() {
            return Err(capnp::Error::failed(
                "std::exception: makePool called on connection with existing pool".into(),
            ));
        }
        let max = self.lp.limits().max_pool_threads;
        if count > max {
            return Err(capnp::Error::failed(format!(
                "makePool: a pool of {count} threads was asked for; at most {max} are allowed \
                 per connection (mp::Limits::max_pool_threads)"
            )));
        }
        self.check_thread_room(count as usize)?;
        self.pool_pending.set(count > 0);
        Ok(())
    }

    /// Refuses `more` threads if the connection's threads would exceed the loop's limit.
    pub(crate) fn check_thread_room(&self, more: usize) -> Result<(), capnp::Error> {
        let mut made = self.made_threads.borrow_mut();
        made.retain(|w| w.strong_count() > 0);
        let max = self.lp.limits().max_threads_per_connection;
        if made.len() + more > max {
            return Err(capnp::Error::failed(format!(
                "cannot start thread: this connection already has {} threads made for the peer; \
                 at most {max} are allowed (mp::Limits::max_threads_per_connection)",
                made.len()
            )));
        }
        Ok(())
    }

    /// Counts a worker made for the peer against the limit until its thread exits.
    pub(crate) fn note_thread(&self, server: &ThreadServer) {
        self.made_threads
            .borrow_mut()
            .push(Arc::downgrade(&server.waiter));
    }

    /// Forgets thread `key`'s entries, releasing its peer thread.
    fn forget(&self, key: ThreadKey) {
        let removed = self.entries.borrow_mut().remove(&key);
        if let Some(export) = removed.as_ref().and_then(|e| e.kept_export) {
            self.shared.direct.give_back(export);
        }
        drop(removed);
    }

    /// Lets thread `key`'s direct calls name its threads as capnp-rpc just sent them, with
    /// `export` as its `callbackThread`: keeps a reference of that export counted for as
    /// long as the thread's entry lives. Gives the flag that says the names are still valid;
    /// `None` if the thread has no entry, or keeps another number (capnp-rpc exported the
    /// thread anew: direct calls then keep to the one they know).
    pub(crate) fn keep_callback_export(
        &self,
        key: ThreadKey,
        export: u32,
    ) -> Option<Arc<AtomicBool>> {
        let mut entries = self.entries.borrow_mut();
        let entry = entries.get_mut(&key)?;
        if entry.callback_thread.is_none() || entry.request_thread.is_none() {
            return None;
        }
        match entry.kept_export {
            Some(kept) if kept != export => return None,
            Some(_) => {}
            None => {
                entry.kept_export = Some(export);
                self.shared.direct.keep(export);
            }
        }
        Some(
            entry
                .direct_valid
                .get_or_insert_with(|| Arc::new(AtomicBool::new(true)))
                .clone(),
        )
    }
}

/// After our last message (capnp-rpc's `Abort`) is written: shut our side down for writing
/// and read until the peer closes its side, for at most `LINGER`. Closing at once would make
/// the kernel fail the peer's next write, and a peer whose write fails stops reading, so it
/// could lose the messages we sent last (a `Release` after `destroy`, the `Finish` of the
/// last call). The original also shuts down writing before it closes.
async fn drain_until_peer_closes(socket: Rc<Socket>) {
    socket.shutdown_write();
    let drain = async {
        let mut buf = [0u8; 4096];
        loop {
            match socket.readable().await {
                Ok(()) => match socket.try_read(&mut buf) {
                    Ok(0) => return,
                    Ok(_) => continue,
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
                    Err(_) => return,
                },
                Err(_) => return,
            }
        }
    };
    let _ = tokio::time::timeout(LINGER, drain).await;
}

/// How long a closing connection waits for the peer to close its side.
const LINGER: std::time::Duration = std::time::Duration::from_millis(500);

/// The message of a caught panic, if it is text.
fn panic_text(panic: &(dyn std::any::Any + Send)) -> &str {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s
    } else {
        "(no message)"
    }
}

/// Removes thread `key`'s entries from every connection of the current loop.
pub(crate) fn forget_thread(key: ThreadKey) {
    let Some(state) = loop_state() else { return };
    let conns: Vec<Rc<ConnState>> = state
        .slot::<Connections>()
        .0
        .borrow()
        .values()
        .cloned()
        .collect();
    for conn in conns {
        conn.forget(key);
    }
}

/// Owner of a connection made by `connect_stream`: dropping it closes the connection.
pub(crate) struct ConnOwner {
    pub(crate) shared: Arc<Connection>,
}

impl Drop for ConnOwner {
    fn drop(&mut self) {
        let id = self.shared.id;
        let close = move || {
            if let Some(conn) = ConnState::get(id) {
                conn.close();
            }
        };
        if self.shared.lp.on_loop_thread() {
            close();
        } else {
            let _ = self.shared.lp.post(close);
        }
    }
}
