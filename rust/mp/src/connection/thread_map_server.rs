//! The server of the `ThreadMap` interface of `proxy.capnp`: lets the peer create threads in
//! this process, for one connection.

use std::rc::{Rc, Weak};

use capnp::capability::Promise;

use crate::connection::conn_state::ConnState;
use crate::connection::thread_server::ThreadServer;
use crate::proxy_capnp::thread_map;

/// A new local `ThreadMap` capability for the peer of `conn` (sent in `construct` and similar
/// fields).
pub(crate) fn new_thread_map(conn: &Rc<ConnState>) -> thread_map::Client {
    capnp_rpc::new_client(ThreadMapServer {
        conn: Rc::downgrade(conn),
    })
}

/// Lets the peer create threads in this process, for one connection.
struct ThreadMapServer {
    conn: Weak<ConnState>,
}

impl thread_map::Server for ThreadMapServer {
    fn make_thread(
        self: Rc<Self>,
        params: thread_map::MakeThreadParams,
        mut results: thread_map::MakeThreadResults,
    ) -> impl std::future::Future<Output = Result<(), capnp::Error>> + 'static {
        let result = (|| {
            let conn = self
                .conn
                .upgrade()
                .ok_or_else(|| capnp::Error::disconnected("connection closed".into()))?;
            let from = params.get()?.get_name()?;
            let from = String::from_utf8_lossy(from.as_bytes()).into_owned();
            conn.check_thread_room(1)?;
            let server = ThreadServer::start_worker(conn.lp.exe_name(), format!("(from {from})"))
                .map_err(|e| capnp::Error::failed(format!("cannot start thread: {e}")))?;
            conn.note_thread(&server);
            let client = conn.threads.borrow_mut().new_client(server);
            results.get().set_result(client);
            Ok(())
        })();
        std::future::ready(result)
    }

    fn make_pool(
        self: Rc<Self>,
        params: thread_map::MakePoolParams,
        _: thread_map::MakePoolResults,
    ) -> impl std::future::Future<Output = Result<(), capnp::Error>> + 'static {
        let pool = (|| {
            let conn = self
                .conn
                .upgrade()
                .ok_or_else(|| capnp::Error::disconnected("connection closed".into()))?;
            let count = params.get()?.get_count();
            Ok::<_, capnp::Error>(conn.make_pool(count))
        })();
        Promise::from_future(async move { pool?.await })
    }
}
