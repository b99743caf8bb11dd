// mpprinter: serves a printer to the process that spawned it. Usage: mpprinter <fd>
#include <printer.h>
#include <init.capnp.h>
#include <init.capnp.proxy.h>

#include <mp/proxy-io.h>
#include <mp/util.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

class PrinterImpl : public Printer
{
public:
    void print(const std::string& message) override { std::cout << "mpprinter: " << message << std::endl; }
};

class InitImpl : public Init
{
public:
    std::unique_ptr<Printer> makePrinter() override { return std::make_unique<PrinterImpl>(); }
};

static void LogPrint(mp::LogMessage log_data)
{
    if (log_data.level == mp::Log::Raise) throw std::runtime_error(log_data.message);
    std::ofstream("debug.log", std::ios_base::app) << log_data.message << std::endl;
}

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::cout << "Usage: mpprinter <fd>\n";
        return 1;
    }
    mp::SocketId socket{mp::StartSpawned(argv[1])};
    mp::EventLoop loop("mpprinter", LogPrint);
    std::unique_ptr<Init> init = std::make_unique<InitImpl>();
    mp::ServeStream<InitInterface>(loop, mp::MakeStream(loop, socket), *init);
    loop.loop();
    return 0;
}
