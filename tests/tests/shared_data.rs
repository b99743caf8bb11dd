//! `Data` decodes to `mp::Bytes` that share the received message's buffer (big ones) instead
//! of copies: over a real socket, in this process and to a spawned server.

mod common;

/// 1 MiB with a pattern that a shifted or partial copy would not match.
fn pattern(seed: u8) -> mp::Bytes {
    (0..1u32 << 20)
        .map(|i| (i % 251) as u8 ^ seed)
        .collect::<Vec<u8>>()
        .into()
}

/// Whether `data` lies in a live received buffer of this process (`data_to_bytes` gives the
/// same memory back only then).
fn shares_a_received_buffer(data: &mp::Bytes) -> bool {
    mp::private::data_to_bytes(data).as_ptr() == data.as_ptr()
}

// One test, so that no other test of this binary registers buffers meanwhile.
#[test]
fn big_data_is_shared_with_its_message_and_outlives_the_call() {
    assert_eq!(mp::private::registered_buffers(), 0);
    for (kind, pair) in common::both() {
        let service = pair.service();
        let sent = pattern(1);
        assert!(!shares_a_received_buffer(&sent), "{kind}: built here");
        let (_, echoed, _, _) = service
            .echo(String::new(), sent.clone(), vec![], vec![])
            .expect("echo");
        assert_eq!(echoed, sent, "{kind}: same bytes back");
        assert!(
            shares_a_received_buffer(&echoed),
            "{kind}: the client's result is not a copy"
        );
        // Later echoes go direct: the client's request and the server's results carry the
        // big `Data` from its own memory instead of a copy (`transport/spliced.rs`), and the
        // bytes still come back whole.
        let in_place = mp::private::data_sent_in_place();
        for round in 0..4u8 {
            let sent = pattern(10 + round);
            let (_, echoed, _, _) = service
                .echo(String::new(), sent.clone(), vec![], vec![])
                .expect("echo");
            assert_eq!(echoed, sent, "{kind}: round {round}");
        }
        let sent_in_place = mp::private::data_sent_in_place() - in_place;
        eprintln!("{kind}: {sent_in_place} Data sent in place in 4 echoes");
        // In one process both sides count: the client's four requests and the server's
        // four results (served by its worker, whose `Return` is its own frame).
        let want = if kind == "in-process" { 8 } else { 4 };
        assert!(sent_in_place >= want, "{kind}: {sent_in_place}");
        let registered = mp::private::registered_buffers();
        assert!(registered >= 1, "{kind}: {registered}");
        drop(echoed);

        // The server keeps what it received past the call; later calls (with other big
        // messages that may reuse freed memory) read it back intact.
        assert!(service.keep(pattern(2)).expect("keep"), "{kind}: shared");
        let (_, other, _, _) = service
            .echo(String::new(), pattern(3), vec![], vec![])
            .expect("echo");
        assert_eq!(other, pattern(3), "{kind}");
        drop(other);
        assert_eq!(service.kept().expect("kept"), pattern(2), "{kind}");

        // Small data is copied, so it pins nothing.
        assert!(
            !service.keep(vec![5u8; 100].into()).expect("keep"),
            "{kind}"
        );
        assert_eq!(service.kept().expect("kept")[..], [5u8; 100], "{kind}");
        drop(service);
        pair.close();
    }
    // Every big buffer of this process (the in-process server's and the client's) is freed
    // once nothing holds it.
    assert_eq!(mp::private::registered_buffers(), 0);
}
