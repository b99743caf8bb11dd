// Interfaces as C++ objects: a `std::unique_ptr<Impl>` or `std::shared_ptr<Impl>` of a class
// wrapped by a `$Proxy.wrap` interface travels as a capability. Sending serves the object to
// the peer (a ProxyServer around it); receiving gives a ProxyClient that calls the peer. A null
// pointer is a null capability.
#ifndef MP_TYPE_INTERFACE_H
#define MP_TYPE_INTERFACE_H

#include <mp/proxy-client.h>
#include <mp/proxy-server.h>
#include <mp/proxy-types.h>
#include <mp/proxy.h>
#include <mp/transport.h>

#include <memory>
#include <stdexcept>
#include <utility>

namespace mp {

//! The capnp interface a C++ class is wrapped by (`ProxyType<Impl>::Message`), if any.
template <typename Impl>
using InterfaceOf = typename ProxyType<Impl>::Message;

//! Serves `object` to the peer of the call being built and sets the field to it.
template <typename Impl, typename Output>
void BuildInterface(InvokeContext& invoke_context, std::shared_ptr<Impl> object, Output&& output)
{
    using Message = InterfaceOf<Impl>;
    if (!invoke_context.outgoing || !invoke_context.loop) {
        throw std::logic_error("an interface can only be sent as part of a call");
    }
    auto server = std::make_unique<ProxyServer<Message>>(std::move(object), *invoke_context.loop);
    output.set(invoke_context.outgoing->exportServer(*invoke_context.loop, std::move(server)).template castAs<Message>());
}

//! A client proxy for the capability in `input`, or null.
template <typename Impl, typename Input>
std::unique_ptr<ProxyClient<InterfaceOf<Impl>>> ReadInterface(InvokeContext& invoke_context, Input&& input)
{
    using Message = InterfaceOf<Impl>;
    if (!input.has()) return nullptr;
    if (!invoke_context.incoming || !invoke_context.loop) {
        throw std::logic_error("an interface can only be read from a call's message");
    }
    auto remote = invoke_context.incoming->takeCapability(input.get(), InterfaceInfoOf<Message>());
    return std::make_unique<ProxyClient<Message>>(std::move(remote), *invoke_context.loop);
}

template <typename Impl, typename Value, typename Output, typename = InterfaceOf<Impl>>
void CustomBuildField(TypeList<std::unique_ptr<Impl>>, Priority<2>, InvokeContext& invoke_context, Value&& value,
    Output&& output)
{
    if (value) BuildInterface<Impl>(invoke_context, std::shared_ptr<Impl>(std::move(value)), output);
}

template <typename Impl, typename Value, typename Output, typename = InterfaceOf<Impl>>
void CustomBuildField(TypeList<std::shared_ptr<Impl>>, Priority<2>, InvokeContext& invoke_context, Value&& value,
    Output&& output)
{
    if (value) BuildInterface<Impl>(invoke_context, value, output);
}

template <typename Impl, typename Input, typename ReadDest, typename = InterfaceOf<Impl>>
decltype(auto) CustomReadField(TypeList<std::unique_ptr<Impl>>, Priority<2>, InvokeContext& invoke_context,
    Input&& input, ReadDest&& read_dest)
{
    return read_dest.construct(ReadInterface<Impl>(invoke_context, input));
}

template <typename Impl, typename Input, typename ReadDest, typename = InterfaceOf<Impl>>
decltype(auto) CustomReadField(TypeList<std::shared_ptr<Impl>>, Priority<2>, InvokeContext& invoke_context,
    Input&& input, ReadDest&& read_dest)
{
    return read_dest.construct(std::shared_ptr<Impl>(ReadInterface<Impl>(invoke_context, input)));
}

//! An object passed by reference is served without taking ownership: the caller keeps it alive
//! for the call, during which the callee may call it (a callback argument).
template <typename Impl, typename Value, typename Output, typename = InterfaceOf<Impl>>
void CustomBuildField(TypeList<Impl&>, Priority<2>, InvokeContext& invoke_context, Value&& value, Output&& output)
{
    BuildInterface<Impl>(invoke_context, std::shared_ptr<Impl>(&value, [](Impl*) {}), output);
}

//! Server side of a reference parameter: a client proxy that lives for the call.
template <typename Accessor, typename Impl, typename ServerContext, typename Fn, typename... Args,
    typename = InterfaceOf<Impl>>
void PassField(Priority<1>, TypeList<Impl&>, ServerContext& server_context, const Fn& fn, Args&&... args)
{
    const auto& params = server_context.call_context.getParams();
    auto client = ReadInterface<Impl>(server_context, Make<StructField, Accessor>(params));
    if (!client) throw std::runtime_error("a null capability was passed for a reference parameter");
    fn.invoke(server_context, std::forward<Args>(args)..., static_cast<Impl&>(*client));
}

} // namespace mp

#endif // MP_TYPE_INTERFACE_H
