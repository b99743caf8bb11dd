//! Questions that calling threads asked themselves (`direct.rs`), and the routing of their
//! `Return`s to those threads instead of capnp-rpc.
//!
//! capnp-rpc numbers its questions from 0 up and reuses freed numbers, so it stays far
//! below [`FIRST_ID`]; the numbers from there up are ours. A `Return` for one of them is
//! taken off the stream by the loop's reader and handed to the waiting thread; the loop
//! answers it with the `Finish` (and `Release`s of any capability the peer put in the
//! results, which such a call does not expect) that capnp-rpc would have sent.

use std::collections::HashMap;
use std::sync::Mutex;

use capnp::message::Reader;
use capnp_rpc::rpc_capnp::{cap_descriptor, message, return_};

use crate::transport::buffer::FrameSegments;

/// The first question number used by calling threads.
pub(crate) const FIRST_ID: u32 = 1 << 31;

/// A received message.
pub(crate) type Received = Reader<FrameSegments>;

/// Hands a reply (or why there is none) to the thread that asked.
pub(crate) type Deliver = Box<dyn FnOnce(capnp::Result<Received>) + Send>;

struct Table {
    /// Set once the connection is gone: no new questions.
    closed: Option<capnp::Error>,
    next: u32,
    waiting: HashMap<u32, Deliver>,
}

/// The questions of one connection that threads wait on.
pub(crate) struct Replies {
    table: Mutex<Table>,
}

/// What the reader does with a received message.
pub(crate) enum Route {
    /// Not ours: capnp-rpc's.
    Rpc(Received),
    /// The `Return` of a thread's question, delivered; send these in answer.
    Answered { finish: u32, release: Vec<u32> },
}

impl Replies {
    pub(crate) fn new() -> Replies {
        Replies {
            table: Mutex::new(Table {
                closed: None,
                next: FIRST_ID,
                waiting: HashMap::new(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A new question number whose `Return` goes to `deliver`; fails once closed.
    pub(crate) fn ask(&self, deliver: Deliver) -> capnp::Result<u32> {
        let mut t = self.lock();
        if let Some(e) = &t.closed {
            return Err(e.clone());
        }
        let mut id = t.next;
        while t.waiting.contains_key(&id) {
            id = next_id(id);
        }
        t.next = next_id(id);
        t.waiting.insert(id, deliver);
        Ok(id)
    }

    /// Forgets question `id` (its `Call` could not be sent); its `deliver` is dropped unrun.
    pub(crate) fn forget(&self, id: u32) {
        let removed = self.lock().waiting.remove(&id);
        drop(removed);
    }

    /// The connection is gone: every waiting thread gets `error`, and no question is asked
    /// from now on.
    pub(crate) fn close(&self, error: capnp::Error) {
        let waiting = {
            let mut t = self.lock();
            if t.closed.is_none() {
                t.closed = Some(error.clone());
            }
            std::mem::take(&mut t.waiting)
        };
        for (_, deliver) in waiting {
            deliver(Err(error.clone()));
        }
    }

    /// Takes `message` for a waiting thread if it is the `Return` of one of their
    /// questions. A `Return` for a number of ours that nobody waits on is a protocol error,
    /// as capnp-rpc treats an unknown question.
    pub(crate) fn route(&self, message: Received) -> capnp::Result<Route> {
        let Some((id, release)) = thread_return(&message)? else {
            return Ok(Route::Rpc(message));
        };
        let deliver = self.lock().waiting.remove(&id).ok_or_else(|| {
            capnp::Error::failed(format!(
                "the peer sent a Return for question {id}, which was not asked or is answered"
            ))
        })?;
        deliver(Ok(message));
        Ok(Route::Answered {
            finish: id,
            release,
        })
    }
}

fn next_id(id: u32) -> u32 {
    if id == u32::MAX {
        FIRST_ID
    } else {
        id + 1
    }
}

/// The question number of a `Return` to one of the threads' questions, and the capabilities
/// its results carry (to release); `None` for any other message.
fn thread_return(message: &Received) -> capnp::Result<Option<(u32, Vec<u32>)>> {
    let root: message::Reader<'_> = match message.get_root() {
        Ok(root) => root,
        // Not even a message: capnp-rpc reports it.
        Err(_) => return Ok(None),
    };
    let Ok(message::Return(ret)) = root.which() else {
        return Ok(None);
    };
    let ret = ret?;
    let id = ret.get_answer_id();
    if id < FIRST_ID {
        return Ok(None);
    }
    let mut release = Vec::new();
    if let Ok(return_::Results(payload)) = ret.which() {
        if let Ok(table) = payload?.get_cap_table() {
            for cap in table.iter() {
                match cap.which() {
                    Ok(cap_descriptor::SenderHosted(id))
                    | Ok(cap_descriptor::SenderPromise(id)) => release.push(id),
                    _ => {}
                }
            }
        }
    }
    Ok(Some((id, release)))
}
