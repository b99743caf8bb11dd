// Our C++ client of the conformance suite: the same plan and checks as
// tests/src/bin/mpconf-client.rs, written on our C++ wing (mpgen's C++ output, include/mp, the
// bridge). `mpconf-cpp-client <peer>` starts `<peer> serve <fd> <socket path>` with
// mp::SpawnProcess, drives it through the generated proxies and prints one line per check; the
// peer, as the server, checks what arrives on the wire.
//
// The peer relies on the plan: on the spawned connection, Context calls come from exactly two
// threads (the main thread and one named `conf-worker`); on the second connection only from
// the main thread.

#include "loop_thread.h"

#include <conformance.capnp.h>
#include <conformance.capnp.proxy.h>
#include <big-echo.h>
#include <interop-callback-impl.h>

#include <mp/proxy-io.h>

#include <pthread.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr const char* kExe = "mpconf-cpp-client";
constexpr const char* kWho = "our c++ client";

int g_passed = 0, g_failed = 0;

void Check(bool ok, const std::string& what, const std::string& detail = {})
{
    (ok ? g_passed : g_failed)++;
    if (ok) std::printf("PASS [%s] %s\n", kWho, what.c_str());
    else std::printf("FAIL [%s] %s: %s\n", kWho, what.c_str(), detail.c_str());
    std::fflush(stdout);
}

std::string Escape(const std::string& s)
{
    std::string out;
    for (unsigned char c : s) {
        char buf[8];
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out += static_cast<char>(c);
        } else {
            std::snprintf(buf, sizeof(buf), "\\x%02x", c);
            out += buf;
        }
    }
    return out;
}

int64_t Tid() { return static_cast<int64_t>(syscall(SYS_gettid)); }

//! The error text of `f`, or "" when it did not throw.
template <typename F>
std::string Error(F&& f)
{
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

std::atomic<int> g_callbacks_destroyed{0};

//! The calling thread's name as the library under test gives it.
std::string ThreadName() { return mp::LongThreadName(kExe); }

std::unique_ptr<conf::CallbackImpl> NewCallback(conf::Service& service)
{
    return std::make_unique<conf::CallbackImpl>(service, g_callbacks_destroyed, &ThreadName);
}

//! Values of the issue-3 types against a server that serves `makeTypes` (ours and the
//! original's do; the hand-written peer does not, and is left alone).
void TypesChecks(conf::Init& init)
{
    std::unique_ptr<conf::Types> types;
    const std::string error = Error([&] { types = init.makeTypes(); });
    if (error.find("not implemented") != std::string::npos || error.find("unimplemented") != std::string::npos) return;
    Check(types != nullptr, "makeTypes returns a capability", Escape(error));
    if (!types) return;
    Check(types->optional(0) == std::optional<int>{1}, "optional: 0 is a value (hasValue), result + 1 (hasResult)");
    Check(types->optional(std::nullopt) == std::nullopt, "optional: nothing in, nothing out");
    const std::map<std::string, int> want{{"a", 2}, {"b", 4}, {"server", 1}};
    Check(types->counts({{"b", 2}, {"a", 1}}) == want, "std::map <-> List(NamedCount) <-> the server's map");
    Check(types->raise(0) == 7, "an exception field left unset: the result arrives");
    std::string raised;
    try {
        types->raise(5);
    } catch (const std::exception& e) {
        raised = e.what();
    }
    Check(raised == "code 5", "$Proxy.exception: the server's std::exception arrives with its text", Escape(raised));
    const conf::Record back = types->record(conf::Record{"r", {1, 2, 3}, 4});
    Check(back == conf::Record{"r seen", {3, 2, 1}, 40}, "a $Proxy.wrap struct with a hasX member round-trips", Escape(back.name));
    const conf::Record none = types->record(conf::Record{"n", {}, std::nullopt});
    Check(!none.optionalInt, "an unset optional member stays unset");
    int doubled = 0;
    types->wanted(21, &doubled);
    Check(doubled == 42, "wantX: a wanted output is written", std::to_string(doubled));
    types->wanted(21, nullptr);
    Check(true, "wantX: an unwanted output is skipped");
}

bool ExitedOk(int status) { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }

mp::SocketId ConnectPath(const std::string& path)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr;
    std::memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        const std::string error = std::strerror(errno);
        if (fd >= 0) close(fd);
        throw std::runtime_error("connect " + path + ": " + error);
    }
    return fd;
}

