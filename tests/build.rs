//! Generates the test interfaces and the conformance suite's interfaces.

fn main() {
    if let Err(e) = mpgen::Generator::new()
        .src_prefix("schema")
        .src_prefix("conformance")
        .file("schema/service.capnp")
        .file("conformance/conformance.capnp")
        .run()
    {
        panic!("{e}");
    }
}
