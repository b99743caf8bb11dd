//! Rust client of the conformance suite: `mpconf-client <peer>` starts the C++ peer with
//! `mp::spawn_process` (`<peer> serve <fd> <socket path>`), drives it through our generated
//! proxies, and prints one line per check. The peer, as the server, checks what arrives on
//! the wire and prints its own lines when the connection closes.
//!
//! The peer relies on this plan: on the spawned connection, Context calls come from exactly
//! two threads (the main thread and one named `conf-worker`); on the second connection
//! (through the socket path) only from the main thread.

use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use multiprocess_tests::conformance::Checks;
use multiprocess_tests::conformance_capnp::{
    ConfCallback, ConfInit, ConfInitClient, ConfRecord, ConfService,
};

const EXE: &str = "mpconf-client";

/// A callback that records where it runs and recurses through the service.
struct Callback {
    service: Arc<dyn ConfService>,
    dropped: Arc<AtomicU32>,
}

impl Drop for Callback {
    fn drop(&mut self) {
        self.dropped.fetch_add(1, Ordering::SeqCst);
    }
}

impl ConfCallback for Callback {
    fn call(&self, depth: i32) -> mp::Result<Vec<i64>> {
        let mut tids = vec![mp::current_tid()];
        if depth > 1 {
            let next = Box::new(Callback {
                service: self.service.clone(),
                dropped: self.dropped.clone(),
            });
            tids.extend(self.service.call_back(Some(next), depth - 1)?);
        }
        Ok(tids)
    }
    fn where_am_i(&self) -> mp::Result<(i64, String)> {
        Ok((mp::current_tid(), mp::thread_name(EXE)))
    }
}

/// Values of the issue-3 types against a server that serves `makeTypes` (the original's
/// interop server does; the hand-written peer does not, and is left alone).
fn types_checks(c: &mut Checks, init: &ConfInitClient) {
    let types = match init.make_types() {
        Ok(Some(t)) => t,
        Err(e) if e.kind == mp::ErrorKind::Unimplemented => return,
        other => {
            c.check(
                false,
                "makeTypes returns a capability",
                format!("{:?}", other.map(|o| o.is_some())),
            );
            return;
        }
    };
    let r = types.optional(Some(0));
    c.check(
        r == Ok(Some(1)),
        "optional: 0 is a value (hasValue), result + 1 (hasResult)",
        format!("{r:?}"),
    );
    let r = types.optional(None);
    c.check(
        r == Ok(None),
        "optional: nothing in, nothing out",
        format!("{r:?}"),
    );
    let map: std::collections::BTreeMap<String, i32> =
        [("b".to_string(), 2), ("a".to_string(), 1)].into();
    let want: std::collections::BTreeMap<String, i32> = [
        ("a".to_string(), 2),
        ("b".to_string(), 4),
        ("server".to_string(), 1),
    ]
    .into();
    let r = types.counts(map);
    c.check(
        r.as_ref() == Ok(&want),
        "BTreeMap <-> List(NamedCount) <-> std::map",
        format!("{r:?}"),
    );
    let r = types.raise(0);
    c.check(
        r == Ok(7),
        "an exception field left unset: the result arrives",
        format!("{r:?}"),
    );
    let r = types.raise(5);
    c.check(
        matches!(&r, Err(e) if e.payload::<String>().as_deref() == Some("code 5")),
        "$Proxy.exception: the server's std::exception arrives as Err with its text",
        format!("{r:?}"),
    );
    let record = ConfRecord {
        name: "r".into(),
        values: vec![1, 2, 3],
        optional_int: Some(4),
    };
    let r = types.record(record);
    c.check(
        r.as_ref().is_ok_and(|x| {
            *x == ConfRecord {
                name: "r seen".into(),
                values: vec![3, 2, 1],
                optional_int: Some(40),
            }
        }),
        "a $Proxy.wrap struct with a hasX member round-trips",
        format!("{r:?}"),
    );
    let r = types.record(ConfRecord {
        name: "n".into(),
        values: vec![],
        optional_int: None,
    });
    c.check(
        r.as_ref().is_ok_and(|x| x.optional_int.is_none()),
        "an unset optional member stays unset",
        format!("{r:?}"),
    );
    let mut doubled = 0;
    let r = types.wanted(21, Some(&mut doubled));
    c.check(
        r.is_ok() && doubled == 42,
        "wantX: a wanted output is written",
        format!("{r:?} {doubled}"),
    );
    let r = types.wanted(21, None);
    c.check(
        r.is_ok(),
        "wantX: an unwanted output is skipped",
        format!("{r:?}"),
    );
}

fn log_options() -> mp::LogOptions {
    match std::env::var_os("MP_CONF_LOG") {
        Some(path) => mp::LogOptions::to_file(mp::LogLevel::Trace, path),
        None => mp::LogOptions::silent(),
    }
}

fn exited_ok(status: i32) -> bool {
    status & 0x7f == 0 && (status >> 8) & 0xff == 0
}

