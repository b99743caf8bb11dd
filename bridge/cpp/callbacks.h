// C++ objects the Rust side of the bridge calls: the user's log function, closures posted to
// the loop, and the SpawnProcess argv callback. Each keeps C++ exceptions on the C++ side
// or hands them to Rust as errors (cxx turns a throwing `Result` function into Err).
#ifndef MP_BRIDGE_CALLBACKS_H
#define MP_BRIDGE_CALLBACKS_H

#include <mp/log.h>
#include <mp/spawn.h>

#include "rust/cxx.h"

#include <cstdint>
#include <exception>
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
