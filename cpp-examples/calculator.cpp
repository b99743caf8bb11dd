// mpcalculator: serves a calculator to the process that spawned it. Usage: mpcalculator <fd>
#include <calculator.h>
#include <init.capnp.h>
#include <init.capnp.proxy.h>

#include <mp/proxy-io.h>
#include <mp/util.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

class CalculatorImpl : public Calculator
{
public:
    explicit CalculatorImpl(std::unique_ptr<Printer> printer) : m_printer(std::move(printer)) {}
    void solveEquation(const std::string& eqn) override { m_printer->print("Wow " + eqn + ", that's a tough one.\n"); }

private:
    std::unique_ptr<Printer> m_printer;
};

class InitImpl : public Init
{
public:
    std::unique_ptr<Calculator> makeCalculator(std::unique_ptr<Printer> printer) override
    {
        return std::make_unique<CalculatorImpl>(std::move(printer));
    }
};

// The older (raise, message) form of log callback, which the original still accepts.
static void LogPrint(bool raise, const std::string& message)
{
    if (raise) throw std::runtime_error(message);
    std::ofstream("debug.log", std::ios_base::app) << message << std::endl;
}

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::cout << "Usage: mpcalculator <fd>\n";
        return 1;
    }
    mp::SocketId socket{mp::StartSpawned(argv[1])};
    mp::EventLoop loop("mpcalculator", LogPrint);
    std::unique_ptr<Init> init = std::make_unique<InitImpl>();
    mp::ServeStream<InitInterface>(loop, mp::MakeStream(loop, socket), *init);
    loop.loop();
    return 0;
}
