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

/// The fuzz module (the end of the output) and the `cargo fuzz` target files, by name.
fn generated_fuzz(schema: &str) -> (String, Vec<(String, String)>) {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let out = std::env::temp_dir().join(format!("mpgen-fuzz-{schema}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    mpgen::Generator::new()
        .src_prefix(here.join("schema"))
        .file(here.join(format!("schema/{schema}.capnp")))
        .output_path(&out)
        .fuzz(true)
        .cargo_fuzz_targets(out.join("fuzz_targets"), "my_crate")
        .run()
        .expect("generates");
    let text = std::fs::read_to_string(out.join(format!("{schema}_capnp.rs"))).expect("output");
    let mut targets: Vec<(String, String)> = std::fs::read_dir(out.join("fuzz_targets"))
        .expect("cargo fuzz targets")
        .map(|e| {
            let e = e.expect("entry");
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(e.path()).expect("target"))
        })
        .collect();
    targets.sort();
    let _ = std::fs::remove_dir_all(&out);
    let start = text
        .find("/// Fuzz targets of this file")
        .expect("the fuzz module ends the output");
    (text[start..].to_string(), targets)
}

fn check(schema: &str) {
    compare(schema, &generated(schema));
}

fn compare(schema: &str, ours: &str) {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{schema}.rs"));
    if std::env::var_os("MPGEN_UPDATE_SNAPSHOTS").is_some() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("snapshot directory");
        }
        std::fs::write(&path, ours).expect("write snapshot");
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

/// `Generator::fuzz`: the `__mp_fuzz` module (a stand-in implementing the interface and its
/// ancestors, each method's params layout and seed slots) and the `cargo fuzz` targets.
#[test]
fn fuzz_targets_snapshot() {
    for schema in ["callable", "shapes"] {
        let (module, targets) = generated_fuzz(schema);
        compare(&format!("{schema}_fuzz"), &module);
        assert!(!targets.is_empty(), "one cargo fuzz target per interface");
        for (name, text) in targets {
            compare(
                &format!("fuzz_targets/{}", name.trim_end_matches(".rs")),
                &text,
            );
        }
    }
}
