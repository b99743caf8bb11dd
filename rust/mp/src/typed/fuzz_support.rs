//! Runtime support for the fuzz harnesses the generator emits on request (`fuzz(true)`):
//! arbitrary bytes become the body of a method's params struct in a raw RPC `Call` that goes,
//! unchecked, over a socketpair to an in-process server of the interface.
//!
//! The harness speaks the RPC protocol itself (it is not a capnp-rpc peer), so nothing on the
//! sending side validates the params: the server's decoding sees exactly the fuzz bytes. Per
//! connection it sends `Bootstrap`, calls a `construct` that the harness adds to the served
//! interface (to get the connection's `ThreadMap`, also for interfaces that have no
//! `construct`), and `makeThread`, so that methods with a `Context` run on a worker thread and
//! reach their decoders. A fuzzed call's `Context` pointer is kept well formed; everything
//! else in the params struct is fuzz. See doc/fuzzing.md.
//!
//! Layout of a fuzzed params struct: the content pointer of the `Call`'s payload is a far
//! pointer to segment 1, which holds a landing pad, then the struct's data and pointer
//! sections (the first bytes of the input), then the `Context` struct when the method has one,
//! then the rest of the input as extra words that the struct's pointers may point to.

use std::collections::HashMap;
use std::io::Write as _;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use capnp::message::{Builder, HeapAllocator, ReaderOptions};
use capnp_rpc::rpc_capnp::{message, return_};

use crate::core::{serve, Dispatch, IncomingCall, InterfaceDesc, MethodDesc};
use crate::event_loop::loop_thread::{EventLoop, EventLoopRef};
use crate::os::error::{Error, Result};
use crate::os::log::LogOptions;
use crate::proxy_capnp::thread_map;

/// How a seed fills one pointer field of a params struct (made from the field's type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// `Text` or `Data`: a few bytes (text with its NUL).
    Bytes {
        /// Whether it is `Text`.
        text: bool,
    },
    /// A list of two elements of this size.
    List(Elem),
    /// A struct (any size reads: capnp fills missing fields with defaults).
    Struct,
    /// Left null (capabilities, `AnyPointer`).
    Null,
}

/// Element size of a seed list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Elem {
    /// `Bool`.
    Bit,
    /// 1, 2, 4 or 8 bytes.
    Bytes(u8),
    /// Pointers (texts, lists, interfaces).
    Pointer,
    /// Structs (inline composite).
    Struct,
}

/// One method as the harness calls it.
#[derive(Debug)]
pub struct FuzzMethod {
    /// Its description (IDs, `Context` pointer index).
    pub desc: &'static MethodDesc,
    /// Section sizes of its params struct.
    pub params: capnp::private::layout::StructSize,
    /// Pointer fields and how seeds fill them.
    pub slots: &'static [(u16, Slot)],
}

/// One interface as the harness serves it.
pub struct FuzzTarget {
    /// The interface's schema name.
    pub name: &'static str,
    /// Its methods, inherited ones included.
    pub methods: &'static [FuzzMethod],
    /// A server of it (generated: an implementation whose methods all fail `Unimplemented`).
    pub make_server: fn() -> Arc<dyn Dispatch>,
}

/// What the server did with one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Results came back.
    Returned,
    /// An exception came back, with its text.
    Exception(String),
    /// The server closed the connection (or aborted it).
    Closed,
}

/// Something the fuzzer must report: the server panicked, hung or died.
#[derive(Debug, Clone)]
pub struct Crash {
    /// `panic`, `hang` or `dead`.
    pub kind: &'static str,
    /// `Interface.method`.
    pub method: String,
    /// The input (params body and extra words).
    pub input: Vec<u8>,
    /// Panic messages with backtraces, or what went wrong.
    pub detail: String,
}

impl std::fmt::Display for Crash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} in {} on {} input bytes: {}",
            self.kind,
            self.method,
            self.input.len(),
            self.detail
        )
    }
}

/// How long the server may take to answer one message before the harness calls it a hang.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(20);

/// The interface ID of the `construct` the harness adds (none of the schema's).
const HARNESS_INTERFACE_ID: u64 = 0xf022_0000_0000_0001;

