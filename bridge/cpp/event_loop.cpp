// mp::EventLoop over the Rust loop handle.
#include <mp/event-loop.h>

#include "multiprocess-cxx/cpp/callbacks.h"
#include "multiprocess-cxx/cpp/handles.h"

#include <stdexcept>

namespace mp {

EventLoop::EventLoop(const char* exe_name, LogOptions log_opts, void* context)
    : m_exe_name(exe_name), m_log_opts(std::move(log_opts)), m_context(context)
{
    auto sink = std::make_unique<bridge::LogSink>(m_log_opts.log_fn);
    m_impl = std::make_unique<Impl>(Impl{bridge::new_loop(exe_name, std::move(sink),
        static_cast<uint8_t>(m_log_opts.log_level), m_log_opts.max_chars)});
}

EventLoop::~EventLoop() = default;

void EventLoop::loop() { m_impl->handle->run(); }

void EventLoop::post(kj::Function<void()> fn)
{
    // The caller waits below, so the task may refer to these locals.
    std::exception_ptr error;
    bool ran = false;
    auto task = std::make_unique<bridge::Task>([&]() {
        try {
            fn();
        } catch (...) {
            error = std::current_exception();
        }
        ran = true;
    });
    try {
        m_impl->handle->sync(std::move(task));
    } catch (const rust::Error& e) {
        throw std::runtime_error(e.what());
    }
    if (error) std::rethrow_exception(error);
    if (!ran) throw std::runtime_error("EventLoop::post: the event loop stopped before running the function");
}

void EventLoop::addClient() { m_impl->handle->add_client(); }

void EventLoop::removeClient() { m_impl->handle->remove_client(); }

bool EventLoop::onLoopThread() const { return m_impl->handle->on_loop_thread(); }

std::string LongThreadName(const char* exe_name)
{
    return std::string(bridge::long_thread_name(exe_name));
}

} // namespace mp
