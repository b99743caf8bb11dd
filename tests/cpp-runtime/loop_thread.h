// The tests' usual setup: an mp::EventLoop running on a thread of its own while the test's
// thread makes the calls (the original's programs start theirs the same way).
#ifndef MP_TEST_LOOP_THREAD_H
#define MP_TEST_LOOP_THREAD_H

#include <mp/event-loop.h>
#include <mp/log.h>

#include <exception>
#include <future>
#include <optional>
#include <thread>
#include <utility>

namespace mp_test {

//! Starts the loop and keeps it running with a reference of its own; `stop()` (or the
//! destructor) drops that reference and joins the thread, which returns once the loop has no
//! other user (connections, proxies, servers): release those first.
class LoopThread
{
public:
    explicit LoopThread(const char* exe_name, mp::LogFn log_fn = [](mp::LogMessage) {})
    {
        std::promise<mp::EventLoop*> ready;
        m_thread = std::thread([&] {
            std::optional<mp::EventLoop> loop;
            try {
                loop.emplace(exe_name, std::move(log_fn));
            } catch (...) {
                ready.set_exception(std::current_exception());
                return;
            }
            ready.set_value(&*loop);
            loop->loop();
        });
        try {
            m_loop = ready.get_future().get();
        } catch (...) {
            m_thread.join();
            throw;
        }
        m_ref.emplace(*m_loop);
    }
    LoopThread(const LoopThread&) = delete;
    LoopThread& operator=(const LoopThread&) = delete;
    ~LoopThread() { stop(); }

    mp::EventLoop& loop() { return *m_loop; }
    std::thread::id threadId() const { return m_thread.get_id(); }

    void stop()
    {
        m_ref.reset();
        if (m_thread.joinable()) m_thread.join();
    }

private:
    std::thread m_thread;
    mp::EventLoop* m_loop{nullptr};
    std::optional<mp::EventLoopRef> m_ref;
};

} // namespace mp_test

#endif // MP_TEST_LOOP_THREAD_H
