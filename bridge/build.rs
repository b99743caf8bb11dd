//! Builds the cxx glue and the C++ side of the bridge (bridge/cpp) into this crate, so the
//! staticlib carries both, together with the C++ code Cap'n Proto generates for
//! `mp/proxy.capnp` (every user schema's generated code links it). The C++ side includes the
//! public headers (include/) and the Cap'n Proto library's.
use std::path::PathBuf;
use std::process::Command;

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    let include = root.join("../include");

    // mp/proxy.capnp.h and .c++, into OUT_DIR/include/mp.
    let generated = out.join("include");
    std::fs::create_dir_all(&generated).expect("OUT_DIR is writable");
    let status = Command::new("capnp")
        .arg("compile")
        .arg(format!("-I{}", include.display()))
        .arg(format!("--src-prefix={}", include.display()))
        .arg(format!("-oc++:{}", generated.display()))
        .arg(include.join("mp/proxy.capnp"))
        .status()
        .expect("running `capnp compile` (install capnproto)");
    assert!(status.success(), "capnp compile of mp/proxy.capnp failed");

    let sources = [
        "cpp/connect.cpp",
        "cpp/event_loop.cpp",
        "cpp/spawn.cpp",
        "cpp/transport.cpp",
    ];
    let mut build = cxx_build::bridge("src/lib.rs");
    build
        .files(sources.iter().map(|s| root.join(s)))
        .file(generated.join("mp/proxy.capnp.c++"))
        .include(&include)
        .include(&generated)
        .std("c++20")
        .flag_if_supported("-Wall")
        .flag_if_supported("-Wextra")
        .flag_if_supported("-Werror");
    build.compile("multiprocess_cxx_glue");
    for source in sources
        .iter()
        .chain(["cpp/callbacks.h", "cpp/handles.h"].iter())
    {
        println!("cargo:rerun-if-changed={source}");
    }
    println!("cargo:rerun-if-changed=src/lib.rs");
    println!("cargo:rerun-if-changed=../include/mp");
}
