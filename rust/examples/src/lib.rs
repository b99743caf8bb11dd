//! Interfaces of the calculator example, generated from `schema/*.capnp`.

#![allow(missing_docs)]

/// `calculator.capnp`: `CalculatorInterface`.
#[allow(clippy::all)]
pub mod calculator_capnp {
    include!(concat!(env!("OUT_DIR"), "/calculator_capnp.rs"));
}

/// `printer.capnp`: `PrinterInterface`.
#[allow(clippy::all)]
pub mod printer_capnp {
    include!(concat!(env!("OUT_DIR"), "/printer_capnp.rs"));
}

/// `init.capnp`: `InitInterface`, the bootstrap interface of the child processes.
#[allow(clippy::all)]
pub mod init_capnp {
    include!(concat!(env!("OUT_DIR"), "/init_capnp.rs"));
}

/// Log options shared by the example programs: every line appended to `debug.log` in the
/// current directory, like the original example.
pub fn log_options() -> mp::LogOptions {
    mp::LogOptions::to_file(mp::LogLevel::Trace, "debug.log")
}
