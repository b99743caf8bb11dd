//! Shared by the C++ output tests: running mpgen's C++ generation into a scratch directory.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fresh scratch directory.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mpgen-cpp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Runs the C++ generation of `file` (below `prefix`, which is both `SRC_PREFIX` and
/// `INCLUDE_PREFIX`) into `out`; returns the seven files' paths relative to `out`.
pub fn generate(prefix: &Path, file: &str, out: &Path) -> Vec<String> {
    let written = mpgen::CppCommand {
        src_prefix: prefix.to_path_buf(),
        include_prefix: prefix.to_path_buf(),
        src_file: prefix.join(file),
        import_paths: Vec::new(),
        output_dir: out.to_path_buf(),
        capnp: None,
    }
    .run()
    .unwrap_or_else(|e| panic!("mpgen on {file}: {e}"));
    written
        .iter()
        .map(|p| {
            p.strip_prefix(out)
                .expect("written below out")
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

/// The five mpgen-written files of `file` (generated into a scratch directory), by name.
pub fn proxies(prefix: &Path, file: &str) -> BTreeMap<String, String> {
    let out = scratch(&file.replace('/', "_"));
    let names = generate(prefix, file, &out);
    let texts = names
        .into_iter()
        .filter(|n| n.contains(".proxy"))
        .map(|n| {
            let text = std::fs::read_to_string(out.join(&n)).expect("read output");
            (n, text)
        })
        .collect();
    let _ = std::fs::remove_dir_all(&out);
    texts
}