static HARNESS_CONSTRUCT: MethodDesc = MethodDesc {
    thread_map_result: Some(0),
    ..MethodDesc::new(HARNESS_INTERFACE_ID, "FuzzHarness", 0, "construct")
};

// ---- panics -------------------------------------------------------------------------------

fn panics() -> &'static Mutex<Vec<String>> {
    static PANICS: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    PANICS.get_or_init(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let trace = std::backtrace::Backtrace::force_capture();
            let line = format!(
                "thread {:?}: {info}\n{trace}",
                std::thread::current().name().unwrap_or("?")
            );
            if let Some(p) = PANICS.get() {
                p.lock().unwrap_or_else(|e| e.into_inner()).push(line);
            }
            previous(info);
        }));
        Mutex::new(Vec::new())
    })
}

fn take_panics() -> Vec<String> {
    std::mem::take(&mut *panics().lock().unwrap_or_else(|e| e.into_inner()))
}

// ---- the served side ----------------------------------------------------------------------

/// The interface's server, plus the harness's `construct`.
struct WithConstruct {
    inner: Arc<dyn Dispatch>,
    desc: &'static InterfaceDesc,
}

impl Dispatch for WithConstruct {
    fn interface(&self) -> &'static InterfaceDesc {
        self.desc
    }
    fn call(&self, call: IncomingCall<'_>) -> Result<()> {
        if std::ptr::eq(call.method, &HARNESS_CONSTRUCT) {
            // The core puts the connection's `ThreadMap` in the results.
            return Ok(());
        }
        self.inner.call(call)
    }
}

fn with_construct(inner: Arc<dyn Dispatch>) -> Arc<dyn Dispatch> {
    static DESCS: OnceLock<Mutex<HashMap<u64, &'static InterfaceDesc>>> = OnceLock::new();
    let real = inner.interface();
    let mut descs = DESCS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    // One description per interface for the life of the process (the core wants `'static`).
    let desc = *descs.entry(real.id).or_insert_with(|| {
        let mut methods: Vec<&'static MethodDesc> = real.methods.to_vec();
        methods.push(&HARNESS_CONSTRUCT);
        Box::leak(Box::new(InterfaceDesc {
            id: real.id,
            name: real.name,
            methods: Box::leak(methods.into_boxed_slice()),
            destroy: real.destroy,
            construct: real.construct,
        }))
    });
    Arc::new(WithConstruct { inner, desc })
}

/// A server of one interface on its own event loop, and the harness's connection to it.
pub struct Harness {
    target: &'static FuzzTarget,
    lp: EventLoopRef,
    dispatch: Arc<dyn Dispatch>,
    peer: Option<Peer>,
}

impl Harness {
    /// Starts a server of `target` (on a new event loop with silent logs).
    pub fn new(target: &'static FuzzTarget) -> Result<Self> {
        take_panics();
        let lp = EventLoop::start(format!("mpfuzz-{}", target.name), LogOptions::silent())?;
        Ok(Harness {
            target,
            lp,
            dispatch: with_construct((target.make_server)()),
            peer: None,
        })
    }

    /// A new connection to the server, ready for calls (bootstrap, construct, thread).
    fn connect(&self) -> Result<Peer> {
        let (ours, theirs) = crate::os::spawn::socket_pair()?;
        serve(&self.lp, theirs, self.dispatch.clone())?;
        Peer::open(ours)
    }

    /// Sends `input` as the params of method `index` (modulo the method count) and reads the
    /// answer. A panic, a hang, or a server that no longer answers a fresh connection after
    /// it closed one is a [`Crash`].
    pub fn run(&mut self, index: usize, input: &[u8]) -> std::result::Result<Outcome, Crash> {
        let method = &self.target.methods[index % self.target.methods.len()];
        let crash = |kind, detail: String| Crash {
            kind,
            method: format!("{}.{}", self.target.name, method.desc.name),
            input: input.to_vec(),
            detail,
        };
        let peer = match self.peer.take() {
            Some(p) => p,
            None => self
                .connect()
                .map_err(|e| crash("dead", format!("cannot connect: {e}")))?,
        };
        let mut peer = peer;
        let outcome = peer.fuzzed_call(method, input);
        let panicked = take_panics();
        if !panicked.is_empty() {
            return Err(crash("panic", panicked.join("\n")));
        }
        match outcome {
            Ok(Outcome::Closed) => {
                self.check_alive()
                    .map_err(|e| crash("dead", format!("after the server closed: {e}")))?;
                Ok(Outcome::Closed)
            }
            Ok(o) => {
                self.peer = Some(peer);
                Ok(o)
            }
            Err(e) if e.to_string().contains(HANG) => Err(crash("hang", e.to_string())),
            Err(e) => Err(crash("dead", e.to_string())),
        }
    }

