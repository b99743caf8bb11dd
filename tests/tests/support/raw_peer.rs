//! A peer that writes raw Cap'n Proto frames: valid RPC messages to start from, and ways to
//! break them (bad pointers in the params, deep nesting, broken segment tables, noise).

#![allow(dead_code)]

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use capnp_rpc::rpc_capnp;
use mp::private::capnp;
use multiprocess_tests::service_capnp::{service, test_init};

/// TestInit's interface id.
pub fn test_init_id() -> u64 {
    <test_init::Client as capnp::traits::HasTypeId>::TYPE_ID
}

/// `TestInit.whereAmI`, whose params are one pointer: the `Context`.
pub const WHERE_AM_I: u16 = 3;

/// The data word of the params every call frame carries (`a` and `b` of `Service.add`): the
/// `Context` pointer follows it, so it marks where to patch.
const MARK_A: i32 = 0x1122_3344;
const MARK_B: i32 = 0x5566_7788;

fn mark_bytes() -> [u8; 8] {
    let mut m = [0u8; 8];
    m[..4].copy_from_slice(&MARK_A.to_le_bytes());
    m[4..].copy_from_slice(&MARK_B.to_le_bytes());
    m
}

/// One RPC message, framed.
pub fn frame(build: impl FnOnce(rpc_capnp::message::Builder<'_>)) -> Vec<u8> {
    let mut message = capnp::message::Builder::new_default();
    build(message.init_root());
    capnp::serialize::write_message_to_words(&message)
}

/// `Bootstrap` as question `qid`.
pub fn bootstrap(qid: u32) -> Vec<u8> {
    frame(|m| m.init_bootstrap().set_question_id(qid))
}

/// A call (question `qid`) on the bootstrap capability (question 0). The params are
/// `Service.add`'s struct with an empty `Context`, read by the server as its own params: a
/// struct of another size than the server expects, which is valid Cap'n Proto.
pub fn call(qid: u32, interface_id: u64, method_id: u16) -> Vec<u8> {
    call_with(qid, interface_id, method_id, |content| {
        let mut p = content.init_as::<service::add_params::Builder<'_>>();
        p.set_a(MARK_A);
        p.set_b(MARK_B);
        p.init_context();
    })
}

/// A call whose params are filled by `fill`.
pub fn call_with(
    qid: u32,
    interface_id: u64,
    method_id: u16,
    fill: impl FnOnce(capnp::any_pointer::Builder<'_>),
) -> Vec<u8> {
    frame(|m| {
        let mut c = m.init_call();
        c.set_question_id(qid);
        c.set_interface_id(interface_id);
        c.set_method_id(method_id);
        c.reborrow()
            .init_target()
            .init_promised_answer()
            .set_question_id(0);
        fill(c.init_params().init_content());
    })
}

/// `TestInit.construct` (question `qid`) with a null `ThreadMap`, on the bootstrap capability.
pub fn construct(qid: u32) -> Vec<u8> {
    call_with(qid, test_init_id(), 0, |content| {
        content
            .init_as::<multiprocess_tests::service_capnp::test_init::construct_params::Builder<'_>>(
            );
    })
}

/// `ThreadMap.makeThread` (question `qid`) on the `ThreadMap` that `construct` (question
/// `construct_qid`) returns.
pub fn make_thread(qid: u32, construct_qid: u32) -> Vec<u8> {
    frame(|m| {
        let mut c = m.init_call();
        c.set_question_id(qid);
        c.set_interface_id(
            <mp::proxy_capnp::thread_map::Client as capnp::traits::HasTypeId>::TYPE_ID,
        );
        c.set_method_id(0);
        let mut answer = c.reborrow().init_target().init_promised_answer();
        answer.set_question_id(construct_qid);
        answer.init_transform(1).get(0).set_get_pointer_field(0);
        let mut params = c.init_params().init_content();
        params
            .reborrow()
            .init_as::<mp::proxy_capnp::thread_map::make_thread_params::Builder<'_>>()
            .set_name("raw peer");
    })
}

/// A call like [`call`] whose `Context` pointer is the raw word `pointer`.
pub fn call_with_context_pointer(qid: u32, method_id: u16, pointer: u64) -> Vec<u8> {
    let mut bytes = call(qid, test_init_id(), method_id);
    let mark = mark_bytes();
    let at = bytes
        .windows(8)
        .position(|w| w == mark)
        .expect("the marker word is in the frame");
    bytes[at + 8..at + 16].copy_from_slice(&pointer.to_le_bytes());
    bytes
}

/// A call like [`call`] whose `Context` names its threads with the raw pointer words
/// `thread` and `callback`, and whose payload carries `caps` as its cap table (descriptor
/// kind 0..=5 with an id each: none, senderHosted, senderPromise, receiverHosted,
/// receiverAnswer, thirdPartyHosted).
pub fn call_with_threads(
    qid: u32,
    method_id: u16,
    thread: u64,
    callback: u64,
    caps: &[(u8, u32)],
) -> Vec<u8> {
    threads_call(qid, None, method_id, thread, callback, caps)
}

/// [`call_with_threads`] on the capability the server exported as `import` (for example
/// the bootstrap capability, by the id its `Return` gave) instead of on question 0.
pub fn call_on_import_with_threads(
    qid: u32,
    import: u32,
    method_id: u16,
    thread: u64,
    callback: u64,
    caps: &[(u8, u32)],
) -> Vec<u8> {
    threads_call(qid, Some(import), method_id, thread, callback, caps)
}

fn threads_call(
    qid: u32,
    import: Option<u32>,
    method_id: u16,
    thread: u64,
    callback: u64,
    caps: &[(u8, u32)],
) -> Vec<u8> {
    let mut bytes = frame(|m| {
        let mut c = m.init_call();
        c.set_question_id(qid);
        c.set_interface_id(test_init_id());
        c.set_method_id(method_id);
        match import {
            Some(id) => c.reborrow().init_target().set_imported_cap(id),
            None => c
                .reborrow()
                .init_target()
                .init_promised_answer()
                .set_question_id(0),
        }
        let mut payload = c.init_params();
        {
            let mut p = payload
                .reborrow()
                .init_content()
                .init_as::<service::add_params::Builder<'_>>();
            p.set_a(MARK_A);
            p.set_b(MARK_B);
            p.init_context();
        }
        let mut table = payload.init_cap_table(caps.len() as u32);
        for (i, &(kind, id)) in caps.iter().enumerate() {
            let mut d = table.reborrow().get(i as u32);
            match kind % 6 {
                0 => d.set_none(()),
                1 => d.set_sender_hosted(id),
                2 => d.set_sender_promise(id),
                3 => d.set_receiver_hosted(id),
                4 => d.init_receiver_answer().set_question_id(id),
                _ => {
                    d.init_third_party_hosted().set_vine_id(id);
                }
            }
        }
    });
    let mark = mark_bytes();
    let at = bytes
        .windows(8)
        .position(|w| w == mark)
        .expect("the marker word is in the frame");
    // The `Context` struct (no data, two pointers) directly follows its pointer.
    let context = u64::from_le_bytes(bytes[at + 8..at + 16].try_into().expect("word"));
    assert_eq!(
        context,
        pointer::structure(0, 0, 2),
        "Context is laid out next"
    );
    bytes[at + 16..at + 24].copy_from_slice(&thread.to_le_bytes());
    bytes[at + 24..at + 32].copy_from_slice(&callback.to_le_bytes());
    bytes
}

/// Raw pointer words for [`call_with_context_pointer`].
pub mod pointer {
    /// A struct pointer `offset` words on, with the given section sizes.
    pub fn structure(offset: i32, data: u16, pointers: u16) -> u64 {
        (((offset as u32) << 2) as u64) | (u64::from(data) << 32) | (u64::from(pointers) << 48)
    }
    /// A list pointer (`size` is the element size code 0..=7) of `count` elements.
    pub fn list(offset: i32, size: u8, count: u32) -> u64 {
        1 | (((offset as u32) << 2) as u64) | (u64::from(size & 7) << 32) | (u64::from(count) << 35)
    }
    /// A far pointer to `offset` in segment `segment`, single or double.
    pub fn far(segment: u32, offset: u32, double: bool) -> u64 {
        2 | (u64::from(double) << 2) | (u64::from(offset) << 3) | (u64::from(segment) << 32)
    }
    /// A capability pointer to cap table entry `index`.
    pub fn capability(index: u32) -> u64 {
        3 | (u64::from(index) << 32)
    }
}

/// A call whose params nest `depth` structs deep, past any reader's nesting limit.
pub fn deeply_nested_call(qid: u32, depth: usize) -> Vec<u8> {
    // A chain of structs with one pointer each, as a message of its own...
    let link = pointer::structure(0, 0, 1);
    let mut bytes = Vec::new();
    bytes.extend_from_slice(&0u32.to_le_bytes());
    bytes.extend_from_slice(&(depth as u32).to_le_bytes());
    for i in 0..depth {
        let word = if i + 1 < depth { link } else { 0 };
        bytes.extend_from_slice(&word.to_le_bytes());
    }
    let options = *capnp::message::ReaderOptions::new()
        .nesting_limit(i32::MAX)
        .traversal_limit_in_words(None);
    let chain = capnp::serialize::read_message(&mut &bytes[..], options).expect("chain");
    let root: capnp::any_pointer::Reader<'_> = chain.get_root().expect("root");
    // ...copied in as the params.
    call_with(qid, test_init_id(), WHERE_AM_I, |mut content| {
        content.set_as(root).expect("copy the chain");
    })
}

/// A frame header announcing `segments` segments (the first `first_words` long), and nothing
/// after it.
pub fn segment_table(segments: u32, first_words: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    bytes.extend_from_slice(&segments.wrapping_sub(1).to_le_bytes());
    bytes.extend_from_slice(&first_words.to_le_bytes());
    bytes
}

/// Writes `bytes` (a broken pipe is fine: the server may hang up first) and reads what the
/// server answers until it hangs up or is quiet for `quiet`.
pub fn send_and_drain(stream: &mut UnixStream, bytes: &[u8], quiet: Duration) -> Vec<u8> {
    let _ = stream.write_all(bytes);
    drain(stream, quiet)
}

/// Reads until the server hangs up or is quiet for `quiet`.
pub fn drain(stream: &mut UnixStream, quiet: Duration) -> Vec<u8> {
    let _ = stream.set_read_timeout(Some(quiet));
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
    }
    got
}

