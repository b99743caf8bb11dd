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
    /// Starts pool thread number `index` of a process named `exe_name`.
    pub(crate) fn start(exe_name: &str, index: u32) -> std::io::Result<Self> {
        let server = ThreadServer::start_worker(exe_name, format!("(pool/{index})"))?;
        Ok(PoolSlot {
            server: Rc::new(server),
            in_flight: Rc::new(Cell::new(0)),
        })
    }
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
