//! Questions that calling threads asked themselves (`direct.rs`), and the routing of their
//! `Return`s to those threads instead of capnp-rpc.
//!
//! capnp-rpc numbers its questions from 0 up and reuses freed numbers, so it stays far
//! below [`FIRST_ID`]; the numbers from there up are ours. A `Return` for one of them is
//! taken off the stream by the loop's reader and handed to the waiting thread; the loop
//! answers it with the `Finish` (and `Release`s of any capability the peer put in the
//! results, which such a call does not expect) that capnp-rpc would have sent.
//!
//! **Lent exports.** A thread's direct call with a `Context` names the thread's
//! `callbackThread`, which capnp-rpc exports, by its export number, without capnp-rpc
//! counting the reference. The peer releases it after the call as usual; those `Release`s
//! are taken off the stream here (`owed`), so that capnp-rpc's count stays right. One
//! reference of capnp-rpc's is kept for as long as the thread lives (the `Release` of the
//! call that showed the number is taken too), so that the number stays valid; when the
//! thread ends it is given back to capnp-rpc as a `Release` of our own making.
//!
//! **Reusable exports** (`reusable.rs`) are lent the same way: one reference of capnp-rpc's
//! kept for the connection's life, the peer's `Release`s of lent references taken here.
//! When the last reference the peer held goes, the export is free for the next lending.

use std::any::Any;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use capnp::message::Reader;
use capnp_rpc::rpc_capnp::{cap_descriptor, message, resolve, return_};

use crate::transport::buffer::FrameSegments;
use crate::transport::reusable::{Released, Reusable, ReusableExports};

/// The first question number used by calling threads.
pub(crate) const FIRST_ID: u32 = 1 << 31;

/// A received message.
pub(crate) type Received = Reader<FrameSegments>;

/// Hands a reply (or why there is none) to the thread that asked.
pub(crate) type Deliver = Box<dyn FnOnce(capnp::Result<Received>) + Send>;

struct Waiting {
    deliver: Deliver,
    /// Exports the call named in its params (see "Lent exports").
    lent: Vec<u32>,
}

struct Table {
    /// Set once the connection is gone: no new questions.
    closed: Option<capnp::Error>,
    next: u32,
    waiting: HashMap<u32, Waiting>,
    /// By export number: references the peer holds that capnp-rpc did not count.
    owed: HashMap<u32, u32>,
    /// Exports whose kept reference goes back to capnp-rpc.
    give_back: Vec<u32>,
    /// Exports lent again and again (`reusable.rs`).
    reusable: ReusableExports,
}

/// What a change of the table unbound, dropped once its lock is let go.
type Unbound = Vec<Box<dyn Any + Send>>;

impl Table {
    /// Takes one reference the peer was lent to each of `exports` back; an export whose
    /// last one went is free, if reusable.
    fn unowe(&mut self, exports: &[u32], count: u32) -> Unbound {
        let mut unbound = Vec::new();
        for &export in exports {
            let Some(n) = self.owed.get_mut(&export) else {
                continue;
            };
            *n = n.saturating_sub(count);
            if *n == 0 {
                self.owed.remove(&export);
                match self.reusable.release(export) {
                    Some(Released::Free(object)) => unbound.extend(object),
                    Some(Released::Retired) => self.give_back.push(export),
                    None => {}
                }
            }
        }
        unbound
    }
}

/// The questions of one connection that threads wait on.
pub(crate) struct Replies {
    table: Mutex<Table>,
    /// Whether a reusable export was ever pinned: until then, received messages need no
    /// look for passed-back ones (read for every message, without the lock).
    had_reusable: AtomicBool,
}

/// What the reader does with a received message.
pub(crate) enum Route {
    /// Not ours: capnp-rpc's.
    Rpc(Received),
    /// The `Return` of a thread's question: queue the answer (`Finish` of `finish` and
    /// `Release`s), then hand the reply over with `deliver`.
    Answered {
        finish: u32,
        release: Vec<u32>,
        deliver: Delivery,
    },
    /// A `Release` of references capnp-rpc did not count: nothing for capnp-rpc.
    Absorbed,
    /// A `Release` partly of references capnp-rpc did not count: capnp-rpc gets this one
    /// instead (export, count).
    Reduced(u32, u32),
}

