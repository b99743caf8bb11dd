// multiprocess: the per-method glue that generated client and server code is made of.
//
// A capnp method's Params and Results fields each stand for some C++ arguments of the wrapped
// method (usually one; `$Proxy.count(n)` changes that) or for its return value. Generated code
// lists one object per field, parameterised by the field's `Accessor`:
//
//   client: `MakeClientParam<Accessor>(args...)` / `ClientException<E, Accessor>()`, walked by
//           `IterateFields().handleChain(ctx, params_or_results, FieldList, X::BuildParams{&obj}...)`
//           once with `BuildParams` (fill Params) and once with `ReadResults` (read Results);
//   server: `MakeServerField<n, Accessor>(...)` wrapping `Make<ServerRet, Accessor>(...)` /
//           `Make<ServerExcept, E, Accessor>(...)` wrapping `ServerCall()`, then `invoke`d with a
//           server context.
//
// Only message work is done here. The transport layer supplies the contexts: a client context
// deriving from `InvokeContext`, and a server context that is an `InvokeContext` with members
// `call_context` (whose `getParams()` / `getResults()` give the Params Reader and Results
// Builder) and `proxy_server` (whose `m_impl` points to the wrapped object).

#ifndef MP_PROXY_METHOD_H
#define MP_PROXY_METHOD_H

#include <mp/invoke-context.h>
#include <mp/proxy-types.h>
#include <mp/proxy.h>
#include <mp/util.h>

#include <capnp/capability.h>
#include <capnp/common.h>

#include <cassert>
#include <cstddef>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

namespace mp {

//! `BuildField` / `ReadField` when the compile-time flag is true (a field that exists in the
//! struct at hand), nothing otherwise.
template <typename... Args>
void MaybeBuildField(std::true_type, Args&&... args)
{
    BuildField(std::forward<Args>(args)...);
}
template <typename... Args>
void MaybeBuildField(std::false_type, Args&&...)
{
}
template <typename... Args>
void MaybeReadField(std::true_type, Args&&... args)
{
    ReadField(std::forward<Args>(args)...);
}
template <typename... Args>
void MaybeReadField(std::false_type, Args&&...)
{
}

//! Sets the `wantX` flag when a pointer argument is non-null (the caller wants that output).
template <typename LocalType, typename Value, typename Output>
void MaybeSetWant(TypeList<LocalType*>, Priority<1>, const Value& value, Output&& output)
{
    if (value) output.setWant();
}
template <typename LocalTypes, typename... Args>
void MaybeSetWant(LocalTypes, Priority<0>, const Args&...)
{
}

// ---------------------------------------------------------------------------------------------
// Client side.

//! Walks a chain of per-field handlers over a parameter list: each handler (`Derived`) takes the
//! first `N` types of the list (its C++ arguments) and passes the rest to the next handler.
template <typename Derived, std::size_t N = 0>
struct IterateFieldsHelper
{
    template <typename Arg1, typename Arg2, typename ParamList, typename NextFn, typename... NextFnArgs>
    void handleChain(Arg1& arg1, Arg2& arg2, ParamList, NextFn&& next_fn, NextFnArgs&&... next_fn_args)
    {
        using S = Split<N, ParamList>;
        handleChain(arg1, arg2, typename S::First());
        next_fn.handleChain(arg1, arg2, typename S::Second(), std::forward<NextFnArgs>(next_fn_args)...);
    }

    template <typename Arg1, typename Arg2, typename ParamList>
    void handleChain(Arg1& arg1, Arg2& arg2, ParamList)
    {
        static_cast<Derived*>(this)->handleField(arg1, arg2, ParamList());
    }

private:
    IterateFieldsHelper() = default;
    friend Derived;
};

//! Start of a chain: handles nothing itself.
struct IterateFields : IterateFieldsHelper<IterateFields, 0>
{
    template <typename Arg1, typename Arg2, typename ParamList>
    void handleField(Arg1&&, Arg2&&, ParamList)
    {
    }
};

//! Client side of a field standing for the C++ arguments `values` (references to the caller's
//! arguments, or to the local holding the return value): `BuildParams` writes them into Params
//! if the field is an input (and sets `wantX` for non-null output pointers); `ReadResults` reads
//! them back from Results if the field is an output.
template <typename Accessor, typename... Types>
struct ClientParam
{
    ClientParam(Types&&... values) : m_values{std::forward<Types>(values)...} {}

    struct BuildParams : IterateFieldsHelper<BuildParams, sizeof...(Types)>
    {
        BuildParams(ClientParam* client_param) : m_client_param(client_param) {}

