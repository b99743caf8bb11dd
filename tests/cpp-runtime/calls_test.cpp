// The C++ transport (mp/transport.h, mp/connect.h) end to end in one process: a C++ server and a
// C++ client on the two ends of a socketpair, through the Rust runtime. Interface
// registrations and dispatch are written by hand here the way generated code will write them.
#include "check.h"

#include <calls.capnp.h>

#include <mp/connect.h>
#include <mp/proxy-io.h>

#include <atomic>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

namespace {

// Positions of the methods in the registrations below.
constexpr size_t MAKE_ADDER = 1;
constexpr size_t ADD = 1, ADD_CTX = 2, CALL_BACK = 3, ECHO = 4, FAIL = 5;
constexpr size_t CALL = 0;

const mp::InterfaceInfo& InitInfo()
{
    const uint64_t id = capnp::typeId<TestInit>();
    static const mp::InterfaceInfo info(id, "TestInit",
        {
            {id, "TestInit", 0, "construct", -1, 0, 0},
            {id, "TestInit", 1, "makeAdder", 0},
        },
        -1, 0);
    return info;
}

const mp::InterfaceInfo& AdderInfo()
{
    const uint64_t id = capnp::typeId<Adder>();
    static const mp::InterfaceInfo info(id, "Adder",
        {
            {id, "Adder", 0, "destroy", 0},
            {id, "Adder", 1, "add"},
            {id, "Adder", 2, "addCtx", 0},
            {id, "Adder", 3, "callBack", 0},
            {id, "Adder", 4, "echo", 0},
            {id, "Adder", 5, "fail", 0},
        },
        0, -1);
    return info;
}

const mp::InterfaceInfo& CallbackInfo()
{
    const uint64_t id = capnp::typeId<Callback>();
    static const mp::InterfaceInfo info(id, "Callback", {{id, "Callback", 0, "call", 0}}, -1, -1);
    return info;
}

std::string ThreadName()
{
    std::ostringstream name;
    name << std::this_thread::get_id();
    return name.str();
}

struct Stats {
    std::atomic<int> destroyed{0};
    std::atomic<int> released{0};
};

class CallbackServer : public mp::ServerBase
{
public:
    explicit CallbackServer(std::thread::id* ran_on) : m_ran_on(ran_on) {}
    const mp::InterfaceInfo& interfaceInfo() const override { return CallbackInfo(); }
    void dispatch(size_t method, mp::IncomingMessage& params, mp::OutgoingMessage& results) override
    {
        if (method != CALL) throw std::runtime_error("Callback: unknown method");
        *m_ran_on = std::this_thread::get_id();
        const int x = params.getRoot<Callback::CallParams>().getX();
        results.initRoot<Callback::CallResults>().setResult(x * 10);
    }

private:
    std::thread::id* m_ran_on;
};

class AdderServer : public mp::ServerBase
{
public:
    explicit AdderServer(Stats& stats) : m_stats(stats) {}
    ~AdderServer() override { ++m_stats.released; }
    const mp::InterfaceInfo& interfaceInfo() const override { return AdderInfo(); }
    void dispatch(size_t method, mp::IncomingMessage& params, mp::OutgoingMessage& results) override
    {
        switch (method) {
        case 0:
            ++m_stats.destroyed;
            results.initRoot<Adder::DestroyResults>();
            return;
        case ADD: {
            auto p = params.getRoot<Adder::AddParams>();
            results.initRoot<Adder::AddResults>().setResult(p.getA() + p.getB());
            return;
        }
        case ADD_CTX: {
            auto p = params.getRoot<Adder::AddCtxParams>();
            auto r = results.initRoot<Adder::AddCtxResults>();
            r.setResult(p.getA() + p.getB());
            r.setThread(ThreadName());
            return;
        }
        case CALL_BACK: {
            auto p = params.getRoot<Adder::CallBackParams>();
            auto cb = params.takeCapability(p.getCb(), CallbackInfo());
            mp::OutgoingMessage call;
            call.initRoot<Callback::CallParams>().setX(p.getX());
            auto reply = cb->call(CallbackInfo(), CALL, call);
            results.initRoot<Adder::CallBackResults>().setResult(reply.getRoot<Callback::CallResults>().getResult() + 1);
            return;
        }
        case ECHO:
            results.initRoot<Adder::EchoResults>().setResult(params.getRoot<Adder::EchoParams>().getData());
            return;
        case FAIL:
            throw std::runtime_error(params.getRoot<Adder::FailParams>().getMessage().cStr());
        }
        throw std::runtime_error("Adder: unknown method");
    }

private:
    Stats& m_stats;
};

class InitServer : public mp::ServerBase
{
public:
    explicit InitServer(Stats& stats) : m_stats(stats) {}
    const mp::InterfaceInfo& interfaceInfo() const override { return InitInfo(); }
    void dispatch(size_t method, mp::IncomingMessage&, mp::OutgoingMessage& results) override
    {
        if (method == 0) {
            results.initRoot<TestInit::ConstructResults>();
            return;
        }
        if (method != MAKE_ADDER) throw std::runtime_error("TestInit: unknown method");
        auto r = results.initRoot<TestInit::MakeAdderResults>();
        r.setResult(results.exportServer(std::make_unique<AdderServer>(m_stats)).castAs<Adder>());
    }

private:
    Stats& m_stats;
};

//! An event loop thread, a C++ server on one end of a socketpair and a client on the other.
struct Setup {
    std::thread loop_thread;
    mp::EventLoop* loop{nullptr};
    std::optional<mp::EventLoopRef> ref;
    Stats stats;
    std::unique_ptr<mp::RemoteCapability> init;

