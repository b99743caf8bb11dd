// Uses the installed package the way a libmultiprocess program starts: an event loop thread,
// a reference, a spawned child. Prints "consumer ok" and exits 0 when everything worked.
#include <mp/proxy-io.h>
#include <mp/spawn.h>
#include <mp/version.h>

#include <future>
#include <iostream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

// Installed like every other header (the original's install leaves it out).
static_assert(MP_MAJOR_VERSION >= 14, "mp/version.h names the API version");

int main()
{
    std::promise<mp::EventLoop*> ready;
    std::thread loop_thread([&] {
        mp::EventLoop loop("consumer", [](mp::LogMessage) {});
        ready.set_value(&loop);
        loop.loop();
    });
    mp::EventLoop* loop = ready.get_future().get();
    mp::EventLoopRef ref{*loop};
    int answer = 0;
    loop->sync([&] { answer = 42; });
    auto [pid, socket] = mp::SpawnProcess([](const mp::SpawnConnectInfo&) { return std::vector<std::string>{"true"}; });
    const int status = mp::WaitProcess(pid);
    close(socket);
    ref.reset();
    loop_thread.join();
    if (answer != 42 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::cerr << "consumer failed" << std::endl;
        return 1;
    }
    std::cout << "consumer ok" << std::endl;
    return 0;
}
