// The test interfaces' registrations and C++ servers, written by hand the way generated code
// registers and dispatches; shared by the in-process test and the server process.
#ifndef MP_TEST_CALLS_SERVERS_H
#define MP_TEST_CALLS_SERVERS_H

#include <calls.capnp.h>

#include <mp/connect.h>
#include <mp/event-loop.h>
#include <mp/transport.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

namespace calls {

// Positions of the methods in the registrations below.
constexpr size_t MAKE_ADDER = 1;
constexpr size_t ADD = 1, ADD_CTX = 2, CALL_BACK = 3, ECHO = 4, FAIL = 5, HANG = 6;
constexpr size_t CALL = 0;

inline const mp::InterfaceInfo& InitInfo()
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

inline const mp::InterfaceInfo& AdderInfo()
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
            {id, "Adder", 6, "hang", 0},
        },
        0, -1);
    return info;
}

inline const mp::InterfaceInfo& CallbackInfo()
{
    const uint64_t id = capnp::typeId<Callback>();
    static const mp::InterfaceInfo info(id, "Callback", {{id, "Callback", 0, "call", 0}}, -1, -1);
    return info;
}

inline std::string ThreadName()
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
        case HANG:
            while (true) std::this_thread::sleep_for(std::chrono::seconds(1));
        }
        throw std::runtime_error("Adder: unknown method");
    }

private:
    Stats& m_stats;
};

class InitServer : public mp::ServerBase
{
public:
    InitServer(mp::EventLoop& loop, Stats& stats) : m_loop(loop), m_stats(stats) {}
    const mp::InterfaceInfo& interfaceInfo() const override { return InitInfo(); }
    void dispatch(size_t method, mp::IncomingMessage&, mp::OutgoingMessage& results) override
    {
        if (method == 0) {
            results.initRoot<TestInit::ConstructResults>();
            return;
        }
        if (method != MAKE_ADDER) throw std::runtime_error("TestInit: unknown method");
        auto r = results.initRoot<TestInit::MakeAdderResults>();
        r.setResult(results.exportServer(m_loop, std::make_unique<AdderServer>(m_stats)).castAs<Adder>());
    }

private:
    mp::EventLoop& m_loop;
    Stats& m_stats;
};

} // namespace calls

#endif // MP_TEST_CALLS_SERVERS_H
