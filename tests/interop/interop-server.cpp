// Interop server built with the ORIGINAL libmultiprocess: serves conf::Init (conformance.capnp)
// for our Rust mpconf-client, which starts it as `interop-server serve <fd> <socket path>` with
// mp::spawn_process. The checks are the client's; this program only implements the interfaces
// the way an application of the original would.

#include <conformance.capnp.h>
#include <conformance.capnp.proxy.h>

#include <interop-types-impl.h>
#include <mp/proxy-io.h>

#include <algorithm>
#include <mp/util.h>

#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <thread>

namespace {

int64_t Tid() { return static_cast<int64_t>(syscall(SYS_gettid)); }

std::atomic<uint32_t> g_destroyed{0};

class ServiceImpl final : public conf::Service
{
public:
    ~ServiceImpl() override { ++g_destroyed; }
    int add(int a, int b) override { return a + b; }
    int addNoContext(int a, int b) override { return a + b; }
    void whereAmI(int64_t& tid, std::string& name) override
    {
        tid = Tid();
        name = mp::ThreadName("interop-server");
    }
    std::vector<int64_t> callBack(std::unique_ptr<conf::Callback> cb, int depth) override
    {
        if (!cb) throw std::runtime_error("null callback");
        std::vector<int64_t> tids{Tid()};
        auto more = cb->call(depth);
        tids.insert(tids.end(), more.begin(), more.end());
        return tids; // `cb` goes here: destroy reaches the caller before the reply
    }
    void callBackFresh(std::unique_ptr<conf::Callback> cb, int64_t& tid, std::string& name) override
    {
        if (!cb) throw std::runtime_error("null callback");
        std::thread fresh([&] {
            cb->whereAmI(tid, name);
            cb.reset();
        });
        fresh.join();
    }
    void echo(std::string&, std::string&) override {}
    void fail(std::string message) override { throw std::runtime_error(message); }
};

class InitImpl final : public conf::Init
{
public:
    std::unique_ptr<conf::Types> makeTypes() override { return std::make_unique<conf::TypesImpl>(); }
    std::unique_ptr<conf::Service> makeService() override { return std::make_unique<ServiceImpl>(); }
    std::unique_ptr<conf::Service> makeNothing() override { return nullptr; }
    int64_t loopTid() override { return Tid(); }
    uint32_t destroyedCount() override { return g_destroyed; }
    void spawnInfo(int32_t& fd, bool& cloexec, std::vector<int32_t>& other_fds) override
    {
        fd = -1;
        cloexec = false;
        other_fds.clear();
    }
    void quit() override
    {
        // The original offers no way to drop one connection from inside a method: end the
        // process soon after the reply.
        std::thread([] {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            _exit(0);
        }).detach();
    }
};

void LogPrint(mp::LogMessage message)
{
    if (message.level == mp::Log::Raise) throw std::runtime_error(message.message);
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 4 || std::string(argv[1]) != "serve") {
        std::cerr << "usage: interop-server serve <fd> <socket path>\n";
        return 2;
    }
    mp::SocketId socket{mp::StartSpawned(argv[2])};
    mp::EventLoop loop("interop-server", LogPrint);
    InitImpl init;
    int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr;
    std::memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, argv[3], sizeof(addr.sun_path) - 1);
    unlink(argv[3]);
    if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(listener, 5) != 0) {
        std::perror("interop-server: listen");
        return 1;
    }
    mp::ListenConnections<ConfInit>(loop, listener, init);
    mp::ServeStream<ConfInit>(loop, mp::MakeStream(loop, socket), init);
    loop.loop();
    unlink(argv[3]);
    return 0;
}