fn run(c: &mut Checks, peer: &str) -> mp::Result<()> {
    let dir = std::env::temp_dir().join(format!("mpconf-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("peer.sock");
    let lp = mp::EventLoop::start(EXE, log_options())?;
    let path_arg = path.display().to_string();
    let (pid, stream) =
        mp::spawn_process(|fd| vec![peer.to_string(), "serve".into(), fd, path_arg])?;
    let me = mp::current_tid();

    let init = c.ok(
        "connect_stream: bootstrap and construct with the C++ server",
        mp::connect_stream_proxy::<dyn ConfInit>(&lp, stream),
    );
    let Some(init) = init else {
        return Err(mp::Error::failed("cannot continue without a connection"));
    };
    let init = ConfInitClient { proxy: init };
    let r = init.loop_tid();
    c.check(
        r.is_ok(),
        "call without Context (loopTid)",
        format!("{r:?}"),
    );
    let service: Option<Arc<dyn ConfService>> = match init.make_service() {
        Ok(Some(s)) => {
            c.check(true, "makeService returns a capability", "");
            Some(Arc::from(s))
        }
        other => {
            let other = other.map(|o| o.is_some());
            c.check(
                false,
                "makeService returns a capability",
                format!("{other:?}"),
            );
            None
        }
    };
    let Some(service) = service else {
        return Err(mp::Error::failed("cannot continue without a service"));
    };
    let r = service.add(2, 3);
    c.check(
        r == Ok(5),
        "Context call with a pipelined makeThread (add)",
        format!("{r:?}"),
    );
    let r = service.add_no_context(4, 5);
    c.check(
        r == Ok(9),
        "call without Context (addNoContext)",
        format!("{r:?}"),
    );

    let first = service.where_am_i();
    let again = service.where_am_i();
    c.check(
        matches!((&first, &again), (Ok(a), Ok(b)) if a == b),
        "calls from one thread run on one server thread",
        format!("{first:?} then {again:?}"),
    );
    let svc = service.clone();
    let other = std::thread::Builder::new()
        .name("conf-worker".into())
        .spawn(move || {
            let a = svc.where_am_i();
            let b = svc.add(1, 1).map(|_| ());
            (a, b)
        })
        .map_err(|e| mp::Error::failed(e.to_string()))?
        .join()
        .map_err(|_| mp::Error::failed("conf-worker panicked"))?;
    c.check(
        matches!((&first, &other.0), (Ok(a), Ok(b)) if a.0 != b.0) && other.1.is_ok(),
        "another client thread gets another server thread",
        format!("{first:?} vs {other:?}"),
    );

    // Callbacks: they must run on this (blocked) thread, at any depth.
    let dropped = Arc::new(AtomicU32::new(0));
    let cb = |service: &Arc<dyn ConfService>| -> Box<dyn ConfCallback> {
        Box::new(Callback {
            service: service.clone(),
            dropped: dropped.clone(),
        })
    };
    let r = service.call_back(Some(cb(&service)), 1);
    c.check(
        matches!(&r, Ok(v) if v.len() == 2 && v[1] == me),
        "server callback runs on the calling thread",
        format!("{r:?}, this thread {me}"),
    );
    c.check(
        dropped.load(Ordering::SeqCst) == 1,
        "the server's destroy of the callback arrives during the call",
        format!("{} callbacks dropped", dropped.load(Ordering::SeqCst)),
    );
    let r = service.call_back(Some(cb(&service)), 3);
    let ok = match &r {
        Ok(v) if v.len() == 6 => {
            v.iter().skip(1).step_by(2).all(|t| *t == me) && v.iter().step_by(2).all(|t| *t == v[0])
        }
        _ => false,
    };
    c.check(
        ok,
        "recursion 3 deep: callbacks on the calling thread, nested calls on one server thread",
        format!("{r:?}, this thread {me}"),
    );
    c.check(
        dropped.load(Ordering::SeqCst) == 4,
        "every nested callback was destroyed by the server",
        format!("{} callbacks dropped", dropped.load(Ordering::SeqCst)),
    );
    // A new callback object per call: after the first, each is lent by an export number
    // the peer released before (`core/reusable_export.rs`), which the peer must take as a
    // new object every time.
    let lent_before = mp::private::objects_lent_direct();
    let before = dropped.load(Ordering::SeqCst);
    let all_here = (0..20).all(
        |_| matches!(service.call_back(Some(cb(&service)), 1), Ok(v) if v.len() == 2 && v[1] == me),
    );
    let lent = mp::private::objects_lent_direct() - lent_before;
    c.check(
        all_here && lent > 0,
        "20 callbacks in a row, lent by reused export numbers, each run on the calling thread",
        format!("all on this thread: {all_here}, {lent} lent without the loop"),
    );
    c.check(
        dropped.load(Ordering::SeqCst) == before + 20,
        "each of them was destroyed by the server",
        format!("{} of 20 dropped", dropped.load(Ordering::SeqCst) - before),
    );
    let r = service.call_back_fresh(Some(cb(&service)));
    let prefix = format!("{EXE}-{}/", std::process::id());
    c.check(
        matches!(&r, Ok((tid, name)) if *tid != me && name.starts_with(&prefix) && name.contains(" (from ")),
        "a server call from a fresh thread runs on a worker made by our ThreadMap",
        format!("{r:?}"),
    );

    let r = init.make_nothing();
    c.check(
        matches!(r, Ok(None)),
        "a null capability result reads as None",
        format!("{:?}", r.map(|o| o.is_some())),
    );
    let r = service.fail("boom".into());
    c.check(
        matches!(&r, Err(e) if e.kind == mp::ErrorKind::RemoteException && e.message == "std::exception: boom"),
        "a server exception arrives with its text",
        format!("{r:?}"),
    );
    let r = service.add(20, 22);
    c.check(
        r == Ok(42),
        "the connection works after an exception",
        format!("{r:?}"),
    );
    let mut text = String::from("a\0b");
    let mut data = mp::Bytes::from_static(&[0xff, 0, b'a']);
    let r = service.echo(&mut text, &mut data);
    c.check(
        r.is_ok() && text == "a\0b" && data[..] == [0xff, 0, b'a'],
        "Text with NUL and Data bytes round-trip (in/out fields)",
        format!("{r:?} {text:?} {data:?}"),
    );
    // Big ones, several times: the later calls go direct and send the Data from its own
    // memory (`transport/spliced.rs`); the C++ peers read it with capnp's C++ reader.
    let in_place = mp::private::data_sent_in_place();
    let mut failures = Vec::new();
    for round in 0..3u8 {
        let want: Vec<u8> = (0..(1u32 << 20) + 3)
            .map(|i| (i % 251) as u8 ^ round)
            .collect();
        let mut text = String::from("t");
        let mut data = mp::Bytes::from(want.clone());
        let r = service.echo(&mut text, &mut data);
        if r.is_err() || data[..] != want[..] || text != "t" {
            failures.push(format!("round {round}: {r:?}, {} bytes", data.len()));
        }
    }
    let sent_in_place = mp::private::data_sent_in_place() - in_place;
    c.check(
        failures.is_empty() && sent_in_place >= 2,
        "1 MiB of Data round-trips, three times, sent from its own memory",
        format!("{failures:?}, {sent_in_place} sent in place"),
    );
    types_checks(c, &init);
    let r = init.proxy.make_pool(2);
    c.check(
        r.is_ok(),
        "makePool on the server's ThreadMap",
        format!("{r:?}"),
    );

    // A second connection to the same server: a new request thread for this thread.
    let second = UnixStream::connect(&path)
        .map_err(mp::Error::from)
        .and_then(|s| mp::connect_stream_proxy::<dyn ConfInit>(&lp, s));
    if let Some(init2) = c.ok("a second connection through the socket path", second) {
        let init2 = ConfInitClient { proxy: init2 };
        let svc2 = init2.make_service();
        if let Some(Some(svc2)) = c.ok("makeService on the second connection", svc2) {
            let r = svc2.where_am_i();
            c.check(
                matches!((&r, &first), (Ok(a), Ok(b)) if a.0 != b.0),
                "the same thread gets its own server thread on each connection",
                format!("{r:?} vs {first:?}"),
            );
            let r = init2.quit();
            c.check(
                r.is_ok()
                    || r.as_ref()
                        .is_err_and(|e| e.kind == mp::ErrorKind::Disconnected),
                "quit: the server drops the connection",
                format!("{r:?}"),
            );
            // Wait (bounded) for the runtime to notice; this is not a timing assertion.
            let deadline = Instant::now() + Duration::from_secs(60);
            while !init2.proxy.connection().is_disconnected() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
            let r = svc2.add(1, 1);
            c.check(
                matches!(&r, Err(e) if e.kind == mp::ErrorKind::Disconnected
                    && e.message == "IPC client method called after disconnect."),
                "a call after the server dropped the connection fails as disconnected",
                format!("{r:?}"),
            );
        }
    }

    // destroy on drop, then release, then close: the peer checks the order on the wire. Our
    // callbacks hold clones of the service; those the peer released (rather than destroyed)
    // are dropped on the runtime's cleanup thread, so wait until ours is the last reference,
    // or that thread's destroy and release could race with the close below.
    let deadline = Instant::now() + Duration::from_secs(60);
    while Arc::strong_count(&service) > 1 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    drop(service);
    drop(init);
    let status = mp::wait_process(pid);
    c.check(
        matches!(status, Ok(s) if exited_ok(s)),
        "the spawned peer exits with 0 once we close the connection",
        format!("{status:?}"),
    );
    let event_loop = lp.event_loop().clone();
    drop(lp);
    event_loop.wait_finished();
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 2 {
        println!("Usage: {EXE} <peer executable>");
        std::process::exit(1);
    }
    let mut c = Checks::new("rust client");
    if let Err(e) = run(&mut c, &args[1]) {
        c.check(false, "run the client scenarios", e);
    }
    c.summary();
}
