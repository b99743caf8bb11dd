//! Inputs the fuzz harness found (or a probe built on it found) that the runtime once handled
//! badly, kept as regression tests. See doc/fuzzing.md, "Findings".

use mp::private::fuzz::{Harness, Outcome};

/// Peak resident memory of this process, in kB (`VmHWM` in `/proc/self/status`).
fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// `Types.records(context, record, empty, list :List(Record))` with `list` a list pointer of
/// element size "void" (zero bits per element) and 8,000,000 elements: 32 bytes of params.
/// capnp accepts it as a list of 8M structs (zero-sized elements are charged one word each
/// against the 8 Mi-word traversal limit, so this is just under it), and the generated decoder
/// built 8M default `Record`s: about 1.2 GB and, in a debug build, about 19 s on the
/// worker thread before the (stand-in) method even ran. Generated decoders now refuse a struct
/// list whose elements take no space on the wire when the decoded type is not empty.
#[test]
fn void_list_of_structs_does_not_amplify() {
    let target = &multiprocess_tests::types_capnp::__mp_fuzz::TYPES;
    let (index, method) = target
        .methods
        .iter()
        .enumerate()
        .find(|(_, m)| m.desc.name == "records")
        .expect("Types.records");
    let (data, pointers) = (
        usize::from(method.params.data),
        usize::from(method.params.pointers),
    );
    let mut input = vec![0u8; 8 * (data + pointers)];
    // Pointer 3 (`list`): a list (kind 1), offset 0, element size 0 (void), 8M elements.
    let list: u64 = 1 | (8_000_000 << 35);
    let at = 8 * (data + 3);
    input[at..at + 8].copy_from_slice(&list.to_le_bytes());
    let mut h = Harness::new(target).expect("harness");
    let before = peak_kb();
    let outcome = h.run(index, &input).expect("no panic, hang or dead server");
    let grown_mb = peak_kb().saturating_sub(before) / 1024;
    assert!(
        matches!(outcome, Outcome::Exception(_) | Outcome::Closed),
        "{outcome:?}"
    );
    assert!(
        grown_mb < 64,
        "32 bytes of params made the server's peak memory grow by {grown_mb} MB"
    );
}
