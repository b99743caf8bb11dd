#[doc(hidden)]
#[allow(
    clippy::all,
    clippy::pedantic,
    unused,
    non_upper_case_globals,
    non_snake_case,
    non_camel_case_types
)]
pub mod __mp_listener {
    pub static LISTENER_DESTROY: ::mp::private::MethodDesc = ::mp::private::MethodDesc {
        interface_id: 0xd5ef719d794f3988,
        interface_name: "Listener",
        id: 0,
        name: "destroy",
        context: ::std::option::Option::Some(0),
        thread_map_param: ::std::option::Option::None,
        thread_map_result: ::std::option::Option::None,
        results_caps: false,
        params_caps: false,
        params_text: ::std::option::Option::Some(
            ::mp::private::text_of::<
                crate::callable_capnp::listener::destroy_params::Owned,
            >,
        ),
        results_text: ::std::option::Option::Some(
            ::mp::private::text_of::<
                crate::callable_capnp::listener::destroy_results::Owned,
            >,
        ),
    };
    pub static LISTENER_CALL: ::mp::private::MethodDesc = ::mp::private::MethodDesc {
        interface_id: 0xd5ef719d794f3988,
        interface_name: "Listener",
        id: 1,
        name: "call",
        context: ::std::option::Option::Some(0),
        thread_map_param: ::std::option::Option::None,
        thread_map_result: ::std::option::Option::None,
        results_caps: false,
        params_caps: false,
        params_text: ::std::option::Option::Some(
            ::mp::private::text_of::<crate::callable_capnp::listener::call_params::Owned>,
        ),
        results_text: ::std::option::Option::Some(
            ::mp::private::text_of::<
                crate::callable_capnp::listener::call_results::Owned,
            >,
        ),
    };
    pub static DESC: ::mp::private::InterfaceDesc = ::mp::private::InterfaceDesc {
        id: 0xd5ef719d794f3988,
        name: "Listener",
        methods: &[&LISTENER_DESTROY, &LISTENER_CALL],
        destroy: ::std::option::Option::Some(&LISTENER_DESTROY),
        construct: ::std::option::Option::None,
    };
    pub fn __request_call(
        event: ::std::string::String,
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
                .init_as::<crate::callable_capnp::listener::call_params::Builder<'_>>();
            __p.reborrow().set_event(event.as_str());
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
                .get_as::<crate::callable_capnp::listener::call_results::Reader<'_>>()?;
            let __out_result = __r.get_result();
            let __value: (bool, (), ()) = (__out_result, (), ());
            Ok(::std::boxed::Box::new(__value))
        });
        (__build, __read)
    }
}
/// Rust form of the `Listener` interface. Methods not implemented return an `Unimplemented` error.
#[allow(
    clippy::all,
    clippy::pedantic,
    unused,
    non_upper_case_globals,
    non_snake_case,
    non_camel_case_types
)]
pub trait Listener: Send + Sync {
    #[doc(hidden)]
    fn __mp_proxy_listener(&self) -> ::std::option::Option<&::mp::ProxyClient> {
        ::std::option::Option::None
    }
    /// `call` (method @1 of `Listener`).
    fn call(&self, event: ::std::string::String) -> ::mp::Result<bool> {
        let _ = (event,);
        Err(
            ::mp::Error::new(
                ::mp::ErrorKind::Unimplemented,
                "Listener.call is not implemented",
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
impl<F> Listener for F
where
    F: Fn(::std::string::String) -> ::mp::Result<bool> + Send + Sync,
{
    fn call(&self, event: ::std::string::String) -> ::mp::Result<bool> {
        self(event)
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
impl Listener for ::std::sync::Arc<dyn Listener> {
    fn call(&self, event: ::std::string::String) -> ::mp::Result<bool> {
        (**self).call(event)
    }
}
/// Client proxy for `Listener`: calls the peer. Dropping the last clone calls `destroy` if the interface has it.
#[derive(Clone, Debug)]
pub struct ListenerClient {
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
impl crate::callable_capnp::Listener for ListenerClient {
    fn __mp_proxy_listener(&self) -> ::std::option::Option<&::mp::ProxyClient> {
        ::std::option::Option::Some(&self.proxy)
    }
    fn call(&self, event: ::std::string::String) -> ::mp::Result<bool> {
        let (__build, __read) = __mp_listener::__request_call(event);
        let __reply = self.proxy.call(&__mp_listener::LISTENER_CALL, __build, __read)?;
        let (__out_result, (), ()) = *__reply
            .downcast::<(bool, (), ())>()
            .expect("the reply has the type its reader built");
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
impl ListenerClient {
    /// The client behind a trait object, if it is one (a proxy for the peer's object).
    pub fn from_dyn(object: &dyn Listener) -> ::std::option::Option<Self> {
        object
            .__mp_proxy_listener()
            .map(|p| ListenerClient {
                proxy: ::std::clone::Clone::clone(p),
            })
    }
    /// `call`, without blocking: the future is `Send` and may be awaited on any runtime; dropping it cancels the call.
    pub fn call_async(
        &self,
        event: ::std::string::String,
    ) -> impl ::std::future::Future<Output = ::mp::Result<bool>> + Send + 'static {
        let (__build, __read) = __mp_listener::__request_call(event);
        let __reply = self
            .proxy
            .call_async(&__mp_listener::LISTENER_CALL, __build, __read);
        async move {
            let (__out_result, (), ()) = *__reply
                .await?
                .downcast::<(bool, (), ())>()
                .expect("the reply has the type its reader built");
            Ok(__out_result)
        }
    }
}
/// Server glue for `Listener`: dispatches incoming calls to an implementation.
pub struct ListenerServer {
    imp: ::mp::private::ImplSlot<dyn Listener>,
}
#[allow(
    clippy::all,
    clippy::pedantic,
    unused,
    non_upper_case_globals,
    non_snake_case,
    non_camel_case_types
)]
impl ListenerServer {
    fn __listener_destroy(
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
            .get_as::<crate::callable_capnp::listener::destroy_params::Reader<'_>>()?;
        let __imp = self.imp.take();
        let (__ret, (), (), __exc): ((), (), (), ()) = (move || -> ::mp::Result<
            ((), (), (), ()),
        > {
            drop(__imp);
            Ok(((), (), (), ()))
        })()?;
        let mut __p = __results
            .init_as::<crate::callable_capnp::listener::destroy_results::Builder<'_>>();
        let _: () = __exc;
        let () = __ret;
        Ok(())
    }
    fn __listener_call(
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
            .get_as::<crate::callable_capnp::listener::call_params::Reader<'_>>()?;
        let __imp = self.imp.get()?;
        let event = ::mp::private::text(__r.get_event()?);
        let (__ret, (), (), __exc): (bool, (), (), ()) = (move || -> ::mp::Result<
            (bool, (), (), ()),
        > {
            let __ret = <dyn Listener as crate::callable_capnp::Listener>::call(
                &*__imp,
                event,
            )?;
            Ok((__ret, (), (), ()))
        })()?;
        let mut __p = __results
            .init_as::<crate::callable_capnp::listener::call_results::Builder<'_>>();
        let _: () = __exc;
        let __out_result = __ret;
        __p.reborrow().set_result(__out_result);
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
impl ::mp::private::Dispatch for ListenerServer {
    fn call(&self, call: ::mp::private::IncomingCall<'_>) -> ::mp::Result<()> {
        match (call.method.interface_id, call.method.id) {
            (0xd5ef719d794f3988, 0) => self.__listener_destroy(call),
            (0xd5ef719d794f3988, 1) => self.__listener_call(call),
            _ => ::std::result::Result::Err(::mp::private::unknown_method(call.method)),
        }
    }
    fn interface(&self) -> &'static ::mp::private::InterfaceDesc {
        &__mp_listener::DESC
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
impl ::mp::Interface for dyn Listener {
    const DESC: &'static ::mp::private::InterfaceDesc = &__mp_listener::DESC;
    fn make_server(
        imp: ::std::sync::Arc<Self>,
    ) -> ::std::sync::Arc<dyn ::mp::private::Dispatch> {
        ::std::sync::Arc::new(ListenerServer {
            imp: ::mp::private::ImplSlot::new(imp),
        })
    }
    fn make_client(client: ::mp::ProxyClient) -> ::std::boxed::Box<Self> {
        ::std::boxed::Box::new(ListenerClient { proxy: client })
    }
}
#[doc(hidden)]
#[allow(
    clippy::all,
    clippy::pedantic,
    unused,
    non_upper_case_globals,
    non_snake_case,
    non_camel_case_types
)]
pub mod __mp_recorder {
    pub static LISTENER_DESTROY: ::mp::private::MethodDesc = ::mp::private::MethodDesc {
        interface_id: 0xd5ef719d794f3988,
        interface_name: "Listener",
        id: 0,
        name: "destroy",
        context: ::std::option::Option::Some(0),
        thread_map_param: ::std::option::Option::None,
        thread_map_result: ::std::option::Option::None,
        results_caps: false,
        params_caps: false,
        params_text: ::std::option::Option::Some(
            ::mp::private::text_of::<
                crate::callable_capnp::listener::destroy_params::Owned,
            >,
        ),
        results_text: ::std::option::Option::Some(
            ::mp::private::text_of::<
                crate::callable_capnp::listener::destroy_results::Owned,
            >,
        ),
    };
    pub static LISTENER_CALL: ::mp::private::MethodDesc = ::mp::private::MethodDesc {
        interface_id: 0xd5ef719d794f3988,
        interface_name: "Listener",
        id: 1,
        name: "call",
        context: ::std::option::Option::Some(0),
        thread_map_param: ::std::option::Option::None,
        thread_map_result: ::std::option::Option::None,
        results_caps: false,
        params_caps: false,
        params_text: ::std::option::Option::Some(
            ::mp::private::text_of::<crate::callable_capnp::listener::call_params::Owned>,
        ),
        results_text: ::std::option::Option::Some(
            ::mp::private::text_of::<
                crate::callable_capnp::listener::call_results::Owned,
            >,
        ),
    };
    pub static RECORDER_FLUSH: ::mp::private::MethodDesc = ::mp::private::MethodDesc {
        interface_id: 0xa1b96b0c31b1a6c5,
        interface_name: "Recorder",
        id: 0,
        name: "flush",
        context: ::std::option::Option::Some(0),
        thread_map_param: ::std::option::Option::None,
        thread_map_result: ::std::option::Option::None,
        results_caps: false,
        params_caps: false,
        params_text: ::std::option::Option::Some(
            ::mp::private::text_of::<
                crate::callable_capnp::recorder::flush_params::Owned,
            >,
        ),
        results_text: ::std::option::Option::Some(
            ::mp::private::text_of::<
                crate::callable_capnp::recorder::flush_results::Owned,
            >,
        ),
    };
    pub static RECORDER_FLUSH_ASYNC: ::mp::private::MethodDesc = ::mp::private::MethodDesc {
        interface_id: 0xa1b96b0c31b1a6c5,
        interface_name: "Recorder",
        id: 1,
        name: "flushAsync",
        context: ::std::option::Option::Some(0),
        thread_map_param: ::std::option::Option::None,
        thread_map_result: ::std::option::Option::None,
        results_caps: false,
        params_caps: false,
        params_text: ::std::option::Option::Some(
            ::mp::private::text_of::<
                crate::callable_capnp::recorder::flush_async_params::Owned,
            >,
        ),
        results_text: ::std::option::Option::Some(
            ::mp::private::text_of::<
                crate::callable_capnp::recorder::flush_async_results::Owned,
            >,
        ),
    };
    pub static DESC: ::mp::private::InterfaceDesc = ::mp::private::InterfaceDesc {
        id: 0xa1b96b0c31b1a6c5,
        name: "Recorder",
        methods: &[
            &LISTENER_DESTROY,
            &LISTENER_CALL,
            &RECORDER_FLUSH,
            &RECORDER_FLUSH_ASYNC,
        ],
        destroy: ::std::option::Option::Some(&LISTENER_DESTROY),
        construct: ::std::option::Option::None,
    };
    pub fn __request_call(
        event: ::std::string::String,
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
                .init_as::<crate::callable_capnp::listener::call_params::Builder<'_>>();
            __p.reborrow().set_event(event.as_str());
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
                .get_as::<crate::callable_capnp::listener::call_results::Reader<'_>>()?;
            let __out_result = __r.get_result();
            let __value: (bool, (), ()) = (__out_result, (), ());
            Ok(::std::boxed::Box::new(__value))
        });
        (__build, __read)
    }
    pub fn __request_flush() -> (
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
                .init_as::<crate::callable_capnp::recorder::flush_params::Builder<'_>>();
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
                .get_as::<crate::callable_capnp::recorder::flush_results::Reader<'_>>()?;
            let __value: ((), (), ()) = ((), (), ());
            Ok(::std::boxed::Box::new(__value))
        });
        (__build, __read)
    }
    pub fn __request_flush_async() -> (
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
                .init_as::<
                    crate::callable_capnp::recorder::flush_async_params::Builder<'_>,
                >();
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
                .get_as::<
                    crate::callable_capnp::recorder::flush_async_results::Reader<'_>,
                >()?;
            let __value: ((), (), ()) = ((), (), ());
            Ok(::std::boxed::Box::new(__value))
        });
        (__build, __read)
    }
}
/// Rust form of the `Recorder` interface. Methods not implemented return an `Unimplemented` error.
#[allow(
    clippy::all,
    clippy::pedantic,
    unused,
    non_upper_case_globals,
    non_snake_case,
    non_camel_case_types
)]
pub trait Recorder: crate::callable_capnp::Listener + Send + Sync {
    #[doc(hidden)]
    fn __mp_proxy_recorder(&self) -> ::std::option::Option<&::mp::ProxyClient> {
        ::std::option::Option::None
    }
    /// `flush` (method @0 of `Recorder`).
    fn flush(&self) -> ::mp::Result<()> {
        Err(
            ::mp::Error::new(
                ::mp::ErrorKind::Unimplemented,
                "Recorder.flush is not implemented",
            ),
        )
    }
    /// `flushAsync` (method @1 of `Recorder`).
    fn flush_async(&self) -> ::mp::Result<()> {
        Err(
            ::mp::Error::new(
                ::mp::ErrorKind::Unimplemented,
                "Recorder.flushAsync is not implemented",
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
impl Recorder for ::std::sync::Arc<dyn Recorder> {
    fn flush(&self) -> ::mp::Result<()> {
        (**self).flush()
    }
    fn flush_async(&self) -> ::mp::Result<()> {
        (**self).flush_async()
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
impl crate::callable_capnp::Listener for ::std::sync::Arc<dyn Recorder> {
    fn call(&self, event: ::std::string::String) -> ::mp::Result<bool> {
        (**self).call(event)
    }
}
/// Client proxy for `Recorder`: calls the peer. Dropping the last clone calls `destroy` if the interface has it.
#[derive(Clone, Debug)]
pub struct RecorderClient {
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
impl crate::callable_capnp::Recorder for RecorderClient {
    fn __mp_proxy_recorder(&self) -> ::std::option::Option<&::mp::ProxyClient> {
        ::std::option::Option::Some(&self.proxy)
    }
    fn flush(&self) -> ::mp::Result<()> {
        let (__build, __read) = __mp_recorder::__request_flush();
        let __reply = self.proxy.call(&__mp_recorder::RECORDER_FLUSH, __build, __read)?;
        let ((), (), ()) = *__reply
            .downcast::<((), (), ())>()
            .expect("the reply has the type its reader built");
        Ok(())
    }
    fn flush_async(&self) -> ::mp::Result<()> {
        let (__build, __read) = __mp_recorder::__request_flush_async();
        let __reply = self
            .proxy
            .call(&__mp_recorder::RECORDER_FLUSH_ASYNC, __build, __read)?;
        let ((), (), ()) = *__reply
            .downcast::<((), (), ())>()
            .expect("the reply has the type its reader built");
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
impl crate::callable_capnp::Listener for RecorderClient {
    fn call(&self, event: ::std::string::String) -> ::mp::Result<bool> {
        let (__build, __read) = __mp_recorder::__request_call(event);
        let __reply = self.proxy.call(&__mp_recorder::LISTENER_CALL, __build, __read)?;
        let (__out_result, (), ()) = *__reply
            .downcast::<(bool, (), ())>()
            .expect("the reply has the type its reader built");
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
impl RecorderClient {
    /// The client behind a trait object, if it is one (a proxy for the peer's object).
    pub fn from_dyn(object: &dyn Recorder) -> ::std::option::Option<Self> {
        object
            .__mp_proxy_recorder()
            .map(|p| RecorderClient {
                proxy: ::std::clone::Clone::clone(p),
            })
    }
    /// `call`, without blocking: the future is `Send` and may be awaited on any runtime; dropping it cancels the call.
    pub fn call_async(
        &self,
        event: ::std::string::String,
    ) -> impl ::std::future::Future<Output = ::mp::Result<bool>> + Send + 'static {
        let (__build, __read) = __mp_recorder::__request_call(event);
        let __reply = self
            .proxy
            .call_async(&__mp_recorder::LISTENER_CALL, __build, __read);
        async move {
            let (__out_result, (), ()) = *__reply
                .await?
                .downcast::<(bool, (), ())>()
                .expect("the reply has the type its reader built");
            Ok(__out_result)
        }
    }
    /// `flush`, without blocking: the future is `Send` and may be awaited on any runtime; dropping it cancels the call.
    pub fn flush_proxy_async(
        &self,
    ) -> impl ::std::future::Future<Output = ::mp::Result<()>> + Send + 'static {
        let (__build, __read) = __mp_recorder::__request_flush();
        let __reply = self
            .proxy
            .call_async(&__mp_recorder::RECORDER_FLUSH, __build, __read);
        async move {
            let ((), (), ()) = *__reply
                .await?
                .downcast::<((), (), ())>()
                .expect("the reply has the type its reader built");
            Ok(())
        }
    }
    /// `flushAsync`, without blocking: the future is `Send` and may be awaited on any runtime; dropping it cancels the call.
    pub fn flush_async_async(
        &self,
    ) -> impl ::std::future::Future<Output = ::mp::Result<()>> + Send + 'static {
        let (__build, __read) = __mp_recorder::__request_flush_async();
        let __reply = self
            .proxy
            .call_async(&__mp_recorder::RECORDER_FLUSH_ASYNC, __build, __read);
        async move {
            let ((), (), ()) = *__reply
                .await?
                .downcast::<((), (), ())>()
                .expect("the reply has the type its reader built");
            Ok(())
        }
    }
}
/// Server glue for `Recorder`: dispatches incoming calls to an implementation.
pub struct RecorderServer {
    imp: ::mp::private::ImplSlot<dyn Recorder>,
}
#[allow(
    clippy::all,
    clippy::pedantic,
    unused,
    non_upper_case_globals,
    non_snake_case,
    non_camel_case_types
)]
impl RecorderServer {
    fn __listener_destroy(
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
            .get_as::<crate::callable_capnp::listener::destroy_params::Reader<'_>>()?;
        let __imp = self.imp.take();
        let (__ret, (), (), __exc): ((), (), (), ()) = (move || -> ::mp::Result<
            ((), (), (), ()),
        > {
            drop(__imp);
            Ok(((), (), (), ()))
        })()?;
        let mut __p = __results
            .init_as::<crate::callable_capnp::listener::destroy_results::Builder<'_>>();
        let _: () = __exc;
        let () = __ret;
        Ok(())
    }
    fn __listener_call(
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
            .get_as::<crate::callable_capnp::listener::call_params::Reader<'_>>()?;
        let __imp = self.imp.get()?;
        let event = ::mp::private::text(__r.get_event()?);
        let (__ret, (), (), __exc): (bool, (), (), ()) = (move || -> ::mp::Result<
            (bool, (), (), ()),
        > {
            let __ret = <dyn Recorder as crate::callable_capnp::Listener>::call(
                &*__imp,
                event,
            )?;
            Ok((__ret, (), (), ()))
        })()?;
        let mut __p = __results
            .init_as::<crate::callable_capnp::listener::call_results::Builder<'_>>();
        let _: () = __exc;
        let __out_result = __ret;
        __p.reborrow().set_result(__out_result);
        Ok(())
    }
    fn __recorder_flush(
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
            .get_as::<crate::callable_capnp::recorder::flush_params::Reader<'_>>()?;
        let __imp = self.imp.get()?;
        let (__ret, (), (), __exc): ((), (), (), ()) = (move || -> ::mp::Result<
            ((), (), (), ()),
        > {
            let __ret = <dyn Recorder as crate::callable_capnp::Recorder>::flush(
                &*__imp,
            )?;
            Ok((__ret, (), (), ()))
        })()?;
        let mut __p = __results
            .init_as::<crate::callable_capnp::recorder::flush_results::Builder<'_>>();
        let _: () = __exc;
        let () = __ret;
        Ok(())
    }
    fn __recorder_flush_async(
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
            .get_as::<
                crate::callable_capnp::recorder::flush_async_params::Reader<'_>,
            >()?;
        let __imp = self.imp.get()?;
        let (__ret, (), (), __exc): ((), (), (), ()) = (move || -> ::mp::Result<
            ((), (), (), ()),
        > {
            let __ret = <dyn Recorder as crate::callable_capnp::Recorder>::flush_async(
                &*__imp,
            )?;
            Ok((__ret, (), (), ()))
        })()?;
        let mut __p = __results
            .init_as::<
                crate::callable_capnp::recorder::flush_async_results::Builder<'_>,
            >();
        let _: () = __exc;
        let () = __ret;
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
impl ::mp::private::Dispatch for RecorderServer {
    fn call(&self, call: ::mp::private::IncomingCall<'_>) -> ::mp::Result<()> {
        match (call.method.interface_id, call.method.id) {
            (0xd5ef719d794f3988, 0) => self.__listener_destroy(call),
            (0xd5ef719d794f3988, 1) => self.__listener_call(call),
            (0xa1b96b0c31b1a6c5, 0) => self.__recorder_flush(call),
            (0xa1b96b0c31b1a6c5, 1) => self.__recorder_flush_async(call),
            _ => ::std::result::Result::Err(::mp::private::unknown_method(call.method)),
        }
    }
    fn interface(&self) -> &'static ::mp::private::InterfaceDesc {
        &__mp_recorder::DESC
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
impl ::mp::Interface for dyn Recorder {
    const DESC: &'static ::mp::private::InterfaceDesc = &__mp_recorder::DESC;
    fn make_server(
        imp: ::std::sync::Arc<Self>,
    ) -> ::std::sync::Arc<dyn ::mp::private::Dispatch> {
        ::std::sync::Arc::new(RecorderServer {
            imp: ::mp::private::ImplSlot::new(imp),
        })
    }
    fn make_client(client: ::mp::ProxyClient) -> ::std::boxed::Box<Self> {
        ::std::boxed::Box::new(RecorderClient { proxy: client })
    }
}
