// Benchmark client on the original libmultiprocess: spawns mpbench-server, runs the same
// cases as mpbench's Rust client with the same timing rules, and prints one line per case:
//   RESULT <case> <p50_us> <p99_us> <mb_per_s> <calls_per_s> <kib>
// with "-" for numbers that do not apply. Usage: mpbench-client <server> <seconds> <socket>

#include <bench.capnp.h>
#include <bench.capnp.proxy.h>

#include <mp/proxy-io.h>
#include <mp/util.h>

#include <algorithm>
#include <barrier>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <future>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using mpbench::Bench;
using mpbench::BenchCallback;
using mpbench::BenchInit;

using Clock = std::chrono::steady_clock;

constexpr int THREADS = 4;
constexpr int CHURN_CONNECTIONS = 10;
constexpr int MEMORY_ITEMS = 32;

struct Samples
{
    std::vector<uint64_t> nanos; // sorted
    double elapsed_s{0};

    double PercentileUs(double p) const
    {
        if (nanos.empty()) return NAN;
        size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * nanos.size()));
        rank = std::clamp<size_t>(rank, 1, nanos.size());
        return nanos[rank - 1] / 1000.0;
    }
    double CallsPerS() const { return nanos.size() / elapsed_s; }
};

Samples Merge(std::vector<Samples> all)
{
    Samples out;
    for (auto& s : all) {
        out.elapsed_s = std::max(out.elapsed_s, s.elapsed_s);
        out.nanos.insert(out.nanos.end(), s.nanos.begin(), s.nanos.end());
    }
    std::sort(out.nanos.begin(), out.nanos.end());
    return out;
}

// Same rules as stats.rs: a short untimed warm-up, then every call timed until the budget
// is spent (and at least 10 calls).
Samples TimeCalls(double seconds, const std::function<void()>& f)
{
    auto budget = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    auto warm_until = Clock::now() + budget / 20;
    for (int i = 0;; ++i) {
        f();
        if (i >= 3 && (i >= 200 || Clock::now() >= warm_until)) break;
    }
    Samples s;
    s.nanos.reserve(1 << 16);
    auto start = Clock::now();
    auto end = start + budget;
    while (true) {
        auto t0 = Clock::now();
        f();
        auto t1 = Clock::now();
        s.nanos.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
        if (t1 >= end && s.nanos.size() >= 10) break;
    }
    s.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
    std::sort(s.nanos.begin(), s.nanos.end());
    return s;
}

std::string Num(std::optional<double> v)
{
    if (!v || !std::isfinite(*v)) return "-";
    std::ostringstream o;
    o << *v;
    return o.str();
}

void Print(const std::string& name, std::optional<double> p50, std::optional<double> p99,
    std::optional<double> mbps, std::optional<double> cps, std::optional<double> kib)
{
    std::cout << "RESULT " << name << " " << Num(p50) << " " << Num(p99) << " " << Num(mbps) << " "
              << Num(cps) << " " << Num(kib) << std::endl;
}

void PrintLatency(const std::string& name, const Samples& s)
{
    Print(name, s.PercentileUs(50), s.PercentileUs(99), {}, {}, {});
}

long RssKib(int pid)
{
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return -1;
}

long PeakKib(int pid)
{
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
    }
    return -1;
}

// Resets the peak RSS to the current RSS (Linux clear_refs value 5).
bool ResetPeak(int pid)
{
    std::ofstream clear("/proc/" + std::to_string(pid) + "/clear_refs");
    clear << "5";
    clear.flush();
    return bool(clear);
}

long SettledRssKib(int pid)
{
    long best = -1;
    for (int i = 0; i < 5; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
        long now = RssKib(pid);
        if (best < 0 || now < best) best = now;
    }
    return best;
}

double PerItem(long before, long after, int items)
{
    return after > before ? double(after - before) / items : 0.0;
}

int Connect(const std::string& path)
{
    for (int tries = 0; tries < 100; ++tries) {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
        if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) return fd;
        close(fd);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    throw std::runtime_error("cannot connect to " + path);
}

class CallbackImpl : public BenchCallback
{
public:
    int call(int x) override { return x + 1; }
};

} // namespace

