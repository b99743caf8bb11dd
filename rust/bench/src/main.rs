//! `mpbench`: measures calls between two processes (latency, throughput, memory) for this
//! project, against plain socketpair floors and, when an installed original libmultiprocess
//! is given, against C++ programs built on it.
//!
//! ```text
//! mpbench [--quick] [--json] [--rounds N] [--original PREFIX] [--cpp PREFIX] [--case NAME]... [--tuned]
//! ```
//! `--cpp PREFIX` adds the same cases with a C++ client and server built against our installed
//! package (`cmake --install`), beside our Rust ones and the original's.
//! Cases run in interleaved rounds (floor, ours, original, then again); each figure is the
//! median over rounds, printed with the spread between rounds. Both sides run with the same
//! process settings: no allocator tuning, unless `--tuned` asks for it in our processes (the
//! full run adds such rows for the data cases, labelled `tuned`). `MP_ORIGINAL_PREFIX` in the
//! environment stands for `--original`, `MP_CPP_PREFIX` for `--cpp`. Timings are printed, never
//! checked.

#![warn(missing_docs)]

/// Rust code generated from `cpp/bench.capnp`.
#[allow(missing_docs)]
pub mod bench_capnp {
    include!(concat!(env!("OUT_DIR"), "/bench_capnp.rs"));
}

mod cases;
mod floor;
mod measurement;
mod memory;
mod original;
mod report;
mod rounds;
mod serve;
mod stats;
mod tuned;

use std::path::PathBuf;

use measurement::{Impl, Measurement};
use stats::Budget;

const USAGE: &str = "usage: mpbench [--quick] [--json] [--rounds N] [--original PREFIX] \
                     [--cpp PREFIX] [--case NAME]... [--tuned]";

/// What the command line asked for.
#[derive(Debug, Default)]
struct Options {
    quick: bool,
    json: bool,
    rounds: Option<usize>,
    original: Option<PathBuf>,
    cpp: Option<PathBuf>,
    only: Vec<String>,
    tuned: bool,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut opts = Options {
        original: std::env::var_os("MP_ORIGINAL_PREFIX")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from),
        cpp: std::env::var_os("MP_CPP_PREFIX")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from),
        ..Options::default()
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => opts.quick = true,
            "--json" => opts.json = true,
            "--tuned" => opts.tuned = true,
            "--rounds" => {
                let n = it.next().ok_or("--rounds needs a number")?;
                let n: usize = n
                    .parse()
                    .map_err(|_| format!("--rounds {n:?}: not a number"))?;
                opts.rounds = Some(n.max(1));
            }
            "--original" => {
                let prefix = it.next().ok_or("--original needs a PREFIX")?;
                opts.original = Some(PathBuf::from(prefix));
            }
            "--cpp" => {
                let prefix = it.next().ok_or("--cpp needs a PREFIX")?;
                opts.cpp = Some(PathBuf::from(prefix));
            }
            "--case" => opts
                .only
                .push(it.next().ok_or("--case needs a NAME")?.clone()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(opts)
}

fn run(exe: &str, opts: &Options) -> mp::Result<()> {
    let rounds = opts.rounds.unwrap_or(if opts.quick { 2 } else { 5 });
    // The per-case time is shared by the rounds.
    let total = if opts.quick { 1.0 } else { 3.0 };
    let budget = Budget::seconds(total / rounds as f64);
    // Build first, so a broken original fails before minutes of measuring. The original is
    // only compared in a fair run: `--tuned` changes our processes alone.
    let build_for = |prefix: &Option<PathBuf>, imp: Impl| -> mp::Result<Option<PathBuf>> {
        match (prefix, opts.tuned) {
            (Some(prefix), false) => {
                eprintln!(
                    "mpbench: building the C++ programs against {}",
                    prefix.display()
                );
                Ok(Some(original::build(prefix, imp)?))
            }
            _ => Ok(None),
        }
    };
    let build = build_for(&opts.original, Impl::Original)?;
    let cpp_build = build_for(&opts.cpp, Impl::Cpp)?;
    let mut all: Vec<Measurement> = Vec::new();
    for round in 1..=rounds {
        eprintln!("mpbench: round {round} of {rounds}");
        // The bulk floors only when a data case runs (or all do): they are its reference.
        let latency_only =
            !opts.only.is_empty() && !opts.only.iter().any(|c| c.starts_with("data-"));
        all.extend(floor::measure(exe, budget, latency_only)?);
        all.extend(cases::run_all(
            exe,
            budget,
            &opts.only,
            opts.tuned,
            &|case: &str| eprintln!("mpbench:   {case} (ours)"),
        )?);
        if let Some(build) = &build {
            eprintln!("mpbench:   the original's cases");
            all.extend(original::run(build, budget, Impl::Original)?);
        }
        if let Some(build) = &cpp_build {
            eprintln!("mpbench:   our C++ cases");
            all.extend(original::run(build, budget, Impl::Cpp)?);
        }
    }
    let mut combined = rounds::combine(&all);
    if opts.tuned {
        for m in &mut combined {
            if m.imp == Impl::Ours {
                m.case = tuned::label(&m.case);
            }
        }
    } else if !opts.quick && opts.only.is_empty() {
        eprintln!("mpbench: data cases with the allocator tuning (ours only)");
        combined.extend(tuned::measure(exe, rounds)?);
    }
    if opts.json {
        print!("{}", report::json_lines(&combined));
    } else {
        print!(
            "{}",
            report::table(&combined, build.is_some(), cpp_build.is_some(), rounds)
        );
    }
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let exe = std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| args[0].clone());
    let tuned = args.iter().any(|a| a == "--tuned");
    if tuned {
        // Opt-in only, and then in our client and server alike (the server gets --tuned too).
        mp::tune_allocator_for_large_messages();
    }
    let result = match args.get(1).map(String::as_str) {
        Some("--serve") if args.len() == 4 || (args.len() == 5 && tuned) => {
            serve::serve(&args[2], &args[3])
        }
        Some("--echo") if args.len() == 3 => floor::echo(&args[2]),
        Some("--help" | "-h") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => match parse_args(&args[1..]) {
            Ok(opts) => run(&exe, &opts),
            Err(e) => {
                eprintln!("mpbench: {e}");
                std::process::exit(2);
            }
        },
    };
    if let Err(e) = result {
        eprintln!("mpbench: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_option() {
        let args: Vec<String> = ["--quick", "--rounds", "3", "--cpp", "/p", "--case", "call"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let opts = parse_args(&args).expect("valid");
        assert!(opts.quick);
        assert_eq!(opts.rounds, Some(3));
        assert_eq!(opts.cpp, Some(PathBuf::from("/p")));
        assert_eq!(opts.only, ["call"]);
        assert!(parse_args(&["--bogus".to_string()]).is_err());
    }
}
