//! Calls served without capnp-rpc: a thread that reads a `Call` off the socket hands it
//! straight to the thread it names, which runs it and writes the `Return` itself.
//!
//! Through capnp-rpc, a call with a `Context` costs the loop a wake-up to read it and a
//! hand-over to the worker: two thread hops on the server where the floor has one. A worker
//! that waits for its next call by reading the socket itself (`direct.rs`) is woken by the
//! peer's write alone, as a calling thread waiting for its reply already is.
//!
//! Only calls whose every part the core has seen go this way. The first call of a thread to
//! an object goes through capnp-rpc, and the core then notes ([`ServedCalls::learn`]) the
//! export it targeted, the export of the `Context`'s `thread` (the worker) and the import of
//! its `callbackThread`, whose capability the core keeps for later calls. A later `Call`
//! whose capability table is those two threads and at most 8 other exports of the peer's
//! (objects it passes, whose references the core then holds: `adopt.rs`), to a noted
//! object, is served directly ([`ServedCalls::sort`]). A `Release` of a noted export that reaches capnp-rpc
//! forgets it, so that a reused export number is never taken for the old object; one the
//! transport takes off the stream whole (references capnp-rpc did not count, `replies.rs`)
//! leaves capnp-rpc's export, and so the number, as it was.
//!
//! **Order.** A call served directly must not overtake one capnp-rpc got earlier and has
//! not yet handed to its thread (capnp's calls to one object arrive in order): while any
//! such call is pending, `Call`s go to capnp-rpc.
//!
//! **Questions.** The `Finish` of a question served directly never reaches capnp-rpc, which
//! does not know it; one that comes before the `Return` raises the call's cancel flag.

use std::any::Any;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use capnp::message::{Builder, HeapAllocator};
use capnp_rpc::rpc_capnp::{call, cap_descriptor, message, message_target};

use crate::os::waiter::Waiter;
use crate::transport::replies::Received;

/// Calls served directly in this process so far.
static SERVED: AtomicU64 = AtomicU64::new(0);

/// How many calls were served without capnp-rpc in this process so far (`served.rs`); for
/// tests and diagnostics.
pub fn calls_served_directly() -> u64 {
    SERVED.load(Ordering::Relaxed)
}

/// What the core keeps for a noted object or thread; the transport only passes it on.
pub(crate) type Kept = Arc<dyn Any + Send + Sync>;

/// A thread that runs calls served directly.
pub(crate) struct ServeThread {
    /// Where its calls are posted.
    pub(crate) waiter: Arc<Waiter>,
    /// The import of the caller's `callbackThread` its calls name.
    pub(crate) callback_import: u32,
    /// The core's capability for that `callbackThread`.
    pub(crate) callback: Kept,
}

/// A `Call` to serve directly, as the reader found it.
pub(crate) struct ServeCall {
    /// Entries of its capability table (the `Context`'s two threads and `extra`).
    pub(crate) table_len: u32,
    /// The peer's objects it carries besides the `Context`'s threads: (table index, our
    /// import number). Each is one reference the peer counted, which the core now holds
    /// (`adopt.rs`).
    pub(crate) extra: Vec<(u32, u32)>,
    /// The raw capability table when it has more than two entries, for capnp-rpc's turn
    /// should the core refuse the call.
    pub(crate) caps: Option<Vec<RawCap>>,
    pub(crate) message: Received,
    pub(crate) question: u32,
    /// What the core noted for the target.
    pub(crate) target: Kept,
    pub(crate) thread: Arc<ServeThread>,
    /// Our export of the `Context`'s `thread` (the worker's `Thread`).
    pub(crate) thread_export: u32,
    /// The capability table's entries for the `Context`'s `thread` and `callbackThread`.
    pub(crate) thread_index: u32,
    pub(crate) callback_index: u32,
    /// Raised by the peer's `Finish` before the `Return`, or by the connection's end.
    pub(crate) canceled: Arc<AtomicBool>,
}

/// The core's side: checks a call further and posts it to its thread.
pub(crate) trait ServeHook: Send + Sync {
    /// Takes `call` (posted to its thread, or answered with an error) or gives its message
    /// back for capnp-rpc.
    fn offer(&self, call: ServeCall) -> Result<(), Received>;
}

/// Most of the peer's objects a call served directly carries, with its `callbackThread`.
const SENDERS_AT_MOST: usize = 8;

/// The sender-hosted entries of a capability table: (the peer's export, table index).
#[derive(Clone, Copy)]
struct Senders {
    len: usize,
    entries: [(u32, u32); SENDERS_AT_MOST],
}

impl Senders {
    fn as_slice(&self) -> &[(u32, u32)] {
        &self.entries[..self.len]
    }

