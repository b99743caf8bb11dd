// A peer that dies during and before C++ calls: the caller gets the original's disconnect
// exceptions, promptly, and releasing proxies afterwards neither hangs nor crashes.
// Usage: mp_cpp_disconnect_test <path of calls_server>
#include "check.h"
#include "loop_thread.h"

#include "calls_servers.h"

#include <mp/proxy-io.h>

#include <chrono>
#include <csignal>
#include <iostream>
#include <sys/wait.h>
#include <thread>

namespace {

std::string g_server;

using namespace calls;
using Clock = std::chrono::steady_clock;

void CallInterruptedByDisconnect()
{
    mp_test::LoopThread loop_thread("cppdisconnect");
    mp::EventLoop* loop = &loop_thread.loop();
    auto [pid, socket] = mp::SpawnProcess([](const mp::SpawnConnectInfo& info) { return std::vector<std::string>{g_server, info}; });
    auto init = mp::ConnectRemote(*loop, mp::MakeStream(*loop, socket), InitInfo());
    mp::OutgoingMessage make;
    make.initRoot<TestInit::MakeAdderParams>();
    auto reply = init->call(InitInfo(), MAKE_ADDER, make);
    auto adder = reply.takeCapability(reply.getRoot<TestInit::MakeAdderResults>().getResult(), AdderInfo());

    // Kill the server while a call is running on it.
    std::thread killer([pid = pid] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        kill(pid, SIGKILL);
    });
    const auto start = Clock::now();
    mp::OutgoingMessage hang;
    hang.initRoot<Adder::HangParams>();
    CHECK_THROWS(adder->call(AdderInfo(), HANG, hang), "IPC client method call interrupted by disconnect.");
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    killer.join();
    std::cout << "       the interrupted call returned " << waited << " ms after it started (the kill came at 200 ms)"
              << std::endl;

    // A call after the disconnect fails at once with the original's other text.
    mp::OutgoingMessage add;
    add.initRoot<Adder::AddParams>();
    CHECK_THROWS(adder->call(AdderInfo(), ADD, add), "IPC client method called after disconnect.");

    // Releasing proxies of the dead peer returns (destroy cannot be sent; the runtime logs it).
    adder.reset();
    init.reset();
    int status = 0;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    loop_thread.stop();
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::cerr << "usage: mp_cpp_disconnect_test <calls_server>\n";
        return 2;
    }
    g_server = argv[1];
    mp_test::Run("call interrupted by disconnect", CallInterruptedByDisconnect);
    return mp_test::Summary();
}
