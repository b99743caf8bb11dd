//! `mpgen SRC_PREFIX INCLUDE_PREFIX SRC_FILE [IMPORT_PATH...]`: the original's command line.
//!
//! Writes, into the current directory (creating the subdirectories `SRC_FILE`'s path below
//! `SRC_PREFIX` needs), the original's seven files: `X.capnp.h` and `X.capnp.c++` (from
//! `capnp compile -oc++`) and `X.capnp.proxy.h`, `X.capnp.proxy-types.h`,
//! `X.capnp.proxy-client.c++`, `X.capnp.proxy-server.c++`, `X.capnp.proxy-types.c++`.
//! Schema problems are all reported, with file and line, and exit with status 1; nothing is
//! written then. `--check` as the first argument validates only.
//!
//! `import "/mp/proxy.capnp"` resolves to the copy built into this binary (see
//! [`mpgen::CppCommand`]); `/capnp/c++.capnp` to the `capnp` tool's standard import path.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: mpgen [--check] SRC_PREFIX INCLUDE_PREFIX SRC_FILE [IMPORT_PATH...]";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let check_only = args.first().map(String::as_str) == Some("--check");
    if check_only {
        args.remove(0);
    }
    if args.len() < 3 || args.iter().any(|a| a == "--help" || a == "-h") {
        eprintln!("{USAGE}");
        return ExitCode::from(64);
    }
    let src_file = PathBuf::from(&args[2]);
    let import_paths: Vec<PathBuf> = args[3..].iter().map(PathBuf::from).collect();
    let result = if check_only {
        let scratch = std::env::temp_dir().join(format!("mpgen-{}", std::process::id()));
        let result = mpgen::check(
            std::slice::from_ref(&src_file),
            &[PathBuf::from(&args[0])],
            &import_paths,
            &scratch,
        );
        let _ = std::fs::remove_dir_all(&scratch);
        result.map(|(interfaces, structs)| {
            println!(
                "mpgen: {}: valid ({interfaces} proxied interface(s), {structs} struct(s))",
                src_file.display()
            );
        })
    } else {
        mpgen::CppCommand {
            src_prefix: PathBuf::from(&args[0]),
            include_prefix: PathBuf::from(&args[1]),
            src_file: src_file.clone(),
            import_paths,
            output_dir: PathBuf::from("."),
            capnp: None,
        }
        .run()
        .map(|_| ())
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            for p in &e.problems {
                eprintln!("{p}");
            }
            eprintln!(
                "mpgen: {} problem(s) in {}; no files written",
                e.problems.len(),
                src_file.display()
            );
            ExitCode::from(1)
        }
    }
}
