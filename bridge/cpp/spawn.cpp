// Processes and sockets (mp/spawn.h) over the Rust runtime.
#include <mp/spawn.h>

#include "multiprocess-cxx/cpp/callbacks.h"
#include "multiprocess-cxx/src/lib.rs.h"

#include <stdexcept>

namespace mp {
namespace {
//! Rust errors surface as std::runtime_error with the runtime's message.
template <typename F>
auto Checked(F&& f) -> decltype(f())
{
    try {
        return f();
    } catch (const rust::Error& e) {
        throw std::runtime_error(e.what());
    }
}
} // namespace

std::tuple<ProcessId, SocketId> SpawnProcess(SpawnConnectInfoToArgsFn&& connect_info_to_args)
{
    bridge::ArgsMaker maker(connect_info_to_args);
    bridge::Spawned spawned = Checked([&] { return bridge::spawn_process(maker); });
    return {spawned.pid, spawned.socket};
}

SocketId StartSpawned(const SpawnConnectInfo& connect_info)
{
    return Checked([&] { return bridge::start_spawned(connect_info); });
}

std::array<SocketId, 2> SocketPair()
{
    auto pair = Checked([] { return bridge::socket_pair(); });
    return {pair[0], pair[1]};
}

int WaitProcess(ProcessId pid)
{
    return Checked([&] { return bridge::wait_process(pid); });
}

} // namespace mp
