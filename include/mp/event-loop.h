// mp::EventLoop and mp::EventLoopRef with the original's interface, backed by the Rust runtime.
#ifndef MP_EVENT_LOOP_H
#define MP_EVENT_LOOP_H

#include <mp/log.h>

#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include <kj/function.h>

namespace mp {

//! The thread that owns a process's connections. As in the original, one thread constructs it
//! and calls `loop()`, which returns once the last client (EventLoopRef, connection) is gone;
//! other threads reach it with `post` and `sync`.
//!
//! Every socket, message and capability is handled by the Rust runtime; no kj event loop runs.
class EventLoop
{
public:
    EventLoop(const char* exe_name, LogFn log_fn, void* context = nullptr)
        : EventLoop(exe_name, LogOptions{std::move(log_fn)}, context) {}

    EventLoop(const char* exe_name, LogOptions log_opts, void* context = nullptr);

    //! The original's older callback form: `raise` is true for `Log::Raise` lines.
    EventLoop(const char* exe_name, std::function<void(bool raise, std::string message)> old_callback, void* context = nullptr)
        : EventLoop(exe_name, LogFn{[cb = std::move(old_callback)](LogMessage m) { cb(m.level == Log::Raise, std::move(m.message)); }}, context) {}

    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;
    ~EventLoop();

    //! Runs the loop on this thread until the last client is removed.
    void loop();

    //! Runs `fn` on the loop thread and returns when it has run (inline on the loop thread).
    //! An exception thrown by `fn` is rethrown here; if the loop has stopped, throws
    //! std::runtime_error.
    void post(kj::Function<void()> fn);

    //! Same as `post`, for any callable.
    template <typename Callable>
    void sync(Callable&& callable)
    {
        post(kj::Function<void()>(std::forward<Callable>(callable)));
    }

    //! Counts a user of the loop; `loop()` keeps running while it has one. EventLoopRef calls
    //! these; other code rarely needs to.
    void addClient();
    void removeClient();

    //! Whether the calling thread is running `loop()`.
    bool onLoopThread() const;

    //! The name given at construction, first part of every thread name in log lines.
    const char* m_exe_name;
    //! Where log lines go.
    LogOptions m_log_opts;
    //! Opaque pointer for the application, as in the original.
    void* m_context;

    //! The Rust side; defined in the bridge.
    struct Impl;
    Impl& impl() { return *m_impl; }

private:
    std::unique_ptr<Impl> m_impl;
};

//! Keeps an event loop running while it exists (the original's reference count).
class EventLoopRef
{
public:
    explicit EventLoopRef(EventLoop& loop) : m_loop(&loop) { m_loop->addClient(); }
    EventLoopRef(EventLoopRef&& other) noexcept : m_loop(std::exchange(other.m_loop, nullptr)) {}
    EventLoopRef(const EventLoopRef&) = delete;
    EventLoopRef& operator=(const EventLoopRef&) = delete;
    EventLoopRef& operator=(EventLoopRef&&) = delete;
    ~EventLoopRef() { reset(); }

    EventLoop& operator*() const { return *m_loop; }
    EventLoop* operator->() const { return m_loop; }

    //! Releases the reference now; the loop stops if it was the last client.
    void reset()
    {
        if (EventLoop* loop = std::exchange(m_loop, nullptr)) loop->removeClient();
    }

private:
    EventLoop* m_loop;
};

} // namespace mp

#endif // MP_EVENT_LOOP_H
