// The conformance schema's `Callback` in native C++: records the thread each call runs on
// and recurses through the service. Shared by the C++ clients of the schema: the one built
// on our library (tests/conformance/cpp-client.cpp) and the one built on the original
// (interop-client.cpp), which differ only in how they name the calling thread.

#ifndef CONF_INTEROP_CALLBACK_IMPL_H
#define CONF_INTEROP_CALLBACK_IMPL_H

#include <interop.h>

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace conf {

class CallbackImpl final : public Callback
{
public:
    //! `destroyed` counts the callbacks destroyed; `thread_name` names the calling thread as
    //! the library under test does.
    CallbackImpl(Service& service, std::atomic<int>& destroyed, std::string (*thread_name)())
        : m_service(service), m_destroyed(destroyed), m_thread_name(thread_name)
    {
    }
    ~CallbackImpl() override { ++m_destroyed; }
    std::vector<int64_t> call(int depth) override
    {
        std::vector<int64_t> tids{Tid()};
        if (depth > 1) {
            auto more = m_service.callBack(std::make_unique<CallbackImpl>(m_service, m_destroyed, m_thread_name), depth - 1);
            tids.insert(tids.end(), more.begin(), more.end());
        }
        return tids;
    }
    void whereAmI(int64_t& tid, std::string& name) override
    {
        tid = Tid();
        name = m_thread_name();
    }

private:
    static int64_t Tid() { return static_cast<int64_t>(syscall(SYS_gettid)); }

    Service& m_service;
    std::atomic<int>& m_destroyed;
    std::string (*m_thread_name)();
};

} // namespace conf

#endif // CONF_INTEROP_CALLBACK_IMPL_H
