//! Connections from C++: connect to a peer's bootstrap interface, serve a C++ object on a
//! stream, listen on a socket. All go through the core with the C++ interface's descriptor.

use std::os::fd::FromRawFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::sync::Arc;

use cxx::UniquePtr;

use crate::event_loop::Loop;
use crate::ffi::CxxServerFactory;
use crate::guard::guard;
use crate::interface::Interface;
use crate::local::Local;
use crate::remote::Remote;

fn adopt_stream(fd: i32) -> Result<UnixStream, String> {
    if fd < 0 {
        return Err(format!("invalid socket {fd}"));
    }
    // SAFETY: the C++ caller hands over an open socket it owns (MakeStream takes ownership in
    // the original too); nothing else closes it afterwards.
    Ok(unsafe { UnixStream::from_raw_fd(fd) })
}

/// Connects over the socket `fd` (taking it over) and returns the peer's bootstrap capability
/// as a proxy of `interface`, after `construct`.
pub fn connect_stream(lp: &Loop, fd: i32, interface: &Interface) -> Result<Box<Remote>, String> {
    guard("ConnectStream", || {
        let stream = adopt_stream(fd)?;
        lp.retire_startup_ref();
        let client = mp::core::connect(lp.event_loop(), stream, interface.desc)
            .map_err(crate::errors::to_cxx)?;
        Ok(Box::new(Remote { client }))
    })
}

/// Serves `server` as the bootstrap capability on the socket `fd` (taking it over).
#[allow(clippy::boxed_local)] // cxx hands Rust-owned objects over only as Box.
pub fn serve_stream(lp: &Loop, fd: i32, server: Box<Local>) -> Result<(), String> {
    guard("ServeStream", || {
        let stream = adopt_stream(fd)?;
        lp.retire_startup_ref();
        mp::core::serve(lp.event_loop(), stream, server.dispatch()).map_err(crate::errors::to_cxx)
    })
}

/// Makes the C++ server of each accepted connection.
struct Factory(UniquePtr<CxxServerFactory>);

// SAFETY: the factory is called on the loop thread only (one connection at a time); it is
// moved there once and never used from two threads at the same time.
unsafe impl Send for Factory {}
// SAFETY: see `Send`.
unsafe impl Sync for Factory {}

/// Accepts connections on the listening socket `fd` (taking it over) and serves on each a
/// server made by `factory`; at most `max_connections` at once when it is positive.
pub fn listen_connections(
    lp: &Loop,
    fd: i32,
    factory: UniquePtr<CxxServerFactory>,
    max_connections: i64,
) -> Result<(), String> {
    guard("ListenConnections", || {
        if fd < 0 {
            return Err(format!("invalid socket {fd}"));
        }
        // SAFETY: as in `adopt_stream`: a listening socket the caller hands over.
        let listener = unsafe { UnixListener::from_raw_fd(fd) };
        let factory = Arc::new(Factory(factory));
        let make: mp::core::DispatchFactory = Arc::new(move || {
            let local = factory.0.as_ref().map(|f| f.make());
            match local {
                Some(local) => local.dispatch(),
                None => unreachable_factory(),
            }
        });
        let options = mp::core::ListenOptions {
            max_connections: usize::try_from(max_connections).ok().filter(|&n| n > 0),
            on_event: None,
        };
        mp::core::listen(lp.event_loop(), listener, make, options).map_err(crate::errors::to_cxx)
    })
}

/// A null factory cannot be given from C++ (the header passes a reference); a dispatcher that
/// fails every call keeps the process up if it happens anyway.
fn unreachable_factory() -> Arc<dyn mp::core::Dispatch> {
    struct Refuse;
    static EMPTY: mp::core::InterfaceDesc = mp::core::InterfaceDesc {
        id: 0,
        name: "null",
        methods: &[],
        destroy: None,
        construct: None,
    };
    impl mp::core::Dispatch for Refuse {
        fn interface(&self) -> &'static mp::core::InterfaceDesc {
            &EMPTY
        }
        fn call(&self, _: mp::core::IncomingCall<'_>) -> mp::Result<()> {
            Err(mp::Error::failed("no server"))
        }
    }
    Arc::new(Refuse)
}
