// Our C++ server of the conformance suite: the same contract as tests/src/bin/mpconf-server.rs,
// written on our C++ wing (mpgen's C++ output for conformance.capnp, include/mp, the bridge).
//
// `mpconf-cpp-server <fd> [<socket path>]`: serves ConfInit on the socket whose fd number the
// spawning parent passed and, with a path, also on connections accepted there. The C++ peer
// (`conformance-peer client mpconf-cpp-server`) drives it; `interop-client` built on the
// original can too (tests/tests/conformance.rs).

#include <conformance.capnp.h>
#include <conformance.capnp.proxy.h>

#include <interop-types-impl.h>
#include <mp/proxy-io.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr const char* kExe = "mpconf-cpp-server";

int64_t Tid() { return static_cast<int64_t>(syscall(SYS_gettid)); }

//! What the parent left this process at start-up (observed before anything opens a descriptor).
struct Inherited {
    int32_t fd = -1;
    bool cloexec = false;
    std::vector<int32_t> other_fds;

    static Inherited Observe(const std::string& arg)
    {
        Inherited out;
        if (!arg.empty() && std::all_of(arg.begin(), arg.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            out.fd = std::atoi(arg.c_str());
        }
        const int flags = out.fd >= 0 ? fcntl(out.fd, F_GETFD) : -1;
        out.cloexec = flags >= 0 && (flags & FD_CLOEXEC) != 0;
        if (DIR* dir = opendir("/proc/self/fd")) {
            const int own = dirfd(dir);
            while (dirent* entry = readdir(dir)) {
                const std::string name = entry->d_name;
                if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
                const int n = std::atoi(name.c_str());
                if (n > 2 && n != out.fd && n != own) out.other_fds.push_back(n);
            }
            closedir(dir);
        }
        std::sort(out.other_fds.begin(), out.other_fds.end());
        return out;
    }
};

std::atomic<uint32_t> g_destroyed{0};

class ServiceImpl final : public conf::Service
{
public:
    ~ServiceImpl() override { ++g_destroyed; }
    int add(int a, int b) override { return static_cast<int>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b)); }
    int addNoContext(int a, int b) override { return add(a, b); }
    void whereAmI(int64_t& tid, std::string& name) override
    {
        tid = Tid();
        name = mp::LongThreadName(kExe);
    }
    std::vector<int64_t> callBack(std::unique_ptr<conf::Callback> cb, int depth) override
    {
        if (!cb) throw std::runtime_error("null callback");
        std::vector<int64_t> tids{Tid()};
        auto more = cb->call(depth);
        tids.insert(tids.end(), more.begin(), more.end());
        // Releasing the proxy sends `destroy` to the caller before this call returns.
        cb.reset();
        return tids;
    }
    void callBackFresh(std::unique_ptr<conf::Callback> cb, int64_t& tid, std::string& name) override
    {
        if (!cb) throw std::runtime_error("null callback");
        // A thread that serves no request of the peer: its call needs a new peer thread.
        std::exception_ptr error;
        std::thread fresh([&] {
            try {
                cb->whereAmI(tid, name);
                cb.reset();
            } catch (...) {
                error = std::current_exception();
            }
        });
        fresh.join();
        if (error) std::rethrow_exception(error);
    }
    void echo(std::string&, std::string&) override {}
    void fail(std::string message) override { throw std::runtime_error(message); }
};

class InitImpl final : public conf::Init
{
public:
    explicit InitImpl(Inherited inherited) : m_inherited(std::move(inherited)) {}
    std::unique_ptr<conf::Service> makeService() override { return std::make_unique<ServiceImpl>(); }
    std::unique_ptr<conf::Service> makeNothing() override { return nullptr; }
    int64_t loopTid() override { return Tid(); }
    uint32_t destroyedCount() override { return g_destroyed; }
    void spawnInfo(int32_t& fd, bool& cloexec, std::vector<int32_t>& other_fds) override
    {
        fd = m_inherited.fd;
        cloexec = m_inherited.cloexec;
        other_fds = m_inherited.other_fds;
    }
    std::unique_ptr<conf::Types> makeTypes() override { return std::make_unique<conf::TypesImpl>(); }
    void quit() override
    {
        // Leave after the reply had a chance to go out, as mpconf-server does: the peer accepts
        // either outcome of this call and checks the calls after it.
        std::thread([] {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            std::fflush(nullptr);
            _exit(0);
        }).detach();
    }

private:
    Inherited m_inherited;
};

} // namespace

int main(int argc, char** argv)
{
    // Before anything opens a descriptor: what did the parent leave us?
    Inherited inherited = Inherited::Observe(argc > 1 ? argv[1] : "");
    if (argc < 2 || argc > 3) {
        std::printf("Usage: %s <fd> [<socket path>]\n", kExe);
        return 1;
    }
    try {
        const mp::SocketId socket = mp::StartSpawned(argv[1]);
        mp::EventLoop loop(kExe, [](mp::LogMessage message) {
            if (message.level == mp::Log::Raise) throw std::runtime_error(message.message);
        });
        InitImpl init(std::move(inherited));
        if (argc == 3) {
            const int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_un addr;
            std::memset(&addr, 0, sizeof(addr));
            addr.sun_family = AF_UNIX;
            std::strncpy(addr.sun_path, argv[2], sizeof(addr.sun_path) - 1);
            if (listener < 0 || bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(listener, 5) != 0) {
                std::perror("mpconf-cpp-server: listen");
                return 1;
            }
            mp::ListenConnections<ConfInit>(loop, listener, init);
        }
        mp::ServeStream<ConfInit>(loop, mp::MakeStream(loop, socket), init);
        loop.loop();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", kExe, e.what());
        return 1;
    }
    return 0;
}
