/// Fuzz targets of this file's interfaces (see `mp::private::fuzz`, doc/fuzzing.md).
#[doc(hidden)]
#[allow(
    clippy::all,
    clippy::pedantic,
    unused,
    non_upper_case_globals,
    non_snake_case,
    non_camel_case_types
)]
pub mod __mp_fuzz {
    /// Serves `Listener` in the harness: every method fails `Unimplemented` after its params are decoded.
    pub struct FuzzListener;
    impl crate::callable_capnp::Listener for FuzzListener {}
    fn make_listener() -> ::std::sync::Arc<dyn ::mp::private::Dispatch> {
        <dyn crate::callable_capnp::Listener as ::mp::Interface>::make_server(
            ::std::sync::Arc::new(FuzzListener),
        )
    }
    /// The fuzz target of `Listener`.
    pub static LISTENER: ::mp::private::fuzz::FuzzTarget = ::mp::private::fuzz::FuzzTarget {
        name: "Listener",
        methods: &[
            ::mp::private::fuzz::FuzzMethod {
                desc: &super::__mp_listener::LISTENER_DESTROY,
                params: <crate::callable_capnp::listener::destroy_params::Builder<
                    'static,
                > as ::mp::private::capnp::traits::HasStructSize>::STRUCT_SIZE,
                slots: &[],
            },
            ::mp::private::fuzz::FuzzMethod {
                desc: &super::__mp_listener::LISTENER_CALL,
                params: <crate::callable_capnp::listener::call_params::Builder<
                    'static,
                > as ::mp::private::capnp::traits::HasStructSize>::STRUCT_SIZE,
                slots: &[
                    (
                        1,
                        ::mp::private::fuzz::Slot::Bytes {
                            text: true,
                        },
                    ),
                ],
            },
        ],
        make_server: make_listener,
    };
    /// Sends `bytes` as the params body of method `method_index` (modulo the method count) of
    /// `Listener` to an in-process server; panics if the server panics, hangs or dies.
    pub fn fuzz_listener(
        method_index: usize,
        bytes: &[u8],
    ) -> ::mp::private::fuzz::Outcome {
        ::mp::private::fuzz::run_one(&LISTENER, method_index, bytes)
    }
    /// Serves `Recorder` in the harness: every method fails `Unimplemented` after its params are decoded.
    pub struct FuzzRecorder;
    impl crate::callable_capnp::Recorder for FuzzRecorder {}
    impl crate::callable_capnp::Listener for FuzzRecorder {}
    fn make_recorder() -> ::std::sync::Arc<dyn ::mp::private::Dispatch> {
        <dyn crate::callable_capnp::Recorder as ::mp::Interface>::make_server(
            ::std::sync::Arc::new(FuzzRecorder),
        )
    }
    /// The fuzz target of `Recorder`.
    pub static RECORDER: ::mp::private::fuzz::FuzzTarget = ::mp::private::fuzz::FuzzTarget {
        name: "Recorder",
        methods: &[
            ::mp::private::fuzz::FuzzMethod {
                desc: &super::__mp_recorder::LISTENER_DESTROY,
                params: <crate::callable_capnp::listener::destroy_params::Builder<
                    'static,
                > as ::mp::private::capnp::traits::HasStructSize>::STRUCT_SIZE,
                slots: &[],
            },
            ::mp::private::fuzz::FuzzMethod {
                desc: &super::__mp_recorder::LISTENER_CALL,
                params: <crate::callable_capnp::listener::call_params::Builder<
                    'static,
                > as ::mp::private::capnp::traits::HasStructSize>::STRUCT_SIZE,
                slots: &[
                    (
                        1,
                        ::mp::private::fuzz::Slot::Bytes {
                            text: true,
                        },
                    ),
                ],
            },
            ::mp::private::fuzz::FuzzMethod {
                desc: &super::__mp_recorder::RECORDER_FLUSH,
                params: <crate::callable_capnp::recorder::flush_params::Builder<
                    'static,
                > as ::mp::private::capnp::traits::HasStructSize>::STRUCT_SIZE,
                slots: &[],
            },
            ::mp::private::fuzz::FuzzMethod {
                desc: &super::__mp_recorder::RECORDER_FLUSH_ASYNC,
                params: <crate::callable_capnp::recorder::flush_async_params::Builder<
                    'static,
                > as ::mp::private::capnp::traits::HasStructSize>::STRUCT_SIZE,
                slots: &[],
            },
        ],
        make_server: make_recorder,
    };
    /// Sends `bytes` as the params body of method `method_index` (modulo the method count) of
    /// `Recorder` to an in-process server; panics if the server panics, hangs or dies.
    pub fn fuzz_recorder(
        method_index: usize,
        bytes: &[u8],
    ) -> ::mp::private::fuzz::Outcome {
        ::mp::private::fuzz::run_one(&RECORDER, method_index, bytes)
    }
    /// Every target of this file.
    pub fn targets() -> ::std::vec::Vec<&'static ::mp::private::fuzz::FuzzTarget> {
        ::std::vec![& LISTENER, & RECORDER]
    }
}
