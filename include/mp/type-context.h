// `Proxy.Context` fields: the runtime fills them on the client (the server thread that runs the
// call and the thread for callbacks) and acts on them on the server (it already chose the
// thread the call runs on). Generated code lists them like other fields; these conversions
// make them cost nothing in C++.
#ifndef MP_TYPE_CONTEXT_H
#define MP_TYPE_CONTEXT_H

#include <mp/proxy-method.h>
#include <mp/proxy-types.h>
#include <mp/proxy.capnp.h>

#include <type_traits>
#include <utility>

namespace mp {

//! Whether a field output or input is a `Proxy.Context`.
template <typename Field>
constexpr bool IsContextField =
    std::is_same_v<RemoveCvRef<decltype(std::declval<Field&>().get())>, ::mp::Context::Builder> ||
    std::is_same_v<RemoveCvRef<decltype(std::declval<Field&>().get())>, ::mp::Context::Reader>;

//! Client: nothing to write, the runtime fills the context when it sends the call.
template <typename Output>
auto CustomBuildField(TypeList<>, Priority<1>, InvokeContext&, Output&& output)
    -> std::enable_if_t<IsContextField<Output>>
{
    (void)output;
}

//! Server: the runtime has read the context and runs this call on the thread it names; the
//! chain goes straight on to the next field.
template <typename Accessor, typename ServerContext, typename Fn, typename... Args>
auto PassField(Priority<1>, TypeList<>, ServerContext& server_context, const Fn& fn, Args&&... args)
    -> std::enable_if_t<std::is_same_v<RemoveCvRef<decltype(Accessor::get(server_context.call_context.getParams()))>,
        ::mp::Context::Reader>>
{
    fn.invoke(server_context, std::forward<Args>(args)...);
}

} // namespace mp

#endif // MP_TYPE_CONTEXT_H
