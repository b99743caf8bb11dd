// Interop client built with the ORIGINAL libmultiprocess: `interop-client <mpconf-server>`
// spawns our Rust server (or our C++ server, mpconf-cpp-server) with the original's mp::SpawnProcess, drives it through the original's
// generated proxies, and prints one line per check, ending with `[original client] N passed,
// M failed, K known gaps`.

#include <conformance.capnp.h>
#include <conformance.capnp.proxy.h>
#include <big-echo.h>
#include <interop-callback-impl.h>

#include <mp/proxy-io.h>
#include <mp/util.h>

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>

namespace {

int g_passed = 0, g_failed = 0, g_gaps = 0;

void Check(bool ok, const std::string& what, const std::string& detail = {})
{
    (ok ? g_passed : g_failed)++;
    if (ok) std::printf("PASS [original client] %s\n", what.c_str());
    else std::printf("FAIL [original client] %s: %s\n", what.c_str(), detail.c_str());
    std::fflush(stdout);
}

void Gap(bool still_there, const std::string& what, const std::string& detail)
{
    if (still_there) {
        ++g_gaps;
        std::printf("GAP  [original client] %s: %s\n", what.c_str(), detail.c_str());
        std::fflush(stdout);
    } else {
        Check(false, what + " (known gap no longer seen)", detail);
    }
}

std::string Escape(const std::string& s)
{
    std::string out;
    for (unsigned char c : s) {
        char buf[8];
        if (c >= 0x20 && c < 0x7f && c != '\\') out += static_cast<char>(c);
        else std::snprintf(buf, sizeof(buf), "\\x%02x", c), out += buf;
    }
    return out;
}

int64_t Tid() { return static_cast<int64_t>(syscall(SYS_gettid)); }

std::atomic<int> g_callbacks_destroyed{0};

//! The calling thread's name as the library under test gives it.
std::string ThreadName() { return mp::g_thread_context.thread_name; }

std::unique_ptr<conf::CallbackImpl> NewCallback(conf::Service& service)
{
    return std::make_unique<conf::CallbackImpl>(service, g_callbacks_destroyed, &ThreadName);
}

void LogPrint(mp::LogMessage message)
{
    if (message.level == mp::Log::Raise) throw std::runtime_error(message.message);
}

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

bool ExitedOk(int status) { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }

} // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: interop-client <mpconf-server>\n");
        return 2;
    }
    alarm(300);
    const std::string server = argv[1];
    // Our servers name their threads after their executable (mpconf-server, mpconf-cpp-server).
    const std::string server_exe = server.substr(server.rfind('/') + 1);
    std::promise<mp::EventLoop*> promise;
    std::thread loop_thread([&] {
        mp::EventLoop loop("interop-client", LogPrint);
        promise.set_value(&loop);
        loop.loop();
    });
    mp::EventLoop* loop = promise.get_future().get();
    auto loop_ref = std::make_unique<mp::EventLoopRef>(*loop);
    const int64_t me = Tid();
    const std::string my_name = mp::ThreadName("interop-client");

    try {
        std::string child_fd;
        auto [pid, socket] = mp::SpawnProcess([&](mp::SpawnConnectInfo info) -> std::vector<std::string> {
            child_fd = info;
            return {server, std::move(info)};
        });
        auto init = mp::ConnectStream<ConfInit>(*loop, mp::MakeStream(*loop, socket));
        Check(true, "ConnectStream: bootstrap and construct with our server");
        int64_t loop_tid = init->loopTid();
        auto service = init->makeService();
        Check(service != nullptr, "makeService returns a proxy");
        Check(service->add(2, 3) == 5, "a Context call (add)");
        Check(service->addNoContext(4, 5) == 9, "a call without Context (addNoContext)");
        int64_t t1, t2, t3;
        std::string n1, n2, n3;
        service->whereAmI(t1, n1);
        service->whereAmI(t2, n2);
        Check(t1 == t2 && t1 != loop_tid, "calls from one thread run on one server thread, not the loop", std::to_string(t1) + " " + std::to_string(t2));
        std::string suffix = " (from " + my_name + ")";
        Check(n1.size() > suffix.size() && n1.compare(n1.size() - suffix.size(), suffix.size(), suffix) == 0 &&
                  n1.rfind(server_exe + "-" + std::to_string(pid) + "/", 0) == 0,
              "the server thread is named '<exe>-<pid>/<comm>-<tid> (from <our thread name>)'", Escape(n1));
        std::thread([&] { service->whereAmI(t3, n3); }).join();
        Check(t3 != t1, "another client thread gets another server thread", std::to_string(t3));

        auto v = service->callBack(NewCallback(*service), 1);
        Check(v.size() == 2 && v[0] == t1 && v[1] == me, "the server's callback runs on the calling thread");
        Check(g_callbacks_destroyed == 1, "the server destroys the callback during the call", std::to_string(g_callbacks_destroyed));
        auto w = service->callBack(NewCallback(*service), 3);
        bool ok = w.size() == 6;
        for (size_t i = 0; ok && i < w.size(); ++i) ok = w[i] == (i % 2 ? me : t1);
        Check(ok && g_callbacks_destroyed == 4, "recursion 3 deep: callbacks on the calling thread, nested calls on one server thread");
        int64_t ft;
        std::string fname;
        service->callBackFresh(NewCallback(*service), ft, fname);
        Check(ft != me && fname.find(" (from " + server_exe + "-" + std::to_string(pid) + "/") != std::string::npos,
              "a call from a fresh server thread runs on a thread our ThreadMap made", Escape(fname));

        Check(init->makeNothing() == nullptr, "a null capability result reads as nullptr");
        std::string err = Error([&] { service->fail("boom"); });
        Check(err.find("remote exception: boom") != std::string::npos, "a server error arrives with its text", Escape(err));
        err = Error([&] { service->callBack(nullptr, 1); });
        Check(err.find("null callback") != std::string::npos, "a null callback reaches our server as None", Escape(err));
        std::string text("a\0b", 3), data("\xff\x00" "a", 3);
        service->echo(text, data);
        Check(text == std::string("a\0b", 3) && data == std::string("\xff\x00" "a", 3), "Text with NUL and Data bytes round-trip (in/out)");
        Check(BigDataRoundTrips(*service), "1 MiB of Data round-trips, three times");
        std::string raw("\xff\x00" "a", 3), unused;
        std::string sent = raw;
        service->echo(raw, unused);
        // Our C++ server keeps Text as bytes (std::string); our Rust server as a String.
        const char* bytes_env = std::getenv("MP_CONF_TEXT_IS_BYTES");
        if (bytes_env && std::string(bytes_env) == "1") {
            Check(raw == sent, "Text that is not UTF-8 round-trips (wire-protocol.md 7.3)", Escape(raw));
        } else {
            Gap(raw != sent, "Text that is not UTF-8 round-trips (wire-protocol.md 7.3)",
                "our generator maps Text to String; got back " + Escape(raw));
        }
        // Values of the issue-3 types, from the original's native mappings into our server.
        auto types = init->makeTypes();
        Check(types != nullptr, "makeTypes returns a capability");
        if (types) {
            Check(types->optional(std::optional<int>{0}) == std::optional<int>{1}, "optional: 0 is a value (hasValue), result + 1 (hasResult)");
            Check(types->optional(std::nullopt) == std::nullopt, "optional: nothing in, nothing out");
            std::map<std::string, int> expected{{"a", 2}, {"b", 4}, {"server", 1}};
            Check(types->counts({{"b", 2}, {"a", 1}}) == expected, "std::map <-> List(NamedCount) <-> BTreeMap");
            Check(types->raise(0) == 7, "an exception field left unset: the result arrives");
            std::string raised;
            try {
                types->raise(5);
            } catch (const std::runtime_error& e) {
                raised = e.what();
            }
            Check(raised == "code 5", "$Proxy.exception: our server's raised error arrives as the exception field", Escape(raised));
            conf::Record in{"r", {1, 2, 3}, 4};
            conf::Record want{"r seen", {3, 2, 1}, 40};
            Check(types->record(in) == want, "a $Proxy.wrap struct with a hasX member round-trips");
            conf::Record none{"n", {}, std::nullopt};
            Check(types->record(none) == conf::Record{"n seen", {}, std::nullopt}, "an unset optional member stays unset");
            int doubled = 0;
            types->wanted(21, &doubled);
            Check(doubled == 42, "wantX: a wanted output is written");
            types->wanted(21, nullptr);
            Check(true, "wantX: an unwanted output is skipped");
            Check(types->narrow(5) == 5, "Int64 that fits the server's i32");
            // Our Rust server reads `value` as an i32; our C++ server as interop.h's int64_t.
            const char* wide_env = std::getenv("MP_CONF_NARROW_IS_INT64");
            if (wide_env && std::string(wide_env) == "1") {
                int64_t back = 0;
                err = Error([&] { back = types->narrow(int64_t{1} << 40); });
                Check(err.empty() && back == int64_t{1} << 40, "Int64 2^40 into the server's int64_t round-trips", Escape(err));
            } else {
                err = Error([&] { types->narrow(int64_t{1} << 40); });
                Check(err.find("out of bound int received") != std::string::npos, "Int64 2^40 into the server's i32 is refused", Escape(err));
            }
            types.reset();
        }
        uint32_t before = init->destroyedCount();
        init->makeService().reset();
        Check(init->destroyedCount() == before + 1, "dropping a proxy destroys the server object (destroy, then release)");
        int32_t fd;
        bool cloexec;
        std::vector<int32_t> others;
        init->spawnInfo(fd, cloexec, others);
        Check(std::to_string(fd) == child_fd && !cloexec && others.empty(), "SpawnProcess: our server got its fd from argv and nothing else",
              "fd " + std::to_string(fd) + " (" + child_fd + ") cloexec " + std::to_string(cloexec) + " others " + std::to_string(others.size()));
        service.reset();
        init.reset();
        Check(ExitedOk(mp::WaitProcess(pid)), "our server exits with 0 once the connection closes");

        // The server drops the connection: later calls fail with the original's texts.
        auto [pid2, socket2] = mp::SpawnProcess([&](mp::SpawnConnectInfo info) -> std::vector<std::string> {
            return {server, std::move(info)};
        });
        auto init2 = mp::ConnectStream<ConfInit>(*loop, mp::MakeStream(*loop, socket2));
        auto service2 = init2->makeService();
        err = Error([&] { init2->quit(); });
        Check(err.empty() || err.find("disconnect") != std::string::npos, "quit", Escape(err));
        Check(ExitedOk(mp::WaitProcess(pid2)), "the server that dropped the connection exited with 0");
        err = Error([&] { service2->add(1, 1); });
        Check(err == "IPC client method call interrupted by disconnect." || err == "IPC client method called after disconnect.",
              "a call after the server dropped the connection fails as disconnected", Escape(err));
        service2.reset();
        init2.reset();
    } catch (const std::exception& e) {
        Check(false, "run the scenarios", e.what());
    }
    loop_ref.reset();
    loop_thread.join();
    std::printf("[original client] %d passed, %d failed, %d known gaps\n", g_passed, g_failed, g_gaps);
    return 0;
}
