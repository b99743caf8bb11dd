//! Connections with any interface descriptor: connect (with `construct`), serve a stream,
//! listen on a socket, with hooks for connections opening and closing.

use std::cell::Cell;
use std::os::unix::net::{UnixListener, UnixStream};
use std::rc::Rc;
use std::sync::Arc;

use capnp_rpc::rpc_twoparty_capnp::Side;

use crate::connection::conn_state::{BootstrapFactory, ConnOwner, ConnState};
use crate::core::client::ProxyClient;
use crate::core::descriptor::InterfaceDesc;
use crate::core::dispatch::Dispatch;
use crate::core::raw_struct::init_pointers;
use crate::core::server::new_server_client;
use crate::event_loop::loop_thread::EventLoop;
use crate::os::error::{Error, Result};
use crate::os::log::LogLevel;

/// Connects to the process serving the other end of `stream` and returns its bootstrap
/// capability as a proxy of `desc`, after calling `construct` (which exchanges the two sides'
/// `ThreadMap`s) if the interface has it. Dropping the returned proxy closes the connection.
///
/// An interface whose methods take a `Context` but that has no `construct` is refused at
/// once: without the peer's `ThreadMap` none of those calls could run.
pub fn connect(
    lp: &EventLoop,
    stream: UnixStream,
    desc: &'static InterfaceDesc,
) -> Result<ProxyClient> {
    if desc.construct.is_none() && desc.methods.iter().any(|m| m.context.is_some()) {
        return Err(Error::invalid_argument(format!(
            "cannot bootstrap {}: it has no `construct` method, so the peer's ThreadMap never \
             arrives and no method taking a Context could run; declare \
             `construct @0 (threadMap :Proxy.ThreadMap) -> (threadMap :Proxy.ThreadMap)` in it",
            desc.name
        )));
    }
    let loop_ref = lp.add_ref();
    let lp2 = lp.clone();
    let client = lp.sync(move || -> Result<ProxyClient> {
        let (conn, peer) = ConnState::open(&lp2, loop_ref, stream, Side::Client, None)?;
        let peer = peer.ok_or_else(|| Error::failed("no bootstrap capability"))?;
        let owner = ConnOwner {
            shared: conn.shared.clone(),
        };
        Ok(ProxyClient::new(&conn, peer, Some(desc), Some(owner)))
    })??;
    if let Some(construct) = desc.construct {
        // `construct` has no fields but the `ThreadMap` the core fills.
        let pointers = construct.runtime_param_pointers();
        client.call(
            construct,
            move |_, params| {
                init_pointers(params, pointers);
                Ok(())
            },
            |_, _| Ok(()),
        )?;
    }
    Ok(client)
}

fn bootstrap_factory(dispatch: Arc<dyn Dispatch>) -> BootstrapFactory {
    Box::new(move |conn: &Rc<ConnState>| new_server_client(conn, dispatch))
}

/// Serves `dispatch` as the bootstrap capability on `stream`. The connection keeps the loop
/// alive until the peer disconnects. May be called before the loop runs.
pub fn serve(lp: &EventLoop, stream: UnixStream, dispatch: Arc<dyn Dispatch>) -> Result<()> {
    let loop_ref = lp.add_ref();
    let lp2 = lp.clone();
    lp.post(move || {
        let opened = ConnState::open(
            &lp2,
            loop_ref,
            stream,
            Side::Server,
            Some(bootstrap_factory(dispatch)),
        );
        if let Err(e) = opened {
            lp2.log(
                LogLevel::Error,
                format!("IPC server: cannot serve stream: {e}"),
            );
        }
    })
}

/// A connection accepted by [`listen`] opened or closed; `open` counts the connections open
/// after the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionEvent {
    /// A connection was accepted.
    Opened {
        /// Connections open now.
        open: usize,
    },
    /// A connection closed (the peer left, or this side closed it).
    Closed {
        /// Connections open now; 0 when the last client has left.
        open: usize,
    },
}

/// Called on the loop thread for each [`ConnectionEvent`]; must not block.
pub type ConnectionHook = Arc<dyn Fn(ConnectionEvent) + Send + Sync>;