        template <typename Context, typename Params, typename ParamList>
        void handleField(Context& invoke_context, Params& params, ParamList)
        {
            // Moving the tuple of references keeps rvalue arguments rvalues, so BuildField may
            // move from arguments passed by value.
            std::apply(
                [&]<typename... Values>(Values&&... values) {
                    MaybeSetWant(ParamList(), Priority<1>(), values..., Make<StructField, Accessor>(params));
                    MaybeBuildField(std::bool_constant<Accessor::in>(), ParamList(), invoke_context,
                        Make<StructField, Accessor>(params), std::forward<Values>(values)...);
                },
                std::move(m_client_param->m_values));
        }

        ClientParam* m_client_param;
    };

    struct ReadResults : IterateFieldsHelper<ReadResults, sizeof...(Types)>
    {
        ReadResults(ClientParam* client_param) : m_client_param(client_param) {}

        template <typename Context, typename Results, typename... Params>
        void handleField(Context& invoke_context, Results& results, TypeList<Params...>)
        {
            std::apply(
                [&](auto&&... values) {
                    MaybeReadField(std::bool_constant<Accessor::out>(), TypeList<Decay<Params>...>(), invoke_context,
                        Make<StructField, Accessor>(results), ReadDestUpdate(values)...);
                },
                m_client_param->m_values);
        }

        ClientParam* m_client_param;
    };

    std::tuple<Types&&...> m_values;
};

template <typename Accessor, typename... Types>
ClientParam<Accessor, Types...> MakeClientParam(Types&&... values)
{
    return {std::forward<Types>(values)...};
}

//! Client side of a `$Proxy.exception("Exception")` results field: sends nothing; if the server
//! filled the field, reads the value and throws it.
template <typename Exception, typename Accessor>
struct ClientException
{
    struct BuildParams : IterateFieldsHelper<BuildParams, 0>
    {
        BuildParams(ClientException* client_exception) : m_client_exception(client_exception) {}

        template <typename Context, typename Params, typename ParamList>
        void handleField(Context&, Params&, ParamList)
        {
        }

        ClientException* m_client_exception;
    };

    struct ReadResults : IterateFieldsHelper<ReadResults, 0>
    {
        ReadResults(ClientException* client_exception) : m_client_exception(client_exception) {}

        template <typename Context, typename Results, typename ParamList>
        void handleField(Context& invoke_context, Results& results, ParamList)
        {
            StructField<Accessor, Results> input(results);
            if (CustomHasField(TypeList<Exception>(), invoke_context, input)) {
                ThrowField(TypeList<Exception>(), invoke_context, input);
            }
        }

        ClientException* m_client_exception;
    };
};

// ---------------------------------------------------------------------------------------------
// Server side.

//! Default server handling of a field standing for one C++ argument: read it from Params if it
//! is an input (else default-construct it), call on, then write it into Results if it is an
//! output. The argument lives in a local here while the method runs.
template <typename Accessor, typename LocalType, typename ServerContext, typename Fn, typename... Args>
void PassField(Priority<0>, TypeList<LocalType>, ServerContext& server_context, Fn&& fn, Args&&... args)
{
    InvokeContext& invoke_context = server_context;
    using ArgType = RemoveCvRef<LocalType>;
    std::optional<ArgType> param;
    const auto& params = server_context.call_context.getParams();
    MaybeReadField(std::bool_constant<Accessor::in>(), TypeList<ArgType>(), invoke_context,
        Make<StructField, Accessor>(params), ReadDestEmplace(TypeList<ArgType>(), [&](auto&&... ctor_args) -> auto& {
            param.emplace(std::forward<decltype(ctor_args)>(ctor_args)...);
            return *param;
        }));
    if constexpr (Accessor::in) {
        assert(param);
    } else {
        if (!param) param.emplace();
    }
    fn.invoke(server_context, std::forward<Args>(args)..., static_cast<LocalType&&>(*param));
    auto&& results = server_context.call_context.getResults();
    MaybeBuildField(std::bool_constant<Accessor::out>(), TypeList<LocalType>(), invoke_context,
        Make<StructField, Accessor>(results), *param);
}

//! Default server handling of a field standing for no C++ argument (`$Proxy.count(0)`): the
//! field's own conversions (`TypeList<>` hooks) read and write it around the call.
template <typename Accessor, typename ServerContext, typename Fn, typename... Args>
void PassField(Priority<0>, TypeList<>, ServerContext& server_context, const Fn& fn, Args&&... args)
{
    const auto& params = server_context.call_context.getParams();
    const auto& input = Make<StructField, Accessor>(params);
    ReadField(TypeList<>(), server_context, input);
    fn.invoke(server_context, std::forward<Args>(args)...);
    auto&& results = server_context.call_context.getResults();
    BuildField(TypeList<>(), server_context, Make<StructField, Accessor>(results));
}

//! `Accessor::get(message)` where the field exists in that message, `capnp::Void` otherwise
//! (a field only in Params or only in Results).
template <typename Accessor, typename Message>
decltype(auto) MaybeGet(Message&& message, decltype(Accessor::get(message))* = nullptr)
{
    return Accessor::get(message);
}
template <typename Accessor>
::capnp::Void MaybeGet(...)
{
    return {};
}

// Declared so that `CustomPassField<Accessor>(...)` below parses as a template call; users'
// overloads are found by argument-dependent lookup.
template <class Accessor>
void CustomPassField();

//! Server handling through a user's `CustomPassField<Accessor>(TypeList<...>, server_context,
//! fn, args...)`, when one matches: it reads, calls `fn.invoke(server_context, args..., arg)`
//! and writes as it likes (in/out arguments that must stay one object across the call).
template <typename Accessor, typename... Args>
auto PassField(Priority<2>, Args&&... args) -> decltype(CustomPassField<Accessor>(std::forward<Args>(args)...))
{
    return CustomPassField<Accessor>(std::forward<Args>(args)...);
}

//! Server chain link for a field standing for `argc` C++ arguments: passes them (read through
//! `PassField`) to the next link `Parent`.
template <int argc, typename Accessor, typename Parent>
struct ServerField : Parent
{
    static constexpr std::size_t arg_count = static_cast<std::size_t>(argc);

