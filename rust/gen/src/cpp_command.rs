//! `mpgen`'s C++ run: the original's seven files for one schema file.
//!
//! `X.capnp.h` and `X.capnp.c++` come from Cap'n Proto's own C++ plugin (`capnp compile
//! -oc++`); the five `X.capnp.proxy*` files from the [C++ backend](crate::backend). All seven
//! are first written to a staging directory inside the output directory and moved into place
//! only when every one exists, so a failed run leaves no half-written output.
//!
//! `import "/mp/proxy.capnp"` resolves to the copy of `include/mp/proxy.capnp` built into this
//! binary, written to a temporary directory that comes first on the import
//! path: an installed `mpgen` needs no install prefix, and the schema it compiles against is
//! always the one its output was written for ([`crate::PROXY_CAPNP`]).

use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::backend::cpp;
use crate::driver::{GenError, Generator};

/// One run of `mpgen SRC_PREFIX INCLUDE_PREFIX SRC_FILE [IMPORT_PATH...]`.
#[derive(Debug, Clone)]
pub struct CppCommand {
    /// `SRC_PREFIX`: outputs are named after `src_file` relative to it.
    pub src_prefix: PathBuf,
    /// `INCLUDE_PREFIX`: `#include` lines name `src_file` relative to it.
    pub include_prefix: PathBuf,
    /// `SRC_FILE`: the schema.
    pub src_file: PathBuf,
    /// `IMPORT_PATH...`: directories searched by `import "/..."`.
    pub import_paths: Vec<PathBuf>,
    /// Where the outputs go (`mpgen` uses the current directory).
    pub output_dir: PathBuf,
    /// The `capnp` tool (default: `capnp` from `PATH`).
    pub capnp: Option<PathBuf>,
}

impl CppCommand {
    /// Writes the seven files; returns their paths. On a schema problem, returns every
    /// problem (`file:line: message`) and writes nothing.
    pub fn run(&self) -> Result<Vec<PathBuf>, GenError> {
        let output_path = relative(&self.src_file, &self.src_prefix, "SRC_PREFIX")?;
        let include_path = relative(&self.src_file, &self.include_prefix, "INCLUDE_PREFIX")?;
        // Unique per run, also when one process runs several at once (tests).
        static RUNS: AtomicUsize = AtomicUsize::new(0);
        let run = format!(
            "{}-{}",
            std::process::id(),
            RUNS.fetch_add(1, Ordering::Relaxed)
        );
        let scratch = std::env::temp_dir().join(format!("mpgen-{run}"));
        let staging = self.output_dir.join(format!(".mpgen-staging-{run}"));
        let result = self.run_in(&scratch, &staging, &output_path, &include_path);
        let _ = std::fs::remove_dir_all(&scratch);
        let _ = std::fs::remove_dir_all(&staging);
        result
    }

