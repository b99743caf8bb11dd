//! Generates the benchmark's proxies from the schema shared with the C++ programs.

fn main() {
    if let Err(e) = mpgen::Generator::new()
        .src_prefix("cpp")
        .file("cpp/bench.capnp")
        .run()
    {
        panic!("{e}");
    }
}
