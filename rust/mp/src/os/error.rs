//! The one error type of the runtime.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

/// What went wrong, broadly: lets callers react without parsing messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The peer went away, before or during the call.
    Disconnected,
    /// The peer's implementation failed; the message is the peer's.
    RemoteException,
    /// The peer sent something that cannot be decoded into the expected type.
    InvalidArgument,
    /// The peer does not implement the method or interface.
    Unimplemented,
    /// A local failure: an I/O error, a misuse of the API, a stopped event loop.
    Failed,
}

/// An error from a call, a connection or the event loop.
#[derive(Clone)]
pub struct Error {
    /// Broad category of the failure.
    pub kind: ErrorKind,
    /// Human-readable description, carrying the peer's text for remote errors.
    pub message: String,
    /// A typed value carried by the error: what a `$Proxy.exception` field held.
    payload: Option<Arc<dyn Any + Send + Sync>>,
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("payload", &self.payload.is_some())
            .finish()
    }
}

impl PartialEq for Error {
    /// Errors compare by kind and message; payloads are not compared.
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.message == other.message
    }
}

impl Eq for Error {}

/// Result alias used throughout the runtime and generated code.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Creates an error of the given kind.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            payload: None,
        }
    }

    /// An error carrying a typed value, as a method with a `$Proxy.exception` field raises
    /// it: a server implementation returns it, the client receives it with the value.
    pub fn raised<T: Any + Send + Sync>(value: T, message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::RemoteException,
            message: message.into(),
            payload: Some(Arc::new(value)),
        }
    }

    /// The typed value carried by the error, if it is a `T`.
    pub fn payload<T: Any + Clone>(&self) -> Option<T> {
        self.payload.as_ref()?.downcast_ref::<T>().cloned()
    }

    /// A local failure.
    pub fn failed(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Failed, message)
    }

    /// The peer is gone.
    pub fn disconnected(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Disconnected, message)
    }

    /// The original's error for a call on a proxy whose connection is gone.
    pub(crate) fn called_after_disconnect() -> Self {
        Self::disconnected("IPC client method called after disconnect.")
    }

    /// The original's error for a call the connection's loss interrupted.
    pub(crate) fn interrupted_by_disconnect() -> Self {
        Self::disconnected("IPC client method call interrupted by disconnect.")
    }

    /// The error for a panic caught in a server implementation.
    pub(crate) fn from_panic(payload: Box<dyn Any + Send>) -> Self {
        let text = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        Error::failed(format!("IPC server method panicked: {text}"))
    }

    /// The peer sent a value that does not fit the expected type.
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidArgument, message)
    }

    /// Converts an error that a call returned into the caller's view of it, with the
    /// original's texts for disconnects.
    pub(crate) fn from_call(e: capnp::Error) -> Self {
        match e.kind {
            capnp::ErrorKind::Disconnected => Self::interrupted_by_disconnect(),
            capnp::ErrorKind::Unimplemented => Self::new(ErrorKind::Unimplemented, e.extra),
            _ => {
                let text = e.extra;
                let text = text.strip_prefix("remote exception: ").unwrap_or(&text);
                Self::new(ErrorKind::RemoteException, text)
            }
        }
    }
}

impl Error {
    /// The reply a server sends when its implementation returned this error, as the original
    /// does: an error the implementation met while serving a healthy caller never goes out as
    /// DISCONNECTED, which would tell the caller that its own connection failed. A disconnect
    /// the implementation ran into elsewhere (a saved callback whose connection is gone) goes
    /// out FAILED with the original's `std::exception: ` text.
    pub(crate) fn into_server_reply(self) -> capnp::Error {
        match self.kind {
            ErrorKind::Disconnected => {
                capnp::Error::failed(format!("std::exception: {}", self.message))
            }
            _ => self.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<capnp::Error> for Error {
    fn from(e: capnp::Error) -> Self {
        let kind = match e.kind {
            capnp::ErrorKind::Disconnected => ErrorKind::Disconnected,
            capnp::ErrorKind::Unimplemented => ErrorKind::Unimplemented,
            _ => ErrorKind::InvalidArgument,
        };
        // Many of capnp's decoding errors carry only their kind; its text is then the message,
        // so that the peer gets a reason rather than an empty one.
        let message = if e.extra.is_empty() {
            e.to_string()
        } else {
            e.extra
        };
        Error::new(kind, message)
    }
}

impl From<capnp::NotInSchema> for Error {
    fn from(e: capnp::NotInSchema) -> Self {
        Error::invalid_argument(e.to_string())
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::failed(e.to_string())
    }
}

impl From<Error> for capnp::Error {
    fn from(e: Error) -> Self {
        match e.kind {
            ErrorKind::Disconnected => capnp::Error::disconnected(e.message),
            ErrorKind::Unimplemented => capnp::Error::unimplemented(e.message),
            _ => capnp::Error::failed(e.message),
        }
    }
}
