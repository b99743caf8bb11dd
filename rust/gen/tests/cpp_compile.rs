//! The C++ that mpgen writes compiles: for the C++ example's schemas, `tests/cpp/types.capnp`
//! (with the C++ headers' own test program, `tests/cpp/test_types.cpp`, built against the
//! generated headers instead of the hand-written ones) and `tests/cpp/gen/widgets.capnp` with
//! `gen/gadgets.capnp`, which extends it (with `tests/cpp/gen/check.cpp`, which instantiates
//! the generated classes): each `.c++` file with `g++ -std=c++20 -Wall -Wextra -Werror
//! -fsyntax-only` against `include/`, the capnp-generated headers and `mp/proxy.capnp.h`.
//! Skipped, saying so, when `g++` is missing.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{generate, repo, scratch};

fn have_gxx() -> bool {
    Command::new("g++").arg("--version").output().is_ok()
}

/// `capnp compile -oc++` of `include/mp/proxy.capnp` into `dir` (gives `mp/proxy.capnp.h`).
fn proxy_capnp_header(dir: &Path) {
    let include = repo().join("include");
    let status = Command::new("capnp")
        .arg("compile")
        .arg(format!("--output=c++:{}", dir.display()))
        .arg(format!("--src-prefix={}", include.display()))
        .arg(include.join("mp/proxy.capnp"))
        .status()
        .expect("run capnp");
    assert!(status.success(), "capnp compile of proxy.capnp");
    assert!(dir.join("mp/proxy.capnp.h").is_file());
}

/// `g++ -fsyntax-only` of `source` with the include directories; returns the diagnostics on
/// failure.
fn syntax_check(source: &Path, includes: &[PathBuf]) -> Result<(), String> {
    let mut cmd = Command::new("g++");
    cmd.args(["-std=c++20", "-Wall", "-Wextra", "-Werror", "-fsyntax-only"]);
    for dir in includes {
        cmd.arg(format!("-I{}", dir.display()));
    }
    let out = cmd.arg(source).output().expect("run g++");
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}:\n{}",
            source.display(),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Generates `files` (below `prefix`) into a scratch directory and syntax-checks every
/// generated `.proxy*.c++` plus `extra` sources; `headers` is where the schema's
/// `$Proxy.include` headers are.
fn compiles(name: &str, prefix: &Path, files: &[&str], headers: &Path, extra: &[PathBuf]) {
    if !have_gxx() {
        eprintln!("SKIPPED {name}: g++ is not installed, the generated C++ was not compiled");
        return;
    }
    let out = scratch(&format!("compile-{name}"));
    let capnp_out = out.join("capnp");
    std::fs::create_dir_all(&capnp_out).expect("dir");
    proxy_capnp_header(&capnp_out);
    let mut sources = Vec::new();
    for file in files {
        let written = generate(prefix, file, &out);
        assert_eq!(written.len(), 7, "{written:?}");
        sources.extend(
            written
                .iter()
                .filter(|n| n.contains(".proxy-") && n.ends_with(".c++"))
                .map(|n| out.join(n)),
        );
    }
    assert_eq!(sources.len(), 3 * files.len());
    sources.extend(extra.iter().cloned());
    let includes = [
        out.clone(),
        capnp_out,
        repo().join("include"),
        headers.to_path_buf(),
    ];
    let failures: Vec<String> = sources
        .iter()
        .filter_map(|s| syntax_check(s, &includes).err())
        .collect();
    let _ = std::fs::remove_dir_all(&out);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn example_schemas_compile() {
    let examples = repo().join("cpp-examples");
    compiles(
        "examples",
        &examples,
        &["calculator.capnp", "printer.capnp", "init.capnp"],
        &examples,
        &[],
    );
}

#[test]
fn types_schema_compiles_and_serves_the_headers_test() {
    let dir = repo().join("tests/cpp");
    // The generated headers come first on the include path, so test_types.cpp uses them and
    // not the hand-written ones next to it.
    compiles(
        "types",
        &dir,
        &["types.capnp"],
        &dir,
        &[dir.join("test_types.cpp")],
    );
}

#[test]
fn widgets_schema_compiles_and_instantiates() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cpp");
    compiles(
        "widgets",
        &dir,
        &["gen/widgets.capnp", "gen/gadgets.capnp"],
        &dir,
        &[dir.join("gen/check.cpp")],
    );
}
