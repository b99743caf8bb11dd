//! The C++ `mp::EventLoop`: a Rust event loop driven by the C++ thread that calls `loop()`.

use std::sync::Mutex;

use cxx::UniquePtr;
use mp::{EventLoop, EventLoopRef, LogLevel, LogOptions};

use crate::ffi::{LogSink, Task};
use crate::guard::guard;

/// A Rust event loop with the original's client counting.
///
/// The original's `loop()` keeps running until a client removal leaves it with none, even if
/// it starts with none (its thread usually calls `loop()` before any `EventLoopRef` exists).
/// The Rust loop stops as soon as it has no user, so the bridge holds a startup reference
/// until the first client arrives.
pub struct Loop {
    lp: EventLoop,
    startup: Mutex<Option<EventLoopRef>>,
    clients: Mutex<Vec<EventLoopRef>>,
}

/// Creates the loop behind a C++ `mp::EventLoop`.
pub fn new_loop(
    exe_name: &str,
    sink: UniquePtr<LogSink>,
    level: u8,
    max_chars: usize,
) -> Box<Loop> {
    let mut options = LogOptions::new(level_from_u8(level), move |message| {
        if let Some(sink) = sink.as_ref() {
            // A throwing log function is the original's way to abort on `Log::Raise`; the
            // Rust runtime already returns such errors to the caller, so the exception is
            // dropped here rather than unwinding through the runtime.
            let _ = sink.write(message.level as u8, &message.message);
        }
    });
    options.max_chars = max_chars;
    let lp = EventLoop::new(exe_name, options);
    let startup = lp.add_ref();
    Box::new(Loop {
        lp,
        startup: Mutex::new(Some(startup)),
        clients: Mutex::new(Vec::new()),
    })
}

/// The C++ level number (`mp::Log`) as a Rust level; out-of-range numbers mean `Raise`.
fn level_from_u8(level: u8) -> LogLevel {
    match level {
        0 => LogLevel::Trace,
        1 => LogLevel::Debug,
        2 => LogLevel::Info,
        3 => LogLevel::Warning,
        4 => LogLevel::Error,
        _ => LogLevel::Raise,
    }
}

impl Loop {
    /// The Rust loop, for the other bridge modules.
    pub fn event_loop(&self) -> &EventLoop {
        &self.lp
    }

    /// Runs the loop on the calling thread until the last client is removed.
    pub fn run(&self) {
        let _ = guard("EventLoop::loop", || {
            self.lp.run();
            Ok(())
        });
    }

    /// Counts one more user, retiring the startup reference.
    pub fn add_client(&self) {
        lock(&self.clients).push(self.lp.add_ref());
        self.retire_startup_ref();
    }

    /// Releases one user; the loop stops when none is left.
    pub fn remove_client(&self) {
        let released = lock(&self.clients).pop();
        drop(released);
    }

    /// Drops the reference that kept a fresh loop alive; called once a real user exists.
    pub fn retire_startup_ref(&self) {
        let startup = lock(&self.startup).take();
        drop(startup);
    }

    /// Runs `task` on the loop thread and waits until it has run.
    pub fn sync(&self, mut task: UniquePtr<Task>) -> Result<(), String> {
        guard("EventLoop::sync", || {
            self.lp
                .sync(move || {
                    if let Some(task) = task.as_mut() {
                        task.run();
                    }
                })
                .map_err(|e| e.to_string())
        })
    }

    /// Whether the calling thread runs this loop.
    pub fn on_loop_thread(&self) -> bool {
        self.lp.on_loop_thread()
    }

    /// Logs a line from C++ code.
    pub fn log(&self, level: u8, message: &str) {
        self.lp.log(level_from_u8(level), message);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
