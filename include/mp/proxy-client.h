// Client proxies: `ProxyClient<Interface>` (generated) implements the wrapped C++ class by
// calling the peer; `clientInvoke` runs one call: build Params through the field chain, send it
// through the runtime (blocking, callbacks to this thread run here), read Results.
#ifndef MP_PROXY_CLIENT_H
#define MP_PROXY_CLIENT_H

#include <mp/event-loop.h>
#include <mp/invoke-context.h>
#include <mp/proxy-method.h>
#include <mp/proxy.h>
#include <mp/transport.h>

#include <capnp/capability.h>

#include <memory>
#include <utility>

namespace mp {

//! The runtime's registration of a capnp interface (its methods, `destroy`, `construct`).
//! Generated code specialises it for every `$Proxy.wrap` interface.
template <typename Interface>
const InterfaceInfo& InterfaceInfoOf();

//! What every client proxy holds: the peer's capability and the loop that moves its calls.
//! Dropping the proxy releases the capability; the runtime first calls the peer's `destroy`
//! when the interface has one, as the original does.
template <typename Interface_, typename Impl_>
class ProxyClientBase : public Impl_
{
public:
    using Interface = Interface_;
    using Impl = Impl_;

    ProxyClientBase(std::unique_ptr<RemoteCapability> remote, EventLoop& loop)
        : m_remote(std::move(remote)), m_loop(&loop)
    {
    }
    ProxyClientBase(const ProxyClientBase&) = delete;
    ProxyClientBase& operator=(const ProxyClientBase&) = delete;
    // No destructor is declared: the implicit one is virtual exactly when Impl's is, so a
    // wrapped class need not be polymorphic (its proxy is then used as ProxyClient<I> itself).

    RemoteCapability& remote() { return *m_remote; }
    EventLoop& loop() { return *m_loop; }

private:
    std::unique_ptr<RemoteCapability> m_remote;
    EventLoop* m_loop;
};

//! Users specialise this to add members to one interface's client proxy (the original's hook
//! of the same name); by default it adds nothing.
template <typename Interface, typename Impl>
class ProxyClientCustom : public ProxyClientBase<Interface, Impl>
{
public:
    using ProxyClientBase<Interface, Impl>::ProxyClientBase;
};

//! The request type a capnp `Client::xRequest` member function returns.
template <typename GetRequest>
struct RequestOf;

template <typename Client, typename Request, typename... Args>
struct RequestOf<Request (Client::*)(Args...)>
{
    using Type = Request;
};

//! One call of `proxy_client`'s method whose capnp request maker is `get_request`
//! (`&NS::I::Client::xRequest`, which names the Params and Results types; it is never called):
//! `fields` (MakeClientParam / ClientException objects, one per field) fill Params and read
//! Results. Throws std::runtime_error with the original's texts when the peer is gone and with
//! the peer's text when it raised.
template <typename ProxyClient, typename GetRequest, typename... FieldObjs>
void clientInvoke(ProxyClient& proxy_client, const GetRequest& get_request, FieldObjs&&... fields)
{
    (void)get_request;
    using Request = typename RequestOf<GetRequest>::Type;
    using Params = typename CapRequestTraits<Request>::Params;
    using Results = typename CapRequestTraits<Request>::Results;
    using FieldList = typename ProxyClientMethodTraits<Params>::Fields;

    const InterfaceInfo& info = InterfaceInfoOf<typename ProxyClient::Interface>();
    OutgoingMessage outgoing;
    InvokeContext invoke_context(&proxy_client.loop(), &outgoing, nullptr);
    auto params = outgoing.initRoot<Params>();
    IterateFields().handleChain(invoke_context, params, FieldList(), typename std::decay_t<FieldObjs>::BuildParams{&fields}...);

    IncomingMessage incoming = proxy_client.remote().call(info, info.methodIndexForParams(capnp::typeId<Params>()), outgoing);
    invoke_context.outgoing = nullptr;
    invoke_context.incoming = &incoming;
    auto results = incoming.getRoot<Results>();
    IterateFields().handleChain(invoke_context, results, FieldList(), typename std::decay_t<FieldObjs>::ReadResults{&fields}...);
}

} // namespace mp

#endif // MP_PROXY_CLIENT_H
