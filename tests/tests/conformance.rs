//! Wire conformance against an independent Cap'n Proto implementation.
//!
//! Builds the C++ peer in `tests/conformance/` (g++, C++20, `-Wall -Wextra -Werror`, the
//! official Cap'n Proto C++ runtime through pkg-config `capnp-rpc`; neither our runtime nor the
//! original library), then runs it in both roles:
//!
//! * `conformance_cxx_client_against_rust_server`: the peer spawns `mpconf-server` (socketpair,
//!   fd number in argv) and calls it;
//! * `conformance_rust_client_against_cxx_server`: `mpconf-client` spawns the peer with
//!   `mp::spawn_process` and calls it, while the peer checks what arrives.
//!
//! With `MP_ORIGINAL_PREFIX` set to an installed original libmultiprocess, the interop programs
//! in `tests/interop/` (a client and a server of the same schema, built with CMake against the
//! original) also run against `mpconf-server` and `mpconf-client`; without it those tests print
//! `SKIPPED ...` and pass.
//!
//! Our C++ wing's server and client of the schema (`tests/conformance/cpp-*.cpp`, built by
//! CMake) run the same way when `MP_CPP_CONF_SERVER` / `MP_CPP_CONF_CLIENT` name them (ctest's
//! `conformance_our_cpp` sets both); otherwise the `*our_cpp*` tests print `SKIPPED ...` and pass.
//!
//! Every check prints one line (`PASS`, `FAIL`, or `GAP` for a documented deviation); each test
//! ends with `N passed, M failed`. See `tests/conformance/README.md`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

/// Longest a whole run may take before it is killed (a hang guard, not a timing check).
const HANG_GUARD: Duration = Duration::from_secs(600);

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repository root")
        .to_path_buf()
}

fn mtime(p: &Path) -> SystemTime {
    std::fs::metadata(p)
        .and_then(|m| m.modified())
        .unwrap_or(SystemTime::UNIX_EPOCH)
}

fn run_tool(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Compiles the schemas to C++ and the peer, unless the binary is newer than its sources.
fn build_peer() -> Result<PathBuf, String> {
    let repo = repo();
    let src = repo.join("tests/conformance");
    let include = repo.join("include");
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("conformance-peer");
    let gen = out.join("gen");
    let exe = out.join("conformance-peer");
    let inputs = [
        src.join("peer.cpp"),
        src.join("conformance.capnp"),
        include.join("mp/proxy.capnp"),
    ];
    if exe.is_file() && inputs.iter().all(|i| mtime(i) < mtime(&exe)) {
        return Ok(exe);
    }
    std::fs::create_dir_all(&gen).map_err(|e| format!("create {}: {e}", gen.display()))?;
    let capnp = |file: &Path, prefix: &Path| {
        run_tool(
            Command::new("capnp")
                .arg("compile")
                .arg(format!("-oc++:{}", gen.display()))
                .arg(format!("--src-prefix={}", prefix.display()))
                .arg(format!("--import-path={}", include.display()))
                .arg(file),
        )
    };
    capnp(&include.join("mp/proxy.capnp"), &include)?;
    capnp(&src.join("conformance.capnp"), &src)?;
    let flags = run_tool(Command::new("pkg-config").args(["--cflags", "--libs", "capnp-rpc"]))
        .map_err(|e| {
            format!("{e}\nThe conformance peer needs the Cap'n Proto C++ library: apt-get install libcapnp-dev (scripts/install-deps.sh does it)")
        })?;
    let tmp = out.join("conformance-peer.tmp");
    run_tool(
        Command::new("g++")
            .args(["-std=c++20", "-Wall", "-Wextra", "-Werror", "-O1", "-g"])
            .arg(format!("-I{}", gen.display()))
            .arg("-o")
            .arg(&tmp)
            .arg(src.join("peer.cpp"))
            .arg(gen.join("mp/proxy.capnp.c++"))
            .arg(gen.join("conformance.capnp.c++"))
            .args(flags.split_whitespace()),
    )?;
    std::fs::rename(&tmp, &exe).map_err(|e| format!("rename: {e}"))?;
    Ok(exe)
}

fn peer() -> PathBuf {
    static PEER: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match PEER.get_or_init(build_peer) {
        Ok(p) => p.clone(),
        Err(e) => panic!("cannot build the C++ conformance peer: {e}"),
    }
}

/// Runs `cmd` to completion (killing it after `HANG_GUARD`) and returns its stdout and stderr.
fn run(cmd: &mut Command) -> (String, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stdout.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr.read_to_end(&mut s);
        s
    });
    let deadline = Instant::now() + HANG_GUARD;
    let mut killed = false;
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                killed = true;
                break;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => panic!("wait: {e}"),
        }
    }
    let out = String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned();
    let mut err = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    if killed {
        err.push_str("\n(killed: the run did not finish)\n");
    }
    (out, err)
}

