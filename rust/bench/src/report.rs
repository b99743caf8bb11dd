//! Printing results: one table, or JSON lines (which `parse_json_lines` reads back).

use std::fmt::Write;

use crate::measurement::{Impl, Measurement};

/// Cases in the order they are printed.
pub const CASES: [&str; 16] = [
    "floor",
    "call",
    "ctx-call",
    "callback",
    "floor-1m",
    "data-1m",
    "data-1m tuned",
    "floor-16m",
    "data-16m",
    "data-16m tuned",
    "peak-rss-16m",
    "peak-rss-16m tuned",
    "threads-4",
    "after-disconnect",
    "memory-conn",
    "memory-thread",
];

/// Payload of data-16m, for the peak-RSS ratio.
const PAYLOAD_16M_KIB: f64 = 16.0 * 1024.0;

fn find<'a>(all: &'a [Measurement], case: &str, imp: Impl) -> Option<&'a Measurement> {
    all.iter().find(|m| m.case == case && m.imp == imp)
}

fn num(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), fmt_num)
}

fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        "-".to_string()
    } else if v >= 1000.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

fn percent(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), |v| format!("{:.0}%", v * 100.0))
}

/// The rate or size column: MB/s, calls/s or KiB.
fn rate(m: Option<&Measurement>) -> String {
    let Some(m) = m else { return "-".into() };
    if let Some(v) = m.mb_per_s {
        format!("{} MB/s", fmt_num(v))
    } else if let Some(v) = m.calls_per_s {
        format!("{} calls/s", fmt_num(v))
    } else if let Some(v) = m.kib {
        format!("{} KiB", fmt_num(v))
    } else {
        "-".into()
    }
}

/// The "x floor" column: p50 over the latency floor's p50 for latency cases, MB/s over the
/// bulk floor's MB/s for data cases, peak RSS over the payload for peak-rss-16m.
fn x_floor(case: &str, m: Option<&Measurement>, all: &[Measurement]) -> String {
    let Some(m) = m else { return "-".into() };
    let floor = |name: &str| find(all, name, Impl::Floor);
    let ratio = if case.starts_with("peak-rss-16m") {
        m.kib.map(|k| k / PAYLOAD_16M_KIB)
    } else if let Some(mb) = m.mb_per_s {
        let bulk = if case.starts_with("data-16m") {
            "floor-16m"
        } else if case.starts_with("data-1m") {
            "floor-1m"
        } else {
            return "-".into();
        };
        floor(bulk).and_then(|f| f.mb_per_s).map(|f| mb / f)
    } else if m.calls_per_s.is_none() && m.imp != Impl::Floor {
        match (m.p50_us, floor("floor").and_then(|f| f.p50_us)) {
            (Some(v), Some(f)) => Some(v / f),
            _ => None,
        }
    } else {
        None
    };
    ratio.map_or_else(|| "-".into(), |r| format!("{r:.2}"))
}

