//! Test interfaces and a reference implementation of them, shared by the in-process tests
//! and the `mptest-server` child process.

#![allow(missing_docs)]

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

#[allow(clippy::all)]
pub mod service_capnp {
    include!(concat!(env!("OUT_DIR"), "/service_capnp.rs"));
}

#[allow(clippy::all)]
pub mod types_capnp {
    include!(concat!(env!("OUT_DIR"), "/types_capnp.rs"));
}

/// Interfaces the C++ transport tests serve (`tests/cpp-runtime/calls.capnp`).
pub mod calls_capnp {
    #![allow(missing_docs, clippy::all, clippy::pedantic)]
    include!(concat!(env!("OUT_DIR"), "/calls_capnp.rs"));
}
/// The C++ breadth tests' interfaces (`tests/cpp-runtime/breadth.capnp`), for the Rust peers
/// `mpbreadth-server` and `mpbreadth-client`.
pub mod breadth_capnp {
    #![allow(missing_docs, clippy::all, clippy::pedantic)]
    include!(concat!(env!("OUT_DIR"), "/breadth_capnp.rs"));
}
pub mod custom;
pub mod types_impl;

use service_capnp::{Callback, Service, TestInit};

pub struct ServiceImpl {
    /// Counts the services of one `TestInit` that were destroyed.
    destroyed: Arc<AtomicU32>,
    /// Set when a `slowUntilCanceled` call saw its caller cancel.
    saw_cancel: AtomicBool,
    /// The `Data` of the last `keep` call, as received.
    kept: Mutex<mp::Bytes>,
}

impl Drop for ServiceImpl {
    fn drop(&mut self) {
        self.destroyed.fetch_add(1, Ordering::SeqCst);
    }
}

impl Service for ServiceImpl {
    fn add(&self, a: i32, b: i32) -> mp::Result<i32> {
        Ok(a.wrapping_add(b))
    }
    fn add_on_loop(&self, a: i32, b: i32) -> mp::Result<i32> {
        Ok(a.wrapping_add(b))
    }
    fn where_am_i(&self) -> mp::Result<(i64, String)> {
        Ok((mp::current_tid(), current_thread_name()))
    }
    fn loop_tid(&self) -> mp::Result<i64> {
        // Runs on the loop thread (no Context): report where that is.
        Ok(mp::current_tid())
    }
    fn call_back(&self, cb: Option<Box<dyn Callback>>, depth: i32) -> mp::Result<Vec<i64>> {
        let cb = cb.ok_or_else(|| mp::Error::invalid_argument("null callback"))?;
        cb.call(depth)
    }
    fn sleep_ms(&self, ms: u32) -> mp::Result<()> {
        std::thread::sleep(std::time::Duration::from_millis(ms.into()));
        Ok(())
    }
    fn echo(
        &self,
        text: String,
        data: mp::Bytes,
        list: Vec<String>,
        flags: Vec<bool>,
    ) -> mp::Result<(String, mp::Bytes, Vec<String>, Vec<bool>)> {
        Ok((text, data, list, flags))
    }
    fn add_out(&self, a: i64, b: i64) -> mp::Result<(i64, i64)> {
        Ok((a + b, a * b))
    }
    fn accumulate(&self, x: u64, total: &mut u64) -> mp::Result<()> {
        *total += x;
        Ok(())
    }
    fn fail(&self, message: String) -> mp::Result<()> {
        Err(mp::Error::failed(message))
    }
    #[allow(clippy::too_many_arguments)]
    fn numbers(
        &self,
        i8: &mut i8,
        i16: &mut i16,
        u8: &mut u8,
        u16: &mut u16,
        f32: &mut f32,
        f64: &mut f64,
        flag: &mut bool,
    ) -> mp::Result<()> {
        // Each value comes back transformed, so both directions are checked.
        *i8 = i8.wrapping_neg();
        *i16 = i16.wrapping_neg();
        *u8 = u8.wrapping_add(1);
        *u16 = u16.wrapping_add(1);
        *f32 *= 2.0;
        *f64 *= -0.5;
        *flag = !*flag;
        Ok(())
    }
    fn slow_until_canceled(&self, ms: u32) -> mp::Result<bool> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_millis(ms.into());
        while std::time::Instant::now() < deadline {
            if mp::call_canceled() {
                self.saw_cancel.store(true, Ordering::SeqCst);
                return Ok(true);
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        Ok(false)
    }
    fn saw_cancel(&self) -> mp::Result<bool> {
        Ok(self.saw_cancel.load(Ordering::SeqCst))
    }
    fn destroyed(&self) -> mp::Result<u32> {
        Ok(self.destroyed.load(Ordering::SeqCst))
    }
    fn keep(&self, data: mp::Bytes) -> mp::Result<bool> {
        // A slice of a received buffer is given back as the same memory; a copy is not.
        let shared = mp::private::data_to_bytes(&data).as_ptr() == data.as_ptr();
        *self.kept.lock().unwrap_or_else(|e| e.into_inner()) = data;
        Ok(shared)
    }
    fn kept(&self) -> mp::Result<mp::Bytes> {
        Ok(self.kept.lock().unwrap_or_else(|e| e.into_inner()).clone())
    }
}

#[derive(Default)]
pub struct TestInitImpl {
    destroyed: Arc<AtomicU32>,
}

impl TestInit for TestInitImpl {
    fn make_service(&self) -> mp::Result<Option<Box<dyn Service>>> {
        Ok(Some(Box::new(ServiceImpl {
            destroyed: self.destroyed.clone(),
            saw_cancel: AtomicBool::new(false),
            kept: Mutex::default(),
        })))
    }
    fn make_nothing(&self) -> mp::Result<Option<Box<dyn Service>>> {
        Ok(None)
    }
    fn where_am_i(&self) -> mp::Result<(i64, String)> {
        Ok((mp::current_tid(), current_thread_name()))
    }
}

/// The bootstrap object tests serve.
pub fn test_init() -> Arc<dyn TestInit> {
    Arc::new(TestInitImpl::default())
}

/// The runtime's name for the calling thread (workers are named `... (from ...)`).
pub fn current_thread_name() -> String {
    mp::thread_name("mptest")
}

/// The conformance suite's interfaces (`conformance/conformance.capnp`), shared with the C++
/// peer in `tests/conformance/`.
pub mod conformance_capnp {
    include!(concat!(env!("OUT_DIR"), "/conformance_capnp.rs"));
}

pub mod conformance;