/// Counts the check lines, prints them with a closing `N passed, M failed`, and fails the test
/// unless every program reached its summary line, nothing failed, and at least `min_passed`
/// checks ran.
fn judge(out: &str, err: &str, summaries: &[&str], min_passed: usize) {
    let count = |prefix: &str| out.lines().filter(|l| l.starts_with(prefix)).count();
    let (passed, failed, gaps) = (count("PASS "), count("FAIL "), count("GAP "));
    print!("{out}");
    if !err.trim().is_empty() {
        println!("--- stderr\n{err}");
    }
    if gaps > 0 {
        println!("{gaps} known gaps (see tests/conformance/README.md)");
    }
    println!("{passed} passed, {failed} failed");
    for who in summaries {
        assert!(
            out.lines()
                .any(|l| l.starts_with(&format!("[{who}] ")) && l.contains(" passed, ")),
            "the {who} did not finish its checks"
        );
    }
    assert_eq!(failed, 0, "conformance checks failed");
    assert!(
        passed >= min_passed,
        "only {passed} checks passed, expected at least {min_passed}: some did not run"
    );
}

#[test]
fn conformance_cxx_client_against_rust_server() {
    let (out, err) = run(Command::new(peer())
        .arg("client")
        .arg(env!("CARGO_BIN_EXE_mpconf-server")));
    judge(&out, &err, &["c++ client"], 45);
}

#[test]
fn conformance_rust_client_against_cxx_server() {
    let (out, err) = run(Command::new(env!("CARGO_BIN_EXE_mpconf-client")).arg(peer()));
    judge(&out, &err, &["rust client", "c++ server"], 58);
}

/// The installed original, if `MP_ORIGINAL_PREFIX` names one with its CMake package.
fn original_prefix(test: &str) -> Option<PathBuf> {
    let Some(prefix) = std::env::var_os("MP_ORIGINAL_PREFIX").map(PathBuf::from) else {
        eprintln!(
            "SKIPPED {test}: set MP_ORIGINAL_PREFIX to an installed original libmultiprocess \
             (its lib/cmake/Libmultiprocess package is used) to run the interop programs"
        );
        return None;
    };
    assert!(
        prefix.join("lib/cmake/Libmultiprocess").is_dir(),
        "MP_ORIGINAL_PREFIX={} has no lib/cmake/Libmultiprocess: install the original there",
        prefix.display()
    );
    Some(prefix)
}

/// Stages `tests/interop/` with the shared schema and builds it against the original.
fn build_interop(prefix: &Path) -> Result<PathBuf, String> {
    let repo = repo();
    let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("interop");
    let src = base.join("src");
    let build = base.join("build");
    std::fs::create_dir_all(&src).map_err(|e| format!("create {}: {e}", src.display()))?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo.join("tests/interop"))
        .map_err(|e| format!("read tests/interop: {e}"))?
        .flatten()
        .map(|e| e.path())
        .collect();
    files.push(repo.join("tests/conformance/conformance.capnp"));
    for f in files {
        let to = src.join(f.file_name().expect("file name"));
        let text = std::fs::read(&f).map_err(|e| format!("read {}: {e}", f.display()))?;
        // Only rewrite changed files, so that the build stays incremental.
        if std::fs::read(&to).ok().as_deref() != Some(&text[..]) {
            std::fs::write(&to, text).map_err(|e| format!("write {}: {e}", to.display()))?;
        }
    }
    run_tool(
        Command::new("cmake")
            .arg("-S")
            .arg(&src)
            .arg("-B")
            .arg(&build)
            .arg(format!("-DCMAKE_PREFIX_PATH={}", prefix.display())),
    )?;
    run_tool(Command::new("cmake").arg("--build").arg(&build).arg("-j2"))?;
    Ok(build)
}

