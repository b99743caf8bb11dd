// Type breadth and thread mapping through mpgen-generated C++ (breadth.capnp): a C++ server and
// a C++ client on the two ends of a socketpair in one process, with the runtime in between.
#include "check.h"
#include "loop_thread.h"

#include <breadth.capnp.h>
#include <breadth.capnp.proxy.h>

#include <mp/proxy-io.h>
#include <mp/util.h>

#include <atomic>
#include <sys/wait.h>
#include <unistd.h>
#include <chrono>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <type_traits>
#include <unordered_set>
#include <vector>

namespace {

std::string ThreadId()
{
    std::ostringstream out;
    out << std::this_thread::get_id();
    return out.str();
}

class CallbackImpl : public breadth::Callback
{
public:
    explicit CallbackImpl(int factor) : m_factor(factor) { ++Live(); }
    ~CallbackImpl() override { --Live(); }
    CallbackImpl(const CallbackImpl&) = delete;
    CallbackImpl& operator=(const CallbackImpl&) = delete;
    //! How many exist: the server's objects die when the client proxy is released.
    static std::atomic<int>& Live()
    {
        static std::atomic<int> live{0};
        return live;
    }
    int call(int arg) override
    {
        m_thread = ThreadId();
        return arg * m_factor;
    }
    int m_factor;
    std::string m_thread;
};

class BreadthImpl : public breadth::Breadth
{
public:
    int8_t passI8(int8_t v) override { return v; }
    int16_t passI16(int16_t v) override { return v; }
    uint16_t passU16(uint16_t v) override { return v; }
    uint32_t passU32(uint32_t v) override { return v; }
    int64_t passI64(int64_t v) override { return v; }
    uint64_t passU64(uint64_t v) override { return v; }
    bool passBool(bool v) override { return !v; }
    double passDouble(double v) override { return v * 2; }
    std::string passString(const std::string& v) override { return v + "!"; }
    std::vector<unsigned char> passData(const std::vector<unsigned char>& v) override
    {
        auto out = v;
        out.push_back(0xff);
        return out;
    }
    std::vector<int> passVector(const std::vector<int>& v) override { return {v.rbegin(), v.rend()}; }
    std::set<std::string> passSet(const std::set<std::string>& v) override
    {
        auto out = v;
        out.insert("server");
        return out;
    }
    std::map<std::string, int> passMap(const std::map<std::string, int>& v) override
    {
        std::map<std::string, int> out;
        for (const auto& [key, value] : v) out[key + key] = value * 10;
        return out;
    }
    std::optional<int> passOptional(std::optional<int> v) override
    {
        if (!v) return std::nullopt;
        return *v + 1;
    }
    bool outPointer(int v, int* out) override
    {
        if (!out) return false;
        *out = v * 3;
        return true;
    }
    void inOut(int add, int& sum) override { sum += add; }
    breadth::Record passRecord(const breadth::Record& v) override
    {
        auto out = v;
        out.name += "?";
        out.values.push_back(static_cast<int>(v.values.size()));
        if (out.the_number) *out.the_number += 100;
        return out;
    }
    void raise(const breadth::Record& v) override { throw v; }
    void raiseStd(const std::string& v) override { throw std::logic_error(v); }
    std::unique_ptr<breadth::Callback> makeCallback(int factor) override
    {
        if (factor == 0) return nullptr;
        return std::make_unique<CallbackImpl>(factor);
    }
    std::shared_ptr<breadth::Callback> makeShared(int factor) override
    {
        if (factor == 0) return nullptr;
        return std::make_shared<CallbackImpl>(factor);
    }
    int callUnique(std::unique_ptr<breadth::Callback> callback, int arg) override
    {
        if (!callback) return -1;
        return callback->call(arg);
    }
    int callShared(std::shared_ptr<breadth::Callback> callback, int arg) override
    {
        if (!callback) return -1;
        return callback->call(arg);
    }
    int callRef(breadth::Callback& callback, int arg) override { return callback.call(arg); }
    void saveCallback(std::shared_ptr<breadth::Callback> callback) override
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_saved = std::move(callback);
    }
    int callSaved(int arg) override
    {
        std::shared_ptr<breadth::Callback> saved;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            saved = m_saved;
        }
        if (!saved) return -1;
        return saved->call(arg);
    }
    std::string threadName() override { return ThreadId(); }
    std::string recurse(breadth::Recurser& callback, int depth) override
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_recurse_threads.insert(ThreadId());
        }
        const std::string here = "s" + std::to_string(depth);
        if (depth == 0) return here;
        return here + callback.recurse(depth - 1);
    }

    int callFn(std::function<int(int)> fn, int arg) override
    {
        if (!fn) return -1;
        return fn(arg);
    }
    std::function<int(int)> makeFn(int factor) override
    {
        if (factor == 0) return {};
        return [factor](int arg) { return arg * factor; };
    }
    void saveFn(std::function<int(int)> fn) override
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_saved_fn = std::move(fn);
    }
    int callSavedFn(int arg) override
    {
        std::function<int(int)> fn;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            fn = m_saved_fn;
        }
        if (!fn) return -1;
        return fn(arg);
    }

    breadth::Color passEnum(breadth::Color v) override { return v == breadth::Color::Red ? breadth::Color::Blue : v; }
    std::chrono::milliseconds passDuration(std::chrono::milliseconds v) override { return v * 2; }
    std::unordered_set<int> passUnordered(const std::unordered_set<int>& v) override
    {
        auto out = v;
        out.insert(0);
        return out;
    }
    std::vector<bool> passBools(const std::vector<bool>& v) override
    {
        std::vector<bool> out;
        for (bool b : v) out.push_back(!b);
        return out;
    }
    std::vector<std::vector<int>> passNested(const std::vector<std::vector<int>>& v) override
    {
        auto out = v;
        out.push_back({});
        return out;
    }
    breadth::Empty passEmpty(const breadth::Empty& v) override { return v; }
    std::vector<breadth::Record> passRecords(const std::vector<breadth::Record>& v) override
    {
        return {v.rbegin(), v.rend()};
    }
    int callExtended(breadth::Extended& callback, int arg) override
    {
        return callback.call(arg) * 1000 + callback.callExtended(arg);
    }

    breadth::Blob passBlob(const breadth::Blob& v) override
    {
        auto out = v;
        for (auto& byte : out.key) byte = static_cast<unsigned char>(byte + 1);
        out.point.x += 1;
        out.entry.second *= 2;
        return out;
    }
    breadth::Point passPoint(const breadth::Point& v) override { return {v.y, v.x}; }
    std::tuple<int, std::string> passTuple(const std::tuple<int, std::string>& v) override
    {
        return {std::get<0>(v) + 1, std::get<1>(v) + "+"};
    }

    void exitProcess() override { _exit(0); }

    std::mutex m_mutex;
    std::shared_ptr<breadth::Callback> m_saved;
    std::function<int(int)> m_saved_fn;
    std::set<std::string> m_recurse_threads;
};