    /// The table index of the first entry naming `export`.
    fn index_of(&self, export: u32) -> Option<u32> {
        self.as_slice()
            .iter()
            .find(|&&(id, _)| id == export)
            .map(|&(_, i)| i)
    }
}

/// What a `Call`'s capability table and target showed.
#[derive(Clone, Copy)]
struct Shape {
    target: u32,
    /// Our export named as `thread` (receiver-hosted) and its table index.
    thread: (u32, u32),
    /// The peer's exports (sender-hosted): its `callbackThread`, and the objects it passes.
    senders: Senders,
    /// `releases` when the call was read.
    releases: u64,
}

struct Served {
    canceled: Arc<AtomicBool>,
    returned: bool,
    finished: bool,
}

#[derive(Default)]
struct Table {
    /// Noted objects, by our export number.
    targets: HashMap<u32, Kept>,
    /// Noted threads, by our export number.
    threads: HashMap<u32, Arc<ServeThread>>,
    /// Questions capnp-rpc got and has neither answered nor handed to a thread.
    pending: HashMap<u32, Pending>,
    /// Questions served directly, until both their `Return` and `Finish` are through.
    served: HashMap<u32, Served>,
    /// `Release`s that reached capnp-rpc so far.
    releases: u64,
    closed: bool,
}

/// A question capnp-rpc holds (see `Table::pending`).
struct Pending {
    /// Its shape, if calls like it could be served directly later.
    shape: Option<Shape>,
    /// Its capability table if the params carry more than the `Context`'s two threads, for
    /// the core to take when capnp-rpc hands the call over.
    caps: Option<Vec<RawCap>>,
}

/// One connection's calls served without capnp-rpc.
#[derive(Default)]
pub(crate) struct ServedCalls {
    table: Mutex<Table>,
    /// How many questions `pending` holds, readable without the lock.
    pending: AtomicUsize,
}

/// What the reader does with a received message, as far as served calls care.
pub(crate) enum Sorted {
    /// Serve it directly.
    Serve(ServeCall),
    /// The `Finish` of a question served directly: nothing for capnp-rpc.
    Absorbed,
    /// Go on as before.
    Pass(Received),
}

impl ServedCalls {
    fn lock(&self) -> MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn set_pending_count(&self, t: &Table) {
        self.pending.store(t.pending.len(), Ordering::SeqCst);
    }

    /// Sorts a received message; `may_serve` is false when a `Call` must go to capnp-rpc
    /// anyway (the socket has a backlog of frames from threads). `absorbed` tells whether a
    /// `Release` (export, count) is taken off the stream whole, before capnp-rpc.
    pub(crate) fn sort(
        &self,
        message: Received,
        may_serve: bool,
        absorbed: impl Fn(u32, u32) -> bool,
    ) -> Sorted {
        let Some(kind) = kind_of(&message) else {
            return Sorted::Pass(message);
        };
        let mut t = self.lock();
        match kind {
            Kind::Release(export, count) if absorbed(export, count) => Sorted::Pass(message),
            Kind::Release(export, _) => {
                t.releases += 1;
                let forgotten = (t.targets.remove(&export), t.threads.remove(&export));
                // Dropped without the lock: on the loop, that may send a `Release`, which
                // passes `note_sent`.
                drop(t);
                drop(forgotten);
                Sorted::Pass(message)
            }
            Kind::Finish(question) => match t.served.get_mut(&question) {
                Some(s) => {
                    s.finished = true;
                    s.canceled.store(true, Ordering::SeqCst);
                    if s.returned {
                        t.served.remove(&question);
                    }
                    Sorted::Absorbed
                }
                None => {
                    // A call capnp-rpc holds is over for the caller: it waits no more.
                    if t.pending.remove(&question).is_some() {
                        self.set_pending_count(&t);
                    }
                    Sorted::Pass(message)
                }
            },
            Kind::Call(question, shape, caps) => {
                let direct = shape.filter(|_| may_serve && !t.closed && t.pending.is_empty());
                let found = direct.and_then(|s| {
                    let target = t.targets.get(&s.target)?.clone();
                    let thread = t.threads.get(&s.thread.0)?.clone();
                    let callback_index = s.senders.index_of(thread.callback_import)?;
                    Some((s, target, thread, callback_index))
                });
                match found {
                    Some((s, target, thread, callback_index))
                        if !t.served.contains_key(&question) =>
                    {
                        let canceled = Arc::new(AtomicBool::new(false));
                        t.served.insert(
                            question,
                            Served {
                                canceled: canceled.clone(),
                                returned: false,
                                finished: false,
                            },
                        );
                        let extra = s
                            .senders
                            .as_slice()
                            .iter()
                            .filter(|&&(_, i)| i != callback_index)
                            .map(|&(id, i)| (i, id))
                            .collect();
                        Sorted::Serve(ServeCall {
                            message,
                            question,
                            target,
                            thread,
                            thread_export: s.thread.0,
                            thread_index: s.thread.1,
                            callback_index,
                            table_len: s.senders.len as u32 + 1,
                            extra,
                            caps,
                            canceled,
                        })
                    }
                    _ => {
                        let releases = t.releases;
                        let shape = shape.map(|s| Shape { releases, ..s });
                        t.pending.insert(question, Pending { shape, caps });
                        self.set_pending_count(&t);
                        Sorted::Pass(message)
                    }
                }
            }
        }
    }