    /// Whether the server still serves: a fresh connection gets through bootstrap,
    /// `construct` and `makeThread`, and a well-formed call of every method gets an answer.
    pub fn check_alive(&mut self) -> Result<()> {
        let mut peer = self.connect()?;
        for m in self.target.methods {
            let seed = seeds(m).swap_remove(0);
            if peer.fuzzed_call(m, &seed)? == Outcome::Closed {
                return Err(Error::failed(format!(
                    "{}.{}: a well-formed call closed the connection",
                    self.target.name, m.desc.name
                )));
            }
        }
        self.peer = Some(peer);
        if let Some(p) = take_panics().first() {
            return Err(Error::failed(format!("panic: {p}")));
        }
        Ok(())
    }

    /// Closes the harness's connection (the server's thread for it ends).
    pub fn disconnect(&mut self) {
        self.peer = None;
    }
}

/// Calls method `index` of `target` with `input` on a server kept for the life of the process
/// (for `cargo fuzz` targets). Panics on a [`Crash`], which is what libFuzzer looks for.
pub fn run_one(target: &'static FuzzTarget, index: usize, input: &[u8]) -> Outcome {
    static HARNESSES: OnceLock<Mutex<HashMap<&'static str, Harness>>> = OnceLock::new();
    let mut all = HARNESSES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if !all.contains_key(target.name) {
        let h = Harness::new(target).unwrap_or_else(|e| panic!("fuzz harness: {e}"));
        all.insert(target.name, h);
    }
    let Some(h) = all.get_mut(target.name) else {
        unreachable!("inserted above")
    };
    match h.run(index, input) {
        Ok(o) => o,
        Err(c) => panic!("fuzz: {c}"),
    }
}

// ---- the harness's side of the RPC protocol -----------------------------------------------

const HANG: &str = "no answer within";

/// One connection, spoken to in raw RPC messages.
struct Peer {
    stream: UnixStream,
    next_question: u32,
    /// Import ID of the bootstrap capability.
    bootstrap: u32,
    /// Import ID of a `Thread` made on this connection.
    thread: u32,
}

type Segments = Vec<Vec<u8>>;

impl Peer {
    fn open(stream: UnixStream) -> Result<Self> {
        stream.set_read_timeout(Some(ANSWER_TIMEOUT))?;
        let mut peer = Peer {
            stream,
            next_question: 0,
            bootstrap: 0,
            thread: 0,
        };
        let mut b = Builder::new_default();
        let q = peer.question();
        b.init_root::<message::Builder<'_>>()
            .init_bootstrap()
            .set_question_id(q);
        peer.send(&segments_of(&b))?;
        peer.bootstrap = peer.expect_cap(q, "bootstrap")?;
        let q = peer.question();
        let b = call_message(q, peer.bootstrap, HARNESS_INTERFACE_ID, 0, None, |_| {});
        peer.send(&segments_of(&b))?;
        let map = peer.expect_cap(q, "construct")?;
        let q = peer.question();
        let b = call_message(
            q,
            map,
            <thread_map::Client as capnp::traits::HasTypeId>::TYPE_ID,
            0,
            None,
            |content| {
                content
                    .init_as::<thread_map::make_thread_params::Builder<'_>>()
                    .set_name("fuzz");
            },
        );
        peer.send(&segments_of(&b))?;
        peer.thread = peer.expect_cap(q, "makeThread")?;
        Ok(peer)
    }

    fn question(&mut self) -> u32 {
        let q = self.next_question;
        self.next_question += 1;
        q
    }