class ExtendedImpl : public breadth::Extended
{
public:
    int call(int arg) override { return arg + 1; }
    int callExtended(int arg) override { return arg + 2; }
};

class RecurserImpl : public breadth::Recurser
{
public:
    explicit RecurserImpl(breadth::Breadth& server) : m_server(server) {}
    std::string recurse(int depth) override
    {
        m_threads.insert(ThreadId());
        const std::string here = "c" + std::to_string(depth);
        if (depth == 0) return here;
        return here + m_server.recurse(*this, depth - 1);
    }
    breadth::Breadth& m_server;
    std::set<std::string> m_threads;
};

void TestNumbers(breadth::Breadth& client)
{
    CHECK_EQ(client.passI8(-128), -128);
    CHECK_EQ(client.passI8(127), 127);
    CHECK_EQ(client.passI16(-32768), -32768);
    CHECK_EQ(client.passU16(65535), 65535);
    CHECK_EQ(client.passU32(4000000000u), 4000000000u);
    CHECK_EQ(client.passI64(std::numeric_limits<int64_t>::min()), std::numeric_limits<int64_t>::min());
    CHECK_EQ(client.passU64(std::numeric_limits<uint64_t>::max()), std::numeric_limits<uint64_t>::max());
    CHECK_EQ(client.passBool(true), false);
    CHECK_EQ(client.passBool(false), true);
    CHECK_EQ(client.passDouble(-1.25), -2.5);
}

