//! Log callback with the original's levels and line formats.

use std::fmt;
use std::sync::Arc;

/// Severity of a log line, ordered like the original's `mp::Log`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    /// Message contents (request and response data).
    Trace,
    /// One line per request and response.
    Debug,
    /// Connection events.
    Info,
    /// Unexpected but handled events.
    Warning,
    /// Failures.
    Error,
    /// Errors the original throws through its log callback; here they are also returned.
    Raise,
}

/// One log line handed to the log callback.
#[derive(Debug, Clone)]
pub struct LogMessage {
    /// Severity.
    pub level: LogLevel,
    /// The text, without a trailing newline.
    pub message: String,
}

/// The function that receives log lines; called from any thread.
pub type LogFn = Arc<dyn Fn(LogMessage) + Send + Sync>;

/// How an event loop logs.
#[derive(Clone)]
pub struct LogOptions {
    /// Receives every line at or above `level`.
    pub log_fn: LogFn,
    /// Data dumps are cut after this many characters, as in the original.
    pub max_chars: usize,
    /// Lines below this level are dropped before formatting.
    pub level: LogLevel,
}

impl LogOptions {
    /// Logs lines at `level` and above through `log_fn`.
    pub fn new(level: LogLevel, log_fn: impl Fn(LogMessage) + Send + Sync + 'static) -> Self {
        LogOptions {
            log_fn: Arc::new(log_fn),
            max_chars: 200,
            level,
        }
    }

    /// Drops every line.
    pub fn silent() -> Self {
        Self::new(LogLevel::Raise, |_| {})
    }

    /// Appends every line at `level` and above to a file, like the original example's `debug.log`.
    ///
    /// The file is opened once, on the first line, and kept open: a process that has run out
    /// of file descriptors can still log why. If it cannot be opened, later lines try again.
    pub fn to_file(level: LogLevel, path: impl Into<std::path::PathBuf>) -> Self {
        let path = path.into();
        let file: std::sync::Mutex<Option<std::fs::File>> = std::sync::Mutex::new(None);
        Self::new(level, move |m| {
            use std::io::Write;
            let mut file = file.lock().unwrap_or_else(|e| e.into_inner());
            if file.is_none() {
                *file = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
                    .ok();
            }
            if let Some(f) = file.as_mut() {
                // One write per line: with O_APPEND, processes sharing the file (the example's
                // three processes do) never interleave inside a line.
                let _ = f.write_all(format!("{}\n", m.message).as_bytes());
            }
        })
    }
}

#[cfg(feature = "log")]
impl LogOptions {
    /// Sends every line at `level` and above to the `log` crate, target `mp`
    /// (Warning becomes `warn`, Raise becomes `error`).
    pub fn to_log_crate(level: LogLevel) -> Self {
        Self::new(level, |m| {
            let level = match m.level {
                LogLevel::Trace => log::Level::Trace,
                LogLevel::Debug => log::Level::Debug,
                LogLevel::Info => log::Level::Info,
                LogLevel::Warning => log::Level::Warn,
                LogLevel::Error | LogLevel::Raise => log::Level::Error,
            };
            log::log!(target: "mp", level, "{}", m.message);
        })
    }
}

#[cfg(feature = "tracing")]
impl LogOptions {
    /// Sends every line at `level` and above to `tracing` as events with target `mp`
    /// (Warning becomes `WARN`, Raise becomes `ERROR`).
    pub fn to_tracing(level: LogLevel) -> Self {
        Self::new(level, |m| match m.level {
            LogLevel::Trace => tracing::trace!(target: "mp", "{}", m.message),
            LogLevel::Debug => tracing::debug!(target: "mp", "{}", m.message),
            LogLevel::Info => tracing::info!(target: "mp", "{}", m.message),
            LogLevel::Warning => tracing::warn!(target: "mp", "{}", m.message),
            LogLevel::Error | LogLevel::Raise => tracing::error!(target: "mp", "{}", m.message),
        })
    }
}

impl Default for LogOptions {
    /// Warnings and errors go to stderr.
    fn default() -> Self {
        Self::new(LogLevel::Warning, |m| eprintln!("{}", m.message))
    }
}

impl fmt::Debug for LogOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LogOptions")
            .field("max_chars", &self.max_chars)
            .field("level", &self.level)
            .finish_non_exhaustive()
    }
}

/// Escapes a data dump like the original's `LogEscape`: backslashes doubled, bytes outside
/// printable ASCII as `\` and two lowercase hex digits, cut with `...` past `max_chars`.
pub fn log_escape(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if out.len() > max_chars {
            out.push_str("...");
            break;
        }
        match b {
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:02x}")),
        }
    }
    out
}
