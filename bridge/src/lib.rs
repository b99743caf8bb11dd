//! # multiprocess-cxx
//!
//! The one bridge between the multiprocess Rust runtime (`mp`) and its C++ headers
//! (`include/mp/`). C++ builds and reads messages with the official Cap'n Proto C++ library;
//! everything that moves them (event loop, sockets, processes, logging) is the Rust runtime,
//! reached through the handles declared here. Built as the static library that C++ programs
//! link (`libmultiprocess.a` once installed).
//!
//! Only opaque handles, strings and plain numbers cross. Every fallible function returns
//! `Result`, so a Rust error reaches C++ as an exception (`rust::Error`, which the C++ side
//! turns into the original's exception types) and a C++ exception thrown by a callback reaches
//! Rust as an error; no panic crosses (entry points catch panics and return them as errors).
#![warn(missing_docs)]

mod connect;
mod errors;
mod event_loop;
mod guard;
mod interface;
mod local;
mod message;
mod process;
mod remote;
mod segments;

pub use connect::{connect_stream, listen_connections, serve_stream};
pub use event_loop::{new_loop, Loop};
pub use interface::{new_interface, Interface};
pub use local::{new_local, Local};
pub use message::Message;
pub use process::{long_thread_name, socket_pair, spawn_process, start_spawned, wait_process};
pub use remote::Remote;

/// The declarations cxx turns into C++ (`mp::bridge` namespace) and Rust glue.
// cxx moves Rust-owned objects across only as Box, also inside Vec.
#[allow(clippy::vec_box)]
#[cxx::bridge(namespace = "mp::bridge")]
pub mod ffi {
    /// A child process started by [`spawn_process`](super::spawn_process).
    struct Spawned {
        /// Its process id.
        pid: i32,
        /// This process's end of the socketpair connected to it.
        socket: i32,
    }

    /// One method of an interface, as generated C++ code registers it. Pointer indexes are -1
    /// when the method has no such field.
    struct MethodSpec {
        /// ID of the interface that declares the method.
        interface_id: u64,
        /// Schema name of that interface.
        interface_name: String,
        /// Ordinal of the method.
        id: u16,
        /// Schema name of the method.
        name: String,
        /// Pointer index of its `Proxy.Context` params field.
        context: i32,
        /// Pointer index of a `Proxy.ThreadMap` params field.
        thread_map_param: i32,
        /// Pointer index of a `Proxy.ThreadMap` results field.
        thread_map_result: i32,
        /// Whether the results may carry a capability.
        results_caps: bool,
    }

    /// One segment of a message: `size` bytes (whole 8-byte words) at `data`.
    struct Segment {
        /// First byte; 8-byte aligned.
        data: *const u8,
        /// Length in bytes.
        size: usize,
    }

