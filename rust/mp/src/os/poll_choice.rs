//! Whether a thread waiting for a reply should poll a while before it sleeps: only while
//! the machine has had an idle core lately.
//!
//! Polling saves the wake-up when the reply comes while the thread still polls, and with
//! an idle core that is what happens: waking a thread that sleeps costs more there than a
//! whole round trip (an idle core is slow to wake, on virtual machines most of all). But
//! when no core is idle, the peer woken by our request is queued on our own core (the
//! kernel puts a woken thread next to its waker when it finds no idle core), so a polling
//! caller delays the very reply it waits for, and each yield between polls may hand the
//! core to another process for a whole time slice. There, sleeping at once was faster
//! (doc/performance.md, "Busy cores").
//!
//! The machine's idle time is read from `/proc/stat` at most every [`SAMPLE_EVERY`], by
//! whichever waiting thread finds the last reading stale; without `/proc/stat`, threads
//! always poll.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How often the idle time is read.
const SAMPLE_EVERY: Duration = Duration::from_millis(50);

/// Polling pays while at least this share of all cores' time was idle (in 1/1000).
const IDLE_PER_MILLE: u64 = 20;

/// What the last reading found, and when it was taken.
struct Sampler {
    /// Nanoseconds from `start` to the last reading.
    taken_ns: AtomicU64,
    /// Whether waiting threads poll until the next reading.
    poll: AtomicBool,
    /// Idle and total time at the last reading (`/proc/stat` ticks).
    idle: AtomicU64,
    total: AtomicU64,
    start: Instant,
}

fn sampler() -> &'static Sampler {
    static SAMPLER: OnceLock<Sampler> = OnceLock::new();
    SAMPLER.get_or_init(|| {
        let (idle, total) = read_cpu_times().unwrap_or((0, 0));
        Sampler {
            taken_ns: AtomicU64::new(0),
            poll: AtomicBool::new(true),
            idle: AtomicU64::new(idle),
            total: AtomicU64::new(total),
            start: Instant::now(),
        }
    })
}

/// Whether a thread about to wait for a reply should poll first.
pub(crate) fn should_poll() -> bool {
    let s = sampler();
    let now = s.start.elapsed().as_nanos() as u64;
    let taken = s.taken_ns.load(Ordering::Relaxed);
    if now.saturating_sub(taken) >= SAMPLE_EVERY.as_nanos() as u64
        && s.taken_ns
            .compare_exchange(taken, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    {
        // This thread takes the reading; the others go by the last one meanwhile.
        if let Some((idle, total)) = read_cpu_times() {
            let idle_delta = idle.saturating_sub(s.idle.swap(idle, Ordering::Relaxed));
            let total_delta = total.saturating_sub(s.total.swap(total, Ordering::Relaxed));
            if total_delta > 0 {
                let poll = idle_delta * 1000 >= total_delta * IDLE_PER_MILLE;
                if std::env::var_os("MP_DBG_POLL").is_some()
                    && poll != s.poll.load(Ordering::Relaxed)
                {
                    eprintln!("poll_choice: poll={poll} idle {idle_delta}/{total_delta}");
                }
                s.poll.store(poll, Ordering::Relaxed);
            }
        }
    }
    s.poll.load(Ordering::Relaxed)
}

/// All cores' idle time and total time so far, in `/proc/stat` ticks.
fn read_cpu_times() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    parse_cpu_line(stat.lines().next()?)
}

/// The `cpu` line of `/proc/stat`: user nice system idle iowait irq softirq steal ...;
/// idle counts idle and iowait.
fn parse_cpu_line(line: &str) -> Option<(u64, u64)> {
    let mut fields = line.split_whitespace();
    if fields.next()? != "cpu" {
        return None;
    }
    let times: Vec<u64> = fields
        .take(8)
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    if times.len() < 5 {
        return None;
    }
    Some((times[3] + times[4], times.iter().sum()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cpu_line_gives_idle_and_total_time() {
        assert_eq!(
            parse_cpu_line("cpu  100 5 50 800 20 1 2 3 0 0"),
            Some((820, 981))
        );
        assert_eq!(parse_cpu_line("cpu0 1 2 3 4 5"), None);
        assert_eq!(parse_cpu_line("cpu  1 2 x 4 5"), None);
        assert_eq!(parse_cpu_line("cpu  1 2"), None);
    }

    #[test]
    fn this_machine_reports_cpu_times() {
        let (idle, total) = read_cpu_times().expect("/proc/stat on Linux");
        assert!(total >= idle && total > 0);
    }
}