void TestContainers(breadth::Breadth& client)
{
    CHECK_EQ(client.passString("text"), "text!");
    CHECK_EQ(client.passString(""), "!");
    CHECK((client.passData({0, 1, 2}) == std::vector<unsigned char>{0, 1, 2, 0xff}));
    CHECK((client.passData({}) == std::vector<unsigned char>{0xff}));
    // Big ones, several times, so that calls go direct: a Rust server then sends its results'
    // Data from its own memory (transport/spliced.rs), which this side reads with capnp's
    // C++ reader.
    for (unsigned char seed = 0; seed < 3; ++seed) {
        std::vector<unsigned char> big((1u << 20) + 3);
        for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<unsigned char>((i % 251) ^ seed);
        auto want = big;
        want.push_back(0xff);
        CHECK((client.passData(big) == want));
    }
    CHECK((client.passVector({1, -2, 3}) == std::vector<int>{3, -2, 1}));
    CHECK(client.passVector({}).empty());
    CHECK((client.passSet({"b", "a"}) == std::set<std::string>{"a", "b", "server"}));
    CHECK((client.passMap({{"x", 1}, {"y", -2}}) == std::map<std::string, int>{{"xx", 10}, {"yy", -20}}));
    CHECK(client.passMap({}).empty());
}

void TestOptionalAndOutputs(breadth::Breadth& client)
{
    CHECK((client.passOptional(41) == std::optional<int>{42}));
    CHECK((client.passOptional(std::nullopt) == std::nullopt));
    CHECK((client.passOptional(-1) == std::optional<int>{0}));
    int out = 7;
    CHECK_EQ(client.outPointer(5, &out), true);
    CHECK_EQ(out, 15);
    CHECK_EQ(client.outPointer(5, nullptr), false);
    int sum = 10;
    client.inOut(5, sum);
    CHECK_EQ(sum, 15);
}

void TestStructsAndExceptions(breadth::Breadth& client)
{
    const breadth::Record record{"rec", {4, 5}, 1};
    const breadth::Record back = client.passRecord(record);
    CHECK_EQ(back.name, "rec?");
    CHECK((back.values == std::vector<int>{4, 5, 2}));
    CHECK((back.the_number == std::optional<int>{101}));
    const breadth::Record none = client.passRecord(breadth::Record{"", {}, std::nullopt});
    CHECK((none.the_number == std::nullopt));
    CHECK((none.values == std::vector<int>{0}));

    bool caught = false;
    try {
        client.raise(record);
    } catch (const breadth::Record& thrown) {
        caught = true;
        CHECK((thrown == record));
    }
    CHECK(caught);
    CHECK_THROWS(client.raiseStd("broken"), "broken");
}

