//! Runtime errors as C++ sees them: the text of the exception the C++ side throws.

/// The message C++ throws as `std::runtime_error`. Disconnects already carry the original's
/// texts (`IPC client method called after disconnect.` and `... interrupted by disconnect.`);
/// remote failures carry the peer's text.
pub(crate) fn to_cxx(e: mp::Error) -> String {
    e.message
}
