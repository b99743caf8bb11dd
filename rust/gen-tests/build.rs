//! Generates the meaning schemas (with a type mapped by name, a type mapped by capnp type and
//! an implicit-field hook) and, separately, the older `Store` (it reuses the interface ID, so
//! it cannot share one schema compilation with the current one).

fn main() {
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    let current = mpgen::Generator::new()
        .src_prefix("schema")
        .file("schema/store.capnp")
        .file("schema/units/units.capnp")
        // The snapshot schemas of the generator's own tests: their output must compile too.
        .src_prefix("../gen/tests/schema")
        .file("../gen/tests/schema/callable.capnp")
        .file("../gen/tests/schema/shapes.capnp")
        .map_type("Data", "crate::Hash")
        .map_type("Size", "crate::Bytes")
        .implicit_hook("Env", "crate::env_hook")
        .run();
    if let Err(e) = current {
        panic!("{e}");
    }
    let old = mpgen::Generator::new()
        .src_prefix("schema/old")
        .file("schema/old/store_v1.capnp")
        .output_path(out.join("v1"))
        .run();
    if let Err(e) = old {
        panic!("{e}");
    }
}