    fn send(&mut self, segments: &Segments) -> Result<()> {
        let mut frame = Vec::new();
        frame.extend_from_slice(&(segments.len() as u32 - 1).to_le_bytes());
        for s in segments {
            frame.extend_from_slice(&((s.len() / 8) as u32).to_le_bytes());
        }
        if segments.len() % 2 == 0 {
            frame.extend_from_slice(&[0; 4]);
        }
        for s in segments {
            frame.extend_from_slice(s);
        }
        self.stream.write_all(&frame)?;
        Ok(())
    }

    /// Waits for the answer to question `q` (answering calls the server makes meanwhile).
    fn answer(&mut self, q: u32) -> Result<(Outcome, Option<u32>)> {
        let started = Instant::now();
        loop {
            let read = capnp::serialize::read_message(&mut self.stream, ReaderOptions::new());
            let reader = match read {
                Ok(r) => r,
                Err(e)
                    if matches!(
                        e.kind,
                        capnp::ErrorKind::PrematureEndOfFile | capnp::ErrorKind::Disconnected
                    ) =>
                {
                    return Ok((Outcome::Closed, None))
                }
                Err(e)
                    if e.to_string().contains("timed out")
                        || e.to_string().contains("WouldBlock")
                        || e.to_string().contains("temporarily unavailable") =>
                {
                    return Err(Error::failed(format!(
                        "{HANG} {:?} (question {q})",
                        started.elapsed()
                    )))
                }
                Err(e) => return Err(Error::failed(format!("reading an answer: {e}"))),
            };
            let msg: message::Reader<'_> = reader.get_root()?;
            match msg.which()? {
                message::Return(ret) => {
                    let ret = ret?;
                    if ret.get_answer_id() != q {
                        continue;
                    }
                    self.finish(q)?;
                    return match ret.which()? {
                        return_::Results(p) => {
                            let p = p?;
                            let cap = p.get_cap_table()?.iter().find_map(|c| match c.which() {
                                Ok(capnp_rpc::rpc_capnp::cap_descriptor::SenderHosted(id))
                                | Ok(capnp_rpc::rpc_capnp::cap_descriptor::SenderPromise(id)) => {
                                    Some(id)
                                }
                                _ => None,
                            });
                            Ok((Outcome::Returned, cap))
                        }
                        return_::Exception(e) => {
                            let text = e?.get_reason()?.to_string().unwrap_or_default();
                            Ok((Outcome::Exception(text), None))
                        }
                        _ => Ok((Outcome::Exception("other return".into()), None)),
                    };
                }
                message::Call(call) => {
                    let id = call?.get_question_id();
                    self.refuse(id)?;
                }
                message::Abort(_) => return Ok((Outcome::Closed, None)),
                _ => {}
            }
        }
    }

    /// A capability the answer to `q` must carry.
    fn expect_cap(&mut self, q: u32, what: &str) -> Result<u32> {
        match self.answer(q)? {
            (Outcome::Returned, Some(id)) => Ok(id),
            other => Err(Error::failed(format!("{what}: {other:?}"))),
        }
    }

    fn finish(&mut self, q: u32) -> Result<()> {
        let mut b = Builder::new_default();
        let mut f = b.init_root::<message::Builder<'_>>().init_finish();
        f.set_question_id(q);
        f.set_release_result_caps(false);
        self.send(&segments_of(&b))
    }

    /// The harness serves nothing: calls from the server fail.
    fn refuse(&mut self, answer: u32) -> Result<()> {
        let mut b = Builder::new_default();
        let mut r = b.init_root::<message::Builder<'_>>().init_return();
        r.set_answer_id(answer);
        r.init_exception()
            .set_reason("the fuzz harness serves no calls");
        self.send(&segments_of(&b))
    }

    /// Calls `method` with `input` as the body of its params struct.
    fn fuzzed_call(&mut self, method: &FuzzMethod, input: &[u8]) -> Result<Outcome> {
        let q = self.question();
        let thread = method.desc.context.map(|_| self.thread);
        let b = call_message(
            q,
            self.bootstrap,
            method.desc.interface_id,
            method.desc.id,
            thread,
            |_| {},
        );
        let segments = fuzzed_segments(&b, method, input)?;
        if self.send(&segments).is_err() {
            return Ok(Outcome::Closed);
        }
        Ok(self.answer(q)?.0)
    }
}

