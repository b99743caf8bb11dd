//! Rust code generated from `include/mp/proxy.capnp`: `ThreadMap`, `Thread`, `Context`.
#![allow(missing_docs, clippy::all, clippy::pedantic)]
include!(concat!(env!("OUT_DIR"), "/proxy_capnp.rs"));
