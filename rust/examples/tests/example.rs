//! Drives the example programs through stdin, as a user would, and checks what they print.
//! With `MP_ORIGINAL_PREFIX` set, also mixes them with the original's example programs.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const EXPECTED: &str =
    "Enter the equation, or \"exit\" to quit: mpprinter: Wow 1+1, that's a tough one.\n\n\
Enter the equation, or \"exit\" to quit: mpprinter: Wow 2*3, that's a tough one.\n\n\
Enter the equation, or \"exit\" to quit: Bye!\n";

fn ours(name: &str) -> PathBuf {
    match name {
        "mpexample" => PathBuf::from(env!("CARGO_BIN_EXE_mpexample")),
        "mpcalculator" => PathBuf::from(env!("CARGO_BIN_EXE_mpcalculator")),
        "mpprinter" => PathBuf::from(env!("CARGO_BIN_EXE_mpprinter")),
        _ => unreachable!("unknown program {name}"),
    }
}

/// A fresh directory holding the three programs (copied), so `mpexample` spawns its siblings.
fn stage(test: &str, programs: &[(&str, PathBuf)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mp-example-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create test dir");
    for (name, from) in programs {
        std::fs::copy(from, dir.join(name))
            .unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
    }
    dir
}

/// Runs `mpexample` in `dir` with two equations and `exit`; returns (status ok, stdout).
fn run_example(dir: &Path) -> (bool, String, String) {
    let mut child = Command::new(dir.join("mpexample"))
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start mpexample");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"1+1\n2*3\nexit\n")
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait mpexample");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn example_solves_equations_from_stdin() {
    let dir = stage(
        "rust",
        &[
            ("mpexample", ours("mpexample")),
            ("mpcalculator", ours("mpcalculator")),
            ("mpprinter", ours("mpprinter")),
        ],
    );
    let (ok, stdout, stderr) = run_example(&dir);
    assert!(ok, "mpexample failed: {stderr}");
    assert_eq!(stdout, EXPECTED);
    let log = std::fs::read_to_string(dir.join("debug.log")).expect("debug.log written");
    // The calculator's worker called back into mpexample's blocked main thread.
    assert!(
        log.contains("IPC server executing request"),
        "log lacks worker lines:\n{log}"
    );
    assert!(log.contains("IPC client send InitInterface.construct$Params"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn example_usage_errors() {
    let out = Command::new(ours("mpcalculator"))
        .output()
        .expect("run mpcalculator");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Usage: mpcalculator <fd>\n"
    );
    assert!(!out.status.success());
    let out = Command::new(ours("mpprinter"))
        .arg("junk")
        .output()
        .expect("run mpprinter");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("StartSpawned: invalid connect_info 'junk'")
    );
    assert!(!out.status.success());
}

/// The original's example programs: `$MP_ORIGINAL_PREFIX/bin/<name>`, else the build tree's
/// `$MP_ORIGINAL_PREFIX/example/<name>`.
fn original(name: &str) -> Option<PathBuf> {
    let prefix = PathBuf::from(std::env::var_os("MP_ORIGINAL_PREFIX")?);
    ["bin", "example"]
        .iter()
        .map(|d| prefix.join(d).join(name))
        .find(|p| p.is_file())
}

#[test]
fn interop_with_original_example() {
    let (Some(example), Some(calculator), Some(printer)) = (
        original("mpexample"),
        original("mpcalculator"),
        original("mpprinter"),
    ) else {
        eprintln!(
            "SKIPPED interop_with_original_example: set MP_ORIGINAL_PREFIX to an installed original \
             libmultiprocess whose bin/ (or build tree example/) holds mpexample, mpcalculator and mpprinter"
        );
        return;
    };
    // The original's mpexample with our children.
    let dir = stage(
        "orig-parent",
        &[
            ("mpexample", example),
            ("mpcalculator", ours("mpcalculator")),
            ("mpprinter", ours("mpprinter")),
        ],
    );
    let (ok, stdout, stderr) = run_example(&dir);
    assert!(ok, "original mpexample with our children failed: {stderr}");
    assert_eq!(stdout, EXPECTED);
    let _ = std::fs::remove_dir_all(dir);
    // Our mpexample with the original's children.
    let dir = stage(
        "orig-children",
        &[
            ("mpexample", ours("mpexample")),
            ("mpcalculator", calculator),
            ("mpprinter", printer),
        ],
    );
    let (ok, stdout, stderr) = run_example(&dir);
    assert!(
        ok,
        "our mpexample with the original's children failed: {stderr}"
    );
    assert_eq!(stdout, EXPECTED);
    let log = std::fs::read_to_string(dir.join("debug.log")).unwrap_or_default();
    assert!(
        !log.contains("IPC server error"),
        "original children logged errors:\n{log}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// The log lines of one process in a shared `debug.log`, with what cannot match across
/// implementations taken out (wire-protocol.md 9.2): pids and tids, pointers, request numbers
/// (`-N`, `0xP`, `#R`), and the C++ object lifetime lines (`Creating`, `Cleaning up`,
/// `Destroying`, which name C++ types). Sorted, because lines of different threads may
/// interleave differently from run to run.
fn normalized_lines(log: &str, keep: impl Fn(&str) -> bool) -> Vec<String> {
    let mut lines: Vec<String> = log
        .lines()
        .filter(|l| keep(l))
        .filter(|l| {
            !["Creating ", "Cleaning up ", "Destroying "]
                .iter()
                .any(|w| l.contains(w))
        })
        .map(normalize_numbers)
        .collect();
    lines.sort();
    lines
}

fn normalize_numbers(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        let replacement = match (c, chars.peek()) {
            ('-' | '#', Some(d)) if d.is_ascii_digit() => Some(if c == '-' { "-N" } else { "#R" }),
            ('0', Some('x')) => {
                chars.next();
                Some("0xP")
            }
            _ => None,
        };
        match replacement {
            Some(r) => {
                out.push_str(r);
                while chars.peek().is_some_and(|d| d.is_ascii_hexdigit()) {
                    chars.next();
                }
            }
            None => out.push(c),
        }
    }
    out
}

#[test]
fn log_lines_match_the_originals() {
    let (Some(example), Some(calculator), Some(printer)) = (
        original("mpexample"),
        original("mpcalculator"),
        original("mpprinter"),
    ) else {
        eprintln!("SKIPPED log_lines_match_the_originals: set MP_ORIGINAL_PREFIX (see interop_with_original_example)");
        return;
    };
    let run = |name: &str, programs: &[(&str, PathBuf)]| {
        let dir = stage(name, programs);
        let (ok, _, stderr) = run_example(&dir);
        assert!(ok, "{name}: {stderr}");
        let log = std::fs::read_to_string(dir.join("debug.log")).expect("debug.log");
        let _ = std::fs::remove_dir_all(dir);
        log
    };
    let all_original = run(
        "log-orig",
        &[
            ("mpexample", example.clone()),
            ("mpcalculator", calculator.clone()),
            ("mpprinter", printer.clone()),
        ],
    );
    let our_children = run(
        "log-our-children",
        &[
            ("mpexample", example),
            ("mpcalculator", ours("mpcalculator")),
            ("mpprinter", ours("mpprinter")),
        ],
    );
    let our_parent = run(
        "log-our-parent",
        &[
            ("mpexample", ours("mpexample")),
            ("mpcalculator", calculator),
            ("mpprinter", printer),
        ],
    );
    for child in ["{mpcalculator-", "{mpprinter-"] {
        let expected = normalized_lines(&all_original, |l| l.starts_with(child));
        assert!(!expected.is_empty());
        assert_eq!(
            normalized_lines(&our_children, |l| l.starts_with(child)),
            expected,
            "{child} lines differ"
        );
    }
    // The parent's own lines, and the data dumps (they have no thread prefix).
    let parent = |l: &str| {
        l.starts_with("{mpexample-") || l.starts_with("send data: ") || l.starts_with("recv data: ")
    };
    assert_eq!(
        normalized_lines(&our_parent, parent),
        normalized_lines(&all_original, parent),
        "mpexample lines differ"
    );
}
