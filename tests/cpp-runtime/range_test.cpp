// Range errors from a live peer: this program's C++ class says `int` where its peer's (built
// from range_wide.capnp into mp_cpp_range_server, same interface ID) says `int64_t`. A result too
// big for `int` throws at the client, an argument too big for `int` fails the call at the server,
// both with the original's text; values that fit pass.
#include "check.h"
#include "loop_thread.h"

#include <range_narrow.capnp.h>
#include <range_narrow.capnp.proxy.h>

#include <mp/proxy-io.h>
#include <mp/util.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <vector>

namespace {

class NarrowImpl : public range::Narrow
{
public:
    int scale(int v, int factor) override { return v * factor; }
};

} // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::cerr << "usage: mp_cpp_range_test <path of mp_cpp_range_server>" << std::endl;
        return 2;
    }
    const std::string server_exe = argv[1];
    mp_test::LoopThread loop_thread("range");
    mp::EventLoop* loop = &loop_thread.loop();
    {
        NarrowImpl server;
        // Narrow client, wide server (another process): the result does not fit `int`.
        mp_test::Run("result out of range at the client", [&] {
            auto [pid, socket] = mp::SpawnProcess(
                [&](const mp::SpawnConnectInfo& info) { return std::vector<std::string>{server_exe, info}; });
            auto client = mp::ConnectStream<range::narrow::NumbersInterface>(*loop, mp::MakeStream(*loop, socket));
            CHECK_EQ(client->scale(1000, 1000), 1000000);
            CHECK_THROWS(client->scale(1 << 20, 1 << 20), "out of bound int received");
            CHECK_THROWS(client->scale(-(1 << 20), 1 << 20), "out of bound int received");
            CHECK_EQ(client->scale(-7, 6), -42);
            client.reset();
            const int status = mp::WaitProcess(pid);
            CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        });
        // Wide client (another process), narrow server: the argument does not fit `int`; the
        // child checks the error it gets and says so by its exit status.
        mp_test::Run("argument out of range at the server", [&] {
            auto [pid, socket] = mp::SpawnProcess(
                [&](const mp::SpawnConnectInfo& info) { return std::vector<std::string>{server_exe, "client", info}; });
            mp::ServeStream<range::narrow::NumbersInterface>(*loop, mp::MakeStream(*loop, socket), server);
            const int status = mp::WaitProcess(pid);
            CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        });
    }
    loop_thread.stop();
    return mp_test::Summary();
}
