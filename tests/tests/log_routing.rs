//! The runtime's log lines reach the `log` and `tracing` ecosystems.

mod common;

use std::sync::{Arc, Mutex, OnceLock};

/// A `log` logger that keeps every message with target `mp`.
struct Collect;

static LOGGED: OnceLock<Mutex<Vec<(log::Level, String)>>> = OnceLock::new();

impl log::Log for Collect {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        if record.target() == "mp" {
            LOGGED
                .get_or_init(Mutex::default)
                .lock()
                .unwrap()
                .push((record.level(), record.args().to_string()));
        }
    }
    fn flush(&self) {}
}

#[test]
fn lines_reach_the_log_crate() {
    log::set_logger(&Collect).expect("first logger");
    log::set_max_level(log::LevelFilter::Trace);
    let pair = common::in_process_with(mp::LogOptions::to_log_crate(mp::LogLevel::Debug));
    assert_eq!(pair.service().add(1, 1).expect("add"), 2);
    pair.close();
    let logged = LOGGED.get_or_init(Mutex::default).lock().unwrap().clone();
    assert!(
        logged
            .iter()
            .any(|(l, m)| *l == log::Level::Debug
                && m.contains("IPC client send Service.add$Params")),
        "{logged:?}"
    );
    assert!(
        logged
            .iter()
            .any(|(l, m)| *l == log::Level::Info && m.contains("IPC server: socket disconnected.")),
        "{logged:?}"
    );
}

/// A minimal `tracing` subscriber that records event messages.
struct Events(Arc<Mutex<Vec<(tracing::Level, String)>>>);

struct Message(String);

impl tracing::field::Visit for Message {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

impl tracing::Subscriber for Events {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        if event.metadata().target() == "mp" {
            let mut m = Message(String::new());
            event.record(&mut m);
            self.0
                .lock()
                .unwrap()
                .push((*event.metadata().level(), m.0));
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn lines_reach_tracing() {
    let events = Arc::new(Mutex::new(Vec::new()));
    // Global, because the lines are logged on the runtime's own threads.
    tracing::subscriber::set_global_default(Events(events.clone())).expect("first subscriber");
    let pair = common::in_process_with(mp::LogOptions::to_tracing(mp::LogLevel::Debug));
    assert_eq!(pair.service().add(2, 2).expect("add"), 4);
    pair.close();
    let events = events.lock().unwrap().clone();
    assert!(
        events
            .iter()
            .any(|(l, m)| *l == tracing::Level::DEBUG && m.contains("IPC server recv request")),
        "{events:?}"
    );
}
