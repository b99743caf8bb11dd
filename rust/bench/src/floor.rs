//! The floors: what two processes pay with plain `write`/`read` on a socketpair, the least
//! a call can cost on this machine.
//!
//! * latency: a 64-byte message bounced back and forth;
//! * bulk (`floor-1m`, `floor-16m`): a payload sent whole, received whole by the child, and
//!   sent back whole, the same store-and-forward shape as an RPC echo of that payload.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;

use crate::measurement::{Impl, Measurement};
use crate::stats::{time_calls, Budget};

/// Size of the message bounced back and forth.
pub const MESSAGE: usize = 64;

/// Payload sizes of the bulk floor, with their case names.
pub const BULK: [(&str, usize); 2] = [("floor-1m", 1 << 20), ("floor-16m", 16 << 20)];

/// Child side (`mpbench --echo <fd>`): each message is an 8-byte length and that many bytes;
/// it is read whole, then sent back whole. A 64-byte latency message uses the same framing.
pub fn echo(fd: &str) -> mp::Result<()> {
    let mut stream = mp::start_spawned(fd)?;
    let mut buf = Vec::new();
    loop {
        let mut header = [0u8; 8];
        match stream.read_exact(&mut header) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e.into()),
        }
        let len = usize::try_from(u64::from_le_bytes(header))
            .map_err(|_| mp::Error::failed("echo: length too large"))?;
        buf.resize(len, 0);
        stream.read_exact(&mut buf)?;
        stream.write_all(&header)?;
        stream.write_all(&buf)?;
    }
}

/// Parent side: spawns the echo child, times 64-byte round trips and, unless `latency_only`,
/// the bulk payloads.
pub fn measure(exe: &str, budget: Budget, latency_only: bool) -> mp::Result<Vec<Measurement>> {
    let (pid, mut stream) =
        mp::spawn_process(|fd| vec![exe.to_string(), "--echo".to_string(), fd])?;
    let mut out = Vec::new();
    let result = (|| {
        let mut small = vec![7u8; MESSAGE];
        let s = time_calls(budget, || round_trip(&mut stream, &mut small))?;
        out.push(Measurement::latency("floor", Impl::Floor, &s));
        if !latency_only {
            for (case, size) in BULK {
                let mut payload = vec![0x5a_u8; size];
                let s = time_calls(budget, || round_trip(&mut stream, &mut payload))?;
                out.push(Measurement::bandwidth(case, Impl::Floor, &s, size));
            }
        }
        Ok::<_, mp::Error>(())
    })();
    drop(stream);
    mp::wait_process(pid)?;
    result.map(|()| out)
}

/// Sends `payload` whole and reads it back whole into the same buffer.
fn round_trip(stream: &mut UnixStream, payload: &mut [u8]) -> mp::Result<()> {
    let header = (payload.len() as u64).to_le_bytes();
    stream.write_all(&header)?;
    stream.write_all(payload)?;
    let mut back = [0u8; 8];
    stream.read_exact(&mut back)?;
    if back != header {
        return Err(mp::Error::failed("echo: wrong length"));
    }
    stream.read_exact(payload)?;
    Ok(())
}
