//! A connection's pool (`makePool`): worker threads that run calls whose `Context` names no
//! thread, each call on the slot with the shortest queue.

use std::cell::Cell;
use std::rc::Rc;

use crate::connection::thread_server::ThreadServer;

/// A pool thread and the number of requests queued to it.
pub(crate) struct PoolSlot {
    pub(crate) server: Rc<ThreadServer>,
    in_flight: Rc<Cell<usize>>,
}

impl PoolSlot {
    /// Makes a started worker a pool slot.
    pub(crate) fn new(server: ThreadServer) -> Self {
        PoolSlot {
            server: Rc::new(server),
            in_flight: Rc::new(Cell::new(0)),
        }
    }
}

/// Starts `count` pool threads of a process named `exe_name` on a thread of its own, so the
/// loop thread keeps serving while they start; resolves to the started workers, or to the
/// first error (the workers already started then stop again).
pub(crate) async fn start_pool(exe_name: &str, count: u32) -> std::io::Result<Vec<ThreadServer>> {
    let exe_name = exe_name.to_string();
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new().spawn(move || {
        let started: std::io::Result<Vec<ThreadServer>> = (0..count)
            .map(|i| ThreadServer::start_worker(&exe_name, format!("(pool/{i})")))
            .collect();
        let _ = tx.send(started);
    })?;
    rx.await
        .map_err(|_| std::io::Error::other("the thread starting the pool stopped"))?
}

/// Counts a request against its pool slot until it finishes or is cancelled.
pub(crate) struct InFlight(Rc<Cell<usize>>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.set(self.0.get().saturating_sub(1));
    }
}

/// The slot with the shortest queue, and the token that counts the request against it.
pub(crate) fn pick(pool: &[PoolSlot]) -> Option<(Rc<ThreadServer>, InFlight)> {
    let slot = pool.iter().min_by_key(|slot| slot.in_flight.get())?;
    slot.in_flight.set(slot.in_flight.get() + 1);
    Some((slot.server.clone(), InFlight(slot.in_flight.clone())))
}