int main(int argc, char** argv)
{
    if (argc != 4) {
        std::cerr << "usage: mpbench-client <server> <seconds> <socket-path>\n";
        return 1;
    }
    const std::string server_exe = argv[1];
    const double seconds = std::stod(argv[2]);
    const std::string socket_path = argv[3];

    std::promise<mp::EventLoop*> promise;
    std::thread loop_thread([&] {
        mp::LogOptions log;
        log.log_fn = [](mp::LogMessage m) {
            if (m.level >= mp::Log::Warning) std::cerr << "mpbench-client: " << m.message << "\n";
        };
        log.log_level = mp::Log::Warning;
        mp::EventLoop loop("mpbench-client", log);
        promise.set_value(&loop);
        loop.loop();
    });
    mp::EventLoop* loop = promise.get_future().get();
    {
        mp::EventLoopRef loop_ref{*loop};
        auto [pid, fd] = mp::SpawnProcess([&](mp::SpawnConnectInfo info) -> std::vector<std::string> {
            return {server_exe, std::move(info), socket_path};
        });
        auto init = mp::ConnectStream<::BenchInit>(*loop, mp::MakeStream(*loop, fd));
        std::unique_ptr<mpbench::Bench> bench = init->makeBench();
        auto connect = [&] { return mp::ConnectStream<::BenchInit>(*loop, mp::MakeStream(*loop, Connect(socket_path))); };

        // Memory first, on a fresh server, so freed memory of earlier cases is not reused.
        std::cerr << "mpbench-client: memory (C++)" << std::endl;
        {
            long before = SettledRssKib(pid);
            std::vector<std::unique_ptr<mp::ProxyClient<::BenchInit>>> conns;
            for (int i = 0; i < MEMORY_ITEMS; ++i) conns.push_back(connect());
            long after = SettledRssKib(pid);
            conns.clear();
            Print("memory-conn", {}, {}, {}, {}, PerItem(before, after, MEMORY_ITEMS));
        }
        {
            long before = SettledRssKib(pid);
            std::barrier ready(MEMORY_ITEMS + 1);
            std::barrier done(MEMORY_ITEMS + 1);
            std::vector<std::thread> threads;
            for (int i = 0; i < MEMORY_ITEMS; ++i) {
                threads.emplace_back([&] {
                    bench->addCtx(1, 2);
                    ready.arrive_and_wait();
                    done.arrive_and_wait();
                });
            }
            ready.arrive_and_wait();
            long after = SettledRssKib(pid);
            done.arrive_and_wait();
            for (auto& t : threads) t.join();
            Print("memory-thread", {}, {}, {}, {}, PerItem(before, after, MEMORY_ITEMS));
        }

        std::cerr << "mpbench-client: call (C++)" << std::endl;
        PrintLatency("call", TimeCalls(seconds, [&] { bench->add(1, 2); }));

        std::cerr << "mpbench-client: ctx-call (C++)" << std::endl;
        PrintLatency("ctx-call", TimeCalls(seconds, [&] { bench->addCtx(1, 2); }));

        std::cerr << "mpbench-client: callback (C++)" << std::endl;
        CallbackImpl cb;
        PrintLatency("callback", TimeCalls(seconds, [&] {
            if (bench->callBack(cb, 1) != 2) throw std::runtime_error("callback returned the wrong value");
        }));

        for (auto [name, size] : {std::pair<const char*, size_t>{"data-1m", 1 << 20}, {"data-16m", 16 << 20}}) {
            std::cerr << "mpbench-client: " << name << " (C++)" << std::endl;
            std::vector<char> data(size, 0x5a);
            const bool peak_known = std::string(name) == "data-16m" && ResetPeak(pid);
            Samples s = TimeCalls(seconds, [&] {
                data = bench->echo(std::move(data));
                if (data.size() != size) throw std::runtime_error("echo returned the wrong size");
            });
            double p50 = s.PercentileUs(50);
            Print(name, p50, s.PercentileUs(99), size / p50, {}, {});
            if (peak_known) {
                const long peak = PeakKib(pid);
                if (peak > 0) Print("peak-rss-16m", {}, {}, {}, {}, double(peak));
            }
        }

        std::cerr << "mpbench-client: threads-4 (C++)" << std::endl;
        {
            std::barrier sync(THREADS);
            std::vector<Samples> all(THREADS);
            std::vector<std::thread> threads;
            for (int i = 0; i < THREADS; ++i) {
                threads.emplace_back([&, i] {
                    bench->addCtx(1, 2);
                    sync.arrive_and_wait();
                    all[i] = TimeCalls(seconds, [&] { bench->addCtx(1, 2); });
                });
            }
            for (auto& t : threads) t.join();
            Samples s = Merge(std::move(all));
            Print("threads-4", s.PercentileUs(50), s.PercentileUs(99), {}, s.CallsPerS(), {});
        }

        std::cerr << "mpbench-client: after-disconnect (C++)" << std::endl;
        for (int i = 0; i < CHURN_CONNECTIONS; ++i) {
            auto other_init = connect();
            auto other = other_init->makeBench();
            other->addCtx(1, 2);
        }
        PrintLatency("after-disconnect", TimeCalls(seconds, [&] { bench->addCtx(1, 2); }));

        bench.reset();
        init.reset();
        mp::WaitProcess(pid);
    }
    loop_thread.join();
    return 0;
}