    /// capnp-rpc may free `export` from now on (a reference the transport kept goes back to
    /// it): what was noted for it is forgotten, as for a `Release` that reaches capnp-rpc.
    pub(crate) fn forget_export(&self, export: u32) {
        let mut t = self.lock();
        t.releases += 1;
        let forgotten = (t.targets.remove(&export), t.threads.remove(&export));
        // Dropped without the lock (see `sort`).
        drop(t);
        drop(forgotten);
    }

    /// The capability table of capnp-rpc's pending call `question`, if its params carry
    /// more capabilities than a `Context`'s two (see [`RawCap`]).
    pub(crate) fn take_call_caps(&self, question: u32) -> Option<Vec<RawCap>> {
        self.lock().pending.get_mut(&question)?.caps.take()
    }

    /// The core refused `question`, sorted for serving, whose capability table was `caps`
    /// (if it had more than two entries): it goes to capnp-rpc after all.
    pub(crate) fn refused(&self, question: u32, caps: Option<Vec<RawCap>>) {
        let mut t = self.lock();
        t.served.remove(&question);
        t.pending.insert(question, Pending { shape: None, caps });
        self.set_pending_count(&t);
    }

    /// The `Return` of `question`, served directly, is written (or cannot be).
    pub(crate) fn returned(&self, question: u32) {
        SERVED.fetch_add(1, Ordering::Relaxed);
        let mut t = self.lock();
        if let Some(s) = t.served.get_mut(&question) {
            s.returned = true;
            if s.finished {
                t.served.remove(&question);
            }
        }
    }

    /// On the loop, for each message capnp-rpc sends: a `Return` ends its question's wait.
    pub(crate) fn note_sent(&self, sent: &Builder<HeapAllocator>) {
        if self.pending.load(Ordering::SeqCst) == 0 {
            return;
        }
        let Some(answer) = return_answer(sent) else {
            return;
        };
        self.dispatched(answer);
    }

    /// Question `question`, of capnp-rpc's, is handed to the thread that runs it (or
    /// answered): calls read after it may be served directly.
    pub(crate) fn dispatched(&self, question: u32) {
        let mut t = self.lock();
        if t.pending.remove(&question).is_some() {
            self.set_pending_count(&t);
        }
    }

    /// On the loop, once capnp-rpc's call `question` reached the thread that runs it: notes
    /// the call's target and threads for later calls, unless its shape does not allow it or
    /// a `Release` came since it was read. `make` gives what to keep (called with the
    /// import of the `callbackThread`, which `callback_hint` names when the call carried
    /// other objects of the peer's too), or `None` to note nothing. A thread noted with
    /// another `callbackThread` is forgotten instead, so that the other one is not kept
    /// (the peer may have made it for this call alone); the next call notes it afresh.
    /// Returns whether the call's thread is noted now.
    pub(crate) fn learn(
        &self,
        question: u32,
        callback_hint: Option<u32>,
        make: impl FnOnce(u32) -> Option<(Kept, Arc<ServeThread>)>,
    ) -> bool {
        let mut t = self.lock();
        let Some(shape) = t.pending.get(&question).and_then(|p| p.shape) else {
            return false;
        };
        if t.closed || shape.releases != t.releases {
            return false;
        }
        // Which of the peer's exports is the `callbackThread`: the only one, or the one the
        // core read in the `Context`.
        let callback = match shape.senders.as_slice() {
            &[(only, _)] => only,
            _ => match callback_hint.filter(|&h| shape.senders.index_of(h).is_some()) {
                Some(hint) => hint,
                None => return false,
            },
        };
        let known = t.threads.get(&shape.thread.0).map(|s| s.callback_import);
        if known.is_some_and(|import| import != callback) {
            let forgotten = t.threads.remove(&shape.thread.0);
            // Dropped without the lock (see `sort`).
            drop(t);
            drop(forgotten);
            return false;
        }
        let Some((target, thread)) = make(callback) else {
            return false;
        };
        let replaced = t.targets.insert(shape.target, target);
        let kept = match known {
            // The same `callbackThread` is kept already: the new capability to it goes.
            Some(_) => Some(thread),
            None => {
                t.threads.insert(shape.thread.0, thread);
                None
            }
        };
        drop(t);
        drop((replaced, kept));
        true
    }

