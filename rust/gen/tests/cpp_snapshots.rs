//! Snapshot tests of the C++ backend: the five files mpgen writes for small schemas are
//! checked in and reviewed in diffs. A change in the output fails the test; run with
//! `MPGEN_UPDATE_SNAPSHOTS=1` to rewrite the snapshots, then review `git diff`.
//!
//! * `tests/snapshots/cpp/`: our test schemas (`tests/cpp/gen/*.capnp`, and the Rust
//!   backend's `tests/schema/*.capnp`).
//! * `tests/cpp-runtime/example-glue/` (repository root): the C++ example's schemas
//!   (`cpp-examples/*.capnp`). These files were written by hand before the backend existed;
//!   they are now its output, kept in the tree as the glue the C++ runtime tests build with.
//! * `tests/cpp/types.capnp.proxy.h` / `.proxy-types.h` stay hand-written (the C++ headers'
//!   test builds with them); the output for `types.capnp` must match them item for item.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{proxies, repo};

/// Compares `generated` with the files of the same names in `dir` (rewrites them when
/// `MPGEN_UPDATE_SNAPSHOTS` is set).
fn check(generated: &BTreeMap<String, String>, dir: &Path) {
    assert_eq!(generated.len(), 5, "five files: {:?}", generated.keys());
    for (name, text) in generated {
        let file_name = Path::new(name).file_name().expect("file name");
        let path = dir.join(file_name);
        if std::env::var_os("MPGEN_UPDATE_SNAPSHOTS").is_some() {
            std::fs::create_dir_all(dir).expect("snapshot dir");
            std::fs::write(&path, text).expect("write snapshot");
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if expected != *text {
            let first = expected
                .lines()
                .zip(text.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(expected.lines().count().min(text.lines().count()));
            panic!(
                "generated {name} differs from {} at line {}:\n  snapshot:  {:?}\n  generated: {:?}\nrerun with MPGEN_UPDATE_SNAPSHOTS=1 and review the diff",
                path.display(),
                first + 1,
                expected.lines().nth(first).unwrap_or("<end>"),
                text.lines().nth(first).unwrap_or("<end>"),
            );
        }
    }
}

fn tests_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

#[test]
fn widgets_snapshot() {
    let generated = proxies(&tests_dir().join("cpp"), "gen/widgets.capnp");
    assert!(generated.contains_key("gen/widgets.capnp.proxy.h"));
    check(&generated, &tests_dir().join("snapshots/cpp/gen"));
}

#[test]
fn gadgets_snapshot() {
    let generated = proxies(&tests_dir().join("cpp"), "gen/gadgets.capnp");
    let header = &generated["gen/gadgets.capnp.proxy.h"];
    assert!(
        header.contains("#include <gen/widgets.capnp.proxy.h>"),
        "{header}"
    );
    check(&generated, &tests_dir().join("snapshots/cpp/gen"));
}

#[test]
fn extras_snapshot() {
    let generated = proxies(&tests_dir().join("cpp"), "gen/extras.capnp");
    let types = &generated["gen/extras.capnp.proxy-types.h"];
    assert!(
        types.contains("#include <gen/widgets.capnp.proxy-types.h>"),
        "{types}"
    );
    check(&generated, &tests_dir().join("snapshots/cpp/gen"));
}

#[test]
fn rust_test_schemas_snapshot() {
    for schema in ["callable", "shapes"] {
        let generated = proxies(&tests_dir().join("schema"), &format!("{schema}.capnp"));
        check(&generated, &tests_dir().join("snapshots/cpp"));
    }
}

#[test]
fn example_glue_is_the_generated_output() {
    for schema in ["calculator", "printer", "init"] {
        let generated = proxies(&repo().join("cpp-examples"), &format!("{schema}.capnp"));
        check(&generated, &repo().join("tests/cpp-runtime/example-glue"));
    }
}

/// The top-level items of a header (`template <>` + its declaration, a `struct` and its body,
/// a namespace's members), comments, includes and preprocessor lines dropped, `::` before a
/// namespace dropped, sorted: what must be equal when the order of items is free.
fn items(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.split(" // IWYU").next().unwrap_or(line).trim_end();
        if line.starts_with("//") || line.starts_with('#') || line.is_empty() {
            continue;
        }
        if line.starts_with("namespace ") || line.starts_with("} // namespace") {
            continue;
        }
        current.push_str(&line.replace("<::", "<").replace(" ::", " "));
        current.push('\n');
        if line == "};" {
            out.push(std::mem::take(&mut current));
        }
    }
    out.sort();
    out
}

#[test]
fn types_headers_match_the_hand_written_ones_item_for_item() {
    let generated = proxies(&repo().join("tests/cpp"), "types.capnp");
    for name in ["types.capnp.proxy.h", "types.capnp.proxy-types.h"] {
        let hand = std::fs::read_to_string(repo().join("tests/cpp").join(name)).expect("read");
        let mut want = items(&hand);
        let mut got = items(&generated[name]);
        // The generated proxy.h also declares what the bridge adds (InterfaceInfoOf,
        // ProxyClient, ProxyServer), which the hand-written one predates.
        let bridge = [
            "InterfaceInfoOf",
            "struct ProxyClient<",
            "struct ProxyServer<",
        ];
        got.retain(|i| !bridge.iter().any(|b| i.contains(b)));
        want.sort();
        got.sort();
        assert!(!want.is_empty(), "{name} has items");
        assert_eq!(want, got, "{name}: generated and hand-written items differ");
    }
}
