//! Compiles `include/mp/proxy.capnp` (the schema shared with C++ users) into Rust.

fn main() {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let include_dir = manifest.join("../../include");
    capnpc::CompilerCommand::new()
        .src_prefix(include_dir.join("mp"))
        .file(include_dir.join("mp/proxy.capnp"))
        .no_standard_import()
        // `/capnp/c++.capnp`, which proxy.capnp imports for its C++ namespace.
        .import_path(manifest.join("schema"))
        .run()
        .expect("compiling include/mp/proxy.capnp");
    println!("cargo:rerun-if-changed=../../include/mp/proxy.capnp");
    println!("cargo:rerun-if-changed=schema/capnp/c++.capnp");
}
