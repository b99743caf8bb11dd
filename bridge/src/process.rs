//! Processes and sockets with the original's conventions, for `mp/util.h`.

use std::os::fd::IntoRawFd;

use crate::ffi::{ArgsMaker, Spawned};
use crate::guard::guard;

/// Starts a child connected by a socketpair; `maker` builds its argv from the connect info.
pub fn spawn_process(maker: &ArgsMaker) -> Result<Spawned, String> {
    guard("SpawnProcess", || {
        let mut failure = None;
        let spawned = mp::spawn_process(|connect_info| match maker.make_args(&connect_info) {
            Ok(argv) => argv,
            Err(e) => {
                failure = Some(e.what().to_string());
                Vec::new()
            }
        });
        if let Some(message) = failure {
            return Err(message);
        }
        let (pid, socket) = spawned.map_err(|e| e.to_string())?;
        Ok(Spawned {
            pid,
            socket: socket.into_raw_fd(),
        })
    })
}

/// In a spawned child: the socket fd named by `connect_info`.
pub fn start_spawned(connect_info: &str) -> Result<i32, String> {
    guard("StartSpawned", || {
        mp::start_spawned(connect_info)
            .map(|s| s.into_raw_fd())
            .map_err(|e| e.to_string())
    })
}

/// Waits for a child; its raw wait status.
pub fn wait_process(pid: i32) -> Result<i32, String> {
    guard("WaitProcess", || {
        mp::wait_process(pid).map_err(|e| e.to_string())
    })
}

/// A close-on-exec socketpair.
pub fn socket_pair() -> Result<[i32; 2], String> {
    guard("SocketPair", || {
        let (a, b) = mp::socket_pair().map_err(|e| e.to_string())?;
        Ok([a.into_raw_fd(), b.into_raw_fd()])
    })
}

/// The calling thread's name as log lines print it.
pub fn long_thread_name(exe_name: &str) -> String {
    mp::thread_name(exe_name)
}
