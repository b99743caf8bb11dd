//! A blocking call that the calling thread sends and receives itself, without the loop:
//! for methods whose messages need nothing of the loop (no capabilities but the thread's own
//! `Context`, no `ThreadMap`; `MethodDesc::callable_without_loop`) on a capability whose
//! import number is known, from a thread that knows the numbers of its `Context` threads on
//! the connection. It saves the two wake-ups a call through the loop costs (caller -> loop,
//! loop -> caller) down to one, or none when the caller is still polling as the reply
//! arrives. The messages on the wire, the log lines and the errors are those of a call
//! through the loop.
//!
//! A call goes direct only if the loop has done everything the thread asked of it before
//! (`EventLoop::caught_up`), so that it cannot overtake a `Release` or a call the thread
//! posted earlier.
//!
//! A call whose params carry objects of the caller's (callbacks) goes direct too when each
//! object finds a free reusable export of its interface (`reusable_export.rs`): it is bound
//! to it and the call names that export. Otherwise its params, built already, are copied
//! into capnp-rpc's request on the loop, where its objects get reusable exports for later.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use capnp::any_pointer;
use capnp::message::Builder;
use capnp::private::layout::CapTable;
use capnp::traits::{Imbue, ImbueMut};
use capnp_rpc::rpc_capnp::{exception, message, return_};

use crate::connection::conn_state::Connection;
use crate::connection::thread_context::{DirectThreads, PeerThread, ThreadContext};
use crate::core::call_ctx::{CallCtx, Exported, Mode};
use crate::core::call_log::{call_failed, log_recv, log_send};
use crate::core::cap_slot::{slot_of, SlotTable};
use crate::core::descriptor::MethodDesc;
use crate::core::dispatch::Dispatch;
use crate::core::raw_struct::{is_struct, pointer_field_mut};
use crate::core::server::export;
use crate::os::error::{Error, Result};
use crate::os::log::LogLevel;
use crate::os::poll_choice::should_poll;
use crate::os::waiter::Waiter;
use crate::proxy_capnp::{context, thread};
use crate::transport::spliced::{FrameAllocator, SplicedMessage};
use crate::transport::{Received, Reusable};

/// Words of a direct call's first segment: the envelope and small params fit; bigger ones
/// grow it.
const FIRST_SEGMENT_WORDS: u32 = 64;

/// Direct calls made by threads serving a request of the same connection (calls back).
static CALLS_BACK: AtomicU64 = AtomicU64::new(0);

/// How many calls back to a requester (a callback called by the thread serving the request)
/// went direct in this process so far. For tests and benchmarks.
pub fn calls_back_direct() -> u64 {
    CALLS_BACK.load(Ordering::Relaxed)
}

/// Calls back whose `Return` the serving thread read off the socket itself.
static CALLS_BACK_READ: AtomicU64 = AtomicU64::new(0);

/// How many calls back went direct and had their `Return` read by the thread that called
/// back, not handed over by the loop, in this process so far. For tests and benchmarks.
pub fn calls_back_read_by_caller() -> u64 {
    CALLS_BACK_READ.load(Ordering::Relaxed)
}

/// Objects lent by reusable exports in direct calls.
static LENT: AtomicU64 = AtomicU64::new(0);

/// How many objects (callbacks in params) direct calls lent by reusable export numbers in
/// this process so far, instead of sending the call through the loop. For tests and
/// benchmarks.
pub fn objects_lent_direct() -> u64 {
    LENT.load(Ordering::Relaxed)
}

/// One call about to go direct.
pub(crate) struct DirectCall<'a> {
    pub(crate) conn: &'a Arc<Connection>,
    /// The target's import number on `conn`.
    pub(crate) import: u32,
    pub(crate) method: &'static MethodDesc,
    /// The caller's thread name, for log lines.
    pub(crate) name: &'a str,
    pub(crate) waiter: &'a Arc<Waiter>,
    /// For a method with a `Context`: its pointer index, and the threads to name in it.
    pub(crate) context: Option<(u16, DirectThreads)>,
    /// The params may carry objects of the caller's, lent by reusable exports.
    lends: bool,
    /// A call back from a thread serving a request of the same connection.
    call_back: bool,
}

