// range_wide.capnp's side of range_test (int64_t numbers), spawned by it: `mp_cpp_range_server
// INFO` serves a Wide to the parent and exits when the parent disconnects; `mp_cpp_range_server
// client INFO` calls the parent's Narrow with an argument too big for `int` and exits 0 when the
// call fails with the original's text, 1 otherwise.
#include "loop_thread.h"

#include <range_wide.capnp.h>
#include <range_wide.capnp.proxy.h>

#include <mp/proxy-io.h>
#include <mp/util.h>

#include <exception>
#include <iostream>
#include <string>
#include <thread>

namespace {

class WideImpl : public range::Wide
{
public:
    int64_t scale(int64_t v, int64_t factor) override { return v * factor; }
};

} // namespace

int main(int argc, char** argv)
{
    const bool client_mode = argc == 3 && std::string(argv[1]) == "client";
    if (argc != 2 && !client_mode) {
        std::cerr << "usage: mp_cpp_range_server [client] <connect info>" << std::endl;
        return 2;
    }
    const mp::SocketId socket = mp::StartSpawned(argv[client_mode ? 2 : 1]);
    mp_test::LoopThread loop_thread("range-server");
    mp::EventLoop* loop = &loop_thread.loop();
    if (client_mode) {
        int status = 1;
        {
            auto client = mp::ConnectStream<range::wide::NumbersInterface>(*loop, mp::MakeStream(*loop, socket));
            try {
                client->scale(int64_t{1} << 40, 1);
                std::cerr << "a too-big argument was accepted" << std::endl;
            } catch (const std::exception& e) {
                if (std::string(e.what()).find("out of bound int received") != std::string::npos) {
                    status = 0;
                } else {
                    std::cerr << "unexpected error: " << e.what() << std::endl;
                }
            }
            // Values that fit still pass, after the failed call as before it.
            try {
                if (client->scale(-21, 2) != -42) status = 1;
            } catch (const std::exception& e) {
                std::cerr << "call after the range error failed: " << e.what() << std::endl;
                status = 1;
            }
        }
        loop_thread.stop();
        return status;
    }
    WideImpl server;
    mp::ServeStream<range::wide::NumbersInterface>(*loop, mp::MakeStream(*loop, socket), server);
    // Returns when the parent disconnects.
    loop_thread.stop();
    return 0;
}