void Run(mp::EventLoop& loop, const std::string& peer)
{
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("mpconf-cpp-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "peer.sock").string();
    auto [pid, socket] = mp::SpawnProcess([&](const mp::SpawnConnectInfo& info) {
        return std::vector<std::string>{peer, "serve", info, path};
    });
    const int64_t me = Tid();

    std::unique_ptr<mp::ProxyClient<ConfInit>> init;
    std::string error = Error([&] { init = mp::ConnectStream<ConfInit>(loop, mp::MakeStream(loop, socket)); });
    Check(init != nullptr, "ConnectStream: bootstrap and construct with the C++ server", error);
    if (!init) throw std::runtime_error("cannot continue without a connection");
    error = Error([&] { init->loopTid(); });
    Check(error.empty(), "call without Context (loopTid)", error);
    std::unique_ptr<conf::Service> service = init->makeService();
    Check(service != nullptr, "makeService returns a capability");
    if (!service) throw std::runtime_error("cannot continue without a service");
    Check(service->add(2, 3) == 5, "Context call with a pipelined makeThread (add)");
    Check(service->addNoContext(4, 5) == 9, "call without Context (addNoContext)");
    // The first call of each kind taught the runtime the numbers to name: later ones go
    // from the calling thread straight to the socket (doc/design.md, "Direct calls"). Not
    // on the bootstrap proxy, whose calls name capnp-rpc's open bootstrap question.
    if (auto* proxy = dynamic_cast<mp::ProxyClient<ConfService>*>(service.get())) {
        const uint64_t before = proxy->remote().directCalls();
        const bool right = service->add(3, 4) == 7 && service->addNoContext(5, 6) == 11;
        const uint64_t after = proxy->remote().directCalls();
        Check(right && after == before + 2, "calls after the first go direct (RemoteCapability::directCalls)",
            std::to_string(before) + " -> " + std::to_string(after));
    } else {
        Check(false, "the service is a ProxyClient<ConfService>");
    }

    int64_t t1 = 0, t2 = 0;
    std::string n1, n2;
    service->whereAmI(t1, n1);
    service->whereAmI(t2, n2);
    Check(t1 == t2 && n1 == n2, "calls from one thread run on one server thread", Escape(n1) + " then " + Escape(n2));
    int64_t t3 = 0;
    std::string n3, worker_error;
    std::thread worker([&] {
        pthread_setname_np(pthread_self(), "conf-worker");
        worker_error = Error([&] {
            service->whereAmI(t3, n3);
            service->add(1, 1);
        });
    });
    worker.join();
    Check(worker_error.empty() && t3 != t1, "another client thread gets another server thread", Escape(worker_error + n3));

    // Callbacks: they must run on this (blocked) thread, at any depth.
    auto v = service->callBack(NewCallback(*service), 1);
    Check(v.size() == 2 && v[1] == me, "server callback runs on the calling thread", std::to_string(v.size()) + " entries");
    Check(g_callbacks_destroyed == 1, "the server's destroy of the callback arrives during the call",
          std::to_string(g_callbacks_destroyed) + " callbacks destroyed");
    auto w = service->callBack(NewCallback(*service), 3);
    bool ok = w.size() == 6;
    for (size_t i = 0; ok && i < w.size(); ++i) ok = w[i] == (i % 2 ? me : w[0]);
    Check(ok, "recursion 3 deep: callbacks on the calling thread, nested calls on one server thread");
    Check(g_callbacks_destroyed == 4, "every nested callback was destroyed by the server",
          std::to_string(g_callbacks_destroyed) + " callbacks destroyed");
    int64_t fresh_tid = 0;
    std::string fresh_name;
    service->callBackFresh(NewCallback(*service), fresh_tid, fresh_name);
    const std::string prefix = std::string(kExe) + "-" + std::to_string(getpid()) + "/";
    Check(fresh_tid != me && fresh_name.rfind(prefix, 0) == 0 && fresh_name.find(" (from ") != std::string::npos,
          "a server call from a fresh thread runs on a worker made by our ThreadMap", Escape(fresh_name));

    Check(init->makeNothing() == nullptr, "a null capability result reads as nullptr");
    error = Error([&] { service->fail("boom"); });
    Check(error.find("std::exception: boom") != std::string::npos, "a server exception arrives with its text", Escape(error));
    Check(service->add(20, 22) == 42, "the connection works after an exception");
    std::string text("a\0b", 3), data("\xff\x00" "a", 3);
    service->echo(text, data);
    Check(text == std::string("a\0b", 3) && data == std::string("\xff\x00" "a", 3),
          "Text with NUL and Data bytes round-trip (in/out fields)", Escape(text) + " " + Escape(data));
    Check(BigDataRoundTrips(*service), "1 MiB of Data round-trips, three times", "");
    TypesChecks(*init);
    // Not in the original's C++ API (its test reaches into the connection's ThreadMap): ours.
    error = Error([&] { init->remote().makePool(2); });
    Check(error.empty(), "makePool on the server's ThreadMap", error);

    // A second connection to the same server: a new request thread for this thread.
    std::unique_ptr<mp::ProxyClient<ConfInit>> init2;
    error = Error([&] { init2 = mp::ConnectStream<ConfInit>(loop, mp::MakeStream(loop, ConnectPath(path))); });
    Check(init2 != nullptr, "a second connection through the socket path", error);
    if (init2) {
        std::unique_ptr<conf::Service> svc2 = init2->makeService();
        Check(svc2 != nullptr, "makeService on the second connection");
        if (svc2) {
            int64_t t4 = 0;
            std::string n4;
            svc2->whereAmI(t4, n4);
            Check(t4 != t1, "the same thread gets its own server thread on each connection", Escape(n4));
            error = Error([&] { init2->quit(); });
            Check(error.empty() || error.find("disconnect") != std::string::npos, "quit: the server drops the connection", Escape(error));
            // The peer drops the connection after its reply: until the runtime notices, calls
            // still go through. Wait (bounded; not a timing check) for the first that fails;
            // it either finds the connection gone or is interrupted when it goes.
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
            do {
                error = Error([&] { svc2->add(1, 1); });
                if (error.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
            } while (error.empty() && std::chrono::steady_clock::now() < deadline);
            Check(error == "IPC client method called after disconnect." || error == "IPC client method call interrupted by disconnect.",
                  "a call after the server dropped the connection fails as disconnected", Escape(error));
        }
        svc2.reset();
        init2.reset();
    }

    // destroy on release, then release, then close: the peer checks the order on the wire.
    service.reset();
    init.reset();
    const int status = mp::WaitProcess(pid);
    Check(ExitedOk(status), "the spawned peer exits with 0 once we close the connection", "status " + std::to_string(status));
    std::filesystem::remove_all(dir);
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::printf("Usage: %s <peer executable>\n", kExe);
        return 1;
    }
    alarm(300); // a hung check must not hang the test run
    mp_test::LoopThread loop_thread(kExe, [](mp::LogMessage message) {
        if (message.level == mp::Log::Raise) throw std::runtime_error(message.message);
    });
    try {
        Run(loop_thread.loop(), argv[1]);
    } catch (const std::exception& e) {
        Check(false, "run the client scenarios", e.what());
    }
    loop_thread.stop();
    std::printf("[%s] %d passed, %d failed, 0 known gaps\n", kWho, g_passed, g_failed);
    return 0;
}