/// Params built for a direct call that goes through the loop after all, as the `build` of
/// that call: they are copied into capnp-rpc's request.
pub(crate) type LoopBuild =
    Box<dyn FnOnce(&CallCtx, any_pointer::Builder<'_>) -> Result<()> + Send>;

/// What building a direct call gave.
enum Built {
    /// The `Call` to send, lending these reusable exports.
    Direct(SplicedMessage, Vec<u32>),
    /// Params to send through the loop.
    Loop(LoopBuild),
}

/// How the params a thread built turned out.
enum Filled {
    /// Ready to send, lending these reusable exports.
    Direct(Vec<u32>),
    /// To copy into capnp-rpc's request on the loop (the `Context` not filled).
    Loop(ToCopy),
}

/// The capabilities of params that go through the loop after all: per capability-table
/// entry, the exported object it is; and the objects.
struct ToCopy {
    caps: Vec<Option<usize>>,
    exported: Vec<Arc<dyn Dispatch>>,
}

type Slot = Arc<Mutex<Option<capnp::Result<Received>>>>;

impl<'a> DirectCall<'a> {
    /// The call, if it can go direct now (see the module documentation); `import` is the
    /// target's import number if known.
    pub(crate) fn prepare(
        conn: &'a Arc<Connection>,
        import: Option<u32>,
        method: &'static MethodDesc,
        tc: &'a ThreadContext,
        name: &'a str,
    ) -> Option<Self> {
        let import = import?;
        // Whether this thread serves a request of this connection (its calls are calls back).
        let serving = tc.request_thread_override(conn.id).is_some();
        let lends = !method.callable_without_loop();
        // Objects in the params are lent only while Debug logging is off (the log lines of
        // their calls and their release are the loop's), and only when some reusable export
        // is free (else the call would go through the loop anyway, with a copy).
        let may_lend = || {
            method.may_lend_objects()
                && !serving
                && !conn.lp.log_enabled(LogLevel::Debug)
                && conn.direct.any_reusable_free()
        };
        if lends && !may_lend() {
            return None;
        }
        if !conn.lp.caught_up() {
            return None;
        }
        let call_back = method.context.is_some() && serving;
        let context = match method.context {
            None => None,
            // A thread serving a request of this connection calls back on the requester's
            // thread: direct when the request's capability table told its number
            // (`request_caps.rs`), else through the loop, which knows it.
            Some(index) if serving => {
                let threads = tc.request_direct(conn.id).filter(DirectThreads::is_valid)?;
                CALLS_BACK.fetch_add(1, Ordering::Relaxed);
                Some((index, threads))
            }
            Some(index) => {
                let threads = tc.direct_threads(conn.id).filter(DirectThreads::is_valid)?;
                Some((index, threads))
            }
        };
        Some(DirectCall {
            conn,
            import,
            method,
            name,
            waiter: &tc.waiter,
            context,
            lends,
            call_back,
        })
    }

    /// Builds the call with `build`, sends it, blocks until the reply and reads it with
    /// `read`. Gives `read` back, with the params built, if the call must go through the
    /// loop after all.
    pub(crate) fn run<R, B, D>(
        self,
        build: B,
        read: D,
    ) -> std::result::Result<Result<R>, (LoopBuild, D)>
    where
        B: FnOnce(&CallCtx, capnp::any_pointer::Builder<'_>) -> Result<()>,
        D: FnOnce(&CallCtx, capnp::any_pointer::Reader<'_>) -> Result<R>,
    {
        let lp = &self.conn.lp;
        log_send(lp, self.name, self.method);
        let ctx = CallCtx {
            mode: Mode::Direct {
                conn: self.conn.clone(),
                exported: self.lends.then(Mutex::default),
            },
        };
        let slot: Slot = Arc::default();
        let deliver = {
            let slot = slot.clone();
            let waiter = self.waiter.clone();
            Box::new(move |reply: capnp::Result<Received>| {
                let job =
                    Box::new(move || *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(reply));
                // The caller is blocked below until this job runs.
                let _ = waiter.post(job);
            })
        };
        let direct = &self.conn.direct;
        let lent = self.context.iter().map(|(_, t)| t.callback).collect();
        let question = match direct.ask(deliver, lent) {
            Ok(question) => question,
            Err(e) => return Ok(Err(call_failed(lp, self.name, e))),
        };
        let call = match self.build_call(&ctx, question, build) {
            Ok(Built::Direct(call, lent)) => {
                direct.lend(question, &lent);
                call
            }
            Ok(Built::Loop(build)) => {
                direct.replies().forget(question);
                return Err((build, read));
            }
            Err(e) => {
                direct.replies().forget(question);
                return Ok(Err(e));
            }
        };
        if let Err(e) = direct.send(question, call) {
            return Ok(Err(call_failed(lp, self.name, e)));
        }
        let answered = || slot.lock().unwrap_or_else(|e| e.into_inner()).is_some();
        loop {
            self.waiter.run_pending();
            if answered() {
                break;
            }
            // The reply off the socket by this thread itself, when the loop lets it; else
            // the loop reads it and hands it over.
            if direct.read_for_reply(question, self.waiter, should_poll()) {
                if self.call_back {
                    CALLS_BACK_READ.fetch_add(1, Ordering::Relaxed);
                }
                continue;
            }
            if self.waiter.has_jobs() {
                continue;
            }
            self.waiter.wait_until(answered);
            break;
        }
        let reply = slot.lock().unwrap_or_else(|e| e.into_inner()).take();
        let reply = reply.unwrap_or_else(|| {
            Err(capnp::Error::failed(
                "IPC call finished without a result".into(),
            ))
        });
        Ok(self.read_reply(&ctx, reply, read))
    }

    /// The `Call` message of question `question`, params filled by `build`. Big `Data` goes
    /// out from the caller's memory unless the params are logged (`transport/spliced.rs`).
    fn build_call<B>(&self, ctx: &CallCtx, question: u32, build: B) -> Result<Built>
    where
        B: FnOnce(&CallCtx, capnp::any_pointer::Builder<'_>) -> Result<()>,
    {
        let mut message = SplicedMessage::new(FIRST_SEGMENT_WORDS);
        // Params that may be copied for the loop keep their `Data` in the message.
        let in_place = !self.lends && !self.conn.lp.log_enabled(LogLevel::Trace);
        let filled = message.build(in_place, |message| {
            self.fill_call(message, ctx, question, build)
        })?;
        Ok(match filled {
            Filled::Direct(lent) => Built::Direct(message, lent),
            Filled::Loop(copy) => Built::Loop(copy.into_build(message)),
        })
    }

    /// Writes the `Call` into `message`.
    fn fill_call<B>(
        &self,
        message: &mut Builder<FrameAllocator>,
        ctx: &CallCtx,
        question: u32,
        build: B,
    ) -> Result<Filled>
    where
        B: FnOnce(&CallCtx, capnp::any_pointer::Builder<'_>) -> Result<()>,
    {
        let mut call = message.init_root::<message::Builder<'_>>().init_call();
        call.set_question_id(question);
        call.set_interface_id(self.method.interface_id);
        call.set_method_id(self.method.id);
        call.reborrow().init_target().set_imported_cap(self.import);
        let mut params = call.init_params();
        // Stand-ins for the objects the params carry and the `Context`'s two capabilities:
        // only their indexes go out.
        let mut stand_ins: CapTable = Vec::new();
        {
            let mut content = params.reborrow().get_content();
            content.imbue_mut(&mut stand_ins);
            build(ctx, content.reborrow())?;
        }
        let (names, lent) = match ctx.take_direct_exported() {
            Some(exported) => match self.lend_objects(&stand_ins, as_dispatches(exported)?) {
                Ok(names) => names,
                Err(copy) => return Ok(Filled::Loop(copy)),
            },
            None => (Vec::new(), Vec::new()),
        };
        let mut filled = None;
        let checked = (|| {
            let mut content = params.reborrow().get_content();
            // The `Context`'s stand-ins come after those of the objects.
            content.imbue_mut(&mut stand_ins);
            if let Some((index, threads)) = &self.context {
                // Params that are no struct have no fields to fill (as through the loop).
                if is_struct(content.reborrow().into_reader()) {
                    fill_context(pointer_field_mut(content.reborrow(), *index)?);
                    filled = Some(threads);
                }
            }
            let content = content.into_reader();
            CallCtx::check_size(content.target_size()?)?;
            if let Some(text) = self.method.params_text {
                ctx.log_data("send data", || text(content));
            }
            Ok(())
        })();
        if let Err(e) = checked {
            // The call does not go: the exports taken for it are free again.
            for &export in &lent {
                self.conn.direct.put_back(export);
            }
            return Err(e);
        }
        let objects = names.len() as u32;
        if filled.is_none() && objects == 0 {
            return Ok(Filled::Direct(lent));
        }
        // As capnp-rpc names them: the objects, then the peer's thread, then ours.
        let mut table = params.init_cap_table(objects + if filled.is_some() { 2 } else { 0 });
        for (j, export) in names.iter().enumerate() {
            table.reborrow().get(j as u32).set_sender_hosted(*export);
        }
        if let Some(threads) = filled {
            let mut peer = table.reborrow().get(objects);
            match &threads.thread {
                PeerThread::Import(id) => peer.set_receiver_hosted(*id),
                PeerThread::Answer(question, fields) => {
                    let mut answer = peer.init_receiver_answer();
                    answer.set_question_id(*question);
                    let mut ops = answer.init_transform(fields.len() as u32);
                    for (i, field) in fields.iter().enumerate() {
                        ops.reborrow().get(i as u32).set_get_pointer_field(*field);
                    }
                }
            }
            table.get(objects + 1).set_sender_hosted(threads.callback);
        }
        Ok(Filled::Direct(lent))
    }

    /// Binds each object the params name (`exported`, named by the capability-table entries
    /// `stand_ins`) to a free reusable export of its interface. Gives the export number of
    /// each entry and the exports lent; or, if an entry is not such an object or an object
    /// finds no free export (those taken go back), what the loop needs to send the params.
    #[allow(clippy::type_complexity)]
    fn lend_objects(
        &self,
        stand_ins: &CapTable,
        exported: Vec<Arc<dyn Dispatch>>,
    ) -> std::result::Result<(Vec<u32>, Vec<u32>), ToCopy> {
        let caps: Vec<Option<usize>> = stand_ins
            .iter()
            .map(|hook| match hook.as_deref().and_then(slot_of) {
                Some((SlotTable::Exported, i)) if i < exported.len() => Some(i),
                _ => None,
            })
            .collect();
        let direct = &self.conn.direct;
        let mut taken: Vec<Option<(u32, Arc<dyn Reusable>)>> =
            exported.iter().map(|_| None).collect();
        let mut complete = caps.iter().all(Option::is_some);
        for &i in caps.iter().flatten() {
            if !complete {
                break;
            }
            if taken[i].is_none() {
                taken[i] = direct.take_reusable(exported[i].interface().id);
                complete = taken[i].is_some();
            }
        }
        if !complete {
            for (export, _) in taken.into_iter().flatten() {
                direct.put_back(export);
            }
            return Err(ToCopy { caps, exported });
        }
        for (object, slot) in exported.iter().zip(&taken) {
            if let Some((_, reusable)) = slot {
                reusable.bind(Box::new(object.clone()));
            }
        }
        let names = caps
            .iter()
            .flatten()
            .filter_map(|&i| taken[i].as_ref().map(|t| t.0))
            .collect();
        let lent: Vec<u32> = taken.iter().flatten().map(|t| t.0).collect();
        LENT.fetch_add(lent.len() as u64, Ordering::Relaxed);
        Ok((names, lent))
    }

    /// Reads the `Return` (or the reason there is none) as a call through the loop would.
    fn read_reply<R, D>(&self, ctx: &CallCtx, reply: capnp::Result<Received>, read: D) -> Result<R>
    where
        D: FnOnce(&CallCtx, capnp::any_pointer::Reader<'_>) -> Result<R>,
    {
        let lp = &self.conn.lp;
        let failed = |e| call_failed(lp, self.name, e);
        let reply = reply.map_err(failed)?;
        let root: message::Reader<'_> = reply.get_root()?;
        let message::Return(ret) = root.which()? else {
            return Err(failed(capnp::Error::failed(
                "a reply that is not a Return".into(),
            )));
        };
        match ret?.which()? {
            return_::Results(payload) => {
                log_recv(lp, self.name, self.method);
                let results = payload?.get_content();
                if let Some(text) = self.method.results_text {
                    ctx.log_data("recv data", || text(results));
                }
                read(ctx, results)
            }
            return_::Exception(e) => Err(failed(remote_error(e?))),
            return_::Canceled(()) => Err(failed(capnp::Error::failed(
                "the peer canceled the call".into(),
            ))),
            _ => Err(failed(capnp::Error::failed(
                "the peer answered with a kind of Return this call does not take".into(),
            ))),
        }
    }
}

/// The objects a direct call's params carry, as `export` kept them (`call_ctx.rs`).
fn as_dispatches(exported: Vec<Exported>) -> Result<Vec<Arc<dyn Dispatch>>> {
    exported
        .into_iter()
        .map(|object| {
            object
                .downcast::<Arc<dyn Dispatch>>()
                .map(|d| *d)
                .map_err(|_| Error::failed("an exported object is not a dispatch"))
        })
        .collect()
}

impl ToCopy {
    /// The `build` of the call through the loop: exports the objects there and copies the
    /// params of `message` (a `Call` without its `Context`) into capnp-rpc's request.
    fn into_build(self, message: SplicedMessage) -> LoopBuild {
        Box::new(move |ctx: &CallCtx, mut params: any_pointer::Builder<'_>| {
            let clients = self
                .exported
                .into_iter()
                .map(|object| export(ctx, object))
                .collect::<Result<Vec<_>>>()?;
            let table: CapTable = self
                .caps
                .iter()
                .map(|i| i.and_then(|i| clients.get(i)).map(|c| c.hook.add_ref()))
                .collect();
            let root: message::Reader<'_> = message.get_root_as_reader()?;
            let message::Call(call) = root.which()? else {
                return Err(Error::failed("params to copy are not in a Call"));
            };
            let mut content = call?.get_params()?.get_content();
            content.imbue(&table);
            params.set_as(content)?;
            Ok(())
        })
    }
}

/// Writes the `Context` at `field`, its two capabilities at indexes 0 (`thread`) and 1
/// (`callbackThread`) of the params' capability table.
fn fill_context(field: capnp::any_pointer::Builder<'_>) {
    let stand_in = || thread::Client {
        client: capnp_rpc::new_broken_cap(capnp::Error::failed("a stand-in".into())),
    };
    let mut c = field.init_as::<context::Builder<'_>>();
    c.set_thread(stand_in());
    c.set_callback_thread(stand_in());
}

/// A peer's exception as capnp-rpc turns it into an error, so that both paths give the same
/// error for the same reply.
fn remote_error(e: exception::Reader<'_>) -> capnp::Error {
    let (kind, reason) = match (e.get_type(), e.get_reason()) {
        (Ok(exception::Type::Failed), Ok(reason)) => (capnp::ErrorKind::Failed, reason),
        (Ok(exception::Type::Overloaded), Ok(reason)) => (capnp::ErrorKind::Overloaded, reason),
        (Ok(exception::Type::Disconnected), Ok(reason)) => (capnp::ErrorKind::Disconnected, reason),
        (Ok(exception::Type::Unimplemented), Ok(reason)) => {
            (capnp::ErrorKind::Unimplemented, reason)
        }
        _ => (capnp::ErrorKind::Failed, "(malformed error)".into()),
    };
    let reason = reason
        .to_str()
        .unwrap_or("<malformed utf-8 in error reason>");
    capnp::Error {
        kind,
        extra: format!("remote exception: {reason}"),
    }
}
