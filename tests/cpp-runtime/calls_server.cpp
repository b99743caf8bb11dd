// A process serving the test interfaces on the socket its parent passed: calls_server <fd>.
// The disconnect test kills it in the middle of a call.
#include "calls_servers.h"

#include <mp/proxy-io.h>

#include <iostream>

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::cerr << "usage: calls_server <fd>\n";
        return 1;
    }
    const mp::SocketId socket = mp::StartSpawned(argv[1]);
    calls::Stats stats;
    mp::EventLoop loop("calls_server", [](mp::LogMessage) {});
    mp::ServeRemote(loop, mp::MakeStream(loop, socket), std::make_unique<calls::InitServer>(loop, stats));
    loop.loop();
    return 0;
}
