//! One row of results: what was measured, for which implementation.

use crate::stats::Samples;

/// Which side produced a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Impl {
    /// Plain socketpair write/read between two processes.
    Floor,
    /// This project (Rust client and server).
    Ours,
    /// C++ client and server built against the installed original.
    Original,
    /// The same C++ client and server built against our package (the C++ wing).
    Cpp,
}

impl Impl {
    /// The name used in JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Impl::Floor => "floor",
            Impl::Ours => "ours",
            Impl::Original => "original",
            Impl::Cpp => "cpp",
        }
    }
}

/// The result of one case for one implementation. Unset fields do not apply to the case.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// Case name (`call`, `data-16m`, ...).
    pub case: String,
    /// Who produced it.
    pub imp: Impl,
    /// Median time per call in microseconds.
    pub p50_us: Option<f64>,
    /// 99th percentile time per call in microseconds.
    pub p99_us: Option<f64>,
    /// Payload megabytes (10^6 bytes) per second, at the median call time.
    pub mb_per_s: Option<f64>,
    /// Calls per second, all threads together.
    pub calls_per_s: Option<f64>,
    /// Resident memory in KiB: growth per item for `memory-*`, the peak for `peak-rss-*`.
    pub kib: Option<f64>,
    /// Relative spread of the headline number between rounds, (max - min) / median; set once
    /// rounds are combined.
    pub spread: Option<f64>,
}

impl Measurement {
    /// An empty result for `case`.
    pub fn new(case: &str, imp: Impl) -> Self {
        Measurement {
            case: case.to_string(),
            imp,
            p50_us: None,
            p99_us: None,
            mb_per_s: None,
            calls_per_s: None,
            kib: None,
            spread: None,
        }
    }

    /// A latency result.
    pub fn latency(case: &str, imp: Impl, samples: &Samples) -> Self {
        Measurement {
            p50_us: Some(samples.percentile_us(50.0)),
            p99_us: Some(samples.percentile_us(99.0)),
            ..Measurement::new(case, imp)
        }
    }

    /// A throughput result for calls that each carry `bytes` of payload.
    pub fn bandwidth(case: &str, imp: Impl, samples: &Samples, bytes: usize) -> Self {
        let p50 = samples.percentile_us(50.0);
        Measurement {
            mb_per_s: Some(bytes as f64 / p50),
            ..Measurement::latency(case, imp, samples)
        }
    }

    /// A calls-per-second result (several threads).
    pub fn rate(case: &str, imp: Impl, samples: &Samples) -> Self {
        Measurement {
            calls_per_s: Some(samples.calls_per_s()),
            ..Measurement::latency(case, imp, samples)
        }
    }

    /// A memory result in KiB.
    pub fn memory(case: &str, imp: Impl, kib: f64) -> Self {
        Measurement {
            kib: Some(kib),
            ..Measurement::new(case, imp)
        }
    }

    /// The number that compares two implementations of this case, and whether higher is better.
    pub fn headline(&self) -> Option<(f64, bool)> {
        if let Some(v) = self.kib {
            return Some((v, false));
        }
        if let Some(v) = self.calls_per_s.or(self.mb_per_s) {
            return Some((v, true));
        }
        self.p50_us.map(|v| (v, false))
    }
}