    fn run_in(
        &self,
        scratch: &Path,
        staging: &Path,
        output_path: &str,
        include_path: &str,
    ) -> Result<Vec<PathBuf>, GenError> {
        let include_dir = scratch.join("include");
        let mut g = Generator::new();
        g.file(&self.src_file).src_prefix(&self.src_prefix);
        for p in &self.import_paths {
            g.import_path(p);
        }
        if let Some(capnp) = &self.capnp {
            g.capnp_executable(capnp);
        }
        let compiled = g.compile_and_model(&include_dir)?;
        let schema = &compiled.schema;
        if !schema.problems.is_empty() {
            return Err(GenError::from_problems(schema.problems.clone()));
        }
        let file = schema
            .files
            .first()
            .ok_or_else(|| GenError::one("the schema compiler returned no file"))?;
        let paths = cpp::Paths {
            output_path: output_path.to_string(),
            include_path: include_path.to_string(),
        };
        let outputs = cpp::generate(schema, file, &paths);

        std::fs::create_dir_all(staging).map_err(|e| io_error(staging, e))?;
        self.capnp_cxx(&include_dir, staging)?;
        let mut names = vec![format!("{output_path}.h"), format!("{output_path}.c++")];
        for out in &outputs {
            let path = staging.join(&out.path);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
            }
            std::fs::write(&path, &out.text).map_err(|e| io_error(&path, e))?;
            names.push(out.path.clone());
        }
        let mut written = Vec::new();
        for name in names {
            let from = staging.join(&name);
            if !from.is_file() {
                return Err(GenError::one(format!(
                    "capnp compile -oc++ did not write {name}"
                )));
            }
            let to = self.output_dir.join(&name);
            if let Some(dir) = to.parent() {
                std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
            }
            std::fs::rename(&from, &to).map_err(|e| io_error(&to, e))?;
            written.push(to);
        }
        Ok(written)
    }

    /// `capnp compile -oc++:staging --src-prefix=SRC_PREFIX -I... SRC_FILE`.
    fn capnp_cxx(&self, include_dir: &Path, staging: &Path) -> Result<(), GenError> {
        let capnp = self.capnp.clone().unwrap_or_else(|| PathBuf::from("capnp"));
        let mut cmd = std::process::Command::new(&capnp);
        cmd.env_remove("PWD").arg("compile");
        cmd.arg(format!("--src-prefix={}", self.src_prefix.display()));
        cmd.arg(format!("--import-path={}", include_dir.display()));
        for p in &self.import_paths {
            cmd.arg(format!("--import-path={}", p.display()));
        }
        cmd.arg(format!("--output=c++:{}", staging.display()));
        cmd.arg(&self.src_file);
        let out = cmd
            .output()
            .map_err(|e| GenError::one(format!("cannot run `{}`: {e}", capnp.display())))?;
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let mut problems: Vec<String> = stderr.lines().map(str::to_string).collect();
            problems.push("capnp compile -oc++ failed".to_string());
            return Err(GenError { problems });
        }
        Ok(())
    }
}

/// `file` relative to `prefix` with `/` separators, as the original computes it (`.` means
/// the file as given).
fn relative(file: &Path, prefix: &Path, what: &str) -> Result<String, GenError> {
    // Only plain names below the prefix: never an absolute path or `..`, so that outputs
    // land below the output directory.
    let below = |file: &Path, prefix: &Path| -> Option<Vec<String>> {
        let clean =
            |p: &Path| -> PathBuf { p.components().filter(|c| *c != Component::CurDir).collect() };
        let rel = clean(file).strip_prefix(clean(prefix)).ok()?.to_path_buf();
        let parts: Option<Vec<String>> = rel
            .components()
            .map(|c| match c {
                Component::Normal(n) => Some(n.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        parts.filter(|p| !p.is_empty())
    };
    // As written first; else both made absolute (`.` with an absolute file, and the like).
    let parts = below(file, prefix).or_else(|| {
        let file = std::fs::canonicalize(file).ok()?;
        below(&file, &std::fs::canonicalize(prefix).ok()?)
    });
    let parts = parts.ok_or_else(|| {
        GenError::one(format!(
            "{what} {} is not a directory above {}",
            prefix.display(),
            file.display()
        ))
    })?;
    Ok(parts.join("/"))
}

fn io_error(path: &Path, e: std::io::Error) -> GenError {
    GenError::one(format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::relative;
    use std::path::Path;

    #[test]
    fn paths_below_a_prefix() {
        let rel = |f: &str, p: &str| relative(Path::new(f), Path::new(p), "SRC_PREFIX");
        assert_eq!(rel("/a/b/c/x.capnp", "/a/b").unwrap(), "c/x.capnp");
        assert_eq!(rel("./c/x.capnp", ".").unwrap(), "c/x.capnp");
        assert_eq!(rel("c/x.capnp", "c").unwrap(), "x.capnp");
        let err = rel("/a/x.capnp", "/b").unwrap_err();
        assert!(err.problems[0].contains("SRC_PREFIX /b is not a directory above /a/x.capnp"));
        assert!(
            rel("/a/b", "/a/b").is_err(),
            "the prefix itself names no file"
        );
    }
}
