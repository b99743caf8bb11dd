//! # multiprocess-gen
//!
//! Generates Rust proxies for `$Proxy`-annotated Cap'n Proto schemas, for use from `build.rs`
//! in the style of `capnpc::CompilerCommand`:
//!
//! ```no_run
//! // build.rs
//! mpgen::Generator::new()
//!     .src_prefix("schema")
//!     .file("schema/calculator.capnp")
//!     .run()
//!     .expect("schema compiles");
//! ```
//!
//! For each `X.capnp` it writes `$OUT_DIR/X_capnp.rs`: capnpc's readers and builders, followed
//! by, for each `$Proxy.wrap` interface `I`, a trait `I`, a client `IClient` implementing it,
//! and the server glue that the `mp` runtime uses. Include it with
//! `pub mod x_capnp { include!(concat!(env!("OUT_DIR"), "/x_capnp.rs")); }` at the crate root.
//! `import "/mp/proxy.capnp"` resolves to the copy built into this crate.
//!
//! ```
//! # let dir = std::env::temp_dir().join(format!("mpgen-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir).unwrap();
//! std::fs::write(dir.join("echo.capnp"), r#"
//!     @0xe1a5c0de0000d0c1;
//!     using Proxy = import "/mp/proxy.capnp";
//!     interface Echo $Proxy.wrap("Echo") {
//!       destroy @0 (context :Proxy.Context) -> ();
//!       echo @1 (context :Proxy.Context, text :Text) -> (result :Text);
//!     }
//! "#).unwrap();
//! mpgen::Generator::new()
//!     .src_prefix(&dir)
//!     .file(dir.join("echo.capnp"))
//!     .output_path(dir.join("out"))
//!     .run()
//!     .expect("generates");
//! let code = std::fs::read_to_string(dir.join("out/echo_capnp.rs")).unwrap();
//! assert!(code.contains("pub trait Echo: Send + Sync"));
//! assert!(code.contains("fn echo(&self, text: ::std::string::String) -> ::mp::Result<::std::string::String>"));
//! assert!(code.contains("pub fn echo_async("));
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```
//!
//! ## Type mapping
//!
//! | schema | Rust |
//! | --- | --- |
//! | `Bool`, `Int8`..`UInt64`, `Float32`, `Float64` | `bool`, `i8`..`u64`, `f32`, `f64` |
//! | `Text` | `String` (bytes that are not UTF-8 become U+FFFD; map the field to `Vec<u8>` with [`Generator::rust_type`] to keep raw bytes) |
//! | `Data` | `Vec<u8>` |
//! | `List(T)` | `Vec<T>` (or a set or map through [`Generator::rust_type`]) |
//! | enum | capnpc's enum |
//! | struct | a generated struct with public fields (`$Proxy.name` renames members) |
//! | generic struct instance (`Pair(Text, Text)`) | a tuple of its fields |
//! | `$Proxy.wrap` interface | `Option<Box<dyn Trait>>` (`None` is a null capability) |
//! | `Proxy.Context`, `Proxy.ThreadMap`, `$Proxy.count(0)`, `$Proxy.skip`, `Void` | not visible: the runtime fills them or they keep their defaults |
//! | field `x` with a `hasX` companion | `Option<T>` |
//! | results field `x` with a params `wantX` companion | an `Option<&mut T>` argument |
//! | field in params and results | an in/out `&mut T` argument |
//! | results field with `$Proxy.exception` | the value travels in [`mp::Error`](https://docs.rs/multiprocess) (`Error::raised` / `Error::payload`) |
//!
//! A method returns `result` first, then its other results-only fields, as a tuple when
//! there are several. An interface whose only method is `call` is implemented by closures.
#![warn(missing_docs)]

mod emit;
mod model;
mod names;
mod schema;
mod values;

use std::path::{Path, PathBuf};

/// The text of `include/mp/proxy.capnp`, written next to the build output so that
/// `import "/mp/proxy.capnp"` works without installing anything.
pub const PROXY_CAPNP: &str = include_str!("../../../include/mp/proxy.capnp");

/// ID of the `proxy.capnp` file.
pub const PROXY_FILE_ID: u64 = 0xcc316e3f71a040fb;

/// Every problem found in the schemas, reported together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenError {
    /// One line per problem: `file: Interface.method: what is wrong`.
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
    fn one(message: impl Into<String>) -> Self {
        GenError {
            problems: vec![message.into()],
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
    parent_module: Vec<String>,
    capnp: Option<PathBuf>,
    overrides: std::collections::BTreeMap<String, String>,
}

impl Generator {
    /// An empty run.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a schema file to compile.
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
        self.parent_module = path;
        self
    }

    /// Maps one field to a Rust type of the user's: `selector` names the field as
    /// `Interface.method.field` (params or results) or `Struct.field`, with the schema's
    /// names; `rust_type` is a path to a type implementing `mp::Wire<T>`, where `T` is the
    /// Rust type the field has by default. A selector that matches no field is an error.
    pub fn rust_type(
        &mut self,
        selector: impl Into<String>,
        rust_type: impl Into<String>,
    ) -> &mut Self {
        self.overrides.insert(selector.into(), rust_type.into());
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
        let include_dir = out_dir.join("mp-include");
        std::fs::create_dir_all(include_dir.join("mp"))
            .and_then(|_| write_if_changed(&include_dir.join("mp/proxy.capnp"), PROXY_CAPNP))
            .map_err(|e| {
                GenError::one(format!(
                    "cannot write proxy.capnp to {}: {e}",
                    include_dir.display()
                ))
            })?;
        let request = self.compile(&include_dir)?;
        let message =
            capnp::serialize::read_message(&mut &request[..], capnp::message::ReaderOptions::new())
                .map_err(|e| {
                    GenError::one(format!("cannot read the schema compiler's output: {e}"))
                })?;

        let mut capnpc_cmd = capnpc::codegen::CodeGenerationCommand::new();
        capnpc_cmd
            .output_directory(&out_dir)
            .capnp_root("::mp::private::capnp")
            .default_parent_module(self.parent_module.clone())
            .crates_provide_map([(PROXY_FILE_ID, "mp".to_string())].into_iter().collect());
        capnpc_cmd
            .run(&mut &request[..])
            .map_err(|e| GenError::one(format!("capnpc failed: {e}")))?;

        let outputs = emit::generate(&message, &self.parent_module, &self.overrides)?;
        for (relative, text) in outputs {
            let path = out_dir.join(relative);
            let base = std::fs::read_to_string(&path)
                .map_err(|e| GenError::one(format!("cannot read {}: {e}", path.display())))?;
            let marker = "\n// ---- multiprocess proxies ----\n";
            let base = base.split(marker).next().unwrap_or_default();
            write_if_changed(&path, &format!("{base}{marker}{text}"))
                .map_err(|e| GenError::one(format!("cannot write {}: {e}", path.display())))?;
        }
        if std::env::var_os("CARGO").is_some() && std::env::var_os("OUT_DIR").is_some() {
            for f in &self.files {
                println!("cargo:rerun-if-changed={}", f.display());
            }
        }
        Ok(())
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

fn write_if_changed(path: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    std::fs::write(path, text)
}
