//! Resident memory of another process, from `/proc`.

/// `VmRSS` of process `pid` in KiB, or `None` when `/proc` does not tell.
pub fn rss_kib(pid: i32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// RSS of `pid` once it has settled: the smallest of a few readings a moment apart, so
/// that memory still being freed after the last action is not counted.
pub fn settled_rss_kib(pid: i32) -> Option<u64> {
    let mut best = None;
    for _ in 0..5 {
        std::thread::sleep(std::time::Duration::from_millis(40));
        let now = rss_kib(pid)?;
        best = Some(best.map_or(now, |b: u64| b.min(now)));
    }
    best
}

/// Growth per item in KiB between two readings (never negative).
pub fn per_item(before: u64, after: u64, items: usize) -> f64 {
    after.saturating_sub(before) as f64 / items as f64
}

/// Resets the peak RSS (`VmHWM`) of `pid` to its current RSS (Linux `clear_refs` value 5),
/// so that a following [`peak_kib`] sees only what happened since. False if not allowed.
pub fn reset_peak(pid: i32) -> bool {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok()
}

/// `VmHWM` (peak RSS) of process `pid` in KiB.
pub fn peak_kib(pid: i32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}
