//! Compiles `include/mp/proxy.capnp` (the schema shared with C++ users) into Rust.

fn main() {
    let include_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../include");
    capnpc::CompilerCommand::new()
        .src_prefix(include_dir.join("mp"))
        .file(include_dir.join("mp/proxy.capnp"))
        .no_standard_import()
        .run()
        .expect("compiling include/mp/proxy.capnp");
    println!("cargo:rerun-if-changed=../../include/mp/proxy.capnp");
}
