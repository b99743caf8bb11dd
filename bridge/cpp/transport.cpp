// mp/transport.h over the bridge: messages as segments, capabilities as hooks that stand for
// Rust handles inside capnp's cap tables.
#include <mp/transport.h>

#include "multiprocess-cxx/cpp/callbacks.h"
#include "multiprocess-cxx/cpp/handles.h"

#include <capnp/serialize.h>
#include <kj/refcount.h>

#include <optional>
#include <stdexcept>

namespace mp {
namespace {

using bridge::Rethrow;

//! Our hooks are never called: capnp only moves them between tables. These throw if it
//! ever tries.
template <typename Derived>
class BridgeHook : public capnp::ClientHook, public kj::Refcounted
{
public:
    capnp::Request<capnp::AnyPointer, capnp::AnyPointer> newCall(uint64_t, uint16_t, kj::Maybe<capnp::MessageSize>) override
    {
        throw std::logic_error("a capability inside a C++ message cannot be called directly");
    }
    VoidPromiseAndPipeline call(uint64_t, uint16_t, kj::Own<capnp::CallContextHook>&&) override
    {
        throw std::logic_error("a capability inside a C++ message cannot be called directly");
    }
    kj::Maybe<capnp::ClientHook&> getResolved() override { return nullptr; }
    kj::Maybe<kj::Promise<kj::Own<capnp::ClientHook>>> whenMoreResolved() override { return nullptr; }
    kj::Own<capnp::ClientHook> addRef() override { return kj::addRef(static_cast<Derived&>(*this)); }
    const void* getBrand() override { return &Derived::brand; }
    kj::Maybe<int> getFd() override { return nullptr; }
};

//! Entry `index` of a received message's capabilities.
class ImportHook final : public BridgeHook<ImportHook>
{
public:
    static const char brand;
    explicit ImportHook(size_t index) : index(index) {}
    const size_t index;
};
const char ImportHook::brand = 0;

//! A C++ server to send: the runtime serves it once the message goes out.
class ExportHook final : public BridgeHook<ExportHook>
{
public:
    static const char brand;
    explicit ExportHook(rust::Box<bridge::Local> local) : local(std::move(local)) {}
    std::optional<rust::Box<bridge::Local>> local;
};
const char ExportHook::brand = 0;

rust::Vec<bridge::Segment> SegmentsOf(capnp::MallocMessageBuilder& message)
{
    rust::Vec<bridge::Segment> out;
    for (auto segment : message.getSegmentsForOutput()) {
        out.push_back(bridge::Segment{reinterpret_cast<const uint8_t*>(segment.begin()), segment.size() * sizeof(capnp::word)});
    }
    return out;
}

//! The C++ servers of a built message's cap table, in table order.
rust::Vec<rust::Box<bridge::Local>> TakeExports(capnp::BuilderCapabilityTable& caps)
{
    rust::Vec<rust::Box<bridge::Local>> out;
    for (auto& entry : caps.getTable()) {
        KJ_IF_MAYBE (hook, entry) {
            if ((*hook)->getBrand() != &ExportHook::brand) {
                throw std::runtime_error("a message may only carry capabilities of servers made in this process");
            }
            auto& exported = static_cast<ExportHook&>(**hook);
            if (!exported.local) throw std::runtime_error("a capability was sent twice");
            out.push_back(std::move(*exported.local));
            exported.local.reset();
        } else {
            throw std::runtime_error("a null capability in a cap table");
        }
    }
    return out;
}

capnp::ReaderOptions UnlimitedReading()
{
    // Messages here come from our own runtime, which checked the peer's sizes already.
    capnp::ReaderOptions options;
    options.traversalLimitInWords = kj::maxValue;
    return options;
}

} // namespace

// ---- InterfaceInfo

InterfaceInfo::InterfaceInfo(uint64_t id, const char* name, std::vector<MethodInfo> methods, int destroy, int construct)
    : m_name(name), m_methods(std::move(methods))
{
    rust::Vec<bridge::MethodSpec> specs;
    for (const MethodInfo& m : m_methods) {
        specs.push_back(bridge::MethodSpec{m.interface_id, rust::String(m.interface_name), m.id, rust::String(m.name),
            m.context, m.thread_map_param, m.thread_map_result, m.results_caps});
    }
    try {
        m_impl = std::make_unique<Impl>(Impl{bridge::new_interface(id, name, std::move(specs), destroy, construct)});
    } catch (const rust::Error& e) {
        Rethrow(e);
    }
}

InterfaceInfo::~InterfaceInfo() = default;

int InterfaceInfo::methodIndex(uint64_t interface_id, uint16_t id) const
{
    for (size_t i = 0; i < m_methods.size(); ++i) {
        if (m_methods[i].interface_id == interface_id && m_methods[i].id == id) return static_cast<int>(i);
    }
    return -1;
}

size_t InterfaceInfo::methodIndexForParams(uint64_t params_type) const
{
    for (size_t i = 0; i < m_methods.size(); ++i) {
        if (m_methods[i].params_type == params_type) return i;
    }
    throw std::logic_error(std::string("interface ") + m_name + " has no method with these params");
}

// ---- OutgoingMessage

OutgoingMessage::OutgoingMessage() = default;
OutgoingMessage::~OutgoingMessage() = default;

capnp::Capability::Client OutgoingMessage::exportServer(EventLoop& loop, std::unique_ptr<ServerBase> server)
{
    const InterfaceInfo& info = server->interfaceInfo();
    auto local = bridge::new_local(
        *loop.impl().handle, *info.impl().handle, std::make_unique<bridge::CxxServer>(std::move(server)));
    return capnp::Capability::Client(kj::refcounted<ExportHook>(std::move(local)));
}

// ---- IncomingMessage

struct IncomingMessage::Impl {
    std::optional<rust::Box<bridge::Message>> owned;
    bridge::Message* message;
    std::vector<kj::ArrayPtr<const capnp::word>> segments;
    std::optional<capnp::SegmentArrayMessageReader> reader;
    std::optional<capnp::ReaderCapabilityTable> caps;

