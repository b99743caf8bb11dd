// Connections at the transport level: a socket wrapped as a stream, connected to a peer's
// bootstrap capability, or served with a C++ server. The typed forms (ConnectStream<I>,
// ServeStream<I>, ListenConnections<I>) build on these.
#ifndef MP_CONNECT_H
#define MP_CONNECT_H

#include <mp/event-loop.h>
#include <mp/spawn.h>
#include <mp/transport.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

namespace mp {

//! A socket handed to a connection. It owns the descriptor until a connection takes it.
class Stream
{
public:
    Stream() = default;
    explicit Stream(SocketId socket) : m_socket(socket) {}
    Stream(Stream&& other) noexcept : m_socket(std::exchange(other.m_socket, SocketError)) {}
    Stream& operator=(Stream&& other) noexcept;
    Stream(const Stream&) = delete;
    Stream& operator=(const Stream&) = delete;
    ~Stream();

    //! Gives up the descriptor (a connection now owns it).
    SocketId release() { return std::exchange(m_socket, SocketError); }

private:
    SocketId m_socket{SocketError};
};

//! Wraps a connected socket, taking ownership of it.
Stream MakeStream(EventLoop& loop, SocketId socket);

//! Connects over `stream` and returns the peer's bootstrap capability as `interface`, after
//! calling `construct` when the interface has it.
std::unique_ptr<RemoteCapability> ConnectRemote(EventLoop& loop, Stream stream, const InterfaceInfo& interface);

//! Serves `server` as the bootstrap capability on `stream` until the peer disconnects.
void ServeRemote(EventLoop& loop, Stream stream, std::unique_ptr<ServerBase> server);

//! Accepts connections on the listening socket `listener` and serves a server made by
//! `make_server` on each; at most `max_connections` at once when given.
void ListenRemote(EventLoop& loop, SocketId listener, std::function<std::unique_ptr<ServerBase>()> make_server,
    std::optional<size_t> max_connections = std::nullopt);

} // namespace mp

#endif // MP_CONNECT_H
