// Server proxies: `ProxyServer<Interface>` (generated) receives the peer's calls on the thread
// the runtime chose and forwards them to a C++ object; `serverInvoke` runs one call through the
// field chain (read Params, call the object, fill Results).
#ifndef MP_PROXY_SERVER_H
#define MP_PROXY_SERVER_H

#include <mp/event-loop.h>
#include <mp/invoke-context.h>
#include <mp/proxy-client.h>
#include <mp/proxy-method.h>
#include <mp/proxy.h>
#include <mp/transport.h>

#include <memory>
#include <stdexcept>
#include <utility>

namespace mp {

//! What every server proxy holds: the object it serves. `destroy` from the peer, or the peer
//! releasing its last reference, ends the object's use; the object itself is owned by
//! `m_impl` (the original's shared ownership, so a server may outlive a `destroy` in flight).
template <typename Interface_, typename Impl_>
class ProxyServerBase : public ServerBase
{
public:
    using Interface = Interface_;
    using Impl = Impl_;

    ProxyServerBase(std::shared_ptr<Impl> impl, EventLoop& loop) : m_impl(std::move(impl)), m_loop(&loop) {}

    const InterfaceInfo& interfaceInfo() const override { return InterfaceInfoOf<Interface>(); }
    EventLoop& loop() { return *m_loop; }

    std::shared_ptr<Impl> m_impl;

private:
    EventLoop* m_loop;
};

//! Users specialise this to add members to one interface's server proxy; by default it adds
//! nothing.
template <typename Interface, typename Impl>
class ProxyServerCustom : public ProxyServerBase<Interface, Impl>
{
public:
    using ProxyServerBase<Interface, Impl>::ProxyServerBase;
};

//! The typed view of one incoming call's two messages, as the server field chain reads them.
template <typename Params, typename Results>
class ServerCallContext
{
public:
    ServerCallContext(IncomingMessage& params, OutgoingMessage& results)
        : m_params(params.getRoot<Params>()), m_results(results.initRoot<Results>())
    {
    }
    typename Params::Reader getParams() const { return m_params; }
    typename Results::Builder getResults() const { return m_results; }

private:
    typename Params::Reader m_params;
    typename Results::Builder m_results;
};

//! The context the server field chain runs with: the proxy server (`proxy_server.m_impl` is
//! the object called) and the call's messages.
template <typename ProxyServer, typename CallContext>
struct ServerInvokeContext : InvokeContext
{
    ServerInvokeContext(ProxyServer& server, CallContext& call, IncomingMessage& params, OutgoingMessage& results)
        : InvokeContext(&server.loop(), &results, &params), proxy_server(server), call_context(call)
    {
    }
    ProxyServer& proxy_server;
    CallContext& call_context;
};

//! Runs one call of `server`: `fn` is the generated chain (MakeServerField / ServerRet /
//! ServerExcept around ServerCall). An exception escaping it reaches the caller.
template <typename Params, typename Results, typename ProxyServer, typename Fn>
void serverInvoke(ProxyServer& server, IncomingMessage& params, OutgoingMessage& results, const Fn& fn)
{
    if (!server.m_impl) throw std::runtime_error("IPC server method called after destroy");
    ServerCallContext<Params, Results> call_context(params, results);
    ServerInvokeContext<ProxyServer, ServerCallContext<Params, Results>> server_context(server, call_context, params, results);
    fn.invoke(server_context, typename ProxyServerMethodTraits<Params>::Params());
}

//! `destroy` from the peer: it is done with the object; this proxy drops its reference (the
//! object goes once no other reference holds it). Later calls fail.
template <typename Results, typename ProxyServer>
void serverDestroy(ProxyServer& server, OutgoingMessage& results)
{
    results.initRoot<Results>();
    server.m_impl.reset();
}

} // namespace mp

#endif // MP_PROXY_SERVER_H
