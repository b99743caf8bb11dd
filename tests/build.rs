//! Generates the test interfaces.

fn main() {
    if let Err(e) = mpgen::Generator::new()
        .src_prefix("schema")
        .file("schema/service.capnp")
        .run()
    {
        panic!("{e}");
    }
}