    ServerField(Parent parent) : Parent(parent) {}

    const Parent& parent() const { return *this; }

    template <typename ServerContext, typename ArgTypes, typename... Args>
    decltype(auto) invoke(ServerContext& server_context, ArgTypes, Args&&... args) const
    {
        return PassField<Accessor>(Priority<2>(), typename Split<arg_count, ArgTypes>::First(), server_context,
            this->parent(), typename Split<arg_count, ArgTypes>::Second(), std::forward<Args>(args)...);
    }
};

template <int argc, typename Accessor, typename Parent>
ServerField<argc, Accessor, Parent> MakeServerField(Parent parent)
{
    return {parent};
}

//! Server chain link for the `result` field: writes what the method returned into Results.
template <typename Accessor, typename Parent>
struct ServerRet : Parent
{
    ServerRet(Parent parent) : Parent(parent) {}

    template <typename ServerContext, typename... Args>
    void invoke(ServerContext& server_context, TypeList<>, Args&&... args) const
    {
        auto&& result = Parent::invoke(server_context, TypeList<>(), std::forward<Args>(args)...);
        auto&& results = server_context.call_context.getResults();
        InvokeContext& invoke_context = server_context;
        BuildField(TypeList<decltype(result)>(), invoke_context, Make<StructField, Accessor>(results),
            std::forward<decltype(result)>(result));
    }
};

//! Server chain link for a `$Proxy.exception("Exception")` field: an `Exception` thrown by the
//! method is written into that Results field instead of failing the call.
template <typename Exception, typename Accessor, typename Parent>
struct ServerExcept : Parent
{
    ServerExcept(Parent parent) : Parent(parent) {}

    template <typename ServerContext, typename... Args>
    void invoke(ServerContext& server_context, TypeList<>, Args&&... args) const
    {
        try {
            return Parent::invoke(server_context, TypeList<>(), std::forward<Args>(args)...);
        } catch (const Exception& exception) {
            auto&& results = server_context.call_context.getResults();
            BuildField(TypeList<Exception>(), server_context, Make<StructField, Accessor>(results), exception);
        }
    }
};

//! End of the server chain: calls the wrapped method with the collected arguments.
struct ServerCall
{
    template <typename ServerContext, typename... Args>
    decltype(auto) invoke(ServerContext& server_context, TypeList<>, Args&&... args) const
    {
        using Params = typename Decay<decltype(server_context.call_context.getParams())>::Reads;
        return ProxyServerMethodTraits<Params>::invoke(server_context, std::forward<Args>(args)...);
    }
};

//! The Params and Results struct types of a capnp request type.
template <typename Request>
struct CapRequestTraits;

template <typename Params_, typename Results_>
struct CapRequestTraits<::capnp::Request<Params_, Results_>>
{
    using Params = Params_;
    using Results = Results_;
};

//! Calls `fn()`; if it returns void, returns `ret()` instead. Lets generic forwarding code treat
//! void and non-void methods alike.
template <typename Fn, typename Ret>
auto ReplaceVoid(Fn&& fn, Ret&& ret)
{
    if constexpr (std::is_void_v<decltype(fn())>) {
        fn();
        return ret();
    } else {
        return fn();
    }
}

} // namespace mp

#endif // MP_PROXY_METHOD_H