/// The whole table; `original` and `cpp` say whether the original and our C++ programs were
/// measured.
pub fn table(all: &[Measurement], original: bool, cpp: bool, rounds: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<19} {:>8} {:>8} {:>15} {:>6} {:>7} | {:>8} {:>8} {:>15} {:>6} | {:>8}",
        "case",
        "p50 us",
        "p99 us",
        "rate/memory",
        "spread",
        "x floor",
        "orig p50",
        "orig p99",
        "orig rate/mem",
        "spread",
        "ours/orig"
    );
    let _ = writeln!(out, "{}", "-".repeat(128));
    for case in CASES {
        let floor_row = case.starts_with("floor");
        let ours = find(all, case, if floor_row { Impl::Floor } else { Impl::Ours });
        if ours.is_none() && find(all, case, Impl::Original).is_none() {
            continue;
        }
        let orig = find(all, case, Impl::Original);
        let ratio = match (
            ours.and_then(|m| m.headline()),
            orig.and_then(|m| m.headline()),
        ) {
            _ if floor_row || !original => "n/a".to_string(),
            (Some((a, _)), Some((b, _))) if b > 0.0 => format!("{:.2}", a / b),
            _ => "-".to_string(),
        };
        let _ = writeln!(
            out,
            "{:<19} {:>8} {:>8} {:>15} {:>6} {:>7} | {:>8} {:>8} {:>15} {:>6} | {:>8}",
            case,
            num(ours.and_then(|m| m.p50_us)),
            num(ours.and_then(|m| m.p99_us)),
            rate(ours),
            percent(ours.and_then(|m| m.spread)),
            x_floor(case, ours, all),
            num(orig.and_then(|m| m.p50_us)),
            num(orig.and_then(|m| m.p99_us)),
            rate(orig),
            percent(orig.and_then(|m| m.spread)),
            ratio
        );
    }
    let _ = write!(
        out,
        "\n{rounds} interleaved rounds (floor, ours, original); each figure is the median over rounds,\n\
         \"spread\" is (max - min) / median of the case's headline number over the rounds.\n\
         Times are microseconds per call (p50 = median, p99 = 99th percentile).\n\
         \"x floor\": p50 over the 64-byte floor's p50 for latency cases; MB/s over the bulk\n\
         floor's MB/s (floor-1m, floor-16m: plain write/read echo of the same payload) for\n\
         data cases; for peak-rss-16m, the server's peak RSS while echoing 16 MiB over the payload.\n\
         \"ours/orig\" compares the headline number of each case: p50 for latency cases (lower\n\
         is better), MB/s or calls/s for data-* and threads-4 (higher is better), KiB of server\n\
         RSS for memory-* (per item) and peak-rss-16m (lower is better).\n\
         Both sides ran without allocator tuning; rows marked \"tuned\" are ours with\n\
         mp::tune_allocator_for_large_messages() in client and server (a user option).\n"
    );
    if cpp {
        out.push_str(&cpp_table(all, original));
    }
    match std::env::var("GLIBC_TUNABLES") {
        Ok(t) => out.push_str(&format!(
            "GLIBC_TUNABLES={t} applied to every process, ours and the original's.\n"
        )),
        Err(_) => out.push_str("Every process ran with glibc's default allocator settings.\n"),
    }
    out
}

/// Our C++ client and server (built against our package) beside our Rust ones and the
/// original's C++ ones: the same cases, the same C++ source.
fn cpp_table(all: &[Measurement], original: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nOur C++ programs (rust/bench/cpp built against our package):\n\
         {:<19} {:>8} {:>8} {:>15} {:>6} | {:>10} | {:>10}",
        "case", "p50 us", "p99 us", "rate/memory", "spread", "c++/rust", "c++/orig"
    );
    let _ = writeln!(out, "{}", "-".repeat(90));
    for case in CASES {
        let Some(cpp) = find(all, case, Impl::Cpp) else {
            continue;
        };
        let ratio = |other: Option<&Measurement>| match (
            cpp.headline(),
            other.and_then(|m| m.headline()),
        ) {
            (Some((a, _)), Some((b, _))) if b > 0.0 => format!("{:.2}", a / b),
            _ => "-".to_string(),
        };
        let _ = writeln!(
            out,
            "{:<19} {:>8} {:>8} {:>15} {:>6} | {:>10} | {:>10}",
            case,
            num(cpp.p50_us),
            num(cpp.p99_us),
            rate(Some(cpp)),
            percent(cpp.spread),
            ratio(find(all, case, Impl::Ours)),
            if original {
                ratio(find(all, case, Impl::Original))
            } else {
                "n/a".to_string()
            }
        );
    }
    out
}

const FIELDS: [&str; 6] = [
    "p50_us",
    "p99_us",
    "mb_per_s",
    "calls_per_s",
    "kib",
    "spread",
];

fn field(m: &Measurement, name: &str) -> Option<f64> {
    match name {
        "p50_us" => m.p50_us,
        "p99_us" => m.p99_us,
        "mb_per_s" => m.mb_per_s,
        "calls_per_s" => m.calls_per_s,
        "kib" => m.kib,
        "spread" => m.spread,
        _ => None,
    }
}

