// Child processes and sockets with the original's conventions: a child gets its end of a
// socketpair as a decimal fd number in argv.
#ifndef MP_SPAWN_H
#define MP_SPAWN_H

#include <array>
#include <functional>
#include <string>
#include <tuple>
#include <vector>

namespace mp {

using ProcessId = int;
using SocketId = int;
constexpr SocketId SocketError{-1};

//! What a spawned child must be given (in argv) to find its socket.
using SpawnConnectInfo = std::string;

//! Turns the child's connect info into its whole argv; argv[0] is searched in PATH.
using SpawnConnectInfoToArgsFn = std::function<std::vector<std::string>(const SpawnConnectInfo&)>;

//! Starts a child connected to this process; returns its pid and this process's socket.
//! Throws std::runtime_error when the process cannot be started.
std::tuple<ProcessId, SocketId> SpawnProcess(SpawnConnectInfoToArgsFn&& connect_info_to_args);

//! In a spawned child: the socket named by the connect info its parent passed.
SocketId StartSpawned(const SpawnConnectInfo& connect_info);

//! A pair of connected, close-on-exec sockets.
std::array<SocketId, 2> SocketPair();

//! Waits for a child to exit; returns its raw wait status.
int WaitProcess(ProcessId pid);

} // namespace mp

#endif // MP_SPAWN_H