fn segments_of(b: &Builder<HeapAllocator>) -> Segments {
    b.get_segments_for_output()
        .iter()
        .map(|s| s.to_vec())
        .collect()
}

/// A `Call` of `method` on import `target`; with `thread`, its cap table holds that import.
fn call_message(
    q: u32,
    target: u32,
    interface_id: u64,
    method_id: u16,
    thread: Option<u32>,
    content: impl FnOnce(capnp::any_pointer::Builder<'_>),
) -> Builder<HeapAllocator> {
    let mut b = Builder::new_default();
    {
        let mut call = b.init_root::<message::Builder<'_>>().init_call();
        call.set_question_id(q);
        call.set_interface_id(interface_id);
        call.set_method_id(method_id);
        call.reborrow().init_target().set_imported_cap(target);
        let mut params = call.init_params();
        if let Some(t) = thread {
            params
                .reborrow()
                .init_cap_table(1)
                .get(0)
                .set_receiver_hosted(t);
        }
        content(params.get_content());
    }
    b
}

fn word(bytes: &mut [u8], index: usize, value: u64) {
    bytes[index * 8..index * 8 + 8].copy_from_slice(&value.to_le_bytes());
}

/// The `Call` in `b` with its params content replaced by a far pointer to a segment 1 that
/// holds the fuzzed struct (see the module's docs).
fn fuzzed_segments(
    b: &Builder<HeapAllocator>,
    method: &FuzzMethod,
    input: &[u8],
) -> Result<Segments> {
    let out = b.get_segments_for_output();
    if out.len() != 1 {
        return Err(Error::failed("the call message spans segments"));
    }
    let seg0 = out[0];
    let root: message::Reader<'_> = b.get_root_as_reader()?;
    let message::Call(call) = root.which()? else {
        return Err(Error::failed("not a call"));
    };
    let payload = call?.get_params()?;
    let pointers = capnp::raw::get_list_bytes(capnp::raw::get_struct_pointer_section(payload));
    let offset = (pointers.as_ptr() as usize)
        .checked_sub(seg0.as_ptr() as usize)
        .filter(|o| o % 8 == 0 && o + 8 <= seg0.len())
        .ok_or_else(|| Error::failed("the payload is not in the call's segment"))?;
    let mut seg0 = seg0.to_vec();
    // Far pointer (kind 2) to word 0 of segment 1.
    word(&mut seg0, offset / 8, 2 | (1 << 32));

    let (data, ptrs) = (
        usize::from(method.params.data),
        usize::from(method.params.pointers),
    );
    let body_words = data + ptrs;
    let ctx_words = if method.desc.context.is_some() { 2 } else { 0 };
    let extra = input.len().saturating_sub(body_words * 8);
    let total = 1 + body_words + ctx_words + extra.div_ceil(8);
    let mut seg1 = vec![0u8; total * 8];
    // Landing pad: a struct pointer to the words right after it.
    word(&mut seg1, 0, ((data as u64) << 32) | ((ptrs as u64) << 48));
    let body = input.len().min(body_words * 8);
    seg1[8..8 + body].copy_from_slice(&input[..body]);
    let tail = 8 * (1 + body_words + ctx_words);
    seg1[tail..tail + extra].copy_from_slice(&input[body..]);
    if let Some(c) = method.desc.context {
        let c = usize::from(c);
        if c < ptrs {
            // `context` points to the struct after the pointers; its `thread` is cap 0.
            let at = 1 + data + c;
            let target = 1 + body_words;
            let off = (target - at - 1) as u64;
            word(&mut seg1, at, (off << 2) | (2u64 << 48));
            word(&mut seg1, target, 3);
            word(&mut seg1, target + 1, 0);
        }
    }
    Ok(vec![seg0, seg1])
}

// ---- seeds and the driver -----------------------------------------------------------------

/// Inputs made from well-formed params of `method`: all zero (every field at its default),
/// and every pointer field filled with a small value of its type.
pub fn seeds(method: &FuzzMethod) -> Vec<Vec<u8>> {
    let (data, ptrs) = (
        usize::from(method.params.data),
        usize::from(method.params.pointers),
    );
    let zero = vec![0u8; (data + ptrs) * 8];
    let mut words: Vec<u64> = vec![0; data + ptrs];
    for (i, w) in words.iter_mut().take(data).enumerate() {
        *w = 0x0102_0304_0506_0708u64.wrapping_mul(i as u64 + 1);
    }
    let ctx_words = if method.desc.context.is_some() { 2 } else { 0 };
    // Extra words start after the body and the harness's `Context` struct.
    let mut extra: Vec<u64> = Vec::new();
    for &(index, slot) in method.slots {
        let at = data + usize::from(index);
        if at >= words.len() || Some(index) == method.desc.context {
            continue;
        }
        let target = data + ptrs + ctx_words + extra.len();
        let off = (target - at - 1) as u64;
        let list = |size: u64, count: u64| (off << 2) | 1 | (size << 32) | (count << 35);
        match slot {
            Slot::Bytes { text } => {
                let bytes: &[u8] = if text { b"seed\0" } else { b"seed" };
                words[at] = list(2, bytes.len() as u64);
                let mut w = [0u8; 8];
                w[..bytes.len()].copy_from_slice(bytes);
                extra.push(u64::from_le_bytes(w));
            }
            Slot::List(Elem::Bit) => {
                words[at] = list(1, 2);
                extra.push(0b01);
            }
            Slot::List(Elem::Bytes(n)) => {
                let code = match n {
                    1 => 2,
                    2 => 3,
                    4 => 4,
                    _ => 5,
                };
                words[at] = list(code, 2);
                extra.extend(std::iter::repeat_n(0x11, (2 * usize::from(n)).div_ceil(8)));
            }
            Slot::List(Elem::Pointer) => {
                words[at] = list(6, 2);
                extra.extend([0, 0]);
            }
            Slot::List(Elem::Struct) => {
                // Inline composite: tag word, then two structs of one data word and one pointer.
                words[at] = list(7, 4);
                extra.extend([(2 << 2) | (1 << 32) | (1 << 48), 7, 0, 9, 0]);
            }
            Slot::Struct => {
                words[at] = (off << 2) | (1 << 32);
                extra.push(42);
            }
            Slot::Null => {}
        }
    }
    let mut filled: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    // The harness puts the `Context` struct between the body and the extra words.
    filled.extend(extra.iter().flat_map(|w| w.to_le_bytes()));
    vec![zero, filled]
}

/// A small deterministic PRNG (xorshift64*), so that runs repeat from their seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed | 1)
    }
    /// The next value.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// A value below `n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Changes `input` in one to four random ways: bit flips, bytes set to edge values, words
