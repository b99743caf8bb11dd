//! Child process for transport tests: listens on the Unix socket path in `argv[1]` and serves
//! `TestInit` on every connection until killed. Prints `ready` once it accepts connections.

use std::os::unix::net::UnixListener;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        println!("Usage: mptest-listener <socket path>");
        std::process::exit(1);
    };
    let listener = match UnixListener::bind(&path) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("mptest-listener: cannot bind {path}: {e}");
            std::process::exit(1);
        }
    };
    let lp = mp::EventLoop::new("mptest-listener", mp::LogOptions::silent());
    // Keeps the loop running while no connection is open.
    let keep = lp.add_ref();
    if let Err(e) = mp::listen_connections(&lp, listener, multiprocess_tests::test_init(), None) {
        eprintln!("mptest-listener: {e}");
        std::process::exit(1);
    }
    println!("ready");
    lp.run();
    drop(keep);
}
