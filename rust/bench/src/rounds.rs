//! Combining rounds: every case runs once per round, rounds interleave the implementations
//! (floor, ours, original, then again), and each number reported is the median over rounds,
//! with the spread between rounds beside it. Interleaving spreads a noisy moment of the
//! machine over every implementation instead of one.

use crate::measurement::Measurement;

/// One measurement per (case, implementation), in first-seen order: each field the median of
/// that field over the rounds, `spread` the relative spread of the headline number.
pub fn combine(all: &[Measurement]) -> Vec<Measurement> {
    let mut keys: Vec<(&str, crate::measurement::Impl)> = Vec::new();
    for m in all {
        if !keys.contains(&(m.case.as_str(), m.imp)) {
            keys.push((m.case.as_str(), m.imp));
        }
    }
    keys.into_iter()
        .map(|(case, imp)| {
            let rounds: Vec<&Measurement> = all
                .iter()
                .filter(|m| m.case == case && m.imp == imp)
                .collect();
            let field = |get: fn(&Measurement) -> Option<f64>| {
                median(rounds.iter().filter_map(|m| get(m)).collect())
            };
            let headlines: Vec<f64> = rounds
                .iter()
                .filter_map(|m| m.headline().map(|(v, _)| v))
                .collect();
            Measurement {
                p50_us: field(|m| m.p50_us),
                p99_us: field(|m| m.p99_us),
                mb_per_s: field(|m| m.mb_per_s),
                calls_per_s: field(|m| m.calls_per_s),
                kib: field(|m| m.kib),
                spread: spread(&headlines),
                ..Measurement::new(case, imp)
            }
        })
        .collect()
}

/// The median (mean of the middle two for an even count); `None` for no values.
pub fn median(mut values: Vec<f64>) -> Option<f64> {
    values.retain(|v| v.is_finite());
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 0 {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

/// (max - min) / median over rounds; `None` with fewer than two rounds.
fn spread(values: &[f64]) -> Option<f64> {
    if values.len() < 2 {
        return None;
    }
    let med = median(values.to_vec())?;
    let max = values.iter().copied().fold(f64::MIN, f64::max);
    let min = values.iter().copied().fold(f64::MAX, f64::min);
    (med > 0.0).then(|| (max - min) / med)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measurement::Impl;

    fn latency(case: &str, imp: Impl, p50: f64) -> Measurement {
        Measurement {
            p50_us: Some(p50),
            ..Measurement::new(case, imp)
        }
    }

    #[test]
    fn medians_per_case_and_implementation() {
        let all = [
            latency("call", Impl::Ours, 10.0),
            latency("call", Impl::Original, 30.0),
            latency("call", Impl::Ours, 14.0),
            latency("call", Impl::Original, 20.0),
            latency("call", Impl::Ours, 12.0),
            latency("call", Impl::Original, 25.0),
        ];
        let combined = combine(&all);
        assert_eq!(combined.len(), 2);
        assert_eq!(combined[0].imp, Impl::Ours);
        assert_eq!(combined[0].p50_us, Some(12.0));
        // (14 - 10) / 12
        assert!((combined[0].spread.unwrap() - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(combined[1].p50_us, Some(25.0));
        assert!((combined[1].spread.unwrap() - 0.4).abs() < 1e-9);
    }

    #[test]
    fn one_round_has_no_spread_and_even_counts_average() {
        let combined = combine(&[latency("call", Impl::Ours, 10.0)]);
        assert_eq!(combined[0].spread, None);
        assert_eq!(median(vec![1.0, 3.0]), Some(2.0));
        assert_eq!(median(vec![]), None);
    }
}