/// set to pointer-like values, bytes inserted or removed, truncation, growth.
pub fn mutate(rng: &mut Rng, input: &mut Vec<u8>) {
    const EDGES: [u64; 8] = [
        0,
        1,
        0x7f,
        0xff,
        0xffff_ffff,
        0x7fff_ffff_ffff_ffff,
        u64::MAX,
        0x8000_0000,
    ];
    for _ in 0..1 + rng.below(4) {
        let len = input.len();
        match rng.below(8) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                input[i] = EDGES[rng.below(EDGES.len())] as u8;
            }
            2 if len >= 8 => {
                // A pointer word: random kind, offset, sizes.
                let i = rng.below(len / 8) * 8;
                let v = match rng.below(3) {
                    0 => rng.next(),
                    1 => EDGES[rng.below(EDGES.len())],
                    _ => (rng.next() & 0xffff_ffff_0000_0003) | ((rng.below(16) as u64) << 2),
                };
                input[i..i + 8].copy_from_slice(&v.to_le_bytes());
            }
            3 if len >= 4 => {
                let i = rng.below(len / 4) * 4;
                let v = EDGES[rng.below(EDGES.len())] as u32;
                input[i..i + 4].copy_from_slice(&v.to_le_bytes());
            }
            4 => {
                let at = rng.below(len + 1);
                let n = 1 + rng.below(16);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                input.splice(at..at, bytes);
            }
            5 if len > 0 => {
                let at = rng.below(len);
                let n = 1 + rng.below((len - at).min(16));
                input.drain(at..at + n);
            }
            6 if len > 0 => input.truncate(rng.below(len)),
            _ => input.extend(std::iter::repeat_n(0u8, 8 * (1 + rng.below(4)))),
        }
    }
}

