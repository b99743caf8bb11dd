// mp::EventLoop, EventLoopRef, logging and process functions from C++, through the bridge.
#include "check.h"

#include <mp/proxy-io.h>

#include <atomic>
#include <future>
#include <mutex>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

//! A loop on its own thread, started the way the original's example does.
struct LoopThread {
    std::vector<mp::LogMessage> lines;
    std::mutex lines_mutex;
    std::thread thread;
    mp::EventLoop* loop{nullptr};

    explicit LoopThread(mp::Log level = mp::Log::Trace)
    {
        std::promise<mp::EventLoop*> ready;
        thread = std::thread([&] {
            mp::LogOptions options;
            options.log_fn = [this](mp::LogMessage m) {
                std::lock_guard<std::mutex> lock(lines_mutex);
                lines.push_back(std::move(m));
            };
            options.log_level = level;
            mp::EventLoop event_loop("cpptest", std::move(options));
            ready.set_value(&event_loop);
            event_loop.loop();
        });
        loop = ready.get_future().get();
    }

    bool Logged(const std::string& text)
    {
        std::lock_guard<std::mutex> lock(lines_mutex);
        for (const auto& line : lines) {
            if (line.message.find(text) != std::string::npos) return true;
        }
        return false;
    }
};

void SyncRunsOnTheLoopThread()
{
    LoopThread t;
    mp::EventLoopRef ref{*t.loop};
    std::thread::id loop_thread_id;
    bool inline_flag = false;
    t.loop->sync([&] {
        loop_thread_id = std::this_thread::get_id();
        inline_flag = t.loop->onLoopThread();
        // sync from the loop thread runs inline instead of deadlocking.
        t.loop->sync([&] { CHECK(std::this_thread::get_id() == loop_thread_id); });
    });
    CHECK(loop_thread_id == t.thread.get_id());
    CHECK(inline_flag);
    CHECK(!t.loop->onLoopThread());
    ref.reset();
    t.thread.join();
}

void PostRethrowsTheFunctionsException()
{
    LoopThread t;
    mp::EventLoopRef ref{*t.loop};
    CHECK_THROWS(t.loop->post([] { throw std::runtime_error("thrown on the loop"); }), "thrown on the loop");
    // The loop survives the exception.
    int value = 0;
    t.loop->sync([&] { value = 42; });
    CHECK_EQ(value, 42);
    ref.reset();
    t.thread.join();
}

void LoopReturnsWhenTheLastRefGoes()
{
    LoopThread t;
    std::atomic<bool> finished{false};
    std::thread watcher([&] {
        t.thread.join();
        finished = true;
    });
    mp::EventLoopRef a{*t.loop};
    mp::EventLoopRef b{*t.loop};
    mp::EventLoopRef moved{std::move(b)};
    a.reset();
    // Still one reference: the loop must still run functions.
    int value = 0;
    t.loop->sync([&] { value = 7; });
    CHECK_EQ(value, 7);
    CHECK(!finished);
    moved.reset();
    watcher.join();
    CHECK(finished);
    CHECK(t.Logged("EventLoop::loop bye."));
}

void LogLinesAndLevels()
{
    LoopThread t(mp::Log::Info);
    mp::EventLoopRef ref{*t.loop};
    MP_LOG(*t.loop, mp::Log::Info) << "visible " << 42;
    MP_LOG(*t.loop, mp::Log::Debug) << "hidden";
    CHECK(t.Logged("} visible 42"));
    CHECK(!t.Logged("hidden"));
    const std::string name = mp::LongThreadName("cpptest");
    CHECK(name.rfind("cpptest-", 0) == 0);
    CHECK(t.Logged("{" + name + "} visible 42"));
    ref.reset();
    t.thread.join();
}

void OldStyleCallbackSeesRaise()
{
    std::vector<std::pair<bool, std::string>> seen;
    {
        mp::EventLoop loop("cpptest", [&](bool raise, std::string message) { seen.emplace_back(raise, std::move(message)); });
        MP_LOGPLAIN(loop, mp::Log::Raise) << "raised";
        MP_LOGPLAIN(loop, mp::Log::Warning) << "warned";
    }
    CHECK_EQ(seen.size(), 2u);
    if (seen.size() == 2) {
        CHECK(seen[0].first && seen[0].second == "raised");
        CHECK(!seen[1].first && seen[1].second == "warned");
    }
}

void SpawnPassesTheSocketAndWaits()
{
    // The child checks that the fd number it was given is open, then exits with 3.
    auto [pid, socket] = mp::SpawnProcess([](const mp::SpawnConnectInfo& info) {
        return std::vector<std::string>{"sh", "-c", "test -e /proc/self/fd/" + info + " && exit 3", "child"};
    });
    CHECK(pid > 0);
    CHECK(socket >= 0);
    const int status = mp::WaitProcess(pid);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 3);
    close(socket);
}

void SpawnReportsTheCallbacksException()
{
    CHECK_THROWS(mp::SpawnProcess([](const mp::SpawnConnectInfo&) -> std::vector<std::string> { throw std::runtime_error("no argv for you"); }),
                 "no argv for you");
}

void SocketPairAndStartSpawned()
{
    auto [a, b] = mp::SocketPair();
    CHECK(write(a, "x", 1) == 1);
    const mp::SocketId adopted = mp::StartSpawned(std::to_string(b));
    CHECK_EQ(adopted, b);
    char c = 0;
    CHECK(read(adopted, &c, 1) == 1 && c == 'x');
    close(a);
    close(adopted);
    CHECK_THROWS(mp::StartSpawned("not a number"), "invalid connect_info");
}

} // namespace

int main()
{
    mp_test::Run("sync runs on the loop thread", SyncRunsOnTheLoopThread);
    mp_test::Run("post rethrows the function's exception", PostRethrowsTheFunctionsException);
    mp_test::Run("loop returns when the last ref goes", LoopReturnsWhenTheLastRefGoes);
    mp_test::Run("log lines and levels", LogLinesAndLevels);
    mp_test::Run("old-style callback sees Raise", OldStyleCallbackSeesRaise);
    mp_test::Run("spawn passes the socket and waits", SpawnPassesTheSocketAndWaits);
    mp_test::Run("spawn reports the callback's exception", SpawnReportsTheCallbacksException);
    mp_test::Run("socket pair and StartSpawned", SocketPairAndStartSpawned);
    return mp_test::Summary();
}
