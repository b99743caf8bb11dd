//! Generates the example's proxies from its schemas.

fn main() {
    let result = mpgen::Generator::new()
        .src_prefix("schema")
        .file("schema/calculator.capnp")
        .file("schema/printer.capnp")
        .file("schema/init.capnp")
        .run();
    if let Err(e) = result {
        panic!("{e}");
    }
}
