//! Printing results: one table, or JSON lines.

use std::fmt::Write;

use crate::measurement::{Impl, Measurement};

/// Cases in the order they are printed.
pub const CASES: [&str; 10] = [
    "floor",
    "call",
    "ctx-call",
    "callback",
    "data-1m",
    "data-16m",
    "threads-4",
    "after-disconnect",
    "memory-conn",
    "memory-thread",
];

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

/// The rate or size column: MB/s, calls/s or KiB per item.
fn rate(m: Option<&Measurement>) -> String {
    let Some(m) = m else { return "-".into() };
    if let Some(v) = m.mb_per_s {
        format!("{} MB/s", fmt_num(v))
    } else if let Some(v) = m.calls_per_s {
        format!("{} calls/s", fmt_num(v))
    } else if let Some(v) = m.kib_per_item {
        format!("{} KiB", fmt_num(v))
    } else {
        "-".into()
    }
}

/// The whole table; `original` says whether the original was measured.
pub fn table(all: &[Measurement], original: bool) -> String {
    let floor = find(all, "floor", Impl::Floor).and_then(|m| m.p50_us);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<17} {:>9} {:>9} {:>16} {:>7} | {:>9} {:>9} {:>16} | {:>13}",
        "case",
        "p50 us",
        "p99 us",
        "rate/memory",
        "x floor",
        "orig p50",
        "orig p99",
        "orig rate/mem",
        "ours/original"
    );
    let _ = writeln!(out, "{}", "-".repeat(117));
    for case in CASES {
        let ours = if case == "floor" {
            find(all, case, Impl::Floor)
        } else {
            find(all, case, Impl::Ours)
        };
        let orig = find(all, case, Impl::Original);
        let latency_case = ours
            .is_some_and(|m| m.p50_us.is_some() && m.calls_per_s.is_none() && m.mb_per_s.is_none());
        let x_floor = match (latency_case, ours.and_then(|m| m.p50_us), floor) {
            (true, Some(v), Some(f)) => format!("{:.2}", v / f),
            _ => "-".into(),
        };
        let ratio = match (
            ours.and_then(|m| m.headline()),
            orig.and_then(|m| m.headline()),
        ) {
            _ if case == "floor" || !original => "n/a".to_string(),
            (Some((a, _)), Some((b, _))) if b > 0.0 => format!("{:.2}", a / b),
            _ => "-".to_string(),
        };
        let _ = writeln!(
            out,
            "{:<17} {:>9} {:>9} {:>16} {:>7} | {:>9} {:>9} {:>16} | {:>13}",
            case,
            num(ours.and_then(|m| m.p50_us)),
            num(ours.and_then(|m| m.p99_us)),
            rate(ours),
            x_floor,
            num(orig.and_then(|m| m.p50_us)),
            num(orig.and_then(|m| m.p99_us)),
            rate(orig),
            ratio
        );
    }
    out.push_str(
        "\nTimes are microseconds per call (p50 = median, p99 = 99th percentile). \"x floor\" is\n\
         p50 over the floor's p50. \"ours/original\" compares the headline number of each case:\n\
         p50 for latency cases (lower is better), MB/s or calls/s for data-* and threads-4\n\
         (higher is better), KiB of server RSS per item for memory-* (lower is better).\n",
    );
    if std::env::var_os("MPBENCH_NO_TUNE").is_none() {
        out.push_str(
            "Our processes ran with mp::tune_allocator_for_large_messages() (set MPBENCH_NO_TUNE=1\n\
             to measure without it).\n",
        );
    }
    match std::env::var("GLIBC_TUNABLES") {
        Ok(t) => out.push_str(&format!(
            "GLIBC_TUNABLES={t} applied to every process, ours and the original's.\n"
        )),
        Err(_) => {
            out.push_str("The original's processes ran with glibc's default allocator settings.\n")
        }
    }
    out
}

/// One JSON object per measurement.
pub fn json_lines(all: &[Measurement]) -> String {
    let mut out = String::new();
    for m in all {
        let mut fields = vec![format!("\"case\":\"{}\"", m.case)];
        for (name, value) in [
            ("p50_us", m.p50_us),
            ("p99_us", m.p99_us),
            ("mb_per_s", m.mb_per_s),
            ("calls_per_s", m.calls_per_s),
            ("kib_per_item", m.kib_per_item),
        ] {
            if let Some(v) = value.filter(|v| v.is_finite()) {
                fields.push(format!("\"{name}\":{v:.3}"));
            }
        }
        fields.push(format!("\"impl\":\"{}\"", m.imp.name()));
        let _ = writeln!(out, "{{{}}}", fields.join(","));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_has_one_object_per_line() {
        let mut m = Measurement::new("call", Impl::Ours);
        m.p50_us = Some(1.5);
        let text = json_lines(&[m]);
        assert_eq!(
            text,
            "{\"case\":\"call\",\"p50_us\":1.500,\"impl\":\"ours\"}\n"
        );
    }

    #[test]
    fn table_says_na_without_original() {
        let mut floor = Measurement::new("floor", Impl::Floor);
        floor.p50_us = Some(10.0);
        let mut call = Measurement::new("call", Impl::Ours);
        call.p50_us = Some(11.0);
        let t = table(&[floor, call], false);
        let line = t.lines().find(|l| l.starts_with("call ")).unwrap();
        assert!(line.contains("1.10"), "{line}");
        assert!(line.ends_with("n/a"), "{line}");
    }
}
