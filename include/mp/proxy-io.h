// The original's I/O header: event loop, logging, processes, streams and connections, with the
// typed connection functions programs call (ConnectStream, ServeStream, ListenConnections).
#ifndef MP_PROXY_IO_H
#define MP_PROXY_IO_H

#include <mp/connect.h>
#include <mp/event-loop.h>
#include <mp/log.h>
#include <mp/proxy-client.h>
#include <mp/proxy-server.h>
#include <mp/spawn.h>

#include <cstddef>
#include <memory>
#include <optional>

namespace mp {

//! Connects over `stream` to a process serving `InitInterface` and returns a client proxy for
//! it (after `construct`, which exchanges the two sides' ThreadMaps). Dropping the proxy
//! closes the connection.
template <typename InitInterface>
std::unique_ptr<ProxyClient<InitInterface>> ConnectStream(EventLoop& loop, Stream stream)
{
    auto remote = ConnectRemote(loop, std::move(stream), InterfaceInfoOf<InitInterface>());
    return std::make_unique<ProxyClient<InitInterface>>(std::move(remote), loop);
}

//! Serves `init` (not owned; it must outlive the connection) as `InitInterface` on `stream`
//! until the peer disconnects. The connection keeps `loop` running.
template <typename InitInterface, typename InitImpl>
void ServeStream(EventLoop& loop, Stream stream, InitImpl& init)
{
    ServeRemote(loop, std::move(stream),
        std::make_unique<ProxyServer<InitInterface>>(std::shared_ptr<InitImpl>(&init, [](InitImpl*) {}), loop));
}

//! Accepts connections on the listening socket `fd` and serves `init` (not owned) as
//! `InitInterface` on each, at most `max_connections` at once when given.
template <typename InitInterface, typename InitImpl>
void ListenConnections(EventLoop& loop, SocketId fd, InitImpl& init, std::optional<size_t> max_connections = std::nullopt)
{
    ListenRemote(
        loop, fd,
        [&loop, &init]() -> std::unique_ptr<ServerBase> {
            return std::make_unique<ProxyServer<InitInterface>>(std::shared_ptr<InitImpl>(&init, [](InitImpl*) {}), loop);
        },
        max_connections);
}

} // namespace mp

#endif // MP_PROXY_IO_H