//! `in_process`: the server is BreadthImpl in this process, so its objects can be counted.
void TestInterfaces(breadth::Breadth& client, bool in_process)
{
    const std::string me = ThreadId();
    // Interfaces returned by the server.
    std::unique_ptr<breadth::Callback> made = client.makeCallback(3);
    CHECK(made != nullptr);
    if (made) CHECK_EQ(made->call(5), 15);
    CHECK(client.makeCallback(0) == nullptr);
    // Releasing the proxy sends `destroy` first and waits: the server's object is gone after.
    const int live = CallbackImpl::Live().load();
    made.reset();
    if (in_process) CHECK_EQ(CallbackImpl::Live().load(), live - 1);
    std::shared_ptr<breadth::Callback> shared = client.makeShared(4);
    CHECK(shared != nullptr);
    if (shared) CHECK_EQ(shared->call(5), 20);
    CHECK(client.makeShared(0) == nullptr);

    // Interfaces passed to the server, called back on this (blocked) thread.
    CHECK_EQ(client.callUnique(std::make_unique<CallbackImpl>(2), 21), 42);
    CHECK_EQ(client.callUnique(nullptr, 1), -1);
    auto shared_local = std::make_shared<CallbackImpl>(5);
    CHECK_EQ(client.callShared(shared_local, 3), 15);
    CHECK_EQ(shared_local->m_thread, me);
    CHECK_EQ(client.callShared(nullptr, 3), -1);
    CallbackImpl by_ref(7);
    CHECK_EQ(client.callRef(by_ref, 6), 42);
    CHECK_EQ(by_ref.m_thread, me);

    // A callback the server keeps and calls in a later call.
    auto saved = std::make_shared<CallbackImpl>(11);
    client.saveCallback(saved);
    CHECK_EQ(client.callSaved(2), 22);
    CHECK_EQ(client.callSaved(3), 33);
    CHECK_EQ(saved->m_thread, me);
    client.saveCallback(nullptr);
    CHECK_EQ(client.callSaved(3), -1);
}

void TestFunctions(breadth::Breadth& client)
{
    const std::string me = ThreadId();
    std::string called_on;
    CHECK_EQ(client.callFn([&](int arg) { called_on = ThreadId(); return arg + 1; }, 41), 42);
    CHECK_EQ(called_on, me);
    CHECK_EQ(client.callFn({}, 1), -1);
    std::function<int(int)> made = client.makeFn(6);
    CHECK(static_cast<bool>(made));
    if (made) CHECK_EQ(made(7), 42);
    CHECK(!client.makeFn(0));
    int calls = 0;
    client.saveFn([&calls](int arg) { ++calls; return arg * arg; });
    CHECK_EQ(client.callSavedFn(9), 81);
    CHECK_EQ(client.callSavedFn(3), 9);
    CHECK_EQ(calls, 2);
    client.saveFn({});
    CHECK_EQ(client.callSavedFn(3), -1);
}

void TestMoreTypes(breadth::Breadth& client)
{
    CHECK((client.passEnum(breadth::Color::Red) == breadth::Color::Blue));
    CHECK((client.passEnum(breadth::Color::Green) == breadth::Color::Green));
    CHECK((client.passDuration(std::chrono::milliseconds{-21}) == std::chrono::milliseconds{-42}));
    CHECK((client.passUnordered({5, 6}) == std::unordered_set<int>{0, 5, 6}));
    const std::vector<bool> bools{true, false, false, true, true, false, true, true, true};
    std::vector<bool> flipped;
    for (bool b : bools) flipped.push_back(!b);
    CHECK((client.passBools(bools) == flipped));
    CHECK((client.passNested({{1, 2}, {}, {3}}) == std::vector<std::vector<int>>{{1, 2}, {}, {3}, {}}));
    CHECK((client.passEmpty({}) == breadth::Empty{}));
    const std::vector<breadth::Record> records{{"a", {1}, std::nullopt}, {"b", {}, 2}};
    CHECK((client.passRecords(records) == std::vector<breadth::Record>{records[1], records[0]}));
    breadth::Blob blob;
    for (int i = 0; i < 4; ++i) blob.key[i] = static_cast<unsigned char>(250 + i);
    blob.point = {-4, 9};
    blob.entry = {"k", 21};
    const breadth::Blob blob_back = client.passBlob(blob);
    CHECK((blob_back.key[0] == 251 && blob_back.key[3] == 254));
    CHECK((blob_back.point == breadth::Point{-3, 9}));
    CHECK((blob_back.entry == std::pair<std::string, int>{"k", 42}));
    CHECK((client.passPoint({1, -2}) == breadth::Point{-2, 1}));
    CHECK((client.passTuple({41, "t"}) == std::tuple<int, std::string>{42, "t+"}));
    ExtendedImpl extended;
    CHECK_EQ(client.callExtended(extended, 10), 11012);
}

