// multiprocess: `std::function<R(Args...)>` as a callback interface. The schema declares an
// interface with one `call` method, wrapped as `ProxyCallback<std::function<R(Args...)>>`;
// sending a non-empty function serves it to the peer as that interface, receiving one gives a
// function that calls the peer. An empty function is a null capability and reads back empty.
//
// The wrap text has template arguments, so no `ProxyType` names its interface (several
// interfaces may share it): the interface is the field's own capnp type.
#ifndef MP_TYPE_FUNCTION_H
#define MP_TYPE_FUNCTION_H

#include <mp/proxy-client.h>
#include <mp/proxy-server.h>
#include <mp/proxy-types.h>
#include <mp/proxy.h>
#include <mp/transport.h>
#include <mp/util.h>

#include <functional>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace mp {

//! Serves a `std::function` as the `ProxyCallback` its interface wraps.
template <typename Result, typename... Args>
class FunctionCallback final : public ProxyCallback<std::function<Result(Args...)>>
{
public:
    explicit FunctionCallback(std::function<Result(Args...)> fn) : m_fn(std::move(fn)) {}
    Result call(Args&&... args) override { return m_fn(std::forward<Args>(args)...); }

private:
    std::function<Result(Args...)> m_fn;
};

template <typename Result, typename... Args, typename Value, typename Output>
void CustomBuildField(TypeList<std::function<Result(Args...)>>, Priority<1>, InvokeContext& invoke_context,
    Value&& value, Output&& output)
{
    if (!value) return;
    using Message = typename std::decay_t<decltype(output.get())>::Calls;
    if (!invoke_context.outgoing || !invoke_context.loop) {
        throw std::logic_error("a function can only be sent as part of a call");
    }
    std::shared_ptr<ProxyCallback<std::function<Result(Args...)>>> callback =
        std::make_shared<FunctionCallback<Result, Args...>>(std::forward<Value>(value));
    auto server = std::make_unique<ProxyServer<Message>>(std::move(callback), *invoke_context.loop);
    output.set(invoke_context.outgoing->exportServer(*invoke_context.loop, std::move(server)).template castAs<Message>());
}

template <typename Result, typename... Args, typename Input, typename ReadDest>
decltype(auto) CustomReadField(TypeList<std::function<Result(Args...)>>, Priority<1>, InvokeContext& invoke_context,
    Input&& input, ReadDest&& read_dest)
{
    if (!input.has()) return read_dest.construct();
    using Message = typename std::decay_t<decltype(input.get())>::Calls;
    if (!invoke_context.incoming || !invoke_context.loop) {
        throw std::logic_error("a function can only be read from a call's message");
    }
    auto remote = invoke_context.incoming->takeCapability(input.get(), InterfaceInfoOf<Message>());
    std::shared_ptr<ProxyClient<Message>> client =
        std::make_shared<ProxyClient<Message>>(std::move(remote), *invoke_context.loop);
    return read_dest.construct(std::function<Result(Args...)>(
        [client](Args... args) -> Result { return client->call(std::forward<Args>(args)...); }));
}

} // namespace mp

#endif // MP_TYPE_FUNCTION_H
