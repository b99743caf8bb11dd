#[doc(hidden)]
#[allow(
    clippy::all,
    clippy::pedantic,
    unused,
    non_upper_case_globals,
    non_snake_case,
    non_camel_case_types
)]
pub mod __mp_shapes {
    pub static SHAPES_GROW: ::mp::private::MethodDesc = ::mp::private::MethodDesc {
        interface_id: 0xa4d686ed81748ea6,
        interface_name: "Shapes",
        id: 0,
        name: "grow",
        context: ::std::option::Option::Some(0),
        thread_map_param: ::std::option::Option::None,
        thread_map_result: ::std::option::Option::None,
        results_caps: false,
        params_caps: false,
        params_text: ::std::option::Option::Some(
            ::mp::private::text_of::<crate::shapes_capnp::shapes::grow_params::Owned>,
        ),
        results_text: ::std::option::Option::Some(
            ::mp::private::text_of::<crate::shapes_capnp::shapes::grow_results::Owned>,
        ),
    };
    pub static SHAPES_GATHER: ::mp::private::MethodDesc = ::mp::private::MethodDesc {
        interface_id: 0xa4d686ed81748ea6,
        interface_name: "Shapes",
        id: 1,
        name: "gather",
        context: ::std::option::Option::Some(0),
        thread_map_param: ::std::option::Option::None,
        thread_map_result: ::std::option::Option::None,
        results_caps: false,
        params_caps: false,
        params_text: ::std::option::Option::Some(
            ::mp::private::text_of::<crate::shapes_capnp::shapes::gather_params::Owned>,
        ),
        results_text: ::std::option::Option::Some(
            ::mp::private::text_of::<crate::shapes_capnp::shapes::gather_results::Owned>,
        ),
    };
    pub static SHAPES_PACK: ::mp::private::MethodDesc = ::mp::private::MethodDesc {
        interface_id: 0xa4d686ed81748ea6,
        interface_name: "Shapes",
        id: 2,
        name: "pack",
        context: ::std::option::Option::Some(0),
        thread_map_param: ::std::option::Option::None,
        thread_map_result: ::std::option::Option::None,
        results_caps: false,
        params_caps: false,
        params_text: ::std::option::Option::Some(
            ::mp::private::text_of::<crate::shapes_capnp::shapes::pack_params::Owned>,
        ),
        results_text: ::std::option::Option::Some(
            ::mp::private::text_of::<crate::shapes_capnp::shapes::pack_results::Owned>,
        ),
    };
    pub static DESC: ::mp::private::InterfaceDesc = ::mp::private::InterfaceDesc {
        id: 0xa4d686ed81748ea6,
        name: "Shapes",
        methods: &[&SHAPES_GROW, &SHAPES_GATHER, &SHAPES_PACK],
        destroy: ::std::option::Option::None,
        construct: ::std::option::Option::None,
    };
    pub fn __request_grow(
        __in_tree: crate::shapes_capnp::Tree,
        settings: crate::shapes_capnp::Settings,
    ) -> (
        ::std::boxed::Box<
            dyn FnOnce(
                &::mp::private::CallCtx,
                ::mp::private::capnp::any_pointer::Builder<'_>,
            ) -> ::mp::Result<()> + Send,
        >,
        ::std::boxed::Box<
            dyn FnOnce(
                &::mp::private::CallCtx,
                ::mp::private::capnp::any_pointer::Reader<'_>,
            ) -> ::mp::Result<::std::boxed::Box<dyn ::std::any::Any + Send>> + Send,
        >,
    ) {
        let __build: ::std::boxed::Box<
            dyn FnOnce(
                &::mp::private::CallCtx,
                ::mp::private::capnp::any_pointer::Builder<'_>,
            ) -> ::mp::Result<()> + Send,
        > = ::std::boxed::Box::new(move |
            __ctx: &::mp::private::CallCtx,
            __params: ::mp::private::capnp::any_pointer::Builder<'_>,
        | -> ::mp::Result<()> {
            let mut __p = __params
                .init_as::<crate::shapes_capnp::shapes::grow_params::Builder<'_>>();
            __in_tree.__mp_write(__p.reborrow().init_tree(), __ctx)?;
            settings.__mp_write(__p.reborrow().init_settings(), __ctx)?;
            Ok(())
        });
        let __read: ::std::boxed::Box<
            dyn FnOnce(
                &::mp::private::CallCtx,
                ::mp::private::capnp::any_pointer::Reader<'_>,
            ) -> ::mp::Result<::std::boxed::Box<dyn ::std::any::Any + Send>> + Send,
        > = ::std::boxed::Box::new(move |
            __ctx: &::mp::private::CallCtx,
            __results: ::mp::private::capnp::any_pointer::Reader<'_>,
        | -> ::mp::Result<::std::boxed::Box<dyn ::std::any::Any + Send>> {
            let __r = __results
                .get_as::<crate::shapes_capnp::shapes::grow_results::Reader<'_>>()?;
            if __r.has_error() {
                let __exc = ::mp::private::text(__r.get_error()?);
                let __msg = ::std::clone::Clone::clone(&__exc);
                return Err(
                    ::mp::Error::raised(
                        crate::shapes_capnp::ShapesGrowException::Error(__exc),
                        __msg,
                    ),
                );
            }
            if __r.has_bad() {
                let __exc = <crate::shapes_capnp::Settings>::__mp_read(
                    __r.get_bad()?,
                    __ctx,
                )?;
                let __msg = ::std::format!("{:?}", __exc);
                return Err(
                    ::mp::Error::raised(
                        crate::shapes_capnp::ShapesGrowException::Bad(__exc),
                        __msg,
                    ),
                );
            }
            let __out_tree = <crate::shapes_capnp::Tree>::__mp_read(
                __r.get_tree()?,
                __ctx,
            )?;
            let __value: ((), crate::shapes_capnp::Tree, ()) = ((), __out_tree, ());
            Ok(::std::boxed::Box::new(__value))
        });
        (__build, __read)
    }
    pub fn __request_gather(
        all: ::std::vec::Vec<crate::shapes_capnp::Settings>,
    ) -> (
        ::std::boxed::Box<
            dyn FnOnce(
                &::mp::private::CallCtx,
                ::mp::private::capnp::any_pointer::Builder<'_>,
            ) -> ::mp::Result<()> + Send,
        >,
        ::std::boxed::Box<
            dyn FnOnce(
                &::mp::private::CallCtx,
                ::mp::private::capnp::any_pointer::Reader<'_>,
            ) -> ::mp::Result<::std::boxed::Box<dyn ::std::any::Any + Send>> + Send,
        >,
    ) {
        let __build: ::std::boxed::Box<
            dyn FnOnce(
                &::mp::private::CallCtx,
                ::mp::private::capnp::any_pointer::Builder<'_>,
            ) -> ::mp::Result<()> + Send,
        > = ::std::boxed::Box::new(move |
            __ctx: &::mp::private::CallCtx,
            __params: ::mp::private::capnp::any_pointer::Builder<'_>,
        | -> ::mp::Result<()> {
            let mut __p = __params
                .init_as::<crate::shapes_capnp::shapes::gather_params::Builder<'_>>();
            {
                let __v0 = all;
                let mut __l0 = __p
                    .reborrow()
                    .init_all(::mp::private::list_len(__v0.len())?);
                for (__i0, __e0) in ::std::iter::IntoIterator::into_iter(__v0)
                    .enumerate()
                {
                    let __i0 = __i0 as u32;
                    __e0.__mp_write(__l0.reborrow().get(__i0), __ctx)?;
                }
            }
            Ok(())
        });
        let __read: ::std::boxed::Box<
            dyn FnOnce(
                &::mp::private::CallCtx,
                ::mp::private::capnp::any_pointer::Reader<'_>,
            ) -> ::mp::Result<::std::boxed::Box<dyn ::std::any::Any + Send>> + Send,
        > = ::std::boxed::Box::new(move |
            __ctx: &::mp::private::CallCtx,
            __results: ::mp::private::capnp::any_pointer::Reader<'_>,
        | -> ::mp::Result<::std::boxed::Box<dyn ::std::any::Any + Send>> {
            let __r = __results
                .get_as::<crate::shapes_capnp::shapes::gather_results::Reader<'_>>()?;
            let __out_count = __r.get_count();
            let __value: (u32, (), ()) = (__out_count, (), ());
            Ok(::std::boxed::Box::new(__value))
        });
        (__build, __read)
    }
    pub fn __request_pack(
        head: ::mp::Bytes,
        parts: ::std::vec::Vec<::mp::Bytes>,
        __in_tail: ::mp::Bytes,
    ) -> (
        ::std::boxed::Box<
            dyn FnOnce(
                &::mp::private::CallCtx,
                ::mp::private::capnp::any_pointer::Builder<'_>,
            ) -> ::mp::Result<()> + Send,
        >,
        ::std::boxed::Box<
            dyn FnOnce(
                &::mp::private::CallCtx,
                ::mp::private::capnp::any_pointer::Reader<'_>,
            ) -> ::mp::Result<::std::boxed::Box<dyn ::std::any::Any + Send>> + Send,
        >,
    ) {
        let __build: ::std::boxed::Box<
            dyn FnOnce(
                &::mp::private::CallCtx,
                ::mp::private::capnp::any_pointer::Builder<'_>,
            ) -> ::mp::Result<()> + Send,
        > = ::std::boxed::Box::new(move |
            __ctx: &::mp::private::CallCtx,
            __params: ::mp::private::capnp::any_pointer::Builder<'_>,
        | -> ::mp::Result<()> {
            let mut __p = __params
                .init_as::<crate::shapes_capnp::shapes::pack_params::Builder<'_>>();
            ::mp::private::set_data(&head, |__n| __p.reborrow().init_head(__n));
            {
                let __v0 = parts;
                let mut __l0 = __p
                    .reborrow()
                    .init_parts(::mp::private::list_len(__v0.len())?);
                for (__i0, __e0) in ::std::iter::IntoIterator::into_iter(__v0)
                    .enumerate()
                {
                    let __i0 = __i0 as u32;
                    __l0.set(__i0, &__e0[..]);
                }
            }
            ::mp::private::set_data(&__in_tail, |__n| __p.reborrow().init_tail(__n));
            Ok(())
        });
        let __read: ::std::boxed::Box<
            dyn FnOnce(
                &::mp::private::CallCtx,
                ::mp::private::capnp::any_pointer::Reader<'_>,
            ) -> ::mp::Result<::std::boxed::Box<dyn ::std::any::Any + Send>> + Send,
        > = ::std::boxed::Box::new(move |
            __ctx: &::mp::private::CallCtx,
            __results: ::mp::private::capnp::any_pointer::Reader<'_>,
        | -> ::mp::Result<::std::boxed::Box<dyn ::std::any::Any + Send>> {
            let __r = __results
                .get_as::<crate::shapes_capnp::shapes::pack_results::Reader<'_>>()?;
            let __out_tail = ::mp::private::data_to_bytes(__r.get_tail()?);
            let __out_result = ::mp::private::data_to_bytes(__r.get_result()?);
            let __value: (::mp::Bytes, ::mp::Bytes, ()) = (__out_result, __out_tail, ());
            Ok(::std::boxed::Box::new(__value))
        });
        (__build, __read)
    }
}
/// The exceptions `Shapes.grow` raises: one variant per `$Proxy.exception` field. Return
/// `Error::raised(ShapesGrowException::Variant(value), message)` from the implementation.
#[derive(Debug, Clone, PartialEq)]
#[allow(
    clippy::all,
    clippy::pedantic,
    unused,
    non_upper_case_globals,
    non_snake_case,
    non_camel_case_types
)]
pub enum ShapesGrowException {
    /// Field `error`.
    Error(::std::string::String),
    /// Field `bad`.
    Bad(crate::shapes_capnp::Settings),
}
/// Rust form of the `Shapes` interface. Methods not implemented return an `Unimplemented` error.
#[allow(
    clippy::all,
    clippy::pedantic,
    unused,
    non_upper_case_globals,
    non_snake_case,
    non_camel_case_types
)]
pub trait Shapes: Send + Sync {
    #[doc(hidden)]
    fn __mp_proxy_shapes(&self) -> ::std::option::Option<&::mp::ProxyClient> {
        ::std::option::Option::None
    }
    /// `grow` (method @0 of `Shapes`).
    fn grow(
        &self,
        tree: &mut crate::shapes_capnp::Tree,
        settings: crate::shapes_capnp::Settings,
    ) -> ::mp::Result<()> {
        let _ = (tree, settings);
        Err(
            ::mp::Error::new(
                ::mp::ErrorKind::Unimplemented,
                "Shapes.grow is not implemented",
            ),
        )
    }
    /// `gather` (method @1 of `Shapes`).
    fn gather(
        &self,
        all: ::std::vec::Vec<crate::shapes_capnp::Settings>,
    ) -> ::mp::Result<u32> {
        let _ = (all,);
        Err(
            ::mp::Error::new(
                ::mp::ErrorKind::Unimplemented,
                "Shapes.gather is not implemented",
            ),
        )
    }
    /// `pack` (method @2 of `Shapes`).
    fn pack(
        &self,
        head: ::mp::Bytes,
        parts: ::std::vec::Vec<::mp::Bytes>,
        tail: &mut ::mp::Bytes,
    ) -> ::mp::Result<::mp::Bytes> {
        let _ = (head, parts, tail);
        Err(
            ::mp::Error::new(
                ::mp::ErrorKind::Unimplemented,
                "Shapes.pack is not implemented",
            ),
        )
    }
}
#[allow(
    clippy::all,
    clippy::pedantic,
    unused,
    non_upper_case_globals,
    non_snake_case,
    non_camel_case_types
)]
impl<T: Shapes + ?Sized> Shapes for ::std::sync::Arc<T> {
    fn grow(
        &self,
        tree: &mut crate::shapes_capnp::Tree,
        settings: crate::shapes_capnp::Settings,
    ) -> ::mp::Result<()> {
        (**self).grow(tree, settings)
    }
    fn gather(
        &self,
        all: ::std::vec::Vec<crate::shapes_capnp::Settings>,
    ) -> ::mp::Result<u32> {
        (**self).gather(all)
    }
    fn pack(
        &self,
        head: ::mp::Bytes,
        parts: ::std::vec::Vec<::mp::Bytes>,
        tail: &mut ::mp::Bytes,
    ) -> ::mp::Result<::mp::Bytes> {
        (**self).pack(head, parts, tail)
    }
}
/// Client proxy for `Shapes`: calls the peer. Dropping the last clone calls `destroy` if the interface has it.
#[derive(Clone, Debug)]
pub struct ShapesClient {
    /// The runtime handle to the peer's capability.
    pub proxy: ::mp::ProxyClient,
}
#[allow(
    clippy::all,
    clippy::pedantic,
    unused,
    non_upper_case_globals,
    non_snake_case,
    non_camel_case_types
)]
impl crate::shapes_capnp::Shapes for ShapesClient {
    fn __mp_proxy_shapes(&self) -> ::std::option::Option<&::mp::ProxyClient> {
        ::std::option::Option::Some(&self.proxy)
    }
    fn grow(
        &self,
        tree: &mut crate::shapes_capnp::Tree,
        settings: crate::shapes_capnp::Settings,
    ) -> ::mp::Result<()> {
        let __in_tree = ::std::clone::Clone::clone(&*tree);
        let (__build, __read) = __mp_shapes::__request_grow(__in_tree, settings);
        let __reply = self.proxy.call(&__mp_shapes::SHAPES_GROW, __build, __read)?;
        let ((), __out_tree, ()) = *__reply
            .downcast::<((), crate::shapes_capnp::Tree, ())>()
            .expect("the reply has the type its reader built");
        *tree = __out_tree;
        Ok(())
    }
    fn gather(
        &self,
        all: ::std::vec::Vec<crate::shapes_capnp::Settings>,
    ) -> ::mp::Result<u32> {
        let (__build, __read) = __mp_shapes::__request_gather(all);
        let __reply = self.proxy.call(&__mp_shapes::SHAPES_GATHER, __build, __read)?;
        let (__out_count, (), ()) = *__reply
            .downcast::<(u32, (), ())>()
            .expect("the reply has the type its reader built");
        Ok(__out_count)
    }
    fn pack(
        &self,
        head: ::mp::Bytes,
        parts: ::std::vec::Vec<::mp::Bytes>,
        tail: &mut ::mp::Bytes,
    ) -> ::mp::Result<::mp::Bytes> {
        let __in_tail = ::std::clone::Clone::clone(&*tail);
        let (__build, __read) = __mp_shapes::__request_pack(head, parts, __in_tail);
        let __reply = self.proxy.call(&__mp_shapes::SHAPES_PACK, __build, __read)?;
        let (__out_result, __out_tail, ()) = *__reply
            .downcast::<(::mp::Bytes, ::mp::Bytes, ())>()
            .expect("the reply has the type its reader built");
        *tail = __out_tail;
        Ok(__out_result)
    }
}
#[allow(
    clippy::all,
    clippy::pedantic,
    unused,
    non_upper_case_globals,
    non_snake_case,
    non_camel_case_types
)]
impl ShapesClient {
    /// The client behind a trait object, if it is one (a proxy for the peer's object).
    pub fn from_dyn(object: &dyn Shapes) -> ::std::option::Option<Self> {
        object
            .__mp_proxy_shapes()
            .map(|p| ShapesClient {
                proxy: ::std::clone::Clone::clone(p),
            })
    }
    /// `grow`, without blocking: the future is `Send` and may be awaited on any runtime; dropping it cancels the call.
    pub fn grow_async(
        &self,
        tree: crate::shapes_capnp::Tree,
        settings: crate::shapes_capnp::Settings,
    ) -> impl ::std::future::Future<
        Output = ::mp::Result<crate::shapes_capnp::Tree>,
    > + Send + 'static {
        let (__build, __read) = __mp_shapes::__request_grow(tree, settings);
        let __reply = self.proxy.call_async(&__mp_shapes::SHAPES_GROW, __build, __read);
        async move {
            let ((), __out_tree, ()) = *__reply
                .await?
                .downcast::<((), crate::shapes_capnp::Tree, ())>()
                .expect("the reply has the type its reader built");
            Ok(__out_tree)
        }
    }
    /// `gather`, without blocking: the future is `Send` and may be awaited on any runtime; dropping it cancels the call.
    pub fn gather_async(
        &self,
        all: ::std::vec::Vec<crate::shapes_capnp::Settings>,
    ) -> impl ::std::future::Future<Output = ::mp::Result<u32>> + Send + 'static {
        let (__build, __read) = __mp_shapes::__request_gather(all);
        let __reply = self
            .proxy
            .call_async(&__mp_shapes::SHAPES_GATHER, __build, __read);
        async move {
            let (__out_count, (), ()) = *__reply
                .await?
                .downcast::<(u32, (), ())>()
                .expect("the reply has the type its reader built");
            Ok(__out_count)
        }
    }
    /// `pack`, without blocking: the future is `Send` and may be awaited on any runtime; dropping it cancels the call.
    pub fn pack_async(
        &self,
        head: ::mp::Bytes,
        parts: ::std::vec::Vec<::mp::Bytes>,
        tail: ::mp::Bytes,
    ) -> impl ::std::future::Future<
        Output = ::mp::Result<(::mp::Bytes, ::mp::Bytes)>,
    > + Send + 'static {
        let (__build, __read) = __mp_shapes::__request_pack(head, parts, tail);
        let __reply = self.proxy.call_async(&__mp_shapes::SHAPES_PACK, __build, __read);
        async move {
            let (__out_result, __out_tail, ()) = *__reply
                .await?
                .downcast::<(::mp::Bytes, ::mp::Bytes, ())>()
                .expect("the reply has the type its reader built");
            Ok((__out_result, __out_tail))
        }
    }
}
/// Server glue for `Shapes`: dispatches incoming calls to an implementation.
pub struct ShapesServer {
    imp: ::mp::private::ImplSlot<dyn Shapes>,
}
#[allow(
    clippy::all,
    clippy::pedantic,
    unused,
    non_upper_case_globals,
    non_snake_case,
    non_camel_case_types
)]
impl ShapesServer {
    fn __shapes_grow(
        &self,
        __call: ::mp::private::IncomingCall<'_>,
    ) -> ::mp::Result<()> {
        let ::mp::private::IncomingCall {
            params: __params,
            results: __results,
            ctx: __ctx,
            ..
        } = __call;
        let __r = __params
            .get_as::<crate::shapes_capnp::shapes::grow_params::Reader<'_>>()?;
        let __imp = self.imp.get()?;
        let mut tree = <crate::shapes_capnp::Tree>::__mp_read(__r.get_tree()?, __ctx)?;
        let settings = <crate::shapes_capnp::Settings>::__mp_read(
            __r.get_settings()?,
            __ctx,
        )?;
        let (
            __ret,
            tree,
            (),
            __exc,
        ): (
            ::std::option::Option<()>,
            crate::shapes_capnp::Tree,
            (),
            ::std::option::Option<crate::shapes_capnp::ShapesGrowException>,
        ) = (move || -> ::mp::Result<
            (
                ::std::option::Option<()>,
                crate::shapes_capnp::Tree,
                (),
                ::std::option::Option<crate::shapes_capnp::ShapesGrowException>,
            ),
        > {
            match <dyn Shapes as crate::shapes_capnp::Shapes>::grow(
                &*__imp,
                &mut tree,
                settings,
            ) {
                Ok(__ret) => {
                    Ok((
                        ::std::option::Option::Some(__ret),
                        tree,
                        (),
                        ::std::option::Option::None,
                    ))
                }
                Err(__e) => {
                    match __e.payload::<crate::shapes_capnp::ShapesGrowException>() {
                        ::std::option::Option::Some(__v) => {
                            Ok((
                                ::std::option::Option::None,
                                tree,
                                (),
                                ::std::option::Option::Some(__v),
                            ))
                        }
                        ::std::option::Option::None => Err(__e),
                    }
                }
            }
        })()?;
        let mut __p = __results
            .init_as::<crate::shapes_capnp::shapes::grow_results::Builder<'_>>();
        match __exc {
            ::std::option::Option::Some(
                crate::shapes_capnp::ShapesGrowException::Error(__e),
            ) => {
                __p.reborrow().set_error(__e.as_str());
            }
            ::std::option::Option::Some(
                crate::shapes_capnp::ShapesGrowException::Bad(__e),
            ) => {
                __e.__mp_write(__p.reborrow().init_bad(), __ctx)?;
            }
            ::std::option::Option::None => {
                let __ret = match __ret {
                    ::std::option::Option::Some(v) => v,
                    ::std::option::Option::None => {
                        return Err(::mp::Error::failed("no result"));
                    }
                };
                let () = __ret;
                tree.__mp_write(__p.reborrow().init_tree(), __ctx)?;
            }
        }
        Ok(())
    }
    fn __shapes_gather(
        &self,
        __call: ::mp::private::IncomingCall<'_>,
    ) -> ::mp::Result<()> {
        let ::mp::private::IncomingCall {
            params: __params,
            results: __results,
            ctx: __ctx,
            ..
        } = __call;
        let __r = __params
            .get_as::<crate::shapes_capnp::shapes::gather_params::Reader<'_>>()?;
        let __imp = self.imp.get()?;
        let all = {
            let __l0 = __r.get_all()?;
            ::mp::private::check_struct_list(
                __l0,
                ::std::mem::size_of::<crate::shapes_capnp::Settings>(),
            )?;
            let mut __v0 = ::std::vec::Vec::with_capacity(__l0.len() as usize);
            for __e0 in __l0.iter() {
                __v0.push(<crate::shapes_capnp::Settings>::__mp_read(__e0, __ctx)?);
            }
            __v0
        };
        let (__ret, (), (), __exc): (u32, (), (), ()) = (move || -> ::mp::Result<
            (u32, (), (), ()),
        > {
            let __ret = <dyn Shapes as crate::shapes_capnp::Shapes>::gather(
                &*__imp,
                all,
            )?;
            Ok((__ret, (), (), ()))
        })()?;
        let mut __p = __results
            .init_as::<crate::shapes_capnp::shapes::gather_results::Builder<'_>>();
        let _: () = __exc;
        let __out_count = __ret;
        __p.reborrow().set_count(__out_count);
        Ok(())
    }
    fn __shapes_pack(
        &self,
        __call: ::mp::private::IncomingCall<'_>,
    ) -> ::mp::Result<()> {
        let ::mp::private::IncomingCall {
            params: __params,
            results: __results,
            ctx: __ctx,
            ..
        } = __call;
        let __r = __params
            .get_as::<crate::shapes_capnp::shapes::pack_params::Reader<'_>>()?;
        let __imp = self.imp.get()?;
        let head = ::mp::private::data_to_bytes(__r.get_head()?);
        let parts = {
            let __l0 = __r.get_parts()?;
            let mut __v0 = ::std::vec::Vec::with_capacity(__l0.len() as usize);
            for __e0 in __l0.iter() {
                __v0.push(::mp::private::data_to_bytes(__e0?));
            }
            __v0
        };
        let mut tail = ::mp::private::data_to_bytes(__r.get_tail()?);
        let (__ret, tail, (), __exc): (::mp::Bytes, ::mp::Bytes, (), ()) = (move || -> ::mp::Result<
            (::mp::Bytes, ::mp::Bytes, (), ()),
        > {
            let __ret = <dyn Shapes as crate::shapes_capnp::Shapes>::pack(
                &*__imp,
                head,
                parts,
                &mut tail,
            )?;
            Ok((__ret, tail, (), ()))
        })()?;
        let mut __p = __results
            .init_as::<crate::shapes_capnp::shapes::pack_results::Builder<'_>>();
        let _: () = __exc;
        let __out_result = __ret;
        ::mp::private::set_data(&tail, |__n| __p.reborrow().init_tail(__n));
        ::mp::private::set_data(&__out_result, |__n| __p.reborrow().init_result(__n));
        Ok(())
    }
}
#[allow(
    clippy::all,
    clippy::pedantic,
    unused,
    non_upper_case_globals,
    non_snake_case,
    non_camel_case_types
)]
impl ::mp::private::Dispatch for ShapesServer {
    fn call(&self, call: ::mp::private::IncomingCall<'_>) -> ::mp::Result<()> {
        match (call.method.interface_id, call.method.id) {
            (0xa4d686ed81748ea6, 0) => self.__shapes_grow(call),
            (0xa4d686ed81748ea6, 1) => self.__shapes_gather(call),
            (0xa4d686ed81748ea6, 2) => self.__shapes_pack(call),
            _ => ::std::result::Result::Err(::mp::private::unknown_method(call.method)),
        }
    }
    fn interface(&self) -> &'static ::mp::private::InterfaceDesc {
        &__mp_shapes::DESC
    }
}
#[allow(
    clippy::all,
    clippy::pedantic,
    unused,
    non_upper_case_globals,
    non_snake_case,
    non_camel_case_types
)]
impl ::mp::Interface for dyn Shapes {
    const DESC: &'static ::mp::private::InterfaceDesc = &__mp_shapes::DESC;
    fn make_server(
        imp: ::std::sync::Arc<Self>,
    ) -> ::std::sync::Arc<dyn ::mp::private::Dispatch> {
        ::std::sync::Arc::new(ShapesServer {
            imp: ::mp::private::ImplSlot::new(imp),
        })
    }
    fn make_client(client: ::mp::ProxyClient) -> ::std::boxed::Box<Self> {
        ::std::boxed::Box::new(ShapesClient { proxy: client })
    }
}
/// The unnamed union of `Tree`: one variant per member.
#[derive(Debug, Clone, PartialEq)]
#[allow(
    clippy::all,
    clippy::pedantic,
    unused,
    non_upper_case_globals,
    non_snake_case,
    non_camel_case_types
)]
pub enum TreeWhich {
    /// Member `leaf`.
    Leaf,
    /// Member `weight`.
    Weight(f64),
}
#[allow(
    clippy::all,
    clippy::pedantic,
    unused,
    non_upper_case_globals,
    non_snake_case,
    non_camel_case_types
)]
impl ::std::default::Default for TreeWhich {
    fn default() -> Self {
        TreeWhich::Leaf
    }
}
/// Rust form of the `Tree` struct.
#[derive(Debug, Clone, PartialEq)]
#[allow(
    clippy::all,
    clippy::pedantic,
    unused,
    non_upper_case_globals,
    non_snake_case,
    non_camel_case_types
)]
pub struct Tree {
    /// Field `label`.
    pub label: ::std::string::String,
    /// Field `left`.
    pub left: ::std::option::Option<::std::boxed::Box<crate::shapes_capnp::Tree>>,
    /// Field `blob`.
    pub blob: ::mp::Bytes,
    /// Its unnamed union: which member is set, with its value.
    pub which: TreeWhich,
}
#[allow(
    clippy::all,
    clippy::pedantic,
    unused,
    non_upper_case_globals,
    non_snake_case,
    non_camel_case_types
)]
impl ::std::default::Default for Tree {
    fn default() -> Self {
        Self {
            label: ::std::default::Default::default(),
            left: ::std::default::Default::default(),
            blob: ::std::default::Default::default(),
            which: ::std::default::Default::default(),
        }
    }
}
#[allow(
    clippy::all,
    clippy::pedantic,
    unused,
    non_upper_case_globals,
    non_snake_case,
    non_camel_case_types
)]
impl Tree {
    #[doc(hidden)]
    pub fn __mp_write(
        self,
        mut __p: crate::shapes_capnp::tree::Builder<'_>,
        __ctx: &::mp::private::CallCtx,
    ) -> ::mp::Result<()> {
        let Self { label, left, blob, which } = self;
        __p.reborrow().set_label(label.as_str());
        if let ::std::option::Option::Some(__b0) = left {
            (*__b0).__mp_write(__p.reborrow().init_left(), __ctx)?;
        }
        ::mp::private::set_data(&blob, |__n| __p.reborrow().init_blob(__n));
        match which {
            TreeWhich::Leaf => {
                __p.reborrow().set_leaf(());
            }
            TreeWhich::Weight(__v) => {
                __p.reborrow().set_weight(__v);
            }
        }
        Ok(())
    }
    #[doc(hidden)]
    pub fn __mp_read(
        __r: crate::shapes_capnp::tree::Reader<'_>,
        __ctx: &::mp::private::CallCtx,
    ) -> ::mp::Result<Self> {
        let which = match __r.which()? {
            crate::shapes_capnp::tree::Which::Leaf(()) => TreeWhich::Leaf,
            crate::shapes_capnp::tree::Which::Weight(__v) => TreeWhich::Weight(__v),
        };
        Ok(Self {
            label: ::mp::private::text(__r.get_label()?),
            left: if __r.has_left() {
                ::std::option::Option::Some(
                    ::std::boxed::Box::new(
                        <crate::shapes_capnp::Tree>::__mp_read(__r.get_left()?, __ctx)?,
                    ),
                )
            } else {
                ::std::option::Option::None
            },
            blob: ::mp::private::data_to_bytes(__r.get_blob()?),
            which,
        })
    }
}
/// Rust form of the `Settings` struct.
#[derive(Debug, Clone, PartialEq)]
#[allow(
    clippy::all,
    clippy::pedantic,
    unused,
    non_upper_case_globals,
    non_snake_case,
    non_camel_case_types
)]
pub struct Settings {
    /// Field `enabled` (schema default `true`).
    pub enabled: bool,
    /// Field `limit` (schema default `8000u32`).
    pub limit: u32,
    /// Field `ratio` (schema default `f32::INFINITY`).
    pub ratio: f32,
    /// Field `depth`.
    pub max_depth: ::std::option::Option<i16>,
}
#[allow(
    clippy::all,
    clippy::pedantic,
    unused,
    non_upper_case_globals,
    non_snake_case,
    non_camel_case_types
)]
impl ::std::default::Default for Settings {
    fn default() -> Self {
        Self {
            enabled: true,
            limit: 8000u32,
            ratio: f32::INFINITY,
            max_depth: ::std::default::Default::default(),
        }
    }
}
#[allow(
    clippy::all,
    clippy::pedantic,
    unused,
    non_upper_case_globals,
    non_snake_case,
    non_camel_case_types
)]
impl Settings {
    #[doc(hidden)]
    pub fn __mp_write(
        self,
        mut __p: crate::shapes_capnp::settings::Builder<'_>,
        __ctx: &::mp::private::CallCtx,
    ) -> ::mp::Result<()> {
        let Self { enabled, limit, ratio, max_depth } = self;
        __p.reborrow().set_enabled(enabled);
        __p.reborrow().set_limit(limit);
        __p.reborrow().set_ratio(ratio);
        if let ::std::option::Option::Some(__o0) = max_depth {
            __p.reborrow().set_has_depth(1 as _);
            __p.reborrow().set_depth(__o0);
        }
        Ok(())
    }
    #[doc(hidden)]
    pub fn __mp_read(
        __r: crate::shapes_capnp::settings::Reader<'_>,
        __ctx: &::mp::private::CallCtx,
    ) -> ::mp::Result<Self> {
        Ok(Self {
            enabled: __r.get_enabled(),
            limit: __r.get_limit(),
            ratio: __r.get_ratio(),
            max_depth: if __r.get_has_depth() != 0 as _ {
                ::std::option::Option::Some(__r.get_depth())
            } else {
                ::std::option::Option::None
            },
        })
    }
}
