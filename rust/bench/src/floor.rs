//! The floor: two processes bouncing a 64-byte message over a socketpair with plain
//! `write`/`read`, the least one round trip can cost on this machine.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;

use crate::measurement::{Impl, Measurement};
use crate::stats::{time_calls, Budget};

/// Size of the message bounced back and forth.
pub const MESSAGE: usize = 64;

/// Child side (`mpbench --echo <fd>`): sends back every message until the parent closes.
pub fn echo(fd: &str) -> mp::Result<()> {
    let mut stream = mp::start_spawned(fd)?;
    let mut buf = [0u8; MESSAGE];
    loop {
        match stream.read_exact(&mut buf) {
            Ok(()) => stream.write_all(&buf)?,
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e.into()),
        }
    }
}

/// Parent side: spawns the echo child and times round trips.
pub fn measure(exe: &str, budget: Budget) -> mp::Result<Measurement> {
    let (pid, mut stream) =
        mp::spawn_process(|fd| vec![exe.to_string(), "--echo".to_string(), fd])?;
    let samples = time_calls(budget, || round_trip(&mut stream));
    drop(stream);
    mp::wait_process(pid)?;
    Ok(Measurement::latency("floor", Impl::Floor, &samples?))
}

fn round_trip(stream: &mut UnixStream) -> mp::Result<()> {
    let mut buf = [7u8; MESSAGE];
    stream.write_all(&buf)?;
    stream.read_exact(&mut buf)?;
    Ok(())
}