fn interop(prefix: &Path) -> PathBuf {
    static BUILD: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match BUILD.get_or_init(|| build_interop(prefix)) {
        Ok(p) => p.clone(),
        Err(e) => panic!("cannot build the interop programs against the original: {e}"),
    }
}

#[test]
fn conformance_interop_original_client_against_rust_server() {
    let Some(prefix) = original_prefix("conformance_interop_original_client_against_rust_server")
    else {
        return;
    };
    let (out, err) = run(Command::new(interop(&prefix).join("interop-client"))
        .arg(env!("CARGO_BIN_EXE_mpconf-server")));
    judge(&out, &err, &["original client"], 21);
}

#[test]
fn conformance_interop_rust_client_against_original_server() {
    let Some(prefix) = original_prefix("conformance_interop_rust_client_against_original_server")
    else {
        return;
    };
    let (out, err) = run(Command::new(env!("CARGO_BIN_EXE_mpconf-client"))
        .arg(interop(&prefix).join("interop-server")));
    judge(&out, &err, &["rust client"], 23);
}

/// Our C++ program named by `var` (set by ctest from the CMake build; see
/// `tests/cpp-runtime/CMakeLists.txt`), or `None` with a `SKIPPED` line.
fn our_cpp_program(var: &str, test: &str) -> Option<PathBuf> {
    match std::env::var_os(var).filter(|v| !v.is_empty()) {
        Some(path) => Some(PathBuf::from(path)),
        None => {
            eprintln!(
                "SKIPPED {test}: {var} is not set (ctest runs this test with our CMake-built C++ programs)"
            );
            None
        }
    }
}

#[test]
fn conformance_cxx_client_against_our_cpp_server() {
    let test = "conformance_cxx_client_against_our_cpp_server";
    let Some(server) = our_cpp_program("MP_CPP_CONF_SERVER", test) else {
        return;
    };
    // The same checks as against the Rust server; Text keeps its bytes in C++, so the Rust
    // side's known gap is a check here.
    let (out, err) = run(Command::new(peer())
        .arg("client")
        .arg(server)
        .env("MP_CONF_TEXT_IS_BYTES", "1"));
    judge(&out, &err, &["c++ client"], 46);
    assert!(
        !out.contains("GAP "),
        "no known gap expected against our C++ server"
    );
}

#[test]
fn conformance_our_cpp_client_against_cxx_server() {
    let test = "conformance_our_cpp_client_against_cxx_server";
    let Some(client) = our_cpp_program("MP_CPP_CONF_CLIENT", test) else {
        return;
    };
    let (out, err) = run(Command::new(client).arg(peer()));
    judge(&out, &err, &["our c++ client", "c++ server"], 58);
}

#[test]
fn conformance_interop_original_client_against_our_cpp_server() {
    let test = "conformance_interop_original_client_against_our_cpp_server";
    let Some(server) = our_cpp_program("MP_CPP_CONF_SERVER", test) else {
        return;
    };
    let Some(prefix) = original_prefix(test) else {
        return;
    };
    // Text keeps its bytes in C++, and `ConfTypes.narrow` takes interop.h's int64_t there
    // (the Rust server reads it as an i32).
    let (out, err) = run(Command::new(interop(&prefix).join("interop-client"))
        .arg(server)
        .env("MP_CONF_TEXT_IS_BYTES", "1")
        .env("MP_CONF_NARROW_IS_INT64", "1"));
    judge(&out, &err, &["original client"], 34);
    assert!(
        !out.contains("GAP "),
        "no known gap expected against our C++ server"
    );
}

#[test]
fn conformance_interop_our_cpp_client_against_original_server() {
    let test = "conformance_interop_our_cpp_client_against_original_server";
    let Some(client) = our_cpp_program("MP_CPP_CONF_CLIENT", test) else {
        return;
    };
    let Some(prefix) = original_prefix(test) else {
        return;
    };
    let (out, err) = run(Command::new(client).arg(interop(&prefix).join("interop-server")));
    judge(&out, &err, &["our c++ client"], 33);
}
