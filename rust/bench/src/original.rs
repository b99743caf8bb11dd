//! The same cases in C++: a server and client of ours (in `cpp/`, written against the
//! original's API), built at run time with CMake against an installed package, then run. The
//! package is the original's (the comparison) or ours (our C++ wing). The C++ client prints one
//! `RESULT` line per case, which is parsed here.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::measurement::{Impl, Measurement};
use crate::stats::Budget;

/// Where the C++ sources are.
fn source_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("cpp")
}

/// The build directory for one package: next to the running executable (inside cargo's
/// target directory).
fn build_dir(imp: Impl) -> mp::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let dir = exe
        .parent()
        .ok_or_else(|| mp::Error::failed("executable has no directory"))?;
    Ok(dir.join(match imp {
        Impl::Cpp => "mpbench-cpp-ours",
        _ => "mpbench-cpp",
    }))
}

fn run_quiet(cmd: &mut Command, what: &str) -> mp::Result<()> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| mp::Error::failed(format!("{what}: cannot run: {e}")))?;
    if !out.status.success() {
        return Err(mp::Error::failed(format!(
            "{what} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    Ok(())
}

/// Configures and builds the C++ programs against the package installed at `prefix` (the
/// original's for `Impl::Original`, ours for `Impl::Cpp`); returns the build directory.
pub fn build(prefix: &Path, imp: Impl) -> mp::Result<PathBuf> {
    let build = build_dir(imp)?;
    let prefix = std::fs::canonicalize(prefix)
        .map_err(|e| mp::Error::failed(format!("{}: {e}", prefix.display())))?;
    let mut configure = Command::new("cmake");
    configure
        .arg("-S")
        .arg(source_dir())
        .arg("-B")
        .arg(&build)
        .arg("-DCMAKE_BUILD_TYPE=Release")
        .arg(format!("-DCMAKE_PREFIX_PATH={}", prefix.display()));
    if !build.join("CMakeCache.txt").exists() && which("ninja") {
        configure.arg("-G").arg("Ninja");
    }
    run_quiet(&mut configure, "cmake configure")?;
    run_quiet(
        Command::new("cmake").arg("--build").arg(&build),
        "cmake build",
    )?;
    Ok(build)
}

fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// Runs the C++ client (which spawns the C++ server) and collects its results as `imp`'s.
pub fn run(build: &Path, budget: Budget, imp: Impl) -> mp::Result<Vec<Measurement>> {
    let dir = std::env::temp_dir().join(format!("mpbench-{}-{}", imp.name(), std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let out = Command::new(build.join("mpbench-client"))
        .arg(build.join("mpbench-server"))
        .arg(format!("{}", budget.run.as_secs_f64()))
        .arg(dir.join("orig.sock"))
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| mp::Error::failed(format!("cannot run the C++ client: {e}")))?;
    let _ = std::fs::remove_dir_all(&dir);
    if !out.status.success() {
        return Err(mp::Error::failed(format!(
            "the C++ client failed ({})",
            out.status
        )));
    }
    Ok(parse(&String::from_utf8_lossy(&out.stdout), imp))
}

/// Parses `RESULT <case> <p50_us> <p99_us> <mb_per_s> <calls_per_s> <kib>` lines, `-`
/// standing for a number that does not apply.
pub fn parse(text: &str, imp: Impl) -> Vec<Measurement> {
    text.lines()
        .filter_map(|line| {
            let mut words = line.strip_prefix("RESULT ")?.split_whitespace();
            let case = words.next()?;
            let mut next = || words.next().and_then(|w| w.parse::<f64>().ok());
            Some(Measurement {
                p50_us: next(),
                p99_us: next(),
                mb_per_s: next(),
                calls_per_s: next(),
                kib: next(),
                ..Measurement::new(case, imp)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_result_lines() {
        let all = parse(
            "noise\nRESULT data-1m 10.5 20 99.5 - -\nRESULT memory-conn - - - - 12\n",
            Impl::Original,
        );
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].case, "data-1m");
        assert_eq!(all[0].p50_us, Some(10.5));
        assert_eq!(all[0].mb_per_s, Some(99.5));
        assert_eq!(all[0].calls_per_s, None);
        assert_eq!(all[1].kib, Some(12.0));
    }
}
