//! `mpgen SRC_PREFIX INCLUDE_PREFIX SRC_FILE [IMPORT_PATH...]`: the original's command line.
//!
//! Today it compiles `SRC_FILE`, builds the schema model and reports every schema problem with
//! file and line (exit status 1). The C++ output (`X.capnp.proxy*.h`/`.c++`) is the next
//! issue's work: until then nothing is written, and a valid schema exits with status 2 and a
//! message saying so, so that no build goes on believing the files exist. `--check` as the
//! first argument validates only and exits 0 on a valid schema.

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
    let src_prefix = PathBuf::from(&args[0]);
    let _include_prefix = &args[1];
    let src_file = PathBuf::from(&args[2]);
    let import_paths: Vec<PathBuf> = args[3..].iter().map(PathBuf::from).collect();
    let scratch = std::env::temp_dir().join(format!("mpgen-{}", std::process::id()));
    let result = mpgen::check(
        std::slice::from_ref(&src_file),
        &[src_prefix],
        &import_paths,
        &scratch,
    );
    let _ = std::fs::remove_dir_all(&scratch);
    match result {
        Err(e) => {
            for p in &e.problems {
                eprintln!("{p}");
            }
            eprintln!(
                "mpgen: {} problem(s) in {}",
                e.problems.len(),
                src_file.display()
            );
            ExitCode::from(1)
        }
        Ok((interfaces, structs)) if check_only => {
            println!(
                "mpgen: {}: valid ({interfaces} proxied interface(s), {structs} struct(s))",
                src_file.display()
            );
            ExitCode::SUCCESS
        }
        Ok((interfaces, structs)) => {
            eprintln!(
                "mpgen: {}: valid ({interfaces} proxied interface(s), {structs} struct(s)), but C++ output is not built yet: no files were written (use --check to validate only)",
                src_file.display()
            );
            ExitCode::from(2)
        }
    }
}
