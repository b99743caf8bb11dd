//! The harness's side of the RPC protocol: raw messages over the socket, so that nothing
//! checks the params before the server does.

use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use capnp::message::{Builder, HeapAllocator, ReaderOptions};
use capnp_rpc::rpc_capnp::{cap_descriptor, message, return_};

use super::{FuzzMethod, Outcome};
use crate::core::MethodDesc;
use crate::os::error::{Error, Result};
use crate::proxy_capnp::thread_map;

/// How long the server may take to answer one message before the harness calls it a hang.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(20);

/// The interface ID of the `construct` the harness adds (none of the schema's).
const HARNESS_INTERFACE_ID: u64 = 0xf022_0000_0000_0001;

/// The `construct` the harness adds to every served interface.
pub(super) static HARNESS_CONSTRUCT: MethodDesc = MethodDesc {
    thread_map_result: Some(0),
    ..MethodDesc::new(HARNESS_INTERFACE_ID, "FuzzHarness", 0, "construct")
};

/// The start of a hang's error text.
pub(super) const HANG: &str = "no answer within";

/// One connection, spoken to in raw RPC messages.
pub(super) struct Peer {
    stream: UnixStream,
    next_question: u32,
    /// Import ID of the bootstrap capability.
    bootstrap: u32,
    /// Import ID of a `Thread` made on this connection.
    thread: u32,
}

type Segments = Vec<Vec<u8>>;

impl Peer {
    pub(super) fn open(stream: UnixStream) -> Result<Self> {
        stream.set_read_timeout(Some(ANSWER_TIMEOUT))?;
        stream.set_write_timeout(Some(ANSWER_TIMEOUT))?;
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
        send_all(&self.stream, &frame)?;
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
                                Ok(cap_descriptor::SenderHosted(id))
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

    /// Calls `method` with `input` as the body of its params struct (its `Context` pointer
    /// replaced by a well-formed one when `keep_context`).
    pub(super) fn fuzzed_call(
        &mut self,
        method: &FuzzMethod,
        keep_context: bool,
        input: &[u8],
    ) -> Result<Outcome> {
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
        let segments = fuzzed_segments(&b, method, keep_context, input)?;
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
    keep_context: bool,
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
            // The `Context` struct after the pointers: its `thread` is cap 0.
            let target = 1 + body_words;
            word(&mut seg1, target, 3);
            word(&mut seg1, target + 1, 0);
            if keep_context {
                word(&mut seg1, 1 + data + c, context_pointer(ptrs, c));
            }
        }
    }
    Ok(vec![seg0, seg1])
}

/// The `Context` pointer (index `c`) to the struct the harness puts right after the pointer
/// section (of `ptrs` pointers) of a params struct.
pub(super) fn context_pointer(ptrs: usize, c: usize) -> u64 {
    let off = (ptrs - c - 1) as u64;
    (off << 2) | (2u64 << 48)
}

/// Writes all of `bytes` with `MSG_NOSIGNAL`: a server that closed the connection gives an
/// error here, not a `SIGPIPE` (which `cargo fuzz` binaries, having no Rust `main`, do not
/// ignore).
fn send_all(stream: &UnixStream, mut bytes: &[u8]) -> std::io::Result<()> {
    while !bytes.is_empty() {
        // SAFETY: `bytes` is valid for `bytes.len()` bytes, and the fd stays open while
        // `stream` is borrowed.
        let sent = unsafe {
            libc::send(
                stream.as_raw_fd(),
                bytes.as_ptr().cast(),
                bytes.len(),
                libc::MSG_NOSIGNAL,
            )
        };
        if sent < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        bytes = &bytes[sent as usize..];
    }
    Ok(())
}
