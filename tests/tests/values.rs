//! Values across the wire: text, data, lists, outputs, in/out params, errors.

mod common;

#[test]
fn values_round_trip() {
    for (kind, pair) in common::both() {
        let service = pair.service();
        let list = vec!["a".to_string(), String::new(), "ünï".to_string()];
        let flags = vec![true, false, true, true, false, false, false, false, true];
        let data = mp::Bytes::from((0..=255u8).collect::<Vec<_>>());
        let (text, d, l, f) = service
            .echo("héllo\0x".into(), data.clone(), list.clone(), flags.clone())
            .expect("echo");
        assert_eq!(
            (text.as_str(), d, l, f),
            ("héllo\0x", data, list, flags),
            "{kind}"
        );
        assert_eq!(service.add_out(6, 7).expect("addOut"), (13, 42), "{kind}");
        let mut total = 10;
        service.accumulate(5, &mut total).expect("accumulate");
        assert_eq!(total, 15, "{kind}");
        drop(service);
        pair.close();
    }
}

#[test]
fn every_number_width_goes_both_ways_as_in_out() {
    for (kind, pair) in common::both() {
        let service = pair.service();
        let (mut a, mut b, mut c, mut d, mut e, mut f, mut g) = (
            i8::MIN + 1,
            -300i16,
            255u8,
            65534u16,
            1.5f32,
            1e300f64,
            true,
        );
        service
            .numbers(&mut a, &mut b, &mut c, &mut d, &mut e, &mut f, &mut g)
            .expect("numbers");
        assert_eq!(
            (a, b, c, d, e, f, g),
            (127, 300, 0, 65535, 3.0, -5e299, false),
            "{kind}"
        );
        drop(service);
        pair.close();
    }
}

#[test]
fn proxies_and_loops_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync + ?Sized>() {}
    assert_send_sync::<multiprocess_tests::service_capnp::ServiceClient>();
    assert_send_sync::<dyn multiprocess_tests::service_capnp::Service>();
    assert_send_sync::<mp::ProxyClient>();
    assert_send_sync::<mp::EventLoop>();
    assert_send_sync::<mp::EventLoopRef>();
    assert_send_sync::<mp::Error>();
}

#[test]
fn server_errors_reach_the_caller_as_values() {
    for (kind, pair) in common::both() {
        let service = pair.service();
        let err = service.fail("it broke".into()).expect_err("fail");
        assert_eq!(err.kind, mp::ErrorKind::RemoteException, "{kind}");
        assert_eq!(err.message, "it broke", "{kind}");
        // The connection survives an error.
        assert_eq!(service.add(2, 2).expect("add"), 4, "{kind}");
        drop(service);
        pair.close();
    }
}

#[test]
fn debug_log_has_the_originals_request_lines() {
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = lines.clone();
    let log = mp::LogOptions::new(mp::LogLevel::Debug, move |m| {
        sink.lock().unwrap().push(m.message)
    });
    let pair = common::in_process_with(log);
    let service = pair.service();
    assert_eq!(service.add(1, 2).expect("add"), 3);
    drop(service);
    pair.close();
    let lines = lines.lock().unwrap().join("\n");
    for needle in [
        "IPC client first request from current thread, constructing waiter",
        "IPC client send TestInit.construct$Params",
        "IPC client send Service.add$Params",
        "IPC server recv request  #",
        "IPC server post request  #",
        "IPC server executing request #",
        "IPC server send response #",
        "IPC client recv Service.add$Results",
        "IPC server: socket disconnected.",
    ] {
        assert!(lines.contains(needle), "missing {needle:?} in:\n{lines}");
    }
}

#[test]
fn messages_over_64_mib_are_refused_locally() {
    for (kind, pair) in common::both() {
        let service = pair.service();
        let big = vec![7u8; 70 << 20];
        let err = service
            .echo(String::new(), big.into(), vec![], vec![])
            .expect_err("too large");
        assert_eq!(err.kind, mp::ErrorKind::InvalidArgument, "{kind}");
        assert!(
            err.message.contains("larger than the 64 MiB"),
            "{kind}: {err}"
        );
        // Nothing was sent: the connection still works, and a large but legal message passes.
        let (_, data, _, _) = service
            .echo(String::new(), vec![1u8; 16 << 20].into(), vec![], vec![])
            .expect("16 MiB");
        assert_eq!(data.len(), 16 << 20, "{kind}");
        drop(service);
        pair.close();
    }
}

#[test]
fn unknown_methods_and_wrong_param_types_are_errors_not_crashes() {
    use multiprocess_tests::service_capnp::{__mp_service, ServiceClient};
    static NO_SUCH_METHOD: mp::core::MethodDesc = mp::core::MethodDesc::new(
        __mp_service::SERVICE_ADD.interface_id,
        "Service",
        999,
        "noSuchMethod",
    );
    for (kind, pair) in common::both() {
        let service = pair.service();
        let client = ServiceClient::from_dyn(&*service).expect("a proxy");
        let err = client
            .proxy
            .call(
                &NO_SUCH_METHOD,
                |_, mut p| {
                    p.clear();
                    Ok(())
                },
                |_, _| Ok(()),
            )
            .expect_err("unknown method");
        assert_eq!(err.kind, mp::ErrorKind::Unimplemented, "{kind}: {err}");
        // `echo` with a params struct of the wrong shape: a bare Text where a struct belongs.
        let err = client
            .proxy
            .call(
                &__mp_service::SERVICE_ECHO,
                |_, mut p| {
                    p.set_as("not a struct")?;
                    Ok(())
                },
                |_, _| Ok(()),
            )
            .expect_err("wrong type");
        assert_eq!(err.kind, mp::ErrorKind::RemoteException, "{kind}: {err}");
        assert_eq!(
            service.add(2, 3).expect("the connection still works"),
            5,
            "{kind}"
        );
        drop(service);
        pair.close();
    }
}
