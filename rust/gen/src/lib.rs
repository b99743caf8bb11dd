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
//! For each `a/b/X.capnp` (named after `src_prefix`) it writes `$OUT_DIR/a/b/X_capnp.rs`:
//! capnpc's readers and builders, followed by, for each `$Proxy.wrap` interface `I`, a trait
//! `I`, a client `IClient` implementing it, and the server glue that the `mp` runtime uses.
//! capnpc names the module after the file's stem alone (`crate::X_capnp`, whatever the
//! directory), so every file must be included as `X_capnp` in the crate root (or in the
//! `default_parent_module`). `$OUT_DIR/mpgen_modules.rs` does exactly that for every file:
//! `include!(concat!(env!("OUT_DIR"), "/mpgen_modules.rs"));` at the crate root.
//! `import "/mp/proxy.capnp"` resolves to the copy built into this crate.
//!
//! The crate is split in three: [`model`] reads the schemas into a language-neutral model
//! (every field's role, layouts, defaults, annotations) and validates them; backends (Rust
//! and C++) spell the model in their language; the drivers run them: [`Generator`] for
//! Rust, [`CppCommand`] (what the `mpgen` binary runs) for C++, which writes the original's
//! seven files per schema (see `doc/cpp-generated-code.md`).
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
//! | `Data` | [`mp::Bytes`](https://docs.rs/bytes) (`bytes::Bytes`): a big received one shares the message's memory instead of a copy (`doc/performance.md`); build one from a `Vec<u8>` with `.into()`; map the field to `Vec<u8>` with [`Generator::rust_type`] for an owned copy; a [`Generator::rust_type`] user type implements `mp::Wire<mp::Bytes>` |
//! | `List(T)` | `Vec<T>` (or a set or map through [`Generator::rust_type`]) |
//! | enum | capnpc's enum |
//! | struct | a generated struct with public fields (`$Proxy.name` renames members) |
//! | generic struct instance (`Pair(Text, Text)`) | a tuple of its fields |
//! | `$Proxy.wrap` interface | `Option<Box<dyn Trait>>` (`None` is a null capability) |
//! | `Proxy.Context`, `Proxy.ThreadMap`, `$Proxy.count(0)`, `$Proxy.skip`, `Void` | not visible: the runtime fills them or they keep their defaults |
//! | field `x` with a `hasX` companion | `Option<T>` |
//! | results field `x` with a params `wantX` companion | an `Option<&mut T>` argument |
//! | field in params and results | an in/out `&mut T` argument |
//! | results field with `$Proxy.exception` | the value travels in [`mp::Error`](https://docs.rs/multiprocess) (`Error::raised` / `Error::payload`); with several such fields, as the generated enum `IMethodException` |
//! | struct field with a schema default (`= true`, `= 8000`, `= inf`) | that value from `Default` (capnpc's readers give it when the field is absent) |
//! | struct that contains itself | `Option<Box<T>>` for the field leading back |
//! | struct's unnamed union | a field `which` of the generated enum `SWhich` |
//! | `count(0)` field of another type | hidden; an [`Generator::implicit_hook`] fills and consumes it |
//!
//! A method returns `result` first, then its other results-only fields, as a tuple when
//! there are several. An interface whose only method is `call` is implemented by closures.
//! Naming collisions are resolved by the rule in `doc/generator.md`.
#![warn(missing_docs)]

mod backend;
mod cpp_command;
mod driver;
pub mod model;

pub use cpp_command::CppCommand;
pub use driver::{check, GenError, Generator};

/// The text of `include/mp/proxy.capnp`, written next to the build output so that
/// `import "/mp/proxy.capnp"` works without installing anything.
pub const PROXY_CAPNP: &str = include_str!("../../../include/mp/proxy.capnp");

/// ID of the `proxy.capnp` file.
pub const PROXY_FILE_ID: u64 = 0xcc316e3f71a040fb;
