//! Bad schemas fail generation with every problem listed, by file and name.

use std::path::PathBuf;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mpgen-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[test]
fn all_problems_are_reported_together() {
    let dir = scratch("errors");
    let schema = dir.join("bad.capnp");
    std::fs::write(
        &schema,
        r#"@0xe1a5c0de12345678;
using Proxy = import "/mp/proxy.capnp";
interface Plain { ping @0 () -> (); }
interface Broken $Proxy.wrap("Broken") {
  usesPlain @0 (context :Proxy.Context, p :Plain) -> ();
  anyPtr @1 (context :Proxy.Context, x :AnyPointer) -> ();
  ctxResult @2 () -> (context :Proxy.Context);
}
"#,
    )
    .expect("write schema");
    let err = mpgen::Generator::new()
        .src_prefix(&dir)
        .file(&schema)
        .output_path(dir.join("out"))
        .run()
        .expect_err("bad schema must fail");
    let text = err.to_string();
    assert_eq!(err.problems.len(), 3, "{text}");
    assert!(
        text.contains(
            "bad.capnp:5: Broken.usesPlain: field `p`: interface Plain has no $Proxy.wrap annotation"
        ),
        "{text}"
    );
    assert!(
        text.contains("bad.capnp:6: Broken.anyPtr: field `x`"),
        "{text}"
    );
    assert!(
        text.contains(
            "bad.capnp:7: Broken.ctxResult: field `context`: Proxy.Context is only allowed in params"
        ),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn syntax_errors_come_from_the_schema_compiler_with_lines() {
    let dir = scratch("syntax");
    let schema = dir.join("typo.capnp");
    std::fs::write(
        &schema,
        "@0xe1a5c0de12345679;\ninterface X { m @0 () -> (r :NoSuchType); }\n",
    )
    .expect("write");
    let err = mpgen::Generator::new()
        .file(&schema)
        .output_path(dir.join("out"))
        .run()
        .expect_err("must fail");
    assert!(err.to_string().contains("typo.capnp:2:"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn good_schema_generates_traits_clients_and_servers() {
    let dir = scratch("good");
    let schema = dir.join("ok.capnp");
    std::fs::write(
        &schema,
        r#"@0xe1a5c0de1234567a;
using Proxy = import "/mp/proxy.capnp";
interface Echo $Proxy.wrap("Echo") {
  destroy @0 (context :Proxy.Context) -> ();
  echo @1 (context :Proxy.Context, text :Text) -> (result :Text);
}
"#,
    )
    .expect("write schema");
    mpgen::Generator::new()
        .src_prefix(&dir)
        .file(&schema)
        .output_path(dir.join("out"))
        .run()
        .expect("generates");
    let out = std::fs::read_to_string(dir.join("out/ok_capnp.rs")).expect("output");
    assert!(out.contains("pub trait Echo: Send + Sync"));
    assert!(out.contains(
        "fn echo(&self, text: ::std::string::String) -> ::mp::Result<::std::string::String>"
    ));
    assert!(out.contains("pub struct EchoClient"));
    assert!(out.contains("impl ::mp::Interface for dyn Echo"));
    assert!(out.contains("const DESTROY: Option<::mp::DestroyFn> = Some("));
    let _ = std::fs::remove_dir_all(dir);
}