//! `server`: the in-process server, whose own records are checked too (null for a remote one).
void TestThreads(breadth::Breadth& client, BreadthImpl* server)
{
    const std::string me = ThreadId();
    // This thread's calls run on a server thread of their own, the same one each time.
    const std::string server_thread = client.threadName();
    CHECK(server_thread != me);
    CHECK_EQ(client.threadName(), server_thread);

    // Recursion: client -> server -> client callback -> server -> ... The callbacks run on this
    // thread (blocked in the outer call), the server side on this thread's server thread.
    RecurserImpl recurser(client);
    CHECK_EQ(client.recurse(recurser, 3), "s3c2s1c0");
    CHECK((recurser.m_threads == std::set<std::string>{me}));
    if (server) CHECK((server->m_recurse_threads == std::set<std::string>{server_thread}));

    // Eight client threads at once, each with its own server thread and right answers.
    constexpr int threads = 8;
    std::vector<std::string> client_ids(threads), server_ids(threads);
    std::atomic<int> wrong{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            client_ids[t] = ThreadId();
            for (int i = 0; i < 50; ++i) {
                const int64_t value = int64_t{t} * 1000000 + i;
                if (client.passI64(value) != value) ++wrong;
                if (client.passString(std::to_string(value)) != std::to_string(value) + "!") ++wrong;
            }
            CallbackImpl callback(t + 1);
            if (client.callRef(callback, 10) != 10 * (t + 1)) ++wrong;
            if (callback.m_thread != client_ids[t]) ++wrong;
            server_ids[t] = client.threadName();
            if (client.threadName() != server_ids[t]) ++wrong;
        });
    }
    for (auto& worker : workers) worker.join();
    CHECK_EQ(wrong.load(), 0);
    std::set<std::string> distinct(server_ids.begin(), server_ids.end());
    CHECK_EQ(distinct.size(), static_cast<size_t>(threads));
    for (const auto& id : client_ids) CHECK(distinct.count(id) == 0);
    CHECK(distinct.count(server_thread) == 0);
}