/// Reads RPC messages until the `Return` for question `qid`; `Ok(true)` if it carries an
/// exception. Fails if the server hangs up or says nothing for `timeout`.
pub fn read_return(stream: &mut UnixStream, qid: u32, timeout: Duration) -> Result<bool, String> {
    Ok(read_exception(stream, qid, timeout)?.is_some())
}

/// Reads RPC messages until the `Return` for question `qid`; the exception's reason if it
/// carries one.
pub fn read_exception(
    stream: &mut UnixStream,
    qid: u32,
    timeout: Duration,
) -> Result<Option<String>, String> {
    stream
        .set_read_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    loop {
        let message = capnp::serialize::read_message(&mut *stream, Default::default())
            .map_err(|e| format!("no Return for question {qid}: {e}"))?;
        let m: rpc_capnp::message::Reader<'_> = message.get_root().map_err(|e| e.to_string())?;
        if let Ok(rpc_capnp::message::Return(r)) = m.which() {
            let r = r.map_err(|e| e.to_string())?;
            if r.get_answer_id() == qid {
                return Ok(match r.which() {
                    Ok(rpc_capnp::return_::Exception(e)) => Some(
                        e.and_then(|e| e.get_reason())
                            .map(|r| String::from_utf8_lossy(r.as_bytes()).into_owned())
                            .unwrap_or_default(),
                    ),
                    _ => None,
                });
            }
        }
    }
}