impl Replies {
    pub(crate) fn new() -> Replies {
        Replies {
            table: Mutex::new(Table {
                closed: None,
                next: FIRST_ID,
                waiting: HashMap::new(),
                owed: HashMap::new(),
                give_back: Vec::new(),
                reusable: ReusableExports::default(),
            }),
            had_reusable: AtomicBool::new(false),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A new question number whose `Return` goes to `deliver`, for a call that names the
    /// exports `lent` in its params; fails once closed.
    pub(crate) fn ask(&self, deliver: Deliver, lent: Vec<u32>) -> capnp::Result<u32> {
        let mut t = self.lock();
        if let Some(e) = &t.closed {
            return Err(e.clone());
        }
        let mut id = t.next;
        while t.waiting.contains_key(&id) {
            id = next_id(id);
        }
        t.next = next_id(id);
        for &export in &lent {
            *t.owed.entry(export).or_default() += 1;
        }
        t.waiting.insert(id, Waiting { deliver, lent });
        Ok(id)
    }

    /// Forgets question `id` (its `Call` could not be sent); its `deliver` is dropped unrun.
    pub(crate) fn forget(&self, id: u32) {
        let mut t = self.lock();
        let unbound = match t.waiting.remove(&id) {
            Some(w) => t.unowe(&w.lent, 1),
            None => Vec::new(),
        };
        drop(t);
        drop(unbound);
    }

    /// Question `id` names `exports` too (bound after it was asked): the peer's `Release`s
    /// of those references are taken here.
    pub(crate) fn lend(&self, id: u32, exports: &[u32]) {
        let mut t = self.lock();
        let Some(w) = t.waiting.get_mut(&id) else {
            return;
        };
        w.lent.extend_from_slice(exports);
        for &export in exports {
            *t.owed.entry(export).or_default() += 1;
        }
    }

    /// capnp-rpc just counted one reference to `export`, a reusable object of `interface`
    /// that it sent for the first time: keeps that reference (as [`keep`](Self::keep)) for
    /// the connection's life, and the export for lending again once the peer released it.
    /// False (nothing kept) if the connection has as many as it keeps, or is gone.
    pub(crate) fn pin(&self, export: u32, interface: u64, object: Arc<dyn Reusable>) -> bool {
        let mut t = self.lock();
        if t.closed.is_some() || !t.reusable.has_room() || t.owed.contains_key(&export) {
            return false;
        }
        t.owed.insert(export, 1);
        t.reusable.add(export, interface, object);
        self.had_reusable.store(true, Ordering::Relaxed);
        true
    }

    /// The peer passed the reusable exports `exports` back to us (in a capability table):
    /// they are retired (`reusable.rs`, "Passed back").
    pub(crate) fn retire(&self, exports: &[u32]) {
        let mut t = self.lock();
        for &export in exports {
            if t.reusable.retire(export) {
                // It was free: capnp-rpc's kept reference goes back now.
                t.give_back.push(export);
            }
        }
    }

    /// Whether any reusable export exists (messages need no look for passed-back ones
    /// otherwise). Without the lock while none was ever pinned.
    pub(crate) fn has_reusable(&self) -> bool {
        self.had_reusable.load(Ordering::Relaxed) && !self.lock().reusable.is_empty()
    }

    /// Whether a `Release` of `count` references to `export` is taken off the stream whole:
    /// capnp-rpc's count of the export does not change.
    pub(crate) fn absorbs(&self, export: u32, count: u32) -> bool {
        self.lock()
            .owed
            .get(&export)
            .is_some_and(|&owed| owed >= count)
    }

    /// Whether some reusable export is free.
    pub(crate) fn any_reusable_free(&self) -> bool {
        self.lock().reusable.any_free()
    }

    /// A free reusable export of `interface`, taken for lending (or for
    /// [`put_back`](Self::put_back)).
    pub(crate) fn take_reusable(&self, interface: u64) -> Option<(u32, Arc<dyn Reusable>)> {
        self.lock().reusable.take(interface)
    }

    /// A reusable export taken and not lent is free again.
    pub(crate) fn put_back(&self, export: u32) {
        let mut t = self.lock();
        if t.owed.contains_key(&export) {
            return;
        }
        let unbound = match t.reusable.release(export) {
            Some(Released::Free(object)) => object,
            Some(Released::Retired) => {
                t.give_back.push(export);
                None
            }
            None => None,
        };
        drop(t);
        drop(unbound);
    }

    /// capnp-rpc counted one reference to `export` that the peer will release: keep it
    /// (the peer's `Release` of it is taken here) until [`give_back`](Self::give_back).
    pub(crate) fn keep(&self, export: u32) {
        *self.lock().owed.entry(export).or_default() += 1;
    }

    /// Gives the reference kept by [`keep`](Self::keep) back to capnp-rpc (with the next
    /// message read, see [`take_give_back`](Self::take_give_back), which also forgets what
    /// served calls noted for the number).
    pub(crate) fn give_back(&self, export: u32) {
        self.lock().give_back.push(export);
    }

    /// An export whose kept reference capnp-rpc should now see released.
    pub(crate) fn take_give_back(&self) -> Option<u32> {
        self.lock().give_back.pop()
    }

    /// The connection is gone: every waiting thread gets `error`, and no question is asked
    /// from now on.
    pub(crate) fn close(&self, error: capnp::Error) {
        let (waiting, reusable) = {
            let mut t = self.lock();
            if t.closed.is_none() {
                t.closed = Some(error.clone());
            }
            (std::mem::take(&mut t.waiting), t.reusable.clear())
        };
        drop(reusable);
        for (_, w) in waiting {
            (w.deliver)(Err(error.clone()));
        }
    }

    /// Takes `message` for a waiting thread if it is the `Return` of one of their
    /// questions, or what capnp-rpc did not count out of a `Release`. A `Return` for a
    /// number of ours that nobody waits on is a protocol error that ends the connection, as
    /// capnp-rpc treats an unknown question.
    pub(crate) fn route(&self, message: Received) -> capnp::Result<Route> {
        let (id, release, release_params) = match kind_of(&message)? {
            Kind::Other => return Ok(Route::Rpc(message)),
            Kind::Release { export, count } => return Ok(self.release(message, export, count)),
            Kind::ThreadReturn {
                id,
                release,
                release_params,
            } => (id, release, release_params),
        };
        let (waiting, unbound) = {
            let mut t = self.lock();
            let w = t.waiting.remove(&id).ok_or_else(|| {
                capnp::Error::failed(format!(
                    "the peer sent a Return for question {id}, which was not asked or is answered"
                ))
            })?;
            // With `release_params`, the peer released the params' capabilities with the
            // Return itself.
            let unbound = if release_params {
                t.unowe(&w.lent, 1)
            } else {
                Vec::new()
            };
            (w, unbound)
        };
        drop(unbound);
        Ok(Route::Answered {
            finish: id,
            release,
            deliver: Delivery {
                deliver: waiting.deliver,
                message,
            },
        })
    }

    /// Takes what capnp-rpc did not count out of a `Release`.
    fn release(&self, message: Received, export: u32, count: u32) -> Route {
        let mut t = self.lock();
        let Some(&owed) = t.owed.get(&export) else {
            return Route::Rpc(message);
        };
        let taken = count.min(owed);
        let unbound = t.unowe(&[export], taken);
        drop(t);
        drop(unbound);
        match count - taken {
            0 => Route::Absorbed,
            rest => Route::Reduced(export, rest),
        }
    }
}

fn next_id(id: u32) -> u32 {
    if id == u32::MAX {
        FIRST_ID
    } else {
        id + 1
    }
}

/// A reply on its way to the thread that asked.
pub(crate) struct Delivery {
    deliver: Deliver,
    message: Received,
}

impl Delivery {
    /// Hands the reply over. The reader runs this after it queued its answer, so that the
    /// woken thread does not meet the loop at the socket's write lock.
    pub(crate) fn run(self) {
        (self.deliver)(Ok(self.message));
    }
}

/// What the reader must know of a received message.
enum Kind {
    Other,
    Release {
        export: u32,
        count: u32,
    },
    /// A `Return` to one of the threads' questions, with the capabilities its results carry
    /// (to release) and whether it releases the params' capabilities itself.
    ThreadReturn {
        id: u32,
        release: Vec<u32>,
        release_params: bool,
    },
}

fn kind_of(message: &Received) -> capnp::Result<Kind> {
    let root: message::Reader<'_> = match message.get_root() {
        Ok(root) => root,
        // Not even a message: capnp-rpc reports it.
        Err(_) => return Ok(Kind::Other),
    };
    let ret = match root.which() {
        Ok(message::Return(ret)) => ret?,
        Ok(message::Release(r)) => {
            let r = r?;
            return Ok(Kind::Release {
                export: r.get_id(),
                count: r.get_reference_count(),
            });
        }
        _ => return Ok(Kind::Other),
    };
    let id = ret.get_answer_id();
    if id < FIRST_ID {
        return Ok(Kind::Other);
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
    Ok(Kind::ThreadReturn {
        id,
        release,
        release_params: ret.get_release_param_caps(),
    })
}

/// Our exports a message passes back to us (`receiverHosted` entries of its capability
/// table, or the capability a `Resolve` names).
pub(crate) fn passed_back(message: &Received) -> Vec<u32> {
    let Ok(root) = message.get_root::<message::Reader<'_>>() else {
        return Vec::new();
    };
    let table = match root.which() {
        Ok(message::Call(Ok(call))) => call.get_params().and_then(|p| p.get_cap_table()),
        Ok(message::Return(Ok(ret))) => match ret.which() {
            Ok(return_::Results(Ok(payload))) => payload.get_cap_table(),
            _ => return Vec::new(),
        },
        Ok(message::Resolve(Ok(resolve))) => {
            return match resolve.which() {
                Ok(resolve::Cap(Ok(cap))) => match cap.which() {
                    Ok(cap_descriptor::ReceiverHosted(id)) => vec![id],
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            }
        }
        _ => return Vec::new(),
    };
    let Ok(table) = table else {
        return Vec::new();
    };
    table
        .iter()
        .filter_map(|cap| match cap.which() {
            Ok(cap_descriptor::ReceiverHosted(id)) => Some(id),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use capnp::message::{Builder, HeapAllocator, ReaderOptions};
    use std::sync::{Arc, Mutex};

    fn received(build: impl FnOnce(message::Builder<'_>)) -> Received {
        let mut m = Builder::new(HeapAllocator::new());
        build(m.init_root());
        let segments = m.get_segments_for_output();
        let mut bounds = Vec::new();
        let mut bytes = Vec::new();
        for s in segments.iter() {
            let start = bytes.len() / 8;
            bytes.extend_from_slice(s);
            bounds.push((start, bytes.len() / 8));
        }
        let mut frame = FrameSegments::new(bounds);
        assert_eq!(frame.fill_from(&bytes), bytes.len());
        Reader::new(frame, ReaderOptions::new())
    }

    fn a_return(id: u32, release_params: bool, caps: &[u32]) -> Received {
        received(|root| {
            let mut ret = root.init_return();
            ret.set_answer_id(id);
            ret.set_release_param_caps(release_params);
            let mut table = ret.init_results().init_cap_table(caps.len() as u32);
            for (i, id) in caps.iter().enumerate() {
                table.reborrow().get(i as u32).set_sender_hosted(*id);
            }
        })
    }

    fn a_release(id: u32, count: u32) -> Received {
        received(|root| {
            let mut r = root.init_release();
            r.set_id(id);
            r.set_reference_count(count);
        })
    }

    type Got = Arc<Mutex<Vec<Result<(), String>>>>;

    fn recorder() -> (Got, impl Fn() -> Deliver) {
        let got: Got = Arc::default();
        let g = got.clone();
        let make = move || -> Deliver {
            let g = g.clone();
            Box::new(move |r: capnp::Result<Received>| {
                g.lock()
                    .unwrap()
                    .push(r.map(drop).map_err(|e| e.to_string()))
            })
        };
        (got, make)
    }

    #[test]
    fn a_return_to_a_threads_question_goes_to_it_and_is_answered_with_finish_and_releases() {
        let replies = Replies::new();
        let (got, deliver) = recorder();
        let a = replies.ask(deliver(), vec![]).unwrap();
        let b = replies.ask(deliver(), vec![]).unwrap();
        assert_eq!((a, b), (FIRST_ID, FIRST_ID + 1));
        match replies.route(a_return(b, false, &[7, 9])).unwrap() {
            Route::Answered {
                finish,
                release,
                deliver,
            } => {
                assert_eq!(finish, b);
                assert_eq!(release, vec![7, 9]);
                assert_eq!(got.lock().unwrap().len(), 0);
                deliver.run();
            }
            _ => panic!("not answered"),
        }
        assert_eq!(got.lock().unwrap().len(), 1);
        // capnp-rpc's own questions and other messages pass.
        assert!(matches!(
            replies.route(a_return(3, false, &[])).unwrap(),
            Route::Rpc(_)
        ));
        // A number of ours that nobody waits on (any more) ends the connection.
        let err = replies
            .route(a_return(b, false, &[]))
            .err()
            .expect("an error");
        assert!(err.to_string().contains("which was not asked"), "{err}");
        // Closing fails the one still waiting, and every later question.
        replies.close(capnp::Error::disconnected("gone".into()));
        assert_eq!(got.lock().unwrap().len(), 2);
        assert!(got.lock().unwrap()[1].is_err());
        assert!(replies.ask(deliver(), vec![]).is_err());
    }

    #[test]
    fn releases_of_lent_exports_are_taken_and_capnp_rpc_sees_the_rest() {
        let replies = Replies::new();
        let (_got, deliver) = recorder();
        // One reference kept for the thread, and two calls that lend the export.
        replies.keep(5);
        let q1 = replies.ask(deliver(), vec![5]).unwrap();
        let _q2 = replies.ask(deliver(), vec![5]).unwrap();
        assert!(matches!(
            replies.route(a_release(5, 1)).unwrap(),
            Route::Absorbed
        ));
        // capnp-rpc's own references to the export pass through.
        assert!(matches!(
            replies.route(a_release(5, 3)).unwrap(),
            Route::Reduced(5, 1)
        ));
        assert!(matches!(
            replies.route(a_release(5, 1)).unwrap(),
            Route::Rpc(_)
        ));
        assert!(matches!(
            replies.route(a_release(6, 1)).unwrap(),
            Route::Rpc(_)
        ));
        // A Return that releases the params' capabilities itself settles what it lent.
        replies.keep(8);
        let q3 = replies.ask(deliver(), vec![8]).unwrap();
        assert!(matches!(
            replies.route(a_return(q3, true, &[])).unwrap(),
            Route::Answered { .. }
        ));
        assert!(matches!(
            replies.route(a_release(8, 1)).unwrap(),
            Route::Absorbed
        ));
        assert!(matches!(
            replies.route(a_release(8, 1)).unwrap(),
            Route::Rpc(_)
        ));
        // A question forgotten unsent lends nothing.
        let _ = q1;
        let q4 = replies.ask(deliver(), vec![9]).unwrap();
        replies.forget(q4);
        assert!(matches!(
            replies.route(a_release(9, 1)).unwrap(),
            Route::Rpc(_)
        ));
        // The kept reference goes back when asked.
        replies.give_back(5);
        assert_eq!(replies.take_give_back(), Some(5));
        assert_eq!(replies.take_give_back(), None);
    }

    #[test]
    fn a_reusable_export_is_free_once_the_peer_released_all_it_was_lent() {
        let replies = Replies::new();
        let (_got, deliver) = recorder();
        let object = Arc::new(crate::transport::reusable::Holder::default());
        let first = Arc::new(());
        object.bind(Box::new(first.clone()));
        // capnp-rpc sent it once: that reference is kept, and the peer's Release of it
        // taken; only then is it free, with its object let go.
        assert!(replies.pin(4, 0xabc, object.clone()));
        assert!(!replies.pin(4, 0xabc, object.clone()), "pinned once");
        assert!(replies.has_reusable());
        assert!(!replies.any_reusable_free());
        assert!(replies.absorbs(4, 1));
        assert!(!replies.absorbs(4, 2));
        assert!(matches!(
            replies.route(a_release(4, 1)).unwrap(),
            Route::Absorbed
        ));
        assert_eq!(Arc::strong_count(&first), 1, "the first object is let go");
        assert!(replies.any_reusable_free());
        // Lent by two questions of one call (say), it is free after both Releases.
        let (export, taken) = replies.take_reusable(0xabc).expect("free");
        assert_eq!(export, 4);
        assert!(replies.take_reusable(0xabc).is_none());
        let second = Arc::new(());
        taken.bind(Box::new(second.clone()));
        let q = replies.ask(deliver(), vec![]).unwrap();
        replies.lend(q, &[4, 4]);
        assert!(matches!(
            replies.route(a_release(4, 1)).unwrap(),
            Route::Absorbed
        ));
        assert!(!replies.any_reusable_free());
        assert!(matches!(
            replies.route(a_release(4, 1)).unwrap(),
            Route::Absorbed
        ));
        assert_eq!(Arc::strong_count(&second), 1);
        // Taken and not lent: put back, free again.
        let (export, _) = replies.take_reusable(0xabc).expect("free");
        replies.put_back(export);
        assert!(replies.take_reusable(0xabc).is_some());
        replies.put_back(4);
        // Lent, then passed back by the peer: never free again; once released its kept
        // reference goes back to capnp-rpc.
        let (export, _) = replies.take_reusable(0xabc).expect("free");
        let q = replies.ask(deliver(), vec![]).unwrap();
        replies.lend(q, &[export]);
        replies.retire(&[export]);
        assert!(matches!(
            replies.route(a_release(4, 1)).unwrap(),
            Route::Absorbed
        ));
        assert!(replies.take_reusable(0xabc).is_none());
        assert_eq!(replies.take_give_back(), Some(4));
        assert!(!replies.has_reusable());
        // At most MAX_REUSABLE.
        for e in 0..crate::transport::reusable::MAX_REUSABLE as u32 {
            assert!(replies.pin(100 + e, 0xabc, object.clone()));
        }
        assert!(!replies.pin(99, 0xabc, object.clone()));
    }

    #[test]
    fn exports_passed_back_are_found_in_calls_returns_and_resolves() {
        let call = received(|root| {
            let mut table = root.init_call().init_params().init_cap_table(3);
            table.reborrow().get(0).set_receiver_hosted(5);
            table.reborrow().get(1).set_sender_hosted(6);
            table.get(2).set_receiver_hosted(8);
        });
        assert_eq!(passed_back(&call), vec![5, 8]);
        assert_eq!(passed_back(&a_return(1, false, &[9])), Vec::<u32>::new());
        let ret = received(|root| {
            let table = root.init_return().init_results().init_cap_table(1);
            table.get(0).set_receiver_hosted(3);
        });
        assert_eq!(passed_back(&ret), vec![3]);
        let resolve = received(|root| {
            let mut r = root.init_resolve();
            r.set_promise_id(1);
            r.init_cap().set_receiver_hosted(7);
        });
        assert_eq!(passed_back(&resolve), vec![7]);
        assert!(passed_back(&a_release(7, 1)).is_empty());
    }
}