    explicit Impl(bridge::Message& m) : message(&m)
    {
        for (const bridge::Segment& s : m.segments()) {
            segments.emplace_back(reinterpret_cast<const capnp::word*>(s.data), s.size / sizeof(capnp::word));
        }
        reader.emplace(kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>>(segments.data(), segments.size()), UnlimitedReading());
        auto table = kj::heapArrayBuilder<kj::Maybe<kj::Own<capnp::ClientHook>>>(m.cap_count());
        for (size_t i = 0; i < m.cap_count(); ++i) table.add(kj::Own<capnp::ClientHook>(kj::refcounted<ImportHook>(i)));
        caps.emplace(table.finish());
    }
};

IncomingMessage::IncomingMessage(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
IncomingMessage::IncomingMessage(IncomingMessage&&) noexcept = default;
IncomingMessage& IncomingMessage::operator=(IncomingMessage&&) noexcept = default;
IncomingMessage::~IncomingMessage() = default;

capnp::AnyPointer::Reader IncomingMessage::root()
{
    return m_impl->caps->imbue(m_impl->reader->getRoot<capnp::AnyPointer>());
}

std::unique_ptr<RemoteCapability> IncomingMessage::takeCapability(capnp::Capability::Client client, const InterfaceInfo& interface)
{
    kj::Own<capnp::ClientHook> hook = capnp::ClientHook::from(kj::mv(client));
    if (hook->getBrand() != &ImportHook::brand) {
        throw std::runtime_error("takeCapability: the capability did not come from this message");
    }
    const size_t index = static_cast<ImportHook&>(*hook).index;
    try {
        return std::make_unique<RemoteCapability>(
            std::make_unique<RemoteCapability::Impl>(RemoteCapability::Impl{m_impl->message->take_cap(index, *interface.impl().handle)}));
    } catch (const rust::Error& e) {
        Rethrow(e);
    }
}

// ---- RemoteCapability

RemoteCapability::RemoteCapability(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
RemoteCapability::~RemoteCapability() = default;

IncomingMessage RemoteCapability::call(const InterfaceInfo& interface, size_t method, OutgoingMessage& params)
{
    rust::Vec<bridge::Segment> segments = SegmentsOf(params.message());
    rust::Vec<rust::Box<bridge::Local>> caps = TakeExports(params.caps());
    try {
        rust::Slice<const bridge::Segment> slice(segments.data(), segments.size());
        rust::Box<bridge::Message> reply = m_impl->handle->call(*interface.impl().handle, method, slice, std::move(caps));
        auto impl = std::make_unique<IncomingMessage::Impl>(*reply);
        impl->owned.emplace(std::move(reply));
        return IncomingMessage(std::move(impl));
    } catch (const rust::Error& e) {
        Rethrow(e);
    }
}

std::unique_ptr<RemoteCapability> RemoteCapability::clone() const
{
    return std::make_unique<RemoteCapability>(std::make_unique<Impl>(Impl{m_impl->handle->clone_remote()}));
}

std::string RemoteCapability::remoteThreadName() const
{
    try {
        return std::string(m_impl->handle->remote_thread_name());
    } catch (const rust::Error& e) {
        Rethrow(e);
    }
}

uint64_t RemoteCapability::directCalls() const
{
    return m_impl->handle->direct_calls();
}

void RemoteCapability::makePool(uint32_t count)
{
    try {
        m_impl->handle->make_pool(count);
    } catch (const rust::Error& e) {
        Rethrow(e);
    }
}

namespace bridge {

// ---- the C++ objects Rust calls

std::unique_ptr<CxxMessage> CxxServer::call(size_t method, Message& params) const
{
    IncomingMessage incoming(std::make_unique<IncomingMessage::Impl>(params));
    auto results = std::make_unique<CxxMessage>();
    m_server->dispatch(method, incoming, results->message);
    return results;
}

rust::Vec<Segment> CxxMessage::segments() const
{
    return SegmentsOf(message.message());
}

rust::Vec<rust::Box<Local>> CxxMessage::take_caps() { return TakeExports(message.caps()); }

rust::Box<Local> CxxServerFactory::make() const
{
    std::unique_ptr<ServerBase> server = m_make();
    const InterfaceInfo& info = server->interfaceInfo();
    return new_local(m_loop.impl().handle.operator*(), *info.impl().handle, std::make_unique<CxxServer>(std::move(server)));
}

} // namespace bridge
} // namespace mp