    Setup()
    {
        std::promise<mp::EventLoop*> ready;
        loop_thread = std::thread([&] {
            mp::EventLoop event_loop("cppcalls", [](mp::LogMessage) {});
            ready.set_value(&event_loop);
            event_loop.loop();
        });
        loop = ready.get_future().get();
        ref.emplace(*loop);
        auto [a, b] = mp::SocketPair();
        mp::ServeRemote(*loop, mp::MakeStream(*loop, a), std::make_unique<InitServer>(stats));
        init = mp::ConnectRemote(*loop, mp::MakeStream(*loop, b), InitInfo());
    }

    std::unique_ptr<mp::RemoteCapability> MakeAdder()
    {
        mp::OutgoingMessage params;
        params.initRoot<TestInit::MakeAdderParams>();
        auto reply = init->call(InitInfo(), MAKE_ADDER, params);
        return reply.takeCapability(reply.getRoot<TestInit::MakeAdderResults>().getResult(), AdderInfo());
    }

    ~Setup()
    {
        init.reset();
        ref.reset();
        loop_thread.join();
    }
};

int Add(mp::RemoteCapability& adder, size_t method, int a, int b, std::string* thread = nullptr)
{
    mp::OutgoingMessage params;
    if (method == ADD) {
        auto p = params.initRoot<Adder::AddParams>();
        p.setA(a);
        p.setB(b);
        return adder.call(AdderInfo(), ADD, params).getRoot<Adder::AddResults>().getResult();
    }
    auto p = params.initRoot<Adder::AddCtxParams>();
    p.setA(a);
    p.setB(b);
    auto reply = adder.call(AdderInfo(), ADD_CTX, params);
    auto r = reply.getRoot<Adder::AddCtxResults>();
    if (thread) *thread = r.getThread();
    return r.getResult();
}

void CallsWithAndWithoutContext()
{
    Setup s;
    auto adder = s.MakeAdder();
    CHECK_EQ(Add(*adder, ADD, 2, 3), 5);
    std::string server_thread;
    CHECK_EQ(Add(*adder, ADD_CTX, 40, 2, &server_thread), 42);
    // A Context call runs on a server thread, not on the caller's.
    CHECK(!server_thread.empty());
    CHECK(server_thread != ThreadName());
    // The same client thread keeps its server thread.
    std::string again;
    Add(*adder, ADD_CTX, 1, 1, &again);
    CHECK_EQ(again, server_thread);
    const std::string remote_name = adder->remoteThreadName();
    CHECK(remote_name.find("cppcalls") != std::string::npos);
}

void EachClientThreadGetsItsOwnServerThread()
{
    Setup s;
    auto adder = s.MakeAdder();
    std::string main_server;
    Add(*adder, ADD_CTX, 1, 2, &main_server);
    std::string other_server;
    int other_result = 0;
    std::thread other([&] { other_result = Add(*adder, ADD_CTX, 3, 4, &other_server); });
    other.join();
    CHECK_EQ(other_result, 7);
    CHECK(!other_server.empty() && other_server != main_server);
}

void CallbackRunsOnTheBlockedCaller()
{
    Setup s;
    auto adder = s.MakeAdder();
    std::thread::id ran_on;
    mp::OutgoingMessage params;
    auto p = params.initRoot<Adder::CallBackParams>();
    p.setX(4);
    p.setCb(params.exportServer(std::make_unique<CallbackServer>(&ran_on)).castAs<Callback>());
    auto reply = adder->call(AdderInfo(), CALL_BACK, params);
    CHECK_EQ(reply.getRoot<Adder::CallBackResults>().getResult(), 41);
    CHECK(ran_on == std::this_thread::get_id());
}

void EchoCarriesAMegabyte()
{
    Setup s;
    auto adder = s.MakeAdder();
    std::vector<uint8_t> data(1 << 20);
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7);
    mp::OutgoingMessage params;
    params.initRoot<Adder::EchoParams>().setData(kj::arrayPtr(data.data(), data.size()));
    auto reply = adder->call(AdderInfo(), ECHO, params);
    auto back = reply.getRoot<Adder::EchoResults>().getResult();
    CHECK_EQ(back.size(), data.size());
    CHECK(std::equal(back.begin(), back.end(), data.begin()));
}

void ServerExceptionReachesTheCaller()
{
    Setup s;
    auto adder = s.MakeAdder();
    mp::OutgoingMessage params;
    params.initRoot<Adder::FailParams>().setMessage("the server says no");
    CHECK_THROWS(adder->call(AdderInfo(), FAIL, params), "the server says no");
    // The connection survives.
    CHECK_EQ(Add(*adder, ADD_CTX, 1, 1), 2);
}

void DroppingTheProxyDestroysTheServerObject()
{
    Setup s;
    {
        auto adder = s.MakeAdder();
        CHECK_EQ(Add(*adder, ADD, 1, 1), 2);
        auto copy = adder->clone();
        adder.reset();
        // A clone keeps the object alive.
        CHECK_EQ(Add(*copy, ADD, 2, 2), 4);
        CHECK_EQ(s.stats.destroyed.load(), 0);
    }
    // destroy is called synchronously by the last proxy's release.
    CHECK_EQ(s.stats.destroyed.load(), 1);
}

} // namespace

int main()
{
    mp_test::Run("calls with and without Context", CallsWithAndWithoutContext);
    mp_test::Run("each client thread gets its own server thread", EachClientThreadGetsItsOwnServerThread);
    mp_test::Run("callback runs on the blocked caller", CallbackRunsOnTheBlockedCaller);
    mp_test::Run("echo carries a megabyte", EchoCarriesAMegabyte);
    mp_test::Run("server exception reaches the caller", ServerExceptionReachesTheCaller);
    mp_test::Run("dropping the proxy destroys the server object", DroppingTheProxyDestroysTheServerObject);
    return mp_test::Summary();
}
