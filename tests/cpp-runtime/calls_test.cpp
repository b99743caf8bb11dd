// The C++ transport (mp/transport.h, mp/connect.h) end to end in one process: a C++ server and a
// C++ client on the two ends of a socketpair, through the Rust runtime. Interface
// registrations and dispatch are written by hand here the way generated code will write them.
#include "check.h"
#include "loop_thread.h"

#include "calls_servers.h"

#include <calls.capnp.h>

#include <mp/connect.h>
#include <mp/proxy-io.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

namespace {

using namespace calls;

//! An event loop thread, a C++ server on one end of a socketpair and a client on the other.
struct Setup {
    mp_test::LoopThread loop_thread{"cppcalls"};
    mp::EventLoop* loop{&loop_thread.loop()};
    Stats stats;
    std::unique_ptr<mp::RemoteCapability> init;

    Setup()
    {
        auto [a, b] = mp::SocketPair();
        mp::ServeRemote(*loop, mp::MakeStream(*loop, a), std::make_unique<InitServer>(*loop, stats));
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
        loop_thread.stop();
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
    p.setCb(params.exportServer(*s.loop, std::make_unique<CallbackServer>(&ran_on)).castAs<Callback>());
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