//! A generated client whose server process dies: the call in flight and later calls throw the
//! original's texts, and releasing proxies to the dead peer neither hangs nor crashes.
//! `server`: the server's argv before the connect info.
void TestDisconnect(mp::EventLoop& loop, const std::vector<std::string>& server)
{
    auto [pid, socket] = mp::SpawnProcess([&](const mp::SpawnConnectInfo& info) {
        auto args = server;
        args.push_back(info);
        return args;
    });
    auto client = mp::ConnectStream<breadth::messages::BreadthInterface>(loop, mp::MakeStream(loop, socket));
    CHECK_EQ(client->passString("alive"), "alive!");
    std::unique_ptr<breadth::Callback> held = client->makeCallback(2);
    CHECK(held != nullptr);
    CHECK_THROWS(client->exitProcess(), "IPC client method call interrupted by disconnect.");
    CHECK_THROWS(client->passString("dead"), "IPC client method called after disconnect.");
    if (held) CHECK_THROWS(held->call(1), "IPC client method called after disconnect.");
    held.reset();
    client.reset();
    const int status = mp::WaitProcess(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

//! The child TestDisconnect starts: serves a Breadth on the socket its parent passed.
int Serve(const char* connect_info)
{
    const mp::SocketId socket = mp::StartSpawned(connect_info);
    BreadthImpl server;
    mp_test::LoopThread loop_thread("breadth-server");
    mp::EventLoop& loop = loop_thread.loop();
    mp::ServeStream<breadth::messages::BreadthInterface>(loop, mp::MakeStream(loop, socket), server);
    // Returns when the client closes the connection.
    loop_thread.stop();
    return 0;
}

//! This program's own path, to spawn itself as a server.
std::string SelfExe()
{
    char self[4096];
    const ssize_t length = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (length <= 0) throw std::runtime_error("cannot read /proc/self/exe");
    return std::string(self, static_cast<size_t>(length));
}

//! Every case against a server in another process, started as `server... <connect info>`
//! (this program's `serve`, or a Rust server of breadth.capnp): the same values as in-process.
int Client(const std::vector<std::string>& server)
{
    mp_test::LoopThread loop_thread("breadth-client");
    mp::EventLoop* loop = &loop_thread.loop();
    {
        auto [pid, socket] = mp::SpawnProcess([&](const mp::SpawnConnectInfo& info) {
            auto args = server;
            args.push_back(info);
            return args;
        });
        auto client = mp::ConnectStream<breadth::messages::BreadthInterface>(*loop, mp::MakeStream(*loop, socket));
        mp_test::Run("numbers", [&] { TestNumbers(*client); });
        mp_test::Run("containers", [&] { TestContainers(*client); });
        mp_test::Run("optional and outputs", [&] { TestOptionalAndOutputs(*client); });
        mp_test::Run("structs and exceptions", [&] { TestStructsAndExceptions(*client); });
        mp_test::Run("interfaces", [&] { TestInterfaces(*client, false); });
        mp_test::Run("functions", [&] { TestFunctions(*client); });
        mp_test::Run("more types", [&] { TestMoreTypes(*client); });
        mp_test::Run("threads", [&] { TestThreads(*client, nullptr); });
        client.reset();
        mp_test::Run("server exits once the connection closes", [&] {
            const int status = mp::WaitProcess(pid);
            CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        });
        mp_test::Run("disconnect", [&] { TestDisconnect(*loop, server); });
    }
    loop_thread.stop();
    return mp_test::Summary();
}

} // namespace

int main(int argc, char** argv)
{
    if (argc == 3 && std::string(argv[1]) == "serve") return Serve(argv[2]);
    // `client <server program> [its args...]`: the cases against a server in another process.
    if (argc >= 3 && std::string(argv[1]) == "client") return Client(std::vector<std::string>(argv + 2, argv + argc));

    mp_test::LoopThread loop_thread("breadth");
    mp::EventLoop* loop = &loop_thread.loop();
    {
        BreadthImpl server;
        breadth::Plain plain;
        plain.m_offset = 100;
        auto [a, b] = mp::SocketPair();
        mp::ServeStream<breadth::messages::BreadthInterface>(*loop, mp::MakeStream(*loop, a), server);
        auto client = mp::ConnectStream<breadth::messages::BreadthInterface>(*loop, mp::MakeStream(*loop, b));
        mp_test::Run("numbers", [&] { TestNumbers(*client); });
        mp_test::Run("containers", [&] { TestContainers(*client); });
        mp_test::Run("optional and outputs", [&] { TestOptionalAndOutputs(*client); });
        mp_test::Run("structs and exceptions", [&] { TestStructsAndExceptions(*client); });
        mp_test::Run("interfaces", [&] { TestInterfaces(*client, true); });
        mp_test::Run("functions", [&] { TestFunctions(*client); });
        mp_test::Run("more types", [&] { TestMoreTypes(*client); });
        mp_test::Run("threads", [&] { TestThreads(*client, &server); });
        client.reset();

        mp_test::Run("disconnect", [&] { TestDisconnect(*loop, {SelfExe(), "serve"}); });

        // A wrapped class without virtual functions, served and called on its own connection.
        mp_test::Run("plain class", [&] {
            static_assert(!std::is_polymorphic_v<breadth::Plain>);
            auto [c, d] = mp::SocketPair();
            mp::ServeStream<breadth::messages::PlainInterface>(*loop, mp::MakeStream(*loop, c), plain);
            auto plain_client = mp::ConnectStream<breadth::messages::PlainInterface>(*loop, mp::MakeStream(*loop, d));
            // The proxy's add calls the peer (whose offset is 100), not its own base's.
            CHECK_EQ(plain_client->add(2, 3), 105);
            CHECK_EQ(plain_client->m_offset, 0);
            plain_client.reset();
        });
    }
    loop_thread.stop();
    return mp_test::Summary();
}
