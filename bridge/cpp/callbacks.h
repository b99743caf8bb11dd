// C++ objects the Rust side of the bridge calls: the user's log function, closures posted to
// the loop, and the SpawnProcess argv callback. Each keeps C++ exceptions on the C++ side
// or hands them to Rust as errors (cxx turns a throwing `Result` function into Err).
#ifndef MP_BRIDGE_CALLBACKS_H
#define MP_BRIDGE_CALLBACKS_H

#include <mp/log.h>
#include <mp/spawn.h>
#include <mp/transport.h>

#include "rust/cxx.h"

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <kj/function.h>

namespace mp::bridge {

class LogSink
{
public:
    explicit LogSink(LogFn fn) : m_fn(std::move(fn)) {}
    void write(uint8_t level, rust::Str message) const
    {
        if (m_fn) m_fn(LogMessage{std::string(message), static_cast<Log>(level)});
    }

private:
    LogFn m_fn;
};

//! A closure run once on the loop thread. Callers wrap their function so that it keeps its
//! own exception (see EventLoop::post); anything that still escapes is dropped here, because
//! an exception must not unwind into the Rust loop.
class Task
{
public:
    explicit Task(kj::Function<void()> fn) : m_fn(std::move(fn)) {}
    void run() noexcept
    {
        try {
            m_fn();
        } catch (...) {
        }
    }

private:
    kj::Function<void()> m_fn;
};

struct Message;
struct Local;
struct Segment;

//! A C++ server object the runtime calls (see mp::ServerBase).
class CxxServer
{
public:
    explicit CxxServer(std::unique_ptr<ServerBase> server) : m_server(std::move(server)) {}
    std::unique_ptr<class CxxMessage> call(size_t method, Message& params) const;
    const ServerBase& server() const { return *m_server; }

private:
    std::unique_ptr<ServerBase> m_server;
};

//! The results a C++ server built, handed to Rust to copy into the reply.
class CxxMessage
{
public:
    // Reading segments does not change the message, but capnp's accessor is not const.
    mutable OutgoingMessage message;
    rust::Vec<Segment> segments() const;
    rust::Vec<rust::Box<Local>> take_caps();
};

//! Makes the server of each connection a listener accepts.
class CxxServerFactory
{
public:
    CxxServerFactory(EventLoop& loop, std::function<std::unique_ptr<ServerBase>()> make)
        : m_loop(loop), m_make(std::move(make))
    {
    }
    rust::Box<Local> make() const;

private:
    EventLoop& m_loop;
    std::function<std::unique_ptr<ServerBase>()> m_make;
};

class ArgsMaker
{
public:
    explicit ArgsMaker(const SpawnConnectInfoToArgsFn& fn) : m_fn(fn) {}
    rust::Vec<rust::String> make_args(rust::Str connect_info) const
    {
        rust::Vec<rust::String> argv;
        for (const std::string& arg : m_fn(std::string(connect_info))) argv.push_back(rust::String(arg));
        return argv;
    }

private:
    const SpawnConnectInfoToArgsFn& m_fn;
};

} // namespace mp::bridge

#endif // MP_BRIDGE_CALLBACKS_H
