//! A client for the kill tests: connects to `<socket>` and calls the server from three
//! threads until it is killed: plain calls (no `Context`), `Context` calls, and calls the
//! server answers by calling back into this process. Prints `calling` once all three run.

use std::os::unix::net::UnixStream;
use std::sync::Arc;

use multiprocess_tests::service_capnp::{Callback, Service, TestInit};

struct Here;

impl Callback for Here {
    fn call(&self, _depth: i32) -> mp::Result<Vec<i64>> {
        Ok(vec![mp::current_tid()])
    }
}

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("Usage: mptest-caller <socket>");
        std::process::exit(1);
    };
    let run = || -> mp::Result<()> {
        let lp = mp::EventLoop::start("mptest-caller", mp::LogOptions::silent())?;
        let stream = UnixStream::connect(&path)?;
        let init = mp::connect_stream::<dyn TestInit>(lp.event_loop(), stream)?;
        let service: Arc<dyn Service> = Arc::from(
            init.make_service()?
                .ok_or_else(|| mp::Error::failed("no service"))?,
        );
        let (tx, rx) = std::sync::mpsc::channel();
        let plain = service.clone();
        let ctx = service.clone();
        let back = service.clone();
        let jobs: Vec<Box<dyn Fn() -> mp::Result<()> + Send>> = vec![
            Box::new(move || plain.add_on_loop(1, 2).map(drop)),
            Box::new(move || ctx.add(1, 2).map(drop)),
            Box::new(move || back.call_back(Some(Box::new(Here)), 1).map(drop)),
        ];
        for job in jobs {
            let tx = tx.clone();
            std::thread::spawn(move || {
                let mut first = true;
                loop {
                    if let Err(e) = job() {
                        eprintln!("mptest-caller: {e}");
                        std::process::exit(2);
                    }
                    if first {
                        first = false;
                        let _ = tx.send(());
                    }
                }
            });
        }
        for _ in 0..3 {
            let _ = rx.recv();
        }
        println!("calling");
        loop {
            std::thread::park();
        }
    };
    if let Err(e) = run() {
        eprintln!("mptest-caller: {e}");
        std::process::exit(1);
    }
}
