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
    // `destroy` is wired into the interface's descriptor, which the runtime calls it through.
    assert!(out.contains("destroy: ::std::option::Option::Some(&ECHO_DESTROY)"));
    let _ = std::fs::remove_dir_all(dir);
}

/// Generates `files` (name, text) from a scratch directory and returns the error text.
fn failing(name: &str, files: &[(&str, &str)], given: &[&str]) -> String {
    let dir = scratch(name);
    for (file, text) in files {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
        std::fs::write(path, text).expect("write");
    }
    let mut g = mpgen::Generator::new();
    g.src_prefix(&dir).output_path(dir.join("out"));
    for f in given {
        g.file(dir.join(f));
    }
    let err = g.run().expect_err("must fail");
    let _ = std::fs::remove_dir_all(dir);
    err.to_string()
}

#[test]
fn two_schema_names_that_become_one_rust_item_are_reported_with_both_names() {
    let text = failing(
        "collide",
        &[(
            "c.capnp",
            "@0xe1a5c0de1234567b;\nusing Proxy = import \"/mp/proxy.capnp\";\nstruct Outer $Proxy.wrap(\"O\") {\n  struct Inner $Proxy.wrap(\"I\") { x @0 :Int32; }\n  y @0 :Int32;\n}\nstruct OuterInner $Proxy.wrap(\"OI\") { z @0 :Int32; }\n",
        )],
        &["c.capnp"],
    );
    assert!(
        text.contains(
            "struct Outer.Inner and struct OuterInner both become the Rust item `OuterInner`"
        ) || text.contains(
            "struct OuterInner and struct Outer.Inner both become the Rust item `OuterInner`"
        ),
        "{text}"
    );
}

#[test]
fn a_has_companion_that_is_not_a_number_is_an_error_with_its_line() {
    let text = failing(
        "has-text",
        &[(
            "h.capnp",
            "@0xe1a5c0de1234567c;\nusing Proxy = import \"/mp/proxy.capnp\";\nstruct S $Proxy.wrap(\"S\") {\n  x @0 :Int32;\n  hasX @1 :Text;\n}\n",
        )],
        &["h.capnp"],
    );
    assert!(
        text.contains("h.capnp:5: S: field `hasX`: a hasX companion must be Bool or a number"),
        "{text}"
    );
}

#[test]
fn a_native_name_that_is_not_an_identifier_is_an_error_with_its_line() {
    let text = failing(
        "bad-name",
        &[(
            "n.capnp",
            "@0xe1a5c0de1234567d;\nusing Proxy = import \"/mp/proxy.capnp\";\nstruct S $Proxy.wrap(\"S\") {\n  x @0 :Int32 $Proxy.name(\"two words\");\n}\n",
        )],
        &["n.capnp"],
    );
    assert!(
        text.contains("n.capnp:4: $Proxy.name(\"two words\") of field x is not an identifier"),
        "{text}"
    );
}

#[test]
fn an_import_not_given_to_the_generator_is_one_clear_error() {
    let text = failing(
        "missing-import",
        &[
            (
                "lib/shapes.capnp",
                "@0xe1a5c0de1234567e;\nstruct Square { side @0 :Int32; }\nenum Color { red @0; }\n",
            ),
            (
                "app.capnp",
                "@0xe1a5c0de1234567f;\nusing Proxy = import \"/mp/proxy.capnp\";\nusing Shapes = import \"lib/shapes.capnp\";\ninterface Draw $Proxy.wrap(\"Draw\") {\n  square @0 (s :Shapes.Square) -> (result :Shapes.Square);\n  color @1 (c :Shapes.Color) -> ();\n}\n",
            ),
        ],
        &["app.capnp"],
    );
    assert!(text.contains("found 1 problem(s)"), "{text}");
    assert!(
        text.contains("app.capnp:5: Draw.square uses `lib/shapes.capnp`, which was not given to the generator"),
        "{text}"
    );
}
