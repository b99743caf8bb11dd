// The user's hooks (hooks-types.h) against a live peer in another process: this program spawns
// itself as the server (`serve <fd>`), so that process-wide state carried by a count(0) field
// really travels.
#include "check.h"
#include "loop_thread.h"

#include <hooks.capnp.h>
#include <hooks.capnp.proxy.h>

#include <mp/proxy-io.h>

#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

namespace {

class HooksImpl : public hooks::Hooks
{
public:
    hooks::Money doubled(const hooks::Money& money) override { return {money.cents * 2, money.currency + money.currency}; }
    void append(hooks::Money& money, const std::string& suffix) override { money.currency += suffix; }
    hooks::Coin spend(const hooks::Coin& coin, int64_t cost) override { return {coin.amount - cost}; }
    int64_t amountOf(const hooks::Coin& coin) override { return coin.amount; }
    int area(int width, int height) override { return width * height; }
    std::string network() override
    {
        const std::string seen = hooks::g_network;
        hooks::g_network += "@server";
        return seen;
    }
};

int Serve(const char* connect_info)
{
    const mp::SocketId socket = mp::StartSpawned(connect_info);
    mp::EventLoop loop("hooks-server", [](mp::LogMessage) {});
    HooksImpl server;
    mp::ServeStream<hooks::messages::HooksInterface>(loop, mp::MakeStream(loop, socket), server);
    loop.loop();
    return 0;
}

std::string SelfExe()
{
    char self[4096];
    const ssize_t length = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (length <= 0) throw std::runtime_error("cannot read /proc/self/exe");
    return std::string(self, static_cast<size_t>(length));
}

void TestHooks(hooks::Hooks& client)
{
    mp_test::Run("CustomBuildMessage / CustomReadMessage", [&] {
        CHECK((client.doubled({250, "EUR"}) == hooks::Money{500, "EUREUR"}));
    });
    mp_test::Run("CustomPassMessage for an in/out argument", [&] {
        hooks::Money money{1, "a"};
        client.append(money, "b");
        CHECK((money == hooks::Money{1, "a|passb"}));
    });
    mp_test::Run("CustomHasValue", [&] {
        CHECK((client.spend({10}, 3) == hooks::Coin{7}));
        CHECK_EQ(client.amountOf({7}), 7);
        // A spent coin is not sent: the server reads a default coin.
        CHECK_EQ(client.amountOf({-5}), 0);
        // Nor sent back: the client keeps its default.
        CHECK((client.spend({10}, 20) == hooks::Coin{}));
    });
    mp_test::Run("$Proxy.count(2): CustomBuildField and the server's CustomPassField", [&] {
        CHECK_EQ(client.area(6, 7), 42);
        CHECK_EQ(client.area(-3, 5), -15);
    });
    mp_test::Run("$Proxy.count(0): TypeList<> hooks carry process-wide state both ways", [&] {
        hooks::g_network = "regtest";
        CHECK_EQ(client.network(), "regtest");
        CHECK_EQ(hooks::g_network, "regtest@server");
        hooks::g_network = "main";
        CHECK_EQ(client.network(), "main");
        CHECK_EQ(hooks::g_network, "main@server");
    });
}

} // namespace

int main(int argc, char** argv)
{
    if (argc == 3 && std::string(argv[1]) == "serve") return Serve(argv[2]);

    mp_test::LoopThread loop_thread("hooks-client");
    mp::EventLoop* loop = &loop_thread.loop();
    {
        const std::string self = SelfExe();
        auto [pid, socket] = mp::SpawnProcess(
            [&](const mp::SpawnConnectInfo& info) { return std::vector<std::string>{self, "serve", info}; });
        auto client = mp::ConnectStream<hooks::messages::HooksInterface>(*loop, mp::MakeStream(*loop, socket));
        TestHooks(*client);
        client.reset();
        const int status = mp::WaitProcess(pid);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    loop_thread.stop();
    return mp_test::Summary();
}
