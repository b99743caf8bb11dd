//! `mpbench`: measures calls between two processes (latency, throughput, memory) for this
//! project, against a plain socketpair floor and, when an installed original libmultiprocess
//! is given, against C++ programs built on it.
//!
//! ```text
//! mpbench [--quick] [--json] [--original PREFIX]
//! ```
//! `MP_ORIGINAL_PREFIX` in the environment stands for `--original`. Timings are printed,
//! never checked.

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
mod serve;
mod stats;

use std::path::PathBuf;

use stats::Budget;

const USAGE: &str =
    "usage: mpbench [--quick] [--json] [--original PREFIX] [--case NAME (ours only, for profiling)]";

/// What the command line asked for.
#[derive(Debug, Default)]
struct Options {
    quick: bool,
    json: bool,
    original: Option<PathBuf>,
    only: Option<String>,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut opts = Options {
        original: std::env::var_os("MP_ORIGINAL_PREFIX")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from),
        ..Options::default()
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => opts.quick = true,
            "--json" => opts.json = true,
            "--original" => {
                let prefix = it.next().ok_or("--original needs a PREFIX")?;
                opts.original = Some(PathBuf::from(prefix));
            }
            "--case" => opts.only = Some(it.next().ok_or("--case needs a NAME")?.clone()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(opts)
}

fn run(exe: &str, opts: &Options) -> mp::Result<()> {
    let budget = Budget::seconds(if opts.quick { 1.0 } else { 3.0 });
    // Build first, so a broken original fails before minutes of measuring.
    let build = match &opts.original {
        Some(prefix) => {
            eprintln!(
                "mpbench: building the C++ programs against {}",
                prefix.display()
            );
            Some(original::build(prefix)?)
        }
        None => None,
    };
    let mut all = Vec::new();
    eprintln!("mpbench: floor");
    all.push(floor::measure(exe, budget)?);
    all.extend(cases::run_all(
        exe,
        budget,
        opts.only.as_deref(),
        &|case: &str| eprintln!("mpbench: {case} (ours)"),
    )?);
    if let Some(build) = &build {
        eprintln!("mpbench: running the original's cases");
        all.extend(original::run(build, budget)?);
    }
    if opts.json {
        print!("{}", report::json_lines(&all));
    } else {
        print!("{}", report::table(&all, build.is_some()));
    }
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // Our processes (client, server, floor echo) use the runtime's opt-in malloc tuning for
    // large messages unless MPBENCH_NO_TUNE is set; the report says which.
    if std::env::var_os("MPBENCH_NO_TUNE").is_none() {
        mp::tune_allocator_for_large_messages();
    }
    let exe = std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| args[0].clone());
    let result = match args.get(1).map(String::as_str) {
        Some("--serve") if args.len() == 4 => serve::serve(&args[2], &args[3]),
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