/// What a `Return` says: the `senderHosted` ids its results carry, or the exception's reason
/// (or why it has neither).
pub fn return_outcome(r: rpc_capnp::return_::Reader<'_>) -> Result<Vec<u32>, String> {
    match r.which().expect("return kind") {
        rpc_capnp::return_::Results(payload) => Ok(payload
            .expect("payload")
            .get_cap_table()
            .expect("cap table")
            .iter()
            .filter_map(|d| match d.which() {
                Ok(rpc_capnp::cap_descriptor::SenderHosted(id)) => Some(id),
                _ => None,
            })
            .collect()),
        rpc_capnp::return_::Exception(e) => Err(e
            .and_then(|e| e.get_reason())
            .map(|t| String::from_utf8_lossy(t.as_bytes()).into_owned())
            .unwrap_or_default()),
        _ => Err("neither results nor an exception".into()),
    }
}

/// A `Finish` of `qid`, which releases the capabilities its results carried unless `keep`.
pub fn finish(qid: u32, keep: bool) -> Vec<u8> {
    frame(|m| {
        let mut f = m.init_finish();
        f.set_question_id(qid);
        f.set_release_result_caps(!keep);
    })
}

/// Sends `call` (question `qid`) `calls` times, each next one in the same write as the
/// `Finish` of the one before, as capnp's C++ client reuses a number right after its
/// `Finish`; `answer` reads each call's `Return` and checks it (it is given the call's
/// index). Finishes the last call too.
pub fn reuse_question(
    stream: &mut UnixStream,
    qid: u32,
    call: &[u8],
    calls: u32,
    mut answer: impl FnMut(&mut UnixStream, u32),
) {
    stream.write_all(call).expect("send");
    for i in 0..calls {
        answer(stream, i);
        let mut next = finish(qid, false);
        if i + 1 < calls {
            next.extend_from_slice(call);
        }
        stream.write_all(&next).expect("send");
    }
}
