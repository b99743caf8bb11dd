// Benchmark server on the original libmultiprocess: serves BenchInit on the spawned socket
// (argv[1], a file descriptor number) and on a listening Unix socket (argv[2]).

#include <bench.capnp.h>
#include <bench.capnp.proxy.h>

#include <mp/proxy-io.h>
#include <mp/util.h>

#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace {

using mpbench::Bench;
using mpbench::BenchCallback;
using mpbench::BenchInit;

class BenchImpl : public Bench
{
public:
    int add(int a, int b) override { return a + b; }
    int addCtx(int a, int b) override { return a + b; }
    int callBack(BenchCallback& cb, int x) override { return cb.call(x); }
    std::vector<char> echo(std::vector<char> data) override { return data; }
};

class BenchInitImpl : public BenchInit
{
public:
    std::unique_ptr<Bench> makeBench() override { return std::make_unique<BenchImpl>(); }
};

int Listen(const std::string& path)
{
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (fd < 0 || path.size() >= sizeof(addr.sun_path)) return -1;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    unlink(path.c_str());
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) return -1;
    if (listen(fd, SOMAXCONN) != 0) return -1;
    return fd;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 3) {
        std::cerr << "usage: mpbench-server <fd> <socket-path>\n";
        return 1;
    }
    mp::SocketId socket{mp::StartSpawned(argv[1])};
    int listen_fd = Listen(argv[2]);
    if (listen_fd < 0) {
        std::cerr << "mpbench-server: cannot listen on " << argv[2] << "\n";
        return 1;
    }
    mp::LogOptions log;
    log.log_fn = [](mp::LogMessage m) {
        if (m.level >= mp::Log::Warning) std::cerr << "mpbench-server: " << m.message << "\n";
    };
    log.log_level = mp::Log::Warning;
    mp::EventLoop loop("mpbench-server", log);
    BenchInitImpl init;
    mp::ListenConnections<::BenchInit>(loop, listen_fd, init);
    mp::ServeStream<::BenchInit>(loop, mp::MakeStream(loop, socket), init);
    loop.loop();
    return 0;
}