    /// The connection is gone: calls served directly are canceled, and nothing more is.
    /// Returns what was kept, for the caller to drop where it may.
    pub(crate) fn close(&self) -> Vec<Kept> {
        let mut t = self.lock();
        t.closed = true;
        for s in t.served.values() {
            s.canceled.store(true, Ordering::SeqCst);
        }
        let mut kept: Vec<Kept> = t.targets.drain().map(|(_, k)| k).collect();
        kept.extend(t.threads.drain().map(|(_, s)| s.callback.clone()));
        t.pending.clear();
        self.set_pending_count(&t);
        kept
    }
}

/// What [`ServedCalls::sort`] must know of a message.
enum Kind {
    Release(u32, u32),
    Finish(u32),
    /// A `Call`, its shape if it names an export of ours, our `Thread` and the peer's
    /// exports, and its capability table if that has more than two entries.
    Call(u32, Option<Shape>, Option<Vec<RawCap>>),
}

fn kind_of(message: &Received) -> Option<Kind> {
    let root: message::Reader<'_> = message.get_root().ok()?;
    match root.which().ok()? {
        message::Release(r) => {
            let r = r.ok()?;
            Some(Kind::Release(r.get_id(), r.get_reference_count()))
        }
        message::Finish(f) => Some(Kind::Finish(f.ok()?.get_question_id())),
        message::Call(c) => {
            let c = c.ok()?;
            Some(Kind::Call(c.get_question_id(), shape_of(c), caps_of(c)))
        }
        _ => None,
    }
}

fn shape_of(c: call::Reader<'_>) -> Option<Shape> {
    let call::send_results_to::Caller(()) = c.get_send_results_to().which().ok()? else {
        return None;
    };
    let message_target::ImportedCap(target) = c.get_target().ok()?.which().ok()? else {
        return None;
    };
    let table = c.get_params().ok()?.get_cap_table().ok()?;
    if table.len() < 2 || table.len() as usize > SENDERS_AT_MOST + 1 {
        return None;
    }
    // Our one export is the worker's `Thread`; every other entry is the peer's (its
    // `callbackThread` and the objects it passes). Anything else goes to capnp-rpc.
    let mut thread = None;
    let mut senders = Senders {
        len: 0,
        entries: [(0, 0); SENDERS_AT_MOST],
    };
    for (i, cap) in table.iter().enumerate() {
        match cap.which().ok()? {
            cap_descriptor::ReceiverHosted(id) if thread.is_none() => thread = Some((id, i as u32)),
            cap_descriptor::SenderHosted(id) if senders.len < SENDERS_AT_MOST => {
                senders.entries[senders.len] = (id, i as u32);
                senders.len += 1;
            }
            _ => return None,
        }
    }
    Some(Shape {
        target,
        thread: thread?,
        senders,
        releases: 0,
    })
}

/// An entry of a received call's capability table, as far as calls made with it care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RawCap {
    /// An export of ours (`receiverHosted`).
    Ours(u32),
    /// An export of the peer, our import of that number (`senderHosted`).
    Import(u32),
    /// Anything else (promises, answers, third parties).
    Other,
}

/// Most entries of a capability table that is kept for the core.
const KEEP_CAPS_AT_MOST: usize = 16;

/// The capability table of a call whose params carry more than the `Context`'s two.
fn caps_of(c: call::Reader<'_>) -> Option<Vec<RawCap>> {
    let table = c.get_params().ok()?.get_cap_table().ok()?;
    if table.len() <= 2 || table.len() as usize > KEEP_CAPS_AT_MOST {
        return None;
    }
    let caps = table
        .iter()
        .map(|cap| match cap.which() {
            Ok(cap_descriptor::ReceiverHosted(id)) => RawCap::Ours(id),
            Ok(cap_descriptor::SenderHosted(id)) => RawCap::Import(id),
            _ => RawCap::Other,
        })
        .collect();
    Some(caps)
}

/// The answer number of a `Return` message.
fn return_answer(sent: &Builder<HeapAllocator>) -> Option<u32> {
    let root: message::Reader<'_> = sent.get_root_as_reader().ok()?;
    match root.which().ok()? {
        message::Return(r) => Some(r.ok()?.get_answer_id()),
        _ => None,
    }
}
