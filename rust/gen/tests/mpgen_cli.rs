//! The `mpgen` binary: the original's command line, the seven files, errors with file:line.

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

/// Every file below `dir`, relative to it, sorted.
fn files_below(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).expect("below");
                out.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn writes_the_seven_files_below_the_current_directory() {
    let dir = scratch("good");
    let src = dir.join("src");
    std::fs::create_dir_all(src.join("sub")).expect("mkdir");
    std::fs::write(src.join("sub/echo.capnp"), GOOD).expect("write");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).expect("mkdir");
    let s = src.to_str().expect("utf-8");
    let f = src.join("sub/echo.capnp");
    let run = Command::new(env!("CARGO_BIN_EXE_mpgen"))
        .args([s, s, f.to_str().expect("utf-8")])
        .current_dir(&out)
        .output()
        .expect("run mpgen");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let expected: Vec<String> = [
        "echo.capnp.c++",
        "echo.capnp.h",
        "echo.capnp.proxy-client.c++",
        "echo.capnp.proxy-server.c++",
        "echo.capnp.proxy-types.c++",
        "echo.capnp.proxy-types.h",
        "echo.capnp.proxy.h",
    ]
    .iter()
    .map(|n| format!("sub/{n}"))
    .collect();
    assert_eq!(files_below(&out), expected);
    let header = std::fs::read_to_string(out.join("sub/echo.capnp.proxy.h")).expect("read");
    assert!(
        header.contains("#ifndef SUB_ECHO_CAPNP_PROXY_H"),
        "{header}"
    );
    assert!(header.contains("#include <sub/echo.capnp.h>"), "{header}");
    assert!(
        header.contains("struct ProxyClient<::Echo> final"),
        "{header}"
    );
    let capnp_header = std::fs::read_to_string(out.join("sub/echo.capnp.h")).expect("read");
    assert!(capnp_header.contains("class Echo"), "capnp's own header");

    // INCLUDE_PREFIX below SRC_PREFIX: includes name the file relative to it.
    let out2 = dir.join("out2");
    std::fs::create_dir_all(&out2).expect("mkdir");
    let sub = src.join("sub");
    let run = Command::new(env!("CARGO_BIN_EXE_mpgen"))
        .args([s, sub.to_str().expect("utf-8"), f.to_str().expect("utf-8")])
        .current_dir(&out2)
        .output()
        .expect("run mpgen");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let types = std::fs::read_to_string(out2.join("sub/echo.capnp.proxy-types.h")).expect("read");
    assert!(types.contains("#include <echo.capnp.proxy.h>"), "{types}");

    let (code, text) = mpgen(&["--check", s, s, f.to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("valid (1 proxied interface(s)"), "{text}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn dot_prefixes_write_next_to_a_relative_or_absolute_file() {
    let dir = scratch("dot");
    std::fs::create_dir_all(dir.join("sub")).expect("mkdir");
    std::fs::write(dir.join("sub/echo.capnp"), GOOD).expect("write");
    let absolute = dir.join("sub/echo.capnp");
    for file in ["sub/echo.capnp", absolute.to_str().expect("utf-8")] {
        let run = Command::new(env!("CARGO_BIN_EXE_mpgen"))
            .args([".", ".", file])
            .current_dir(&dir)
            .output()
            .expect("run mpgen");
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let types = std::fs::read_to_string(dir.join("sub/echo.capnp.proxy-types.h"))
            .expect("written next to the schema");
        assert!(
            types.contains("#include <sub/echo.capnp.proxy.h>"),
            "{types}"
        );
        assert_eq!(files_below(&dir).len(), 8, "{:?}", files_below(&dir));
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_file_outside_src_prefix_is_an_error() {
    let dir = scratch("outside");
    std::fs::write(dir.join("echo.capnp"), GOOD).expect("write");
    let other = dir.join("other");
    std::fs::create_dir_all(&other).expect("mkdir");
    let f = dir.join("echo.capnp");
    let o = other.to_str().expect("utf-8");
    let (code, text) = mpgen(&[o, o, f.to_str().expect("utf-8")]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("SRC_PREFIX"), "{text}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn schema_errors_exit_1_with_file_and_line() {
    let dir = scratch("bad");
    std::fs::write(
        dir.join("bad.capnp"),
        "@0xe1a5c0de12345681;\nusing Proxy = import \"/mp/proxy.capnp\";\ninterface B $Proxy.wrap(\"B\") {\n  m @0 () -> (context :Proxy.Context);\n  n @1 () -> () $Proxy.name(\"1x\");\n}\n",
    )
    .expect("write");
    let d = dir.to_str().expect("utf-8");
    let file = dir.join("bad.capnp");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).expect("mkdir");
    let run = Command::new(env!("CARGO_BIN_EXE_mpgen"))
        .args([d, d, file.to_str().expect("utf-8")])
        .current_dir(&out)
        .output()
        .expect("run mpgen");
    let text = String::from_utf8_lossy(&run.stderr).to_string();
    assert_eq!(run.status.code(), Some(1), "{text}");
    assert!(
        text.contains("bad.capnp:4: B.m: field `context`: Proxy.Context is only allowed in params"),
        "{text}"
    );
    assert!(
        text.contains("bad.capnp:5:") && text.contains("is not an identifier"),
        "every problem at once: {text}"
    );
    assert!(text.contains("no files written"), "{text}");
    assert!(
        files_below(&out).is_empty(),
        "nothing written: {:?}",
        files_below(&out)
    );
    let _ = std::fs::remove_dir_all(dir);
}
