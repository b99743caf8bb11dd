// multiprocess: the type-level vocabulary shared by generated code and the runtime.
//
// The class templates below are declared here and specialised per schema by generated code
// (`X.capnp.proxy.h` / `X.capnp.proxy-types.h`); the traits read C++ method signatures so that
// wrapped classes need no annotations. Connection-bound pieces (proxy client and server bases,
// contexts, event loop references) are added by the transport layer on top of this header.

#ifndef MP_PROXY_H
#define MP_PROXY_H

#include <mp/util.h>

#include <cstddef>
#include <functional>
#include <tuple>
#include <type_traits>
#include <utility>

namespace mp {

//! Client proxy for a capnp interface: implements the wrapped C++ class by calling the peer.
template <typename Interface>
struct ProxyClient;

//! Server proxy for a capnp interface: receives calls and forwards them to a C++ object.
template <typename Interface>
struct ProxyServer;

//! Per-method glue keyed by the capnp `Params` struct: generated code defines `impl`, the
//! pointer to the wrapped C++ method.
template <typename Params>
struct ProxyMethod;

//! Per-struct glue keyed by the capnp struct (also method `Params`/`Results` structs): generated
//! code defines `Struct`, one `<Name>Accessor` per field, `Accessors` (a `std::tuple` of the
//! accessors of the fields that carry values) and `fields` (their number).
template <typename Struct>
struct ProxyStruct;

//! Per-C++-type glue keyed by the wrapped C++ type: for a `$Proxy.wrap` struct generated code
//! defines `Struct` (the capnp struct), `get(std::integral_constant<size_t, i>)` returning the
//! pointer to the member field i maps to, and `fields`; for an interface `Type`, `Message`,
//! `Client` and `Server`.
template <typename Type>
struct ProxyType;

//! Parameter and result types of a C++ method, read from a pointer to member function.
//!
//! `Params`: `TypeList` of the parameter types; `Result`: the return type; `Param<N>`: one
//! parameter type; `Fields`: `Params` with `Result` appended unless it is void (the C++ values a
//! capnp method's fields stand for, in order); `Fwd<N>(arg)`: forwards argument N as its
//! declared type, moving by-value and rvalue-reference parameters.
template <class Fn>
struct FunctionTraits;

template <class Class, class Result_, class... Params_>
struct FunctionTraits<Result_ (Class::*const)(Params_...)>
{
    using Params = TypeList<Params_...>;
    using Result = Result_;
    template <std::size_t N>
    using Param = std::tuple_element_t<N, std::tuple<Params_...>>;
    using Fields = std::conditional_t<std::is_void_v<Result>, Params, TypeList<Params_..., Result>>;

    template <std::size_t N>
    static decltype(auto) Fwd(Param<N>& arg)
    {
        return static_cast<Param<N>&&>(arg);
    }
};

// The same for const and noexcept methods, which wrapped classes declare too.
template <class Class, class Result_, class... Params_>
struct FunctionTraits<Result_ (Class::*const)(Params_...) const> : FunctionTraits<Result_ (Class::*const)(Params_...)>
{
};
template <class Class, class Result_, class... Params_>
struct FunctionTraits<Result_ (Class::*const)(Params_...) noexcept>
    : FunctionTraits<Result_ (Class::*const)(Params_...)>
{
};
template <class Class, class Result_, class... Params_>
struct FunctionTraits<Result_ (Class::*const)(Params_...) const noexcept>
    : FunctionTraits<Result_ (Class::*const)(Params_...)>
{
};

//! Method traits for a capnp `Params` struct. This fallback serves methods without a C++
//! counterpart (`construct`, `destroy`): no parameters, no result, nothing to invoke.
template <typename MethodParams, typename Enable = void>
struct ProxyMethodTraits
{
    using Params = TypeList<>;
    using Result = void;
    using Fields = Params;

    template <typename ServerContext>
    static void invoke(ServerContext&)
    {
    }
};

//! Method traits for methods whose `ProxyMethod<Params>::impl` names a C++ method: its
//! signature, and `invoke` calling it on the server's wrapped object.
template <typename MethodParams>
struct ProxyMethodTraits<MethodParams, Require<decltype(ProxyMethod<MethodParams>::impl)>>
    : FunctionTraits<decltype(ProxyMethod<MethodParams>::impl)>
{
    template <typename ServerContext, typename... Args>
    static decltype(auto) invoke(ServerContext& server_context, Args&&... args)
    {
        return (server_context.proxy_server.m_impl.get()->*ProxyMethod<MethodParams>::impl)(
            std::forward<Args>(args)...);
    }
};

//! Client-side and server-side views of the method traits. Users specialise these (not
//! `ProxyMethodTraits`) to change how one side sees a method.
template <typename MethodParams>
struct ProxyClientMethodTraits : ProxyMethodTraits<MethodParams>
{
};

template <typename MethodParams>
struct ProxyServerMethodTraits : ProxyMethodTraits<MethodParams>
{
};

//! Flags of an `Accessor`, see its members.
static constexpr int FIELD_IN = 1;
static constexpr int FIELD_OUT = 2;
static constexpr int FIELD_OPTIONAL = 4;
static constexpr int FIELD_REQUESTED = 8;
static constexpr int FIELD_BOXED = 16;

//! How to reach one field of a capnp struct: `Field` (generated, one per field name) supplies
//! static `get`/`has`/`set`/`init` and `getHas`/`setHas`/`getWant`/`setWant`, which call the
//! capnp accessors of that name; `flags` say which of them apply.
template <typename Field, int flags>
struct Accessor : public Field
{
    //! Present in the method's Params struct (sent by the client).
    static constexpr bool in = (flags & FIELD_IN) != 0;
    //! Present in the method's Results struct (sent back by the server).
    static constexpr bool out = (flags & FIELD_OUT) != 0;
    //! Has a `hasName` Bool companion: capnp primitives cannot be null, so optional
    //! primitives carry their presence beside them.
    static constexpr bool optional = (flags & FIELD_OPTIONAL) != 0;
    //! Has a `wantName` Bool companion in Params: the client passed a non-null output pointer
    //! and wants the value back.
    static constexpr bool requested = (flags & FIELD_REQUESTED) != 0;
    //! A capnp pointer field (struct, list, Text, Data, interface), which can be null.
    static constexpr bool boxed = (flags & FIELD_BOXED) != 0;
};

//! Abstract callback that a `std::function` argument travels as (`$Proxy.wrap` of an
//! interface with one `call` method).
template <typename Fn>
class ProxyCallback;

template <typename Result, typename... Args>
class ProxyCallback<std::function<Result(Args...)>>
{
public:
    virtual ~ProxyCallback() = default;
    virtual Result call(Args&&... args) = 0;
};

} // namespace mp

#endif // MP_PROXY_H
