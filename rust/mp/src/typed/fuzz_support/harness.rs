//! The server under test and the outcome of one input: panics (seen through a panic hook,
//! as the core turns a panicking call into an error for the caller), hangs, a dead server.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use super::peer::{Peer, HANG, HARNESS_CONSTRUCT};
use super::seeds::seeds;
use super::{Crash, FuzzMethod, FuzzTarget, Outcome};
use crate::core::{serve, Dispatch, IncomingCall, InterfaceDesc, MethodDesc};
use crate::event_loop::loop_thread::{EventLoop, EventLoopRef};
use crate::os::error::{Error, Result};
use crate::os::log::LogOptions;

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
///
/// Each connection is served by a server object of its own, so that a `destroy` (which
/// empties the object: later calls fail before their params are decoded) costs only that
/// connection; the harness drops a connection after a `destroy` call.
pub struct Harness {
    pub(super) target: &'static FuzzTarget,
    lp: EventLoopRef,
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
            peer: None,
        })
    }

    /// A new connection to a new server object, ready for calls (bootstrap, construct,
    /// thread).
    fn connect(&self) -> Result<Peer> {
        let (ours, theirs) = crate::os::spawn::socket_pair()?;
        serve(
            &self.lp,
            theirs,
            with_construct((self.target.make_server)()),
        )?;
        Peer::open(ours)
    }

    /// Sends `input` as the params of method `index` (modulo the method count) and reads the
    /// answer. A panic, a hang, or a server that no longer answers a fresh connection after
    /// it closed one is a [`Crash`].
    pub fn run(&mut self, index: usize, input: &[u8]) -> std::result::Result<Outcome, Crash> {
        let (method, keep_context) = self.target.method(index);
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
        let outcome = peer.fuzzed_call(method, keep_context, input);
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
                if !is_destroy(method.desc) {
                    self.peer = Some(peer);
                }
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
        // `destroy` last: after it the object answers every call with an error.
        let mut methods: Vec<&FuzzMethod> = self.target.methods.iter().collect();
        methods.sort_by_key(|m| is_destroy(m.desc));
        for m in methods {
            let seed = seeds(m, true).swap_remove(0);
            if peer.fuzzed_call(m, true, &seed)? == Outcome::Closed {
                return Err(Error::failed(format!(
                    "{}.{}: a well-formed call closed the connection",
                    self.target.name, m.desc.name
                )));
            }
        }
        drop(peer);
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

/// Whether `method` is its interface's `destroy` (as the runtime and the generated server
/// know it: by name).
fn is_destroy(method: &MethodDesc) -> bool {
    method.name == "destroy"
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