/// How [`listen`] accepts connections.
#[derive(Clone, Default)]
pub struct ListenOptions {
    /// No further connection is accepted while this many are open; accepting resumes when
    /// one closes.
    pub max_connections: Option<usize>,
    /// Told when a connection opens or closes. A server that must exit when its last client
    /// leaves (the original's `--once`) holds an `EventLoopRef` and drops it on
    /// `Closed { open: 0 }`.
    pub on_event: Option<ConnectionHook>,
}

impl std::fmt::Debug for ListenOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListenOptions")
            .field("max_connections", &self.max_connections)
            .field("on_event", &self.on_event.is_some())
            .finish()
    }
}

/// Makes the dispatch object for each accepted connection's bootstrap capability.
pub type DispatchFactory = Arc<dyn Fn() -> Arc<dyn Dispatch> + Send + Sync>;

/// Accepts connections on `listener` (already bound and listening, e.g. by
/// [`bind_unix`](crate::bind_unix)) and serves a bootstrap capability made by `make` on each.
/// A failed `accept` (out of fds, a client gone before it was accepted) is logged and retried
/// after a short pause; the listener never gives up. It does not keep the loop alive by itself.
pub fn listen(
    lp: &EventLoop,
    listener: UnixListener,
    make: DispatchFactory,
    options: ListenOptions,
) -> Result<()> {
    listener.set_nonblocking(true)?;
    let lp2 = lp.clone();
    lp.post(move || {
        let listener = match tokio::net::UnixListener::from_std(listener) {
            Ok(l) => l,
            Err(e) => {
                lp2.log(LogLevel::Error, format!("IPC server: cannot listen: {e}"));
                return;
            }
        };
        tokio::task::spawn_local(accept_loop(lp2, listener, make, options));
    })
}

/// The first pause after a failed `accept`; it doubles with each failure in a row.
const ACCEPT_BACKOFF_MIN: std::time::Duration = std::time::Duration::from_millis(10);
/// The longest pause between two `accept` attempts.
const ACCEPT_BACKOFF_MAX: std::time::Duration = std::time::Duration::from_millis(500);

async fn accept_loop(
    lp: EventLoop,
    listener: tokio::net::UnixListener,
    make: DispatchFactory,
    options: ListenOptions,
) {
    let open = Rc::new(Cell::new(0usize));
    let resume = Rc::new(tokio::sync::Notify::new());
    let mut backoff = ACCEPT_BACKOFF_MIN;
    loop {
        while options.max_connections.is_some_and(|max| open.get() >= max) {
            resume.notified().await;
        }
        let stream = match listener.accept().await {
            Ok((stream, _)) => {
                backoff = ACCEPT_BACKOFF_MIN;
                stream
            }
            Err(e) => {
                // Out of fds (EMFILE, ENFILE), a client that left before we accepted
                // (ECONNABORTED), ...: none of them is the listener's fault. Keep listening,
                // after a pause that gives other connections time to close.
                lp.log(
                    LogLevel::Error,
                    format!(
                        "IPC server: accept failed: {e}; retrying in {} ms",
                        backoff.as_millis()
                    ),
                );
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(ACCEPT_BACKOFF_MAX);
                continue;
            }
        };
        let stream = match stream.into_std() {
            Ok(s) => s,
            Err(e) => {
                lp.log(LogLevel::Error, format!("IPC server: accept failed: {e}"));
                continue;
            }
        };
        let opened = ConnState::open(
            &lp,
            lp.add_ref(),
            stream,
            Side::Server,
            Some(bootstrap_factory(make())),
        );
        match opened {
            Ok((conn, _)) => {
                open.set(open.get() + 1);
                if let Some(hook) = &options.on_event {
                    hook(ConnectionEvent::Opened { open: open.get() });
                }
                let (open, resume, hook) = (open.clone(), resume.clone(), options.on_event.clone());
                conn.on_close(move || {
                    open.set(open.get() - 1);
                    resume.notify_one();
                    if let Some(hook) = hook {
                        hook(ConnectionEvent::Closed { open: open.get() });
                    }
                });
            }
            Err(e) => lp.log(
                LogLevel::Error,
                format!("IPC server: cannot serve connection: {e}"),
            ),
        }
    }
}
