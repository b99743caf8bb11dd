//! Snapshot tests: the Rust generated for small schemas of our own is checked in under
//! `tests/snapshots/` and reviewed in diffs. A change in the output fails the test; run with
//! `MPGEN_UPDATE_SNAPSHOTS=1` to rewrite the snapshots, then review `git diff`.

use std::path::{Path, PathBuf};

/// The marker between capnpc's output and ours (only ours is snapshotted).
const MARKER: &str = "// ---- multiprocess proxies ----\n";

fn generated(schema: &str) -> String {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let out = std::env::temp_dir().join(format!("mpgen-snap-{schema}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    mpgen::Generator::new()
        .src_prefix(here.join("schema"))
        .file(here.join(format!("schema/{schema}.capnp")))
        .output_path(&out)
        .run()
        .expect("generates");
    let text = std::fs::read_to_string(out.join(format!("{schema}_capnp.rs"))).expect("output");
    let _ = std::fs::remove_dir_all(&out);
    let (_, ours) = text
        .split_once(MARKER)
        .expect("proxies follow capnpc's output");
    ours.to_string()
}

fn check(schema: &str) {
    let ours = generated(schema);
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{schema}.rs"));
    if std::env::var_os("MPGEN_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &ours).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != ours {
        let first = expected
            .lines()
            .zip(ours.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(expected.lines().count().min(ours.lines().count()));
        panic!(
            "generated Rust for {schema}.capnp differs from {} at line {}:\n  snapshot:  {:?}\n  generated: {:?}\nrerun with MPGEN_UPDATE_SNAPSHOTS=1 and review the diff",
            path.display(),
            first + 1,
            expected.lines().nth(first).unwrap_or("<end>"),
            ours.lines().nth(first).unwrap_or("<end>"),
        );
    }
}

#[test]
fn callable_interfaces_snapshot() {
    check("callable");
}

#[test]
fn shapes_snapshot() {
    check("shapes");
}
