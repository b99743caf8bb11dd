//! Builds the cxx glue and the C++ side of the bridge (bridge/cpp) into this crate, so the
//! staticlib carries both. The C++ side includes the public headers (include/) and kj.
use std::path::PathBuf;

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let include = root.join("../include");
    let sources = ["cpp/event_loop.cpp", "cpp/spawn.cpp"];
    let mut build = cxx_build::bridge("src/lib.rs");
    build
        .files(sources.iter().map(|s| root.join(s)))
        .include(&include)
        .std("c++20")
        .flag_if_supported("-Wall")
        .flag_if_supported("-Wextra")
        .flag_if_supported("-Werror");
    build.compile("multiprocess_cxx_glue");
    for source in sources.iter().chain(["cpp/callbacks.h"].iter()) {
        println!("cargo:rerun-if-changed={source}");
    }
    println!("cargo:rerun-if-changed=src/lib.rs");
    println!("cargo:rerun-if-changed=../include/mp");
}
