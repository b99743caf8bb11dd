//! Generates the test interfaces (some fields mapped to Rust types of the tests' own), the
//! conformance suite's interfaces, and those the C++ transport and breadth tests serve, all
//! with fuzz targets (doc/fuzzing.md); and the calculator example's interfaces for the fuzz
//! test.

fn main() {
    let result = mpgen::Generator::new()
        .src_prefix("schema")
        .src_prefix("conformance")
        .src_prefix("cpp-runtime")
        .file("schema/service.capnp")
        .file("cpp-runtime/calls.capnp")
        .file("schema/types.capnp")
        .file("conformance/conformance.capnp")
        .file("cpp-runtime/breadth.capnp")
        .rust_type("Types.narrow.value", "i32")
        .rust_type("Types.colors.code", "crate::custom::Shade")
        .rust_type("Types.wait.timeout", "::mp::Millis")
        .rust_type("Types.wait.waited", "::mp::Millis")
        .rust_type("Types.texts.raw", "Vec<u8>")
        // Data kept as owned vectors: directly, and through `Wire` (`Vec<u8>: Wire<mp::Bytes>`).
        .rust_type("Types.texts.data", "Vec<u8>")
        .rust_type("Types.lists.blobs", "Vec<Vec<u8>>")
        .rust_type("Types.lists.set", "::std::collections::BTreeSet<String>")
        .rust_type(
            "Types.maps.generic",
            "::std::collections::BTreeMap<String, String>",
        )
        .rust_type(
            "Types.maps.concrete",
            "::std::collections::HashMap<String, i32>",
        )
        .rust_type("Record.counts", "::std::collections::BTreeMap<String, i32>")
        .rust_type("Types.counted.pair", "crate::custom::Labeled")
        .rust_type("Types.mirror.point", "crate::custom::Point")
        .rust_type("Types.mirror.result", "crate::custom::Point")
        .rust_type(
            "ConfTypes.counts.map",
            "::std::collections::BTreeMap<String, i32>",
        )
        .rust_type(
            "ConfTypes.counts.result",
            "::std::collections::BTreeMap<String, i32>",
        )
        .rust_type("ConfTypes.narrow.value", "i32")
        .fuzz(true)
        .run();
    if let Err(e) = result {
        panic!("{e}");
    }
    // The calculator example's schemas, with fuzz targets only, for `tests/fuzz_generated.rs`
    // (which includes them under `crate::example`).
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    let result = mpgen::Generator::new()
        .src_prefix("../rust/examples/schema")
        .file("../rust/examples/schema/calculator.capnp")
        .file("../rust/examples/schema/printer.capnp")
        .file("../rust/examples/schema/init.capnp")
        .output_path(out.join("example"))
        .default_parent_module(vec!["example".into()])
        .fuzz(true)
        .run();
    if let Err(e) = result {
        panic!("{e}");
    }
}
