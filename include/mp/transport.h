// The transport under generated C++ proxies: interfaces registered with the Rust runtime,
// messages built and read with Cap'n Proto's C++ library, calls to a peer's capability and
// C++ servers the runtime calls. Generated ProxyClient/ProxyServer code and the type headers
// stand on this; applications rarely use it directly.
#ifndef MP_TRANSPORT_H
#define MP_TRANSPORT_H

#include <capnp/any.h>
#include <capnp/capability.h>
#include <capnp/message.h>
#include <capnp/serialize.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mp {

//! One method of an interface as the runtime needs it: which thread runs it and which fields
//! the runtime fills itself. Pointer indexes are positions among the params (or results)
//! struct's pointer fields, -1 when there is no such field.
struct MethodInfo {
    uint64_t interface_id;
    const char* interface_name;
    uint16_t id;
    const char* name;
    int context{-1};
    int thread_map_param{-1};
    int thread_map_result{-1};
    //! capnp type ID of the method's Params struct, which is how generated client code names
    //! the method it calls (0 for methods C++ never calls: construct).
    uint64_t params_type{0};
    //! Whether the results may carry a capability. Calls whose messages carry none (and no
    //! ThreadMap) may go from the calling thread straight to the socket (doc/design.md,
    //! "Direct calls"); true when unknown.
    bool results_caps{true};
};

//! An interface registered with the runtime. Generated code keeps one per interface for the
//! life of the process.
class InterfaceInfo
{
public:
    //! `destroy` and `construct` are positions in `methods`, -1 when absent.
    InterfaceInfo(uint64_t id, const char* name, std::vector<MethodInfo> methods, int destroy, int construct);
    InterfaceInfo(const InterfaceInfo&) = delete;
    InterfaceInfo& operator=(const InterfaceInfo&) = delete;
    ~InterfaceInfo();

    const char* name() const { return m_name; }
    //! Position of method (interface_id, id) in the registration, or -1.
    int methodIndex(uint64_t interface_id, uint16_t id) const;
    //! Position of the method whose Params struct has this type ID. Throws std::logic_error
    //! if there is none (generated code and registration disagree).
    size_t methodIndexForParams(uint64_t params_type) const;

    struct Impl;
    const Impl& impl() const { return *m_impl; }

private:
    const char* m_name;
    std::vector<MethodInfo> m_methods;
    std::unique_ptr<Impl> m_impl;
};

class EventLoop;
class ServerBase;

//! A message C++ builds: a call's params on the client, its results on the server.
class OutgoingMessage
{
public:
    OutgoingMessage();
    OutgoingMessage(const OutgoingMessage&) = delete;
    OutgoingMessage& operator=(const OutgoingMessage&) = delete;
    ~OutgoingMessage();

    //! The root, able to hold capabilities.
    capnp::AnyPointer::Builder root() { return m_caps.imbue(m_message.getRoot<capnp::AnyPointer>()); }

    template <typename Struct>
    typename Struct::Builder initRoot()
    {
        return root().template initAs<Struct>();
    }

    //! Serves `server` to the peer as a new capability; set the returned client into a field.
    //! `loop` keeps running until the server object is destroyed.
    capnp::Capability::Client exportServer(EventLoop& loop, std::unique_ptr<ServerBase> server);

    capnp::MallocMessageBuilder& message() { return m_message; }
    capnp::BuilderCapabilityTable& caps() { return m_caps; }

private:
    capnp::MallocMessageBuilder m_message;
    capnp::BuilderCapabilityTable m_caps;
};

class RemoteCapability;

//! A message C++ reads: a call's results on the client, its params on the server. Its
//! capabilities are taken out as RemoteCapability objects when their fields are read.
class IncomingMessage
{
public:
    struct Impl;
    explicit IncomingMessage(std::unique_ptr<Impl> impl);
    IncomingMessage(IncomingMessage&&) noexcept;
    IncomingMessage& operator=(IncomingMessage&&) noexcept;
    ~IncomingMessage();

    capnp::AnyPointer::Reader root();

    template <typename Struct>
    typename Struct::Reader getRoot()
    {
        return root().template getAs<Struct>();
    }

    //! The capability a field held, as a proxy of `interface`; each can be taken once.
    //! Throws std::runtime_error for a capability that is not from this message.
    std::unique_ptr<RemoteCapability> takeCapability(capnp::Capability::Client client, const InterfaceInfo& interface);

private:
    std::unique_ptr<Impl> m_impl;
};

//! A capability of the peer: calls block until the reply, and callbacks the peer makes to the
//! calling thread meanwhile run on it.
class RemoteCapability
{
public:
    struct Impl;
    explicit RemoteCapability(std::unique_ptr<Impl> impl);
    RemoteCapability(const RemoteCapability&) = delete;
    RemoteCapability& operator=(const RemoteCapability&) = delete;
    ~RemoteCapability();

    //! Calls method `method` (position in `interface`). Throws std::runtime_error with the
    //! original's texts on disconnect and with the peer's text when it raised.
    IncomingMessage call(const InterfaceInfo& interface, size_t method, OutgoingMessage& params);

    //! Another proxy of the same capability.
    std::unique_ptr<RemoteCapability> clone() const;

    //! The name of the peer thread that serves this thread's calls on this connection.
    std::string remoteThreadName() const;

    //! Asks the peer for a pool of `count` threads on this connection (`makePool` on its
    //! ThreadMap); the pool serves calls that name no thread. Ours: the original has no call
    //! for this in its C++ API.
    void makePool(uint32_t count);

    //! How many calls on this capability's connection went from the calling thread straight
    //! to the socket, without the event loop (doc/design.md, "Direct calls"). Ours, for
    //! diagnostics and tests.
    uint64_t directCalls() const;

    Impl& impl() { return *m_impl; }

private:
    std::unique_ptr<Impl> m_impl;
};

//! A C++ object the runtime calls: generated ProxyServer classes derive from it. `dispatch`
//! runs on the thread the runtime chose (the caller's mapped thread, a pool thread, or the
//! event loop for methods without Context); an exception it throws reaches the caller.
class ServerBase
{
public:
    virtual ~ServerBase() = default;
    virtual const InterfaceInfo& interfaceInfo() const = 0;
    virtual void dispatch(size_t method, IncomingMessage& params, OutgoingMessage& results) = 0;
};

} // namespace mp

#endif // MP_TRANSPORT_H
