// mpexample: spawns mpprinter and mpcalculator next to itself, hands the calculator a printer
// and sends it the equations typed on standard input until "exit".
#include <init.capnp.h>
#include <init.capnp.proxy.h>

#include <mp/proxy-io.h>
#include <mp/util.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace fs = std::filesystem;

static auto Spawn(mp::EventLoop& loop, const std::string& process_argv0, const std::string& new_exe_name)
{
    const auto [pid, socket] = mp::SpawnProcess([&](mp::SpawnConnectInfo info) -> std::vector<std::string> {
        fs::path path = process_argv0;
        path.remove_filename();
        path.append(new_exe_name);
        return {path.string(), std::move(info)};
    });
    return std::make_tuple(mp::ConnectStream<InitInterface>(loop, mp::MakeStream(loop, socket)), pid);
}

static void LogPrint(mp::LogMessage log_data)
{
    if (log_data.level == mp::Log::Raise) throw std::runtime_error(log_data.message);
    std::ofstream("debug.log", std::ios_base::app) << log_data.message << std::endl;
}

int main(int argc, char** argv)
{
    if (argc != 1) {
        std::cout << "Usage: mpexample\n";
        return 1;
    }

    std::promise<mp::EventLoop*> promise;
    std::thread loop_thread([&] {
        mp::EventLoop loop("mpexample", LogPrint);
        promise.set_value(&loop);
        loop.loop();
    });
    mp::EventLoop* loop = promise.get_future().get();
    mp::EventLoopRef loop_ref{*loop};

    auto [printer_init, printer_pid] = Spawn(*loop, argv[0], "mpprinter");
    auto [calc_init, calc_pid] = Spawn(*loop, argv[0], "mpcalculator");
    auto calc = calc_init->makeCalculator(printer_init->makePrinter());
    while (true) {
        std::string eqn;
        std::cout << "Enter the equation, or \"exit\" to quit: ";
        std::getline(std::cin, eqn);
        if (eqn == "exit" || !std::cin) break;
        calc->solveEquation(eqn);
    }
    calc.reset();
    calc_init.reset();
    mp::WaitProcess(calc_pid);
    printer_init.reset();
    mp::WaitProcess(printer_pid);
    loop_ref.reset();
    loop_thread.join();
    std::cout << "Bye!" << std::endl;
    return 0;
}
