//! The driver: runs the schema compiler, builds the model, runs the backends, writes files.

use std::path::{Path, PathBuf};

use crate::backend::rust as rust_backend;
use crate::model::{self, Problem};
use crate::PROXY_CAPNP;

/// Every problem found in the schemas, reported together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenError {
    /// One line per problem: `file:line: Interface.method: what is wrong`.
    pub problems: Vec<String>,
}

impl std::fmt::Display for GenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "multiprocess-gen found {} problem(s):",
            self.problems.len()
        )?;
        for p in &self.problems {
            writeln!(f, "  {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for GenError {}

impl GenError {
    pub(crate) fn one(message: impl Into<String>) -> Self {
        GenError {
            problems: vec![message.into()],
        }
    }

    pub(crate) fn from_problems(problems: Vec<Problem>) -> Self {
        GenError {
            problems: problems.iter().map(ToString::to_string).collect(),
        }
    }
}

/// Builder for one run of the generator.
#[derive(Debug, Default, Clone)]
pub struct Generator {
    files: Vec<PathBuf>,
    src_prefixes: Vec<PathBuf>,
    import_paths: Vec<PathBuf>,
    output_path: Option<PathBuf>,
    capnp: Option<PathBuf>,
    options: rust_backend::Options,
}

/// A compiled request and the model built from it.
pub(crate) struct Compiled {
    pub(crate) message: capnp::message::Reader<capnp::serialize::OwnedSegments>,
    pub(crate) bytes: Vec<u8>,
    pub(crate) schema: model::Schema,
}

impl Generator {
    /// An empty run.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a schema file to compile. Files it imports must be added too (unless they are
    /// `/mp/proxy.capnp`), so that their code is generated.
    pub fn file(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.files.push(path.as_ref().to_path_buf());
        self
    }

    /// Strips `prefix` from file names when naming outputs (as `capnp --src-prefix`).
    pub fn src_prefix(&mut self, prefix: impl AsRef<Path>) -> &mut Self {
        self.src_prefixes.push(prefix.as_ref().to_path_buf());
        self
    }

    /// Adds a directory searched by `import "/..."`.
    pub fn import_path(&mut self, dir: impl AsRef<Path>) -> &mut Self {
        self.import_paths.push(dir.as_ref().to_path_buf());
        self
    }

    /// Where to write the output (default: `$OUT_DIR`).
    pub fn output_path(&mut self, dir: impl AsRef<Path>) -> &mut Self {
        self.output_path = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Module path (below the crate root) where the generated modules are included.
    pub fn default_parent_module(&mut self, path: Vec<String>) -> &mut Self {
        self.options.parent_module = path;
        self
    }

    /// Maps one field to a Rust type of the user's: `selector` names the field as
    /// `Interface.method.field` (params or results) or `Struct.field`, with the schema's
    /// names; `rust_type` is a path to a type implementing `mp::Wire<T>`, where `T` is the
    /// Rust type the field has by default. A selector that matches no field is an error.
    /// It wins over [`Generator::map_type`].
    pub fn rust_type(
        &mut self,
        selector: impl Into<String>,
        rust_type: impl Into<String>,
    ) -> &mut Self {
        self.options
            .field_types
            .insert(selector.into(), rust_type.into());
        self
    }

    /// Maps every field (and list element) of one schema type to a Rust type of the user's,
    /// declared once: `schema_type` is a built-in name (`Data`, `Text`, `Int64`, ...) or a
    /// struct or enum's dotted name inside its file (`BlockRef`, `Outer.Inner`); `rust_type`
    /// implements `mp::Wire<T>` for that type's default Rust type `T`. A type no field uses is
    /// an error.
    pub fn map_type(
        &mut self,
        schema_type: impl Into<String>,
        rust_type: impl Into<String>,
    ) -> &mut Self {
        self.options
            .type_mappings
            .insert(schema_type.into(), rust_type.into());
        self
    }

    /// Names the hook for `$Proxy.count(0)` fields of struct type `schema_type` (its dotted
    /// name in its file): a module or type path with `fn outgoing() -> mp::Result<T>` (the
    /// client fills the field with it) and `fn incoming(value: T) -> mp::Result<()>` (the
    /// server hands the received value to it before calling the method), `T` being the
    /// struct's generated Rust type. This is the Rust form of the original's
    /// `CustomBuildField`/`CustomPassField` hooks for such types. Without a hook, such fields
    /// are neither written nor read.
    pub fn implicit_hook(
        &mut self,
        schema_type: impl Into<String>,
        hook: impl Into<String>,
    ) -> &mut Self {
        self.options
            .implicit_hooks
            .insert(schema_type.into(), hook.into());
        self
    }

    /// Also emits fuzz targets: per schema file a module `__mp_fuzz` with, per interface,
    /// `fuzz_<interface>(method_index, bytes)`, which sends `bytes` as the params of that method
    /// to an in-process server, and `targets()` for `mp::private::fuzz::drive` (a stable fuzz
    /// driver for `cargo test`). Off by default; see doc/fuzzing.md in the repository.
    pub fn fuzz(&mut self, on: bool) -> &mut Self {
        self.options.fuzz = on;
        self
    }

    /// With [`Generator::fuzz`], also writes one `cargo fuzz` target per interface into `dir`
    /// (usually `fuzz/fuzz_targets`): `<file>_<interface>.rs`, calling the generated
    /// `fuzz_<interface>` through `crate_path` (the fuzzed crate's name, as the fuzz crate
    /// spells it, e.g. `my_crate`; the generated modules' parent module is appended). Each
    /// still needs a `[[bin]]` entry in the fuzz crate's `Cargo.toml`.
    pub fn cargo_fuzz_targets(
        &mut self,
        dir: impl AsRef<Path>,
        crate_path: impl Into<String>,
    ) -> &mut Self {
        // Outputs are written below the output directory unless their path is absolute.
        let dir = std::env::current_dir()
            .map(|cwd| cwd.join(dir.as_ref()))
            .unwrap_or_else(|_| dir.as_ref().to_path_buf());
        self.options.cargo_fuzz = Some((dir, crate_path.into()));
        self
    }

    /// The `capnp` tool to run (default: `capnp` from `PATH`).
    pub fn capnp_executable(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.capnp = Some(path.as_ref().to_path_buf());
        self
    }

    /// Compiles the schemas and writes the Rust output. In a build script, also prints
    /// `rerun-if-changed` lines for the inputs.
    pub fn run(&mut self) -> Result<(), GenError> {
        let out_dir = match &self.output_path {
            Some(p) => p.clone(),
            None => PathBuf::from(
                std::env::var_os("OUT_DIR")
                    .ok_or_else(|| GenError::one("OUT_DIR is not set; call output_path()"))?,
            ),
        };
        let compiled = self.compile_and_model(&out_dir.join("mp-include"))?;
        let mut problems = compiled.schema.problems.clone();
        problems.extend(model::missing_imports(&compiled.schema));
        if !problems.is_empty() {
            // The missing-import problem explains the rest; backends would only repeat it.
            let missing = problems.len() > compiled.schema.problems.len();
            if !missing {
                if let Err(more) =
                    rust_backend::generate(&compiled.schema, &compiled.message, &self.options)
                {
                    problems.extend(more);
                }
            }
            problems.sort();
            problems.dedup();
            return Err(GenError::from_problems(problems));
        }
        let outputs = rust_backend::generate(&compiled.schema, &compiled.message, &self.options)
            .map_err(GenError::from_problems)?;

        let mut capnpc_cmd = capnpc::codegen::CodeGenerationCommand::new();
        capnpc_cmd
            .output_directory(&out_dir)
            .capnp_root("::mp::private::capnp")
            .default_parent_module(self.options.parent_module.clone())
            .crates_provide_map(
                [(crate::PROXY_FILE_ID, "mp".to_string())]
                    .into_iter()
                    .collect(),
            );
        capnpc_cmd
            .run(&mut &compiled.bytes[..])
            .map_err(|e| GenError::one(format!("capnpc failed: {e}")))?;

        for out in outputs {
            let path = out_dir.join(&out.path);
            let text = if out.append {
                let base = std::fs::read_to_string(&path)
                    .map_err(|e| GenError::one(format!("cannot read {}: {e}", path.display())))?;
                let marker = "\n// ---- multiprocess proxies ----\n";
                let base = base.split(marker).next().unwrap_or_default().to_string();
                format!("{base}{marker}{}", out.text)
            } else {
                out.text
            };
            write_if_changed(&path, &text)
                .map_err(|e| GenError::one(format!("cannot write {}: {e}", path.display())))?;
        }
        if std::env::var_os("CARGO").is_some() && std::env::var_os("OUT_DIR").is_some() {
            for f in &self.files {
                println!("cargo:rerun-if-changed={}", f.display());
            }
        }
        Ok(())
    }

    /// Compiles the schemas and returns their language-neutral model (for other backends
    /// and tools); `include_dir` receives `mp/proxy.capnp` for `import "/mp/proxy.capnp"`.
    /// Schema problems are in [`model::Schema::problems`]; nothing is written elsewhere.
    pub fn model(&self, include_dir: &Path) -> Result<model::Schema, GenError> {
        Ok(self.compile_and_model(include_dir)?.schema)
    }

    /// Runs the schema compiler and builds the model (what `mpgen` uses to check schemas).
    pub(crate) fn compile_and_model(&self, include_dir: &Path) -> Result<Compiled, GenError> {
        std::fs::create_dir_all(include_dir.join("mp"))
            .and_then(|_| write_if_changed(&include_dir.join("mp/proxy.capnp"), PROXY_CAPNP))
            .map_err(|e| {
                GenError::one(format!(
                    "cannot write proxy.capnp to {}: {e}",
                    include_dir.display()
                ))
            })?;
        provide_cxx_capnp(include_dir)?;
        let bytes = self.compile(include_dir)?;
        let message = capnp::serialize::read_message(
            &mut &bytes[..],
            capnp::message::ReaderOptions::new(),
        )
        .map_err(|e| GenError::one(format!("cannot read the schema compiler's output: {e}")))?;
        let request = message
            .get_root::<capnp::schema_capnp::code_generator_request::Reader<'_>>()
            .map_err(|e| GenError::one(format!("bad CodeGeneratorRequest: {e}")))?;
        let sources = self.sources();
        let schema = model::build(request, &|name| {
            sources
                .iter()
                .find_map(|dir| std::fs::read_to_string(dir.join(name)).ok())
        })
        .map_err(GenError::from_problems)?;
        Ok(Compiled {
            message,
            bytes,
            schema,
        })
    }

    /// Directories where a file named by the compiler (`a/b/x.capnp`) may be found.
    fn sources(&self) -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = self.src_prefixes.clone();
        dirs.extend(self.import_paths.iter().cloned());
        dirs.push(PathBuf::new());
        dirs
    }

    fn compile(&self, include_dir: &Path) -> Result<Vec<u8>, GenError> {
        let capnp = self.capnp.clone().unwrap_or_else(|| PathBuf::from("capnp"));
        let mut cmd = std::process::Command::new(&capnp);
        cmd.env_remove("PWD").arg("compile").arg("-o-");
        cmd.arg(format!("--import-path={}", include_dir.display()));
        for p in &self.import_paths {
            cmd.arg(format!("--import-path={}", p.display()));
        }
        for p in &self.src_prefixes {
            cmd.arg(format!("--src-prefix={}", p.display()));
        }
        cmd.args(&self.files);
        let output = cmd.output().map_err(|e| {
            GenError::one(format!(
                "cannot run `{}`: {e}. Install the Cap'n Proto tool (Debian: apt-get install capnproto)",
                capnp.display()
            ))
        })?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(GenError {
                problems: stderr.lines().map(str::to_string).collect(),
            });
        }
        Ok(output.stdout)
    }
}

/// Checks schemas the way `mpgen` does: compiles `files` and builds the model; returns every
/// problem (with file and line) or the number of proxied interfaces and structs.
pub fn check(
    files: &[PathBuf],
    src_prefixes: &[PathBuf],
    import_paths: &[PathBuf],
    scratch: &Path,
) -> Result<(usize, usize), GenError> {
    let mut g = Generator::new();
    for f in files {
        g.file(f);
    }
    for p in src_prefixes {
        g.src_prefix(p);
    }
    for p in import_paths {
        g.import_path(p);
    }
    let compiled = g.compile_and_model(scratch)?;
    if !compiled.schema.problems.is_empty() {
        return Err(GenError::from_problems(compiled.schema.problems));
    }
    let interfaces: usize = compiled
        .schema
        .files
        .iter()
        .map(|f| f.interfaces.len())
        .sum();
    let structs: usize = compiled.schema.files.iter().map(|f| f.structs.len()).sum();
    Ok((interfaces, structs))
}

/// Where the `capnp` tool looks for `/capnp/c++.capnp` by default.
const STANDARD_IMPORT_DIRS: [&str; 2] = ["/usr/local/include", "/usr/include"];

/// `mp/proxy.capnp` imports `/capnp/c++.capnp` (for its C++ namespace), which comes with Cap'n
/// Proto's C++ library. A Rust-only machine may have the `capnp` tool without it; then a
/// stand-in of ours (same file ID and annotation names) goes next to `mp/proxy.capnp`. Where
/// the real one exists it is left to be found, since user schemas may use more of it.
fn provide_cxx_capnp(include_dir: &Path) -> Result<(), GenError> {
    let standard: Vec<&Path> = STANDARD_IMPORT_DIRS.iter().map(Path::new).collect();
    provide_cxx_capnp_given(include_dir, &standard)
}

/// [`provide_cxx_capnp`] with the directories where the real file may be.
fn provide_cxx_capnp_given(include_dir: &Path, standard: &[&Path]) -> Result<(), GenError> {
    let installed = standard
        .iter()
        .any(|dir| dir.join("capnp/c++.capnp").is_file());
    let path = include_dir.join("capnp/c++.capnp");
    if installed {
        // A stand-in left by an earlier run would shadow the real file (our dir comes first).
        let _ = std::fs::remove_file(&path);
        return Ok(());
    }
    std::fs::create_dir_all(include_dir.join("capnp"))
        .and_then(|_| write_if_changed(&path, CXX_CAPNP_STAND_IN))
        .map_err(|e| GenError::one(format!("cannot write {}: {e}", path.display())))
}

/// The stand-in for `/capnp/c++.capnp` (see [`provide_cxx_capnp`]).
const CXX_CAPNP_STAND_IN: &str = include_str!("../../mp/schema/capnp/c++.capnp");

fn write_if_changed(path: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, text)
}

#[cfg(test)]
mod cxx_capnp_tests {
    use super::*;

    #[test]
    fn the_stand_in_is_written_only_where_the_real_file_is_missing() {
        let root = std::env::temp_dir().join(format!("mpgen-cxx-capnp-{}", std::process::id()));
        let include = root.join("include");
        let system = root.join("system");
        let stand_in = include.join("capnp/c++.capnp");
        provide_cxx_capnp_given(&include, &[&system]).expect("writes");
        assert_eq!(
            std::fs::read_to_string(&stand_in).expect("written"),
            CXX_CAPNP_STAND_IN
        );
        std::fs::create_dir_all(system.join("capnp")).expect("dir");
        std::fs::write(system.join("capnp/c++.capnp"), "# the real one").expect("write");
        provide_cxx_capnp_given(&include, &[&system]).expect("removes");
        assert!(
            !stand_in.exists(),
            "the stand-in must not shadow the real file"
        );
        let _ = std::fs::remove_dir_all(&root);
    }
}
