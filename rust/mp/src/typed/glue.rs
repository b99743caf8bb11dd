//! What generated code needs and users do not: typed `export`/`import`, the holder of a
//! server's implementation, and small conversions. Shown as `mp::private`.

use std::sync::{Arc, Mutex};

use capnp::any_pointer;

use crate::core::{export as export_dispatch, CallCtx, MethodDesc, ProxyClient};
use crate::os::error::{Error, ErrorKind, Result};
use crate::typed::interface::Interface;

/// Serves `imp` to the peer as a new capability (an outgoing interface field).
pub fn export<I: Interface + ?Sized>(
    ctx: &CallCtx,
    imp: Arc<I>,
) -> Result<capnp::capability::Client> {
    export_dispatch(ctx, I::make_server(imp))
}

/// Wraps a capability the peer sent (an incoming interface field) in a client proxy.
pub fn import<I: Interface + ?Sized>(
    ctx: &CallCtx,
    cap: capnp::capability::Client,
) -> Result<Box<I>> {
    Ok(I::make_client(ProxyClient::import(ctx, cap, I::DESC)?))
}

/// Renders a params or results message of type `T` for Trace log lines (a
/// [`TextFn`](crate::core::TextFn)). Never panics: a message the peer malformed (a bad
/// pointer, nesting too deep, text that is not UTF-8) renders as `<malformed message: ...>`.
pub fn text_of<T>(message: any_pointer::Reader<'_>) -> String
where
    T: capnp::traits::Owned,
    for<'a> T::Reader<'a>: std::fmt::Debug,
{
    use std::fmt::Write;
    // Walking the whole message first finds bad pointers with their reason; capnp's Debug
    // would only report `fmt::Error`, which `format!` turns into a panic.
    if let Err(e) = message.target_size() {
        return format!("<malformed message: {e}>");
    }
    let reader = match message.get_as::<T::Reader<'_>>() {
        Ok(reader) => reader,
        Err(e) => return format!("<malformed message: {e}>"),
    };
    let mut out = String::new();
    match write!(out, "{reader:?}") {
        Ok(()) => out,
        Err(_) => "<malformed message: cannot render it>".to_string(),
    }
}

/// The error for a method a server's dispatch code does not serve.
pub fn unknown_method(method: &MethodDesc) -> Error {
    Error::new(
        ErrorKind::Unimplemented,
        format!(
            "method {} of interface {:#x} not implemented",
            method.id, method.interface_id
        ),
    )
}

/// Holds a server's implementation until `destroy` or release. Never dropped on the loop
/// thread: the last reference is handed to a cleanup thread, as the original does.
pub struct ImplSlot<T: ?Sized + Send + Sync + 'static> {
    imp: Mutex<Option<Arc<T>>>,
}

impl<T: ?Sized + Send + Sync + 'static> ImplSlot<T> {
    /// Holds `imp`.
    pub fn new(imp: Arc<T>) -> Self {
        ImplSlot {
            imp: Mutex::new(Some(imp)),
        }
    }

    /// The implementation, or an error after `destroy`.
    pub fn get(&self) -> Result<Arc<T>> {
        self.imp
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or_else(|| Error::failed("IPC server method called after destroy"))
    }

    /// Takes the implementation out (for `destroy`).
    pub fn take(&self) -> Option<Arc<T>> {
        self.imp.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

impl<T: ?Sized + Send + Sync + 'static> Drop for ImplSlot<T> {
    fn drop(&mut self) {
        let imp = self.imp.get_mut().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(imp) = imp {
            if Arc::strong_count(&imp) == 1 {
                // User destructors may block or call out; keep them off the loop thread.
                crate::os::cleanup::drop_later(Box::new(imp));
            }
        }
    }
}

/// A list length as capnp stores it; lists longer than `u32::MAX` cannot be sent.
pub fn list_len(len: usize) -> Result<u32> {
    u32::try_from(len)
        .map_err(|_| Error::invalid_argument(format!("list of {len} elements is too long to send")))
}

/// Refuses a list of structs whose elements take no space on the wire when the value decoded
/// from each is not empty (`decoded_size`, the Rust type's size, is not zero). capnp charges
/// such an element one word of the traversal limit, so a few bytes of message could otherwise
/// make the receiver build millions of default values (doc/reliability.md); a writer that knows
/// the struct type allocates its elements with the type's size and never sends this.
pub fn check_struct_list<T: capnp::traits::OwnedStruct>(
    list: capnp::struct_list::Reader<'_, T>,
    decoded_size: usize,
) -> Result<()> {
    if decoded_size > 0 && !list.is_empty() && capnp::raw::get_list_step_size_in_bits(list) == 0 {
        return Err(Error::invalid_argument(format!(
            "refused a list of {} structs that take no space on the wire (their type has fields)",
            list.len()
        )));
    }
    Ok(())
}

/// Decodes `Text` into a `String`. The original sends arbitrary bytes in `Text`; bytes that
/// are not UTF-8 become U+FFFD here.
pub fn text(reader: capnp::text::Reader<'_>) -> String {
    String::from_utf8_lossy(reader.as_bytes()).into_owned()
}
