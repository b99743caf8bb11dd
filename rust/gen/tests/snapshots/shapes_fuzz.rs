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
    /// Serves `Shapes` in the harness: every method fails `Unimplemented` after its params are decoded.
    pub struct FuzzShapes;
    impl crate::shapes_capnp::Shapes for FuzzShapes {}
    fn make_shapes() -> ::std::sync::Arc<dyn ::mp::private::Dispatch> {
        <dyn crate::shapes_capnp::Shapes as ::mp::Interface>::make_server(
            ::std::sync::Arc::new(FuzzShapes),
        )
    }
    /// The fuzz target of `Shapes`.
    pub static SHAPES: ::mp::private::fuzz::FuzzTarget = ::mp::private::fuzz::FuzzTarget {
        name: "Shapes",
        methods: &[
            ::mp::private::fuzz::FuzzMethod {
                desc: &super::__mp_shapes::SHAPES_GROW,
                params: <crate::shapes_capnp::shapes::grow_params::Builder<
                    'static,
                > as ::mp::private::capnp::traits::HasStructSize>::STRUCT_SIZE,
                slots: &[
                    (1, ::mp::private::fuzz::Slot::Struct),
                    (2, ::mp::private::fuzz::Slot::Struct),
                ],
            },
            ::mp::private::fuzz::FuzzMethod {
                desc: &super::__mp_shapes::SHAPES_GATHER,
                params: <crate::shapes_capnp::shapes::gather_params::Builder<
                    'static,
                > as ::mp::private::capnp::traits::HasStructSize>::STRUCT_SIZE,
                slots: &[
                    (
                        1,
                        ::mp::private::fuzz::Slot::List(
                            ::mp::private::fuzz::Elem::Struct,
                        ),
                    ),
                ],
            },
            ::mp::private::fuzz::FuzzMethod {
                desc: &super::__mp_shapes::SHAPES_PACK,
                params: <crate::shapes_capnp::shapes::pack_params::Builder<
                    'static,
                > as ::mp::private::capnp::traits::HasStructSize>::STRUCT_SIZE,
                slots: &[
                    (
                        1,
                        ::mp::private::fuzz::Slot::Bytes {
                            text: false,
                        },
                    ),
                    (
                        2,
                        ::mp::private::fuzz::Slot::List(
                            ::mp::private::fuzz::Elem::Pointer,
                        ),
                    ),
                    (
                        3,
                        ::mp::private::fuzz::Slot::Bytes {
                            text: false,
                        },
                    ),
                ],
            },
        ],
        make_server: make_shapes,
    };
    /// Sends `bytes` as the params body of method `method_index` (modulo the method count) of
    /// `Shapes` to an in-process server; panics if the server panics, hangs or dies.
    pub fn fuzz_shapes(
        method_index: usize,
        bytes: &[u8],
    ) -> ::mp::private::fuzz::Outcome {
        ::mp::private::fuzz::run_one(&SHAPES, method_index, bytes)
    }
    /// Every target of this file.
    pub fn targets() -> ::std::vec::Vec<&'static ::mp::private::fuzz::FuzzTarget> {
        ::std::vec![& SHAPES]
    }
}