fn set_field(m: &mut Measurement, name: &str, v: f64) {
    let slot = match name {
        "p50_us" => &mut m.p50_us,
        "p99_us" => &mut m.p99_us,
        "mb_per_s" => &mut m.mb_per_s,
        "calls_per_s" => &mut m.calls_per_s,
        "kib" => &mut m.kib,
        "spread" => &mut m.spread,
        _ => return,
    };
    *slot = Some(v);
}

/// One JSON object per measurement.
pub fn json_lines(all: &[Measurement]) -> String {
    let mut out = String::new();
    for m in all {
        let mut fields = vec![format!("\"case\":\"{}\"", m.case)];
        for name in FIELDS {
            if let Some(v) = field(m, name).filter(|v| v.is_finite()) {
                fields.push(format!("\"{name}\":{v:.3}"));
            }
        }
        fields.push(format!("\"impl\":\"{}\"", m.imp.name()));
        let _ = writeln!(out, "{{{}}}", fields.join(","));
    }
    out
}

/// Reads back what [`json_lines`] printed (only that flat form: string and number values).
pub fn parse_json_lines(text: &str) -> Vec<Measurement> {
    text.lines()
        .filter_map(|line| {
            let body = line.trim().strip_prefix('{')?.strip_suffix('}')?;
            let mut case = None;
            let mut imp = None;
            let mut numbers = Vec::new();
            for pair in body.split(',') {
                let (key, value) = pair.split_once(':')?;
                let key = key.trim().trim_matches('"');
                let value = value.trim();
                match key {
                    "case" => case = Some(value.trim_matches('"').to_string()),
                    "impl" => {
                        imp = match value.trim_matches('"') {
                            "floor" => Some(Impl::Floor),
                            "ours" => Some(Impl::Ours),
                            "original" => Some(Impl::Original),
                            "cpp" => Some(Impl::Cpp),
                            _ => None,
                        }
                    }
                    _ => numbers.push((key.to_string(), value.parse::<f64>().ok()?)),
                }
            }
            let mut m = Measurement::new(&case?, imp?);
            for (key, v) in numbers {
                set_field(&mut m, &key, v);
            }
            Some(m)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_has_one_object_per_line_and_reads_back() {
        let mut m = Measurement::new("data-1m tuned", Impl::Ours);
        m.p50_us = Some(1.5);
        m.mb_per_s = Some(700.25);
        let text = json_lines(std::slice::from_ref(&m));
        assert_eq!(
            text,
            "{\"case\":\"data-1m tuned\",\"p50_us\":1.500,\"mb_per_s\":700.250,\"impl\":\"ours\"}\n"
        );
        assert_eq!(parse_json_lines(&text), vec![m]);
    }

    #[test]
    fn table_says_na_without_original_and_uses_both_floors() {
        let mut floor = Measurement::new("floor", Impl::Floor);
        floor.p50_us = Some(10.0);
        let mut call = Measurement::new("call", Impl::Ours);
        call.p50_us = Some(11.0);
        let mut bulk = Measurement::new("floor-1m", Impl::Floor);
        bulk.mb_per_s = Some(2000.0);
        let mut data = Measurement::new("data-1m", Impl::Ours);
        data.mb_per_s = Some(500.0);
        let mut peak = Measurement::new("peak-rss-16m", Impl::Ours);
        peak.kib = Some(49152.0);
        let t = table(&[floor, call, bulk, data, peak], false, false, 3);
        let line = |name: &str| {
            t.lines()
                .find(|l| l.starts_with(&format!("{name} ")))
                .unwrap()
                .to_string()
        };
        assert!(line("call").contains("1.10"), "{t}");
        assert!(line("call").ends_with("n/a"), "{t}");
        assert!(line("data-1m").contains("0.25"), "{t}");
        assert!(line("peak-rss-16m").contains("3.00"), "{t}");
        assert!(
            !t.contains("memory-conn"),
            "rows without numbers are left out: {t}"
        );
    }
}
