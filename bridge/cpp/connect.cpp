// mp/connect.h over the bridge.
#include <mp/connect.h>

#include "multiprocess-cxx/cpp/callbacks.h"
#include "multiprocess-cxx/cpp/handles.h"

#include <unistd.h>

namespace mp {

Stream& Stream::operator=(Stream&& other) noexcept
{
    if (this != &other) {
        if (m_socket != SocketError) close(m_socket);
        m_socket = std::exchange(other.m_socket, SocketError);
    }
    return *this;
}

Stream::~Stream()
{
    if (m_socket != SocketError) close(m_socket);
}

Stream MakeStream(EventLoop&, SocketId socket) { return Stream(socket); }

std::unique_ptr<RemoteCapability> ConnectRemote(EventLoop& loop, Stream stream, const InterfaceInfo& interface)
{
    try {
        rust::Box<bridge::Remote> remote = bridge::connect_stream(*loop.impl().handle, stream.release(), *interface.impl().handle);
        return std::make_unique<RemoteCapability>(std::make_unique<RemoteCapability::Impl>(RemoteCapability::Impl{std::move(remote)}));
    } catch (const rust::Error& e) {
        bridge::Rethrow(e);
    }
}

void ServeRemote(EventLoop& loop, Stream stream, std::unique_ptr<ServerBase> server)
{
    const InterfaceInfo& info = server->interfaceInfo();
    try {
        auto local = bridge::new_local(
            *loop.impl().handle, *info.impl().handle, std::make_unique<bridge::CxxServer>(std::move(server)));
        bridge::serve_stream(*loop.impl().handle, stream.release(), std::move(local));
    } catch (const rust::Error& e) {
        bridge::Rethrow(e);
    }
}

void ListenRemote(EventLoop& loop, SocketId listener, std::function<std::unique_ptr<ServerBase>()> make_server,
    std::optional<size_t> max_connections)
{
    try {
        bridge::listen_connections(*loop.impl().handle, listener,
            std::make_unique<bridge::CxxServerFactory>(loop, std::move(make_server)),
            max_connections ? static_cast<int64_t>(*max_connections) : 0);
    } catch (const rust::Error& e) {
        bridge::Rethrow(e);
    }
}

} // namespace mp
