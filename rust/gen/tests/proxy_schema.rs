//! `proxy.capnp` keeps the original's IDs: they are on the wire (`interfaceId`) and the
//! generators find annotations by them.

#[test]
fn proxy_capnp_has_the_originals_ids() {
    let dir = std::env::temp_dir().join(format!("mpgen-proxy-ids-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("proxy.capnp");
    std::fs::write(&path, mpgen::PROXY_CAPNP).expect("write");
    let out = std::process::Command::new("capnp")
        .args(["compile", "-ocapnp", "--no-standard-import"])
        // proxy.capnp imports /capnp/c++.capnp for its C++ namespace.
        .arg(format!("-I{}/../mp/schema", env!("CARGO_MANIFEST_DIR")))
        .arg(&path)
        .output()
        .expect("run capnp");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "@0xcc316e3f71a040fb;",
        "interface ThreadMap @0xee5e37179ad9dc9d",
        "interface Thread @0x81c1e2600d0b56c5",
        "struct Context @0x9c44e6645d0b22c6",
        "annotation include @0xb899f3c154fdb458 (file) :Text;",
        "annotation includeTypes @0xbcec15648e8a0cf1 (file) :Text;",
        "annotation wrap @0xe6f46079b7b1405e (struct, interface) :Text;",
        "annotation count @0xd02682b319f69b38 (struct, interface, param) :Int32;",
        "annotation exception @0x996a183200992f88 (param) :Text;",
        "annotation name @0xb594888f63f4dbb9 (field, method) :Text;",
        "annotation skip @0x824c08b82695d8dd (field) :Void;",
        "makeThread @0 (name :Text) -> (result :Thread);",
        "makePool @1 (count :UInt32) -> ();",
        "getName @0 () -> (result :Text);",
        "thread @0 :Thread;",
        "callbackThread @1 :Thread;",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    let _ = std::fs::remove_dir_all(dir);
}
