//! The `mpgen` binary: the original's command line; validation today, C++ output later.

use std::path::PathBuf;
use std::process::Command;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mpgen-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn mpgen(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mpgen"))
        .args(args)
        .output()
        .expect("run mpgen");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().expect("exit code"), text)
}

const GOOD: &str = "@0xe1a5c0de12345680;\nusing Proxy = import \"/mp/proxy.capnp\";\ninterface Echo $Proxy.wrap(\"Echo\") {\n  echo @0 (context :Proxy.Context, text :Text) -> (result :Text);\n}\n";

#[test]
fn usage_errors_exit_64() {
    let (code, text) = mpgen(&["only-one"]);
    assert_eq!(code, 64, "{text}");
    assert!(text.contains("usage: mpgen"), "{text}");
}

#[test]
fn a_valid_schema_is_checked_and_no_output_is_faked() {
    let dir = scratch("good");
    std::fs::write(dir.join("echo.capnp"), GOOD).expect("write");
    let d = dir.to_str().expect("utf-8");
    let file = dir.join("echo.capnp");
    let f = file.to_str().expect("utf-8");
    let (code, text) = mpgen(&[d, "include", f]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("C++ output is not built yet"), "{text}");
    let written: Vec<_> = std::fs::read_dir(&dir).expect("dir").collect();
    assert_eq!(written.len(), 1, "only the schema is there");
    let (code, text) = mpgen(&["--check", d, "include", f]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("valid (1 proxied interface(s)"), "{text}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn schema_errors_exit_1_with_file_and_line() {
    let dir = scratch("bad");
    std::fs::write(
        dir.join("bad.capnp"),
        "@0xe1a5c0de12345681;\nusing Proxy = import \"/mp/proxy.capnp\";\ninterface B $Proxy.wrap(\"B\") {\n  m @0 () -> (context :Proxy.Context);\n}\n",
    )
    .expect("write");
    let d = dir.to_str().expect("utf-8");
    let file = dir.join("bad.capnp");
    let (code, text) = mpgen(&[d, "include", file.to_str().expect("utf-8")]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("bad.capnp:4: B.m: field `context`: Proxy.Context is only allowed in params"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
