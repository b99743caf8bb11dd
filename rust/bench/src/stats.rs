//! Timing loops and the numbers they produce.

use std::time::{Duration, Instant};

/// Per-call durations of one timed loop.
#[derive(Debug, Clone)]
pub struct Samples {
    /// Duration of each call in nanoseconds, sorted.
    nanos: Vec<u64>,
    /// Wall-clock time of the whole loop.
    pub elapsed: Duration,
}

impl Samples {
    /// Builds samples from unsorted per-call durations.
    pub fn new(mut nanos: Vec<u64>, elapsed: Duration) -> Self {
        nanos.sort_unstable();
        Samples { nanos, elapsed }
    }

    /// Merges the samples of loops that ran at the same time (threads), keeping the longest
    /// wall-clock time.
    pub fn merge(all: Vec<Samples>) -> Self {
        let elapsed = all.iter().map(|s| s.elapsed).max().unwrap_or_default();
        let nanos = all.into_iter().flat_map(|s| s.nanos).collect();
        Samples::new(nanos, elapsed)
    }

    /// Number of calls timed.
    pub fn count(&self) -> usize {
        self.nanos.len()
    }

    /// The `p`th percentile (0..=100) in microseconds (nearest rank).
    pub fn percentile_us(&self, p: f64) -> f64 {
        if self.nanos.is_empty() {
            return f64::NAN;
        }
        let rank = ((p / 100.0) * self.nanos.len() as f64).ceil() as usize;
        let index = rank.clamp(1, self.nanos.len()) - 1;
        self.nanos[index] as f64 / 1000.0
    }

    /// Calls per second over the whole loop.
    pub fn calls_per_s(&self) -> f64 {
        self.count() as f64 / self.elapsed.as_secs_f64()
    }
}

/// How long each case runs.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Time spent in the timed loop of one case.
    pub run: Duration,
    /// Fewest calls timed, however slow they are.
    pub min_calls: usize,
}

impl Budget {
    /// About `secs` seconds per case.
    pub fn seconds(secs: f64) -> Self {
        Budget {
            run: Duration::from_secs_f64(secs),
            min_calls: 10,
        }
    }
}

/// Calls `f` untimed a few times (first-use costs such as thread creation), then times each
/// call until the budget is spent.
pub fn time_calls<E>(budget: Budget, mut f: impl FnMut() -> Result<(), E>) -> Result<Samples, E> {
    let warm_until = Instant::now() + budget.run / 20;
    for i in 0.. {
        f()?;
        if i >= 3 && (i >= 200 || Instant::now() >= warm_until) {
            break;
        }
    }
    let mut nanos = Vec::with_capacity(1 << 16);
    let start = Instant::now();
    let end = start + budget.run;
    loop {
        let t0 = Instant::now();
        f()?;
        let t1 = Instant::now();
        nanos.push((t1 - t0).as_nanos() as u64);
        if t1 >= end && nanos.len() >= budget.min_calls {
            break;
        }
    }
    Ok(Samples::new(nanos, start.elapsed()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let s = Samples::new(
            (1..=100).rev().map(|n| n * 1000).collect(),
            Duration::from_secs(1),
        );
        assert_eq!(s.percentile_us(50.0), 50.0);
        assert_eq!(s.percentile_us(99.0), 99.0);
        assert_eq!(s.percentile_us(100.0), 100.0);
        assert_eq!(s.calls_per_s(), 100.0);
    }

    #[test]
    fn merge_keeps_all_calls_and_longest_time() {
        let a = Samples::new(vec![1, 2], Duration::from_secs(1));
        let b = Samples::new(vec![3], Duration::from_secs(2));
        let m = Samples::merge(vec![a, b]);
        assert_eq!(m.count(), 3);
        assert_eq!(m.elapsed, Duration::from_secs(2));
    }
}
