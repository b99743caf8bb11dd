//! Making connections: `connect_stream`, `serve_stream` and `listen_connections`.

use std::cell::Cell;
use std::os::unix::net::{UnixListener, UnixStream};
use std::rc::Rc;
use std::sync::Arc;

use capnp_rpc::rpc_twoparty_capnp::Side;

use crate::client::ProxyClient;
use crate::connection::{BootstrapFactory, ConnOwner, ConnState};
use crate::error::{Error, Result};
use crate::event_loop::EventLoop;
use crate::interface::Interface;
use crate::log::LogLevel;
use crate::server::new_server_client;

/// Connects to the process serving the other end of `stream` and returns its bootstrap
/// interface (`Init`), after calling `construct` if the interface has it. Dropping the
/// returned proxy closes the connection.
pub fn connect_stream<I: Interface + ?Sized>(lp: &EventLoop, stream: UnixStream) -> Result<Box<I>> {
    Ok(I::make_client(connect_stream_proxy::<I>(lp, stream)?))
}

/// Like [`connect_stream`], but returns the untyped [`ProxyClient`] (for raw calls).
pub fn connect_stream_proxy<I: Interface + ?Sized>(
    lp: &EventLoop,
    stream: UnixStream,
) -> Result<ProxyClient> {
    let loop_ref = lp.add_ref();
    let lp2 = lp.clone();
    let client = lp.sync(move || -> Result<ProxyClient> {
        let (conn, peer) = ConnState::open(&lp2, loop_ref, stream, Side::Client, None)?;
        let peer = peer.ok_or_else(|| Error::failed("no bootstrap capability"))?;
        let owner = ConnOwner {
            shared: conn.shared.clone(),
        };
        Ok(ProxyClient::new(
            &conn,
            peer,
            Some(I::NAME),
            I::DESTROY,
            Some(owner),
        ))
    })??;
    I::construct(&client)?;
    Ok(client)
}

fn bootstrap_factory<I: Interface + ?Sized>(init: Arc<I>) -> BootstrapFactory {
    Box::new(move |conn: &Rc<ConnState>| new_server_client(conn, I::make_server(init)))
}

/// Serves `init` as the bootstrap interface on `stream`. The connection keeps the loop alive
/// until the peer disconnects. May be called before the loop runs.
pub fn serve_stream<I: Interface + ?Sized>(
    lp: &EventLoop,
    stream: UnixStream,
    init: Arc<I>,
) -> Result<()> {
    let loop_ref = lp.add_ref();
    let lp2 = lp.clone();
    lp.post(move || {
        if let Err(e) = ConnState::open(
            &lp2,
            loop_ref,
            stream,
            Side::Server,
            Some(bootstrap_factory(init)),
        ) {
            lp2.log(
                LogLevel::Error,
                format!("IPC server: cannot serve stream: {e}"),
            );
        }
    })
}

/// Accepts connections on `listener` (already bound and listening) and serves `init` on each,
/// with one bootstrap capability per connection. With `max_connections`, no further connection
/// is accepted while that many are open; accepting resumes when one closes. The listener
/// does not keep the loop alive by itself.
pub fn listen_connections<I: Interface + ?Sized>(
    lp: &EventLoop,
    listener: UnixListener,
    init: Arc<I>,
    max_connections: Option<usize>,
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
        tokio::task::spawn_local(accept_loop(lp2, listener, init, max_connections));
    })
}

async fn accept_loop<I: Interface + ?Sized>(
    lp: EventLoop,
    listener: tokio::net::UnixListener,
    init: Arc<I>,
    max_connections: Option<usize>,
) {
    let open = Rc::new(Cell::new(0usize));
    let resume = Rc::new(tokio::sync::Notify::new());
    loop {
        while max_connections.is_some_and(|max| open.get() >= max) {
            resume.notified().await;
        }
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                lp.log(LogLevel::Error, format!("IPC server: accept failed: {e}"));
                return;
            }
        };
        let stream = match stream.into_std() {
            Ok(s) => s,
            Err(e) => {
                lp.log(LogLevel::Error, format!("IPC server: accept failed: {e}"));
                continue;
            }
        };
        match ConnState::open(
            &lp,
            lp.add_ref(),
            stream,
            Side::Server,
            Some(bootstrap_factory(init.clone())),
        ) {
            Ok((conn, _)) => {
                open.set(open.get() + 1);
                let (open, resume) = (open.clone(), resume.clone());
                conn.on_close(move || {
                    open.set(open.get() - 1);
                    resume.notify_one();
                });
            }
            Err(e) => lp.log(
                LogLevel::Error,
                format!("IPC server: cannot serve connection: {e}"),
            ),
        }
    }
}

/// The whole life of a spawned child: takes the socket named by `connect_info` (the fd the
/// parent passed, see [`crate::start_spawned`]), serves `init` on it with a new event loop on
/// the calling thread, and returns when the parent closes the connection.
pub fn serve_spawned<I: Interface + ?Sized>(
    exe_name: &str,
    connect_info: &str,
    log: crate::log::LogOptions,
    init: Arc<I>,
) -> Result<()> {
    let stream = crate::spawn::start_spawned(connect_info)?;
    let lp = EventLoop::new(exe_name, log);
    serve_stream(&lp, stream, init)?;
    lp.run();
    Ok(())
}
