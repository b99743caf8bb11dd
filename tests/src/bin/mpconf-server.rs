//! Rust server of the conformance suite, driven by the C++ peer in `tests/conformance/`.
//!
//! `mpconf-server <fd> [<socket path>]`: serves `ConfInit` on the socket whose fd number the
//! spawning parent passed (the original's convention) and, with a path, also accepts further
//! connections there (bound before the first connection is served), so that the peer can
//! test that thread handles do not cross connections. Set `MP_CONF_LOG` to a file name to get
//! a Trace log.

use std::os::unix::net::UnixListener;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use multiprocess_tests::conformance::Inherited;
use std::collections::BTreeMap;

use multiprocess_tests::conformance_capnp::{
    ConfCallback, ConfInit, ConfRecord, ConfService, ConfTypes,
};

const EXE: &str = "mpconf-server";

struct Init {
    inherited: Inherited,
    destroyed: Arc<AtomicU32>,
}

impl ConfInit for Init {
    fn make_service(&self) -> mp::Result<Option<Box<dyn ConfService>>> {
        Ok(Some(Box::new(Service {
            destroyed: self.destroyed.clone(),
        })))
    }
    fn make_nothing(&self) -> mp::Result<Option<Box<dyn ConfService>>> {
        Ok(None)
    }
    fn loop_tid(&self) -> mp::Result<i64> {
        Ok(mp::current_tid())
    }
    fn destroyed_count(&self) -> mp::Result<u32> {
        Ok(self.destroyed.load(Ordering::SeqCst))
    }
    fn spawn_info(&self) -> mp::Result<(i32, bool, Vec<i32>)> {
        let i = &self.inherited;
        Ok((i.fd, i.cloexec, i.other_fds.clone()))
    }
    fn make_types(&self) -> mp::Result<Option<Box<dyn ConfTypes>>> {
        Ok(Some(Box::new(Types)))
    }
    fn quit(&self) -> mp::Result<()> {
        // Leave after the reply had a chance to go out; the peer accepts either outcome of
        // this call and checks what happens to the calls after it.
        std::thread::Builder::new()
            .spawn(|| {
                std::thread::sleep(std::time::Duration::from_millis(100));
                std::process::exit(0);
            })
            .map_err(|e| mp::Error::failed(e.to_string()))?;
        Ok(())
    }
}

/// The issue-3 types, as `conformance.capnp` describes them.
struct Types;

impl ConfTypes for Types {
    fn optional(&self, value: Option<i32>) -> mp::Result<Option<i32>> {
        Ok(value.map(|v| v + 1))
    }
    fn counts(&self, map: BTreeMap<String, i32>) -> mp::Result<BTreeMap<String, i32>> {
        let mut out: BTreeMap<String, i32> = map.into_iter().map(|(k, v)| (k, v * 2)).collect();
        out.insert("server".into(), 1);
        Ok(out)
    }
    fn raise(&self, code: i32) -> mp::Result<i32> {
        if code == 0 {
            return Ok(7);
        }
        let text = format!("code {code}");
        Err(mp::Error::raised(text.clone(), text))
    }
    fn record(&self, mut record: ConfRecord) -> mp::Result<ConfRecord> {
        record.name.push_str(" seen");
        record.values.reverse();
        record.optional_int = record.optional_int.map(|v| v * 10);
        Ok(record)
    }
    fn wanted(&self, x: i32, doubled: Option<&mut i32>) -> mp::Result<()> {
        if let Some(d) = doubled {
            *d = 2 * x;
        }
        Ok(())
    }
    fn narrow(&self, value: i32) -> mp::Result<i64> {
        Ok(i64::from(value))
    }
}

struct Service {
    destroyed: Arc<AtomicU32>,
}

impl Drop for Service {
    fn drop(&mut self) {
        self.destroyed.fetch_add(1, Ordering::SeqCst);
    }
}

impl ConfService for Service {
    fn add(&self, a: i32, b: i32) -> mp::Result<i32> {
        Ok(a.wrapping_add(b))
    }
    fn add_no_context(&self, a: i32, b: i32) -> mp::Result<i32> {
        Ok(a.wrapping_add(b))
    }
    fn where_am_i(&self) -> mp::Result<(i64, String)> {
        Ok((mp::current_tid(), mp::thread_name(EXE)))
    }
    fn call_back(&self, cb: Option<Box<dyn ConfCallback>>, depth: i32) -> mp::Result<Vec<i64>> {
        let cb = cb.ok_or_else(|| mp::Error::invalid_argument("null callback"))?;
        let mut tids = vec![mp::current_tid()];
        tids.extend(cb.call(depth)?);
        // Dropping the proxy sends `destroy` to the caller before this call returns.
        drop(cb);
        Ok(tids)
    }
    fn call_back_fresh(&self, cb: Option<Box<dyn ConfCallback>>) -> mp::Result<(i64, String)> {
        let cb = cb.ok_or_else(|| mp::Error::invalid_argument("null callback"))?;
        // A thread that serves no request of the peer: its calls need a new peer thread.
        let fresh = std::thread::Builder::new()
            .spawn(move || {
                let r = cb.where_am_i();
                drop(cb);
                r
            })
            .map_err(|e| mp::Error::failed(e.to_string()))?;
        fresh
            .join()
            .unwrap_or_else(|_| Err(mp::Error::failed("callback thread panicked")))
    }
    fn echo(&self, _text: &mut String, _data: &mut mp::Bytes) -> mp::Result<()> {
        Ok(())
    }
    fn fail(&self, message: String) -> mp::Result<()> {
        Err(mp::Error::failed(message))
    }
}

fn log_options() -> mp::LogOptions {
    match std::env::var_os("MP_CONF_LOG") {
        Some(path) => mp::LogOptions::to_file(mp::LogLevel::Trace, path),
        None => mp::LogOptions::silent(),
    }
}

fn run(args: &[String], inherited: Inherited) -> mp::Result<()> {
    let stream = mp::start_spawned(&args[1])?;
    let lp = mp::EventLoop::new(EXE, log_options());
    let init: Arc<dyn ConfInit> = Arc::new(Init {
        inherited,
        destroyed: Arc::default(),
    });
    if let Some(path) = args.get(2) {
        let listener = UnixListener::bind(path)?;
        mp::listen_connections(&lp, listener, init.clone(), None)?;
    }
    mp::serve_stream(&lp, stream, init)?;
    lp.run();
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // Before anything opens a descriptor: what did the parent leave us?
    let inherited = Inherited::observe(args.get(1).map_or("", String::as_str));
    if !(2..=3).contains(&args.len()) {
        println!("Usage: {EXE} <fd> [<socket path>]");
        std::process::exit(1);
    }
    if let Err(e) = run(&args, inherited) {
        eprintln!("{EXE}: {e}");
        std::process::exit(1);
    }
}
