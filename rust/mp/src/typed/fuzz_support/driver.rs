//! The stable driver: a bounded run over every method of some targets, from seeds, with
//! mutations from a deterministic PRNG; inputs that give an answer not seen before join the
//! method's corpus.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::harness::Harness;
use super::seeds::{mutate, seeds, Rng};
use super::{Crash, FuzzTarget, Outcome};
use crate::os::error::Result;

/// Limits of one fuzz run.
#[derive(Debug, Clone)]
pub struct Budget {
    /// Wall-clock time for the whole run.
    pub time: Duration,
    /// Stop after this many cases, if given.
    pub max_cases: Option<u64>,
    /// PRNG seed.
    pub seed: u64,
    /// Where crashing inputs are written (one file each).
    pub crash_dir: PathBuf,
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Report {
    /// Inputs sent.
    pub cases: u64,
    /// Answered with results.
    pub returned: u64,
    /// Answered with an exception.
    pub exceptions: u64,
    /// Connections the server closed.
    pub closed: u64,
    /// Different answers seen (method index and answer, numbers left out).
    pub answers: usize,
    /// Exceptions whose reason was empty (not a clear error).
    pub empty_reasons: u64,
    /// The slowest case: its time, `Interface.method` and method index. Its input is written
    /// to the crash directory as `<Interface.method>-slowest-<n>.bin` when it took over a
    /// second (a figure, not a failure: only a case with no answer at all is a hang).
    pub slowest: Option<(Duration, String, usize)>,
    /// Panics, hangs and deaths found, with the files their inputs were written to.
    pub crashes: Vec<(Crash, PathBuf)>,
    /// Time taken.
    pub elapsed: Duration,
}

/// Inputs that gave an answer not seen before are kept, up to this many per method index.
const CORPUS_LIMIT: usize = 256;

/// One method index of one target, with its corpus.
struct Lane {
    index: usize,
    corpus: Vec<Vec<u8>>,
}

/// An answer with its numbers taken out (offsets and sizes vary with every input), so that
/// "not seen before" means a different check failed, not the same one at another offset.
fn signature(index: usize, outcome: &Outcome) -> String {
    let text = match outcome {
        Outcome::Returned => "returned",
        Outcome::Exception(e) => e.as_str(),
        Outcome::Closed => "closed",
    };
    let shape: String = text
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .take(160)
        .collect();
    format!("{index}:{shape}")
}

/// Fuzzes every method index of every target (see [`FuzzTarget::indexes`]), round robin,
/// until the budget is spent; each input is a mutation of one from the method's corpus
/// (its seeds, plus inputs that gave a new answer). Checks that each server still answers at
/// the end. Crashing inputs are written to `budget.crash_dir`; a target stops at its first.
pub fn drive(targets: &[&'static FuzzTarget], budget: &Budget) -> Result<Report> {
    let started = Instant::now();
    let mut report = Report::default();
    let mut rng = Rng::new(budget.seed);
    let mut seen = HashSet::new();
    let mut slowest_input = Vec::new();
    let mut harnesses = Vec::new();
    for t in targets {
        let lanes: Vec<Lane> = t
            .indexes()
            .map(|index| {
                let (m, keep_context) = t.method(index);
                Lane {
                    index,
                    corpus: seeds(m, keep_context),
                }
            })
            .collect();
        harnesses.push((Harness::new(t)?, lanes, false));
    }
    let out_of_budget = |r: &Report| {
        started.elapsed() >= budget.time || budget.max_cases.is_some_and(|m| r.cases >= m)
    };
    'run: loop {
        let mut any = false;
        for (h, lanes, stopped) in harnesses.iter_mut() {
            if *stopped {
                continue;
            }
            any = true;
            for lane in lanes.iter_mut() {
                if out_of_budget(&report) {
                    break 'run;
                }
                let mut input = lane.corpus[rng.below(lane.corpus.len())].clone();
                mutate(&mut rng, &mut input);
                report.cases += 1;
                let case_started = Instant::now();
                let result = h.run(lane.index, &input);
                let took = case_started.elapsed();
                if report.slowest.as_ref().is_none_or(|(t, ..)| took > *t) {
                    let name = h.target.method(lane.index).0.desc.name;
                    report.slowest = Some((took, format!("{}.{name}", h.target.name), lane.index));
                    slowest_input = input.clone();
                }
                match result {
                    Ok(outcome) => {
                        match &outcome {
                            Outcome::Returned => report.returned += 1,
                            Outcome::Exception(e) => {
                                report.exceptions += 1;
                                if e.trim().is_empty() {
                                    report.empty_reasons += 1;
                                }
                            }
                            Outcome::Closed => report.closed += 1,
                        }
                        if seen.insert(signature(lane.index, &outcome))
                            && lane.corpus.len() < CORPUS_LIMIT
                        {
                            lane.corpus.push(input);
                        }
                    }
                    Err(crash) => {
                        let path = write_crash(&budget.crash_dir, &crash, lane.index);
                        report.crashes.push((crash, path));
                        *stopped = true;
                        break;
                    }
                }
            }
        }
        if !any {
            break;
        }
    }
    report.answers = seen.len();
    if let Some((took, method, index)) = &report.slowest {
        if *took > Duration::from_secs(1) {
            let slow = Crash {
                kind: "slowest",
                method: method.clone(),
                input: slowest_input,
                detail: format!("answered after {took:?}"),
            };
            write_crash(&budget.crash_dir, &slow, *index);
        }
    }
    for (h, _, stopped) in harnesses.iter_mut() {
        if !*stopped {
            if let Err(e) = h.check_alive() {
                let crash = Crash {
                    kind: "dead",
                    method: h.target.name.into(),
                    input: Vec::new(),
                    detail: format!("at the end of the run: {e}"),
                };
                let path = write_crash(&budget.crash_dir, &crash, 0);
                report.crashes.push((crash, path));
            }
        }
        h.disconnect();
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Writes a crashing input as `<Interface.method>-<kind>-<n>.bin` (the method index first,
/// then the input, as the `cargo fuzz` targets read it) and its description beside it.
fn write_crash(dir: &Path, crash: &Crash, index: usize) -> PathBuf {
    let _ = std::fs::create_dir_all(dir);
    let mut n = 0;
    let path = loop {
        let p = dir.join(format!("{}-{}-{n}.bin", crash.method, crash.kind));
        if !p.exists() {
            break p;
        }
        n += 1;
    };
    let mut bytes = vec![index as u8];
    bytes.extend_from_slice(&crash.input);
    let _ = std::fs::write(&path, bytes);
    let _ = std::fs::write(path.with_extension("txt"), crash.to_string());
    path
}

/// Threads and open file descriptors of this process (from `/proc/self`), to check that a
/// run gave back what it took.
pub fn resources() -> (usize, usize) {
    let count = |dir: &str| std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0);
    (count("/proc/self/task"), count("/proc/self/fd"))
}
