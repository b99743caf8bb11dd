// multiprocess: the simple hook forms `CustomBuildMessage`, `CustomReadMessage` and
// `CustomPassMessage`, plain (non-template) functions taking the capnp Builder or Reader of
// the whole field.

#ifndef MP_TYPE_MESSAGE_H
#define MP_TYPE_MESSAGE_H

#include <mp/proxy-method.h>
#include <mp/proxy-types.h>
#include <mp/util.h>

#include <capnp/common.h>

#include <utility>

namespace mp {

//! Used when `CustomBuildMessage(invoke_context, value, Builder&&)` exists for the value and the
//! field's Builder type.
template <typename LocalType, typename Value, typename Output>
void CustomBuildField(TypeList<LocalType>, Priority<2>, InvokeContext& invoke_context, Value&& value, Output&& output,
    decltype(CustomBuildMessage(invoke_context, value, std::move(output.get())))* = nullptr)
{
    CustomBuildMessage(invoke_context, value, std::move(output.init()));
}

//! Used when `CustomReadMessage(invoke_context, const Reader&, LocalType&)` exists. An absent
//! field (per `CustomHasField`) leaves the value as it is.
template <typename LocalType, typename Input, typename ReadDest>
decltype(auto) CustomReadField(TypeList<LocalType>, Priority<2>, InvokeContext& invoke_context, Input&& input,
    ReadDest&& read_dest,
    decltype(CustomReadMessage(invoke_context, input.get(), std::declval<LocalType&>()))* = nullptr)
{
    return read_dest.update([&](auto& value) {
        if (CustomHasField(TypeList<LocalType>(), invoke_context, input)) {
            CustomReadMessage(invoke_context, input.get(), value);
        }
    });
}

//! `Accessor::init(message)` where the field exists in that message, `capnp::Void` otherwise.
template <typename Accessor, typename Message>
decltype(auto) MaybeInit(Message&& message, decltype(Accessor::get(message))* = nullptr)
{
    return Accessor::init(message);
}
template <typename Accessor>
::capnp::Void MaybeInit(...)
{
    return {};
}

//! Used on the server when `CustomPassMessage(server_context, Reader, Builder, fn)` exists: it
//! receives the Params field, the initialised Results field and a function calling the method
//! with the C++ argument(s), and does the reading, calling and writing itself.
template <typename Accessor, typename... LocalTypes, typename ServerContext, typename Fn, typename... Args>
auto CustomPassField(TypeList<LocalTypes...>, ServerContext& server_context, Fn&& fn, Args&&... args)
    -> decltype(CustomPassMessage(server_context, MaybeGet<Accessor>(server_context.call_context.getParams()),
        MaybeGet<Accessor>(server_context.call_context.getResults()), nullptr))
{
    CustomPassMessage(server_context, MaybeGet<Accessor>(server_context.call_context.getParams()),
        MaybeInit<Accessor>(server_context.call_context.getResults()),
        [&](LocalTypes... param) { fn.invoke(server_context, std::forward<Args>(args)..., param...); });
}

} // namespace mp

#endif // MP_TYPE_MESSAGE_H