    extern "Rust" {
        /// A registered interface.
        type Interface;
        /// Registers an interface: its methods and the positions of `destroy` and `construct`
        /// among them (-1 when absent).
        fn new_interface(
            id: u64,
            name: &str,
            methods: Vec<MethodSpec>,
            destroy: i32,
            construct: i32,
        ) -> Result<Box<Interface>>;

        /// A capability of the peer.
        type Remote;
        /// Calls method `method` (position in `interface`) with params as segments and the
        /// C++ servers of their cap table; blocks, running callbacks to this thread meanwhile.
        unsafe fn call(
            self: &Remote,
            interface: &Interface,
            method: usize,
            params: &[Segment],
            caps: Vec<Box<Local>>,
        ) -> Result<Box<Message>>;
        /// Another proxy of the same capability.
        fn clone_remote(self: &Remote) -> Box<Remote>;
        /// The name of the peer thread serving this thread on this connection.
        fn remote_thread_name(self: &Remote) -> Result<String>;
        /// Asks the peer's ThreadMap on this capability's connection for a pool of `count`
        /// threads (`makePool`), which then serves calls whose `Context.thread` is null.
        fn make_pool(self: &Remote, count: u32) -> Result<()>;
        /// How many calls on this capability's connection went direct (without the loop).
        fn direct_calls(self: &Remote) -> u64;

        /// A C++ server to serve.
        type Local;
        /// Wraps a C++ server of `interface`; it keeps `lp` running until it is destroyed.
        fn new_local(lp: &Loop, interface: &Interface, server: UniquePtr<CxxServer>) -> Box<Local>;

        /// A received message: segments plus imported capabilities.
        type Message;
        /// Its segments, valid while it lives.
        fn segments(self: &Message) -> Vec<Segment>;
        /// Entries of its cap table.
        fn cap_count(self: &Message) -> usize;
        /// Takes capability `index` out as a proxy of `interface`.
        fn take_cap(self: &mut Message, index: usize, interface: &Interface)
            -> Result<Box<Remote>>;

        /// Connects over socket `fd` and returns the peer's bootstrap capability.
        fn connect_stream(lp: &Loop, fd: i32, interface: &Interface) -> Result<Box<Remote>>;
        /// Serves `server` as the bootstrap capability on socket `fd`.
        fn serve_stream(lp: &Loop, fd: i32, server: Box<Local>) -> Result<()>;
        /// Serves a server made by `factory` on each connection accepted on socket `fd`.
        fn listen_connections(
            lp: &Loop,
            fd: i32,
            factory: UniquePtr<CxxServerFactory>,
            max_connections: i64,
        ) -> Result<()>;

        /// An event loop: a Rust `mp::EventLoop` driven by the C++ thread that calls `run`.
        type Loop;
        /// A loop named `exe_name` whose log lines at `level` and above go to `sink`, data
        /// dumps cut at `max_chars`.
        fn new_loop(
            exe_name: &str,
            sink: UniquePtr<LogSink>,
            level: u8,
            max_chars: usize,
        ) -> Box<Loop>;
        /// Runs the loop on the calling thread until the last client is removed.
        fn run(self: &Loop);
        /// Counts one more user: the loop keeps running while it has one.
        fn add_client(self: &Loop);
        /// Releases a count taken by `add_client`.
        fn remove_client(self: &Loop);
        /// Runs `task` on the loop thread and waits for it (inline on the loop thread).
        fn sync(self: &Loop, task: UniquePtr<Task>) -> Result<()>;
        /// Whether the calling thread runs this loop.
        fn on_loop_thread(self: &Loop) -> bool;
        /// Sends a line to the log sink if `level` passes the threshold.
        fn log(self: &Loop, level: u8, message: &str);

        /// Starts a child connected by a socketpair; `maker` turns the child's connect info
        /// into its argv.
        fn spawn_process(maker: &ArgsMaker) -> Result<Spawned>;
        /// In a spawned child: the socket named by the connect info the parent passed.
        fn start_spawned(connect_info: &str) -> Result<i32>;
        /// Waits for a child and returns its raw wait status.
        fn wait_process(pid: i32) -> Result<i32>;
        /// A close-on-exec socketpair.
        fn socket_pair() -> Result<[i32; 2]>;
        /// The calling thread's name as the original prints it in log lines.
        fn long_thread_name(exe_name: &str) -> String;
    }

    unsafe extern "C++" {
        include!("multiprocess-cxx/cpp/callbacks.h");

        /// Receives log lines: the user's `mp::LogFn`.
        type LogSink;
        /// Hands one line to the user's function; its exception comes back as `Err`.
        fn write(self: &LogSink, level: u8, message: &str) -> Result<()>;

        /// A C++ closure to run on the loop thread; it keeps its own exception for its caller.
        type Task;
        /// Runs the closure once; never throws.
        fn run(self: Pin<&mut Task>);

        /// A C++ server object (generated `ProxyServer` glue).
        type CxxServer;
        /// Serves one call: reads `params`, calls the object, returns the results message.
        /// Its exception comes back as `Err` and reaches the caller as a remote error.
        fn call(
            self: &CxxServer,
            method: usize,
            params: &mut Message,
        ) -> Result<UniquePtr<CxxMessage>>;

        /// A message built by C++ (results of a served call).
        type CxxMessage;
        /// Its segments, valid while it lives and is not changed.
        fn segments(self: &CxxMessage) -> Vec<Segment>;
        /// The C++ servers of its cap table, in table order.
        fn take_caps(self: Pin<&mut CxxMessage>) -> Vec<Box<Local>>;

        /// Makes the server of each connection `listen_connections` accepts.
        type CxxServerFactory;
        /// A new server.
        fn make(self: &CxxServerFactory) -> Box<Local>;

        /// The `SpawnProcess` callback: connect info to argv.
        type ArgsMaker;
        /// Calls it; its exception comes back as `Err`.
        fn make_args(self: &ArgsMaker, connect_info: &str) -> Result<Vec<String>>;
    }
}

// SAFETY: a LogSink only wraps the user's `mp::LogFn`, which the original already calls from
// every thread (event loop, workers, callers), so users' functions are thread-safe by contract;
// the sink itself is never mutated after construction.
unsafe impl Send for ffi::LogSink {}
// SAFETY: see `Send` above: `write` takes `&self` and only calls the thread-safe `LogFn`.
unsafe impl Sync for ffi::LogSink {}
// SAFETY: a Task is a closure the C++ caller handed over to run on the loop thread, exactly
// what the original's `EventLoop::post` does with its `kj::Function`; the caller waits until
// it has run, so whatever it captures by reference stays alive.
unsafe impl Send for ffi::Task {}
