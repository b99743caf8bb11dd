// Serves a Greeter and calls it through generated proxies over a socketpair, in one process.
// Prints "greeter ok" and exits 0 when the answers are right.
#include <greeter.capnp.h>
#include <greeter.capnp.proxy.h>

#include <mp/proxy-io.h>
#include <mp/util.h>

#include <future>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

class GreeterImpl : public Greeter
{
public:
    explicit GreeterImpl(std::string name) : m_name(std::move(name)) {}
    std::string greet(int times) override
    {
        std::string out;
        for (int i = 0; i < times; ++i) out += "hello " + m_name + "; ";
        return out;
    }

private:
    std::string m_name;
};

class GreeterInitImpl : public GreeterInit
{
public:
    std::unique_ptr<Greeter> makeGreeter(const std::string& name) override { return std::make_unique<GreeterImpl>(name); }
};

int main()
{
    std::promise<mp::EventLoop*> ready;
    std::thread loop_thread([&] {
        mp::EventLoop loop("greeter", [](mp::LogMessage) {});
        ready.set_value(&loop);
        loop.loop();
    });
    mp::EventLoop* loop = ready.get_future().get();
    std::string answer;
    {
        mp::EventLoopRef ref{*loop};
        GreeterInitImpl init;
        auto [a, b] = mp::SocketPair();
        mp::ServeStream<GreeterInitInterface>(*loop, mp::MakeStream(*loop, a), init);
        auto client = mp::ConnectStream<GreeterInitInterface>(*loop, mp::MakeStream(*loop, b));
        auto greeter = client->makeGreeter("consumer");
        answer = greeter->greet(2);
    }
    loop_thread.join();
    if (answer != "hello consumer; hello consumer; ") {
        std::cerr << "greeter failed: " << answer << std::endl;
        return 1;
    }
    std::cout << "greeter ok" << std::endl;
    return 0;
}