/// Limits of one fuzz run.
#[derive(Debug, Clone)]
pub struct Budget {
    /// Wall-clock time for the whole run.
    pub time: Duration,
    /// Stop after this many cases, if given.
    pub max_cases: Option<u64>,
    /// PRNG seed.
    pub seed: u64,
    /// Where crashing inputs are written (one file each).
    pub crash_dir: PathBuf,
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Report {
    /// Inputs sent.
    pub cases: u64,
    /// Answered with results.
    pub returned: u64,
    /// Answered with an exception.
    pub exceptions: u64,
    /// Connections the server closed.
    pub closed: u64,
    /// Panics, hangs and deaths found, with the files their inputs were written to.
    pub crashes: Vec<(Crash, PathBuf)>,
    /// Time taken.
    pub elapsed: Duration,
}

/// Fuzzes every method of every target, round robin, from each method's seeds, until the
/// budget is spent; checks that each server still answers at the end. Crashing inputs are
/// written to `budget.crash_dir`. The run stops a target at its first crash.
pub fn drive(targets: &[&'static FuzzTarget], budget: &Budget) -> Result<Report> {
    let started = Instant::now();
    let mut report = Report::default();
    let mut rng = Rng::new(budget.seed);
    let mut harnesses = Vec::new();
    for t in targets {
        let seeds: Vec<Vec<Vec<u8>>> = t.methods.iter().map(seeds).collect();
        harnesses.push((Harness::new(t)?, seeds, false));
    }
    let out_of_budget = |r: &Report| {
        started.elapsed() >= budget.time || budget.max_cases.is_some_and(|m| r.cases >= m)
    };
    'run: loop {
        let mut any = false;
        for (h, seeds, stopped) in harnesses.iter_mut() {
            if *stopped {
                continue;
            }
            any = true;
            for (index, method_seeds) in seeds.iter().enumerate() {
                if out_of_budget(&report) {
                    break 'run;
                }
                let mut input = method_seeds[rng.below(method_seeds.len())].clone();
                mutate(&mut rng, &mut input);
                report.cases += 1;
                match h.run(index, &input) {
                    Ok(Outcome::Returned) => report.returned += 1,
                    Ok(Outcome::Exception(_)) => report.exceptions += 1,
                    Ok(Outcome::Closed) => report.closed += 1,
                    Err(crash) => {
                        let path = write_crash(&budget.crash_dir, &crash, index);
                        report.crashes.push((crash, path));
                        *stopped = true;
                        break;
                    }
                }
            }
        }
        if !any {
            break;
        }
    }
    for (h, _, stopped) in harnesses.iter_mut() {
        if !*stopped {
            if let Err(e) = h.check_alive() {
                let crash = Crash {
                    kind: "dead",
                    method: h.target.name.into(),
                    input: Vec::new(),
                    detail: format!("at the end of the run: {e}"),
                };
                let path = write_crash(&budget.crash_dir, &crash, 0);
                report.crashes.push((crash, path));
            }
        }
        h.disconnect();
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Writes a crashing input as `<Interface.method>-<kind>-<n>.bin` (the method index first,
/// then the input, as the `cargo fuzz` targets read it) and its description beside it.
fn write_crash(dir: &Path, crash: &Crash, index: usize) -> PathBuf {
    let _ = std::fs::create_dir_all(dir);
    let mut n = 0;
    let path = loop {
        let p = dir.join(format!("{}-{}-{n}.bin", crash.method, crash.kind));
        if !p.exists() {
            break p;
        }
        n += 1;
    };
    let mut bytes = vec![index as u8];
    bytes.extend_from_slice(&crash.input);
    let _ = std::fs::write(&path, bytes);
    let _ = std::fs::write(path.with_extension("txt"), crash.to_string());
    path
}

/// Threads and open file descriptors of this process (from `/proc/self`), to check that a
/// run gave back what it took.
pub fn resources() -> (usize, usize) {
    let count = |dir: &str| std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0);
    (count("/proc/self/task"), count("/proc/self/fd"))
}
