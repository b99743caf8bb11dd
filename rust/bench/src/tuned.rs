//! Rows for `mp::tune_allocator_for_large_messages()`, a user feature measured on its own:
//! the data cases are run again in a child `mpbench --tuned`, whose client and server both
//! call it. The main run never tunes, so its comparison with the original is like for like.

use std::process::{Command, Stdio};

use crate::measurement::{Impl, Measurement};

/// Cases measured again with the tuning.
const CASES: [&str; 2] = ["data-1m", "data-16m"];

/// The row name of a tuned case.
pub fn label(case: &str) -> String {
    format!("{case} tuned")
}

/// Runs the tuned child and returns its rows for the data cases (and the server's peak RSS
/// during data-16m), labelled.
pub fn measure(exe: &str, rounds: usize) -> mp::Result<Vec<Measurement>> {
    let mut cmd = Command::new(exe);
    cmd.args(["--tuned", "--json", "--rounds", &rounds.to_string()]);
    for case in CASES {
        cmd.args(["--case", case]);
    }
    let out = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .env_remove("MP_ORIGINAL_PREFIX")
        .output()
        .map_err(|e| mp::Error::failed(format!("cannot run mpbench --tuned: {e}")))?;
    if !out.status.success() {
        return Err(mp::Error::failed(format!(
            "mpbench --tuned failed ({})",
            out.status
        )));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(crate::report::parse_json_lines(&text)
        .into_iter()
        .filter(|m| m.imp == Impl::Ours && m.case.ends_with(" tuned"))
        .collect())
}
