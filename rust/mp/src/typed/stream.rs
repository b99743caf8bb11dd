//! Making connections with a typed interface: `connect_stream`, `serve_stream`,
//! `listen_connections` and the whole life of a spawned child, `serve_spawned`.

use std::os::unix::net::{UnixListener, UnixStream};
use std::sync::Arc;

use crate::core::{connect, listen, serve, Dispatch, ListenOptions, ProxyClient};
use crate::event_loop::loop_thread::EventLoop;
use crate::os::error::Result;
use crate::os::log::LogOptions;
use crate::typed::interface::Interface;

/// Connects to the process serving the other end of `stream` and returns its bootstrap
/// interface (`Init`), after calling `construct` if the interface has it. Dropping the
/// returned proxy closes the connection.
pub fn connect_stream<I: Interface + ?Sized>(lp: &EventLoop, stream: UnixStream) -> Result<Box<I>> {
    Ok(I::make_client(connect(lp, stream, I::DESC)?))
}

/// Like [`connect_stream`], but returns the untyped [`ProxyClient`] (for raw calls).
pub fn connect_stream_proxy<I: Interface + ?Sized>(
    lp: &EventLoop,
    stream: UnixStream,
) -> Result<ProxyClient> {
    connect(lp, stream, I::DESC)
}

/// Serves `init` as the bootstrap interface on `stream`. The connection keeps the loop alive
/// until the peer disconnects. May be called before the loop runs.
pub fn serve_stream<I: Interface + ?Sized>(
    lp: &EventLoop,
    stream: UnixStream,
    init: Arc<I>,
) -> Result<()> {
    serve(lp, stream, I::make_server(init))
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
    let options = ListenOptions {
        max_connections,
        ..ListenOptions::default()
    };
    listen_connections_with(lp, listener, init, options)
}

/// Like [`listen_connections`], with hooks for connections opening and closing (see
/// [`ListenOptions`]).
pub fn listen_connections_with<I: Interface + ?Sized>(
    lp: &EventLoop,
    listener: UnixListener,
    init: Arc<I>,
    options: ListenOptions,
) -> Result<()> {
    let make = move || -> Arc<dyn Dispatch> { I::make_server(init.clone()) };
    listen(lp, listener, Arc::new(make), options)
}

/// The whole life of a spawned child: takes the socket named by `connect_info` (the fd the
/// parent passed, see [`crate::start_spawned`]), serves `init` on it with a new event loop on
/// the calling thread, and returns when the parent closes the connection.
pub fn serve_spawned<I: Interface + ?Sized>(
    exe_name: &str,
    connect_info: &str,
    log: LogOptions,
    init: Arc<I>,
) -> Result<()> {
    let stream = crate::os::spawn::start_spawned(connect_info)?;
    let lp = EventLoop::new(exe_name, log);
    serve_stream(&lp, stream, init)?;
    lp.run();
    Ok(())
}
