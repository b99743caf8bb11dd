// Conformance peer for the multiprocess Rust runtime.
//
// An independent implementation of the libmultiprocess conventions, written by hand on the
// official Cap'n Proto C++ runtime (capnp, capnp-rpc, kj) from shared/wire-protocol.md. It uses
// neither our runtime and generator nor the original library. It checks what it receives
// against that page and prints one line per check ("PASS ...", "FAIL ...: detail", or
// "GAP ...: detail" for a documented deviation), then "[who] N passed, M failed, K known gaps".
//
//   conformance-peer client <mpconf-server>
//       Spawns our Rust server with the fd-in-argv convention (socketpair, child fd number as
//       a decimal argv string, FD_CLOEXEC cleared only in the child) and acts as a client.
//   conformance-peer serve <fd> <socket path>
//       Started by our Rust client through mp::spawn_process: serves ConfInit on <fd> and on
//       connections accepted at <socket path>, checks what the client sends, and prints its
//       checks when the spawned connection closes.
//
// MP_CONF_TEXT_IS_BYTES=1 says the server keeps Text as bytes (our C++ server does; our Rust
// server's String does not), so non-UTF-8 Text must round-trip: a check instead of a GAP.
//
// A C++ peer has no OS thread per `Thread` capability: each Thread object this peer hosts
// stands for one logical thread (an id and a name), and every call runs on the kj event loop.

#include "conformance.capnp.h"
#include "mp/proxy.capnp.h"

#include <capnp/rpc-twoparty.h>
#include <capnp/rpc.capnp.h>
#include <capnp/serialize.h>
#include <kj/async-io.h>
#include <kj/debug.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace {

// mp/proxy.capnp declares namespace mp, as the original's does.
using mp::Context;
using mp::Thread;
using mp::ThreadMap;
using capnp::rpc::twoparty::Side;
using capnp::rpc::twoparty::VatId;

// ---------------------------------------------------------------------------------------------
// Reporting

struct Report {
    std::string who;
    int passed = 0;
    int failed = 0;
    int gaps = 0;
};
Report g_report;

void check(bool ok, const std::string& what, const std::string& detail = {})
{
    if (ok) {
        ++g_report.passed;
        std::printf("PASS [%s] %s\n", g_report.who.c_str(), what.c_str());
    } else {
        ++g_report.failed;
        std::printf("FAIL [%s] %s: %s\n", g_report.who.c_str(), what.c_str(), detail.c_str());
    }
    std::fflush(stdout);
}

// A known, documented deviation. If it is no longer seen, that is a failure, so that the
// documentation gets updated.
void gap(bool still_there, const std::string& what, const std::string& detail)
{
    if (still_there) {
        ++g_report.gaps;
        std::printf("GAP  [%s] %s: %s\n", g_report.who.c_str(), what.c_str(), detail.c_str());
        std::fflush(stdout);
    } else {
        check(false, what + " (known gap no longer seen)", detail);
    }
}

void summary()
{
    std::printf("[%s] %d passed, %d failed, %d known gaps\n", g_report.who.c_str(), g_report.passed,
                g_report.failed, g_report.gaps);
    std::fflush(stdout);
}

std::string hex(uint64_t v)
{
    char buf[32];
    std::snprintf(buf, sizeof(buf), "0x%016llx", static_cast<unsigned long long>(v));
    return buf;
}

std::string escape(const std::string& s)
{
    std::string out;
    for (unsigned char ch : s) {
        if (ch >= 0x20 && ch < 0x7f && ch != '\\') {
            out += static_cast<char>(ch);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof(buf), "\\x%02x", ch);
            out += buf;
        }
    }
    return out;
}

std::string text(capnp::Text::Reader t) { return std::string(t.begin(), t.size()); }
std::string bytes(capnp::Data::Reader d) { return std::string(reinterpret_cast<const char*>(d.begin()), d.size()); }

// ---------------------------------------------------------------------------------------------
// Thread names in the original's format: <exe>-<pid>/<comm>-<tid>

std::string readFile(const std::string& path)
{
    std::ifstream f(path);
    std::string s;
    std::getline(f, s);
    return s;
}

std::string exeBasename(pid_t pid)
{
    char buf[4096];
    std::string link = "/proc/" + std::to_string(pid) + "/exe";
    ssize_t n = readlink(link.c_str(), buf, sizeof(buf) - 1);
    if (n <= 0) return {};
    std::string path(buf, static_cast<size_t>(n));
    auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string ownThreadName()
{
    std::string comm = readFile("/proc/self/comm");
    std::string name = "conformance-peer-" + std::to_string(getpid()) + "/";
    if (!comm.empty()) name += comm + "-";
    return name + std::to_string(static_cast<long>(syscall(SYS_gettid)));
}

bool allDigits(const std::string& s)
{
    if (s.empty()) return false;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

// Checks `full` against the format; `pid` is the peer process. Returns an empty string when
// it matches, else what is wrong. The part before the first " (" is the name proper; what
// follows (" (from ...)", " (pool/N)") is returned in `suffix`.
std::string threadNameProblem(const std::string& full, pid_t pid, long* tid_out = nullptr,
                              std::string* suffix = nullptr)
{
    std::string name = full;
    auto paren = full.find(" (");
    if (paren != std::string::npos) {
        name = full.substr(0, paren);
        if (suffix) *suffix = full.substr(paren);
    } else if (suffix) {
        suffix->clear();
    }
    auto slash = name.find('/');
    if (slash == std::string::npos) return "no '/'";
    std::string left = name.substr(0, slash), right = name.substr(slash + 1);
    auto d1 = left.rfind('-');
    if (d1 == std::string::npos) return "no '-' before the pid";
    std::string exe = left.substr(0, d1), pid_s = left.substr(d1 + 1);
    std::string comm, tid_s;
    auto d2 = right.rfind('-');
    if (d2 == std::string::npos) {
        tid_s = right; // thread without a pthread name: "<exe>-<pid>/<tid>"
    } else {
        comm = right.substr(0, d2);
        tid_s = right.substr(d2 + 1);
    }
    if (!allDigits(pid_s) || !allDigits(tid_s)) return "pid or tid is not a number";
    if (std::stol(pid_s) != pid) return "pid " + pid_s + " is not the peer's pid " + std::to_string(pid);
    std::string real_exe = exeBasename(pid);
    if (exe != real_exe) return "exe part '" + exe + "' is not the peer's executable '" + real_exe + "'";
    long tid = std::stol(tid_s);
    if (tid_out) *tid_out = tid;
    std::string real_comm = readFile("/proc/" + pid_s + "/task/" + tid_s + "/comm");
    if (real_comm.empty()) return "thread " + tid_s + " does not exist in the peer";
    if (comm != real_comm) return "comm part '" + comm + "' is not the thread's comm '" + real_comm + "'";
    return {};
}

// ---------------------------------------------------------------------------------------------
// Wire tap: decodes every message in each direction (standard unpacked stream framing).

uint64_t g_seq = 0; // orders wire messages and object events together

struct CapDesc {
    capnp::rpc::CapDescriptor::Which kind;
    uint32_t id = 0;            // senderHosted / senderPromise / receiverHosted id
    uint32_t question = 0;      // receiverAnswer question
    std::vector<int> transform; // receiverAnswer transform: field index, or -1 for noop
};

struct WireMsg {
    uint64_t seq = 0;
    capnp::rpc::Message::Which which = capnp::rpc::Message::UNIMPLEMENTED;
    uint32_t id = 0;    // question id (bootstrap, call, finish), answer id (return), import id (release)
    uint32_t count = 0; // release reference count
    bool target_promised = false;
    uint32_t target_id = 0;
    std::vector<int> target_transform;
    uint64_t interface_id = 0;
    uint16_t method_id = 0;
    bool exception = false;
    std::string reason;
    std::vector<CapDesc> caps;
};

std::vector<int> transformOf(capnp::List<capnp::rpc::PromisedAnswer::Op>::Reader ops)
{
    std::vector<int> out;
    for (auto op : ops) {
        out.push_back(op.isGetPointerField() ? op.getGetPointerField() : -1);
    }
    return out;
}

class WireLog
{
public:
    std::vector<WireMsg> msgs;
    std::vector<unsigned char> first8;
    std::string error;

    void feed(const void* data, size_t n)
    {
        auto p = static_cast<const unsigned char*>(data);
        for (size_t i = 0; i < n && first8.size() < 8; ++i) first8.push_back(p[i]);
        m_buf.insert(m_buf.end(), p, p + n);
        while (error.empty() && parseOne()) {
        }
    }

private:
    std::vector<unsigned char> m_buf;

    static uint32_t le32(const unsigned char* p)
    {
        return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
    }

    bool parseOne()
    {
        if (m_buf.size() < 4) return false;
        size_t nseg = size_t(le32(m_buf.data())) + 1;
        if (nseg >= 512) {
            error = "message with " + std::to_string(nseg) + " segments";
            return false;
        }
        size_t header = (4 + 4 * nseg + 7) & ~size_t(7);
        if (m_buf.size() < header) return false;
        std::vector<size_t> sizes;
        size_t words = 0;
        for (size_t i = 0; i < nseg; ++i) {
            sizes.push_back(le32(m_buf.data() + 4 + 4 * i));
            words += sizes.back();
        }
        size_t total = header + words * 8;
        if (m_buf.size() < total) return false;
        std::vector<uint64_t> space(words ? words : 1);
        std::memcpy(space.data(), m_buf.data() + header, words * 8);
        std::vector<kj::ArrayPtr<const capnp::word>> segs;
        size_t off = 0;
        for (size_t s : sizes) {
            segs.push_back(kj::ArrayPtr<const capnp::word>(reinterpret_cast<const capnp::word*>(space.data() + off), s));
            off += s;
        }
        KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
                        capnp::SegmentArrayMessageReader reader(kj::arrayPtr(segs.data(), segs.size()));
                        decode(reader.getRoot<capnp::rpc::Message>());
                    })) {
            error = std::string("undecodable message: ") + e->getDescription().cStr();
        }
        m_buf.erase(m_buf.begin(), m_buf.begin() + static_cast<std::ptrdiff_t>(total));
        return true;
    }

    static void caps(capnp::List<capnp::rpc::CapDescriptor>::Reader list, WireMsg& w)
    {
        for (auto d : list) {
            CapDesc c;
            c.kind = d.which();
            switch (d.which()) {
            case capnp::rpc::CapDescriptor::SENDER_HOSTED: c.id = d.getSenderHosted(); break;
            case capnp::rpc::CapDescriptor::SENDER_PROMISE: c.id = d.getSenderPromise(); break;
            case capnp::rpc::CapDescriptor::RECEIVER_HOSTED: c.id = d.getReceiverHosted(); break;
            case capnp::rpc::CapDescriptor::RECEIVER_ANSWER:
                c.question = d.getReceiverAnswer().getQuestionId();
                c.transform = transformOf(d.getReceiverAnswer().getTransform());
                break;
            default: break;
            }
            w.caps.push_back(c);
        }
    }

    void decode(capnp::rpc::Message::Reader m)
    {
        WireMsg w;
        w.seq = ++g_seq;
        w.which = m.which();
        switch (m.which()) {
        case capnp::rpc::Message::BOOTSTRAP: w.id = m.getBootstrap().getQuestionId(); break;
        case capnp::rpc::Message::CALL: {
            auto c = m.getCall();
            w.id = c.getQuestionId();
            auto t = c.getTarget();
            if (t.isPromisedAnswer()) {
                w.target_promised = true;
                w.target_id = t.getPromisedAnswer().getQuestionId();
                w.target_transform = transformOf(t.getPromisedAnswer().getTransform());
            } else {
                w.target_id = t.getImportedCap();
            }
            w.interface_id = c.getInterfaceId();
            w.method_id = c.getMethodId();
            caps(c.getParams().getCapTable(), w);
            break;
        }
        case capnp::rpc::Message::RETURN: {
            auto r = m.getReturn();
            w.id = r.getAnswerId();
            if (r.isResults()) caps(r.getResults().getCapTable(), w);
            if (r.isException()) {
                w.exception = true;
                w.reason = text(r.getException().getReason());
            }
            break;
        }
        case capnp::rpc::Message::FINISH: w.id = m.getFinish().getQuestionId(); break;
        case capnp::rpc::Message::RELEASE:
            w.id = m.getRelease().getId();
            w.count = m.getRelease().getReferenceCount();
            break;
        default: break;
        }
        msgs.push_back(std::move(w));
    }
};

// Forwards to a socket stream and feeds both directions to wire logs.
class TapStream final : public kj::AsyncIoStream
{
public:
    TapStream(kj::AsyncIoStream& inner, WireLog& in, WireLog& out) : m_inner(inner), m_in(in), m_out(out) {}

    kj::Promise<size_t> tryRead(void* buffer, size_t min_bytes, size_t max_bytes) override
    {
        return m_inner.tryRead(buffer, min_bytes, max_bytes).then([this, buffer](size_t n) {
            m_in.feed(buffer, n);
            return n;
        });
    }
    kj::Promise<void> write(const void* buffer, size_t size) override
    {
        m_out.feed(buffer, size);
        return m_inner.write(buffer, size);
    }
    kj::Promise<void> write(kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>> pieces) override
    {
        for (auto piece : pieces) m_out.feed(piece.begin(), piece.size());
        return m_inner.write(pieces);
    }
    kj::Promise<void> whenWriteDisconnected() override { return m_inner.whenWriteDisconnected(); }
    void shutdownWrite() override { m_inner.shutdownWrite(); }
    void abortRead() override { m_inner.abortRead(); }
    kj::Maybe<int> getFd() const override { return m_inner.getFd(); }

private:
    kj::AsyncIoStream& m_inner;
    WireLog& m_in;
    WireLog& m_out;
};

// ---------------------------------------------------------------------------------------------
// Connections and the thread-mapping state that belongs to each (wire-protocol.md section 5)

struct LocalThread final : public Thread::Server {
    LocalThread(int id, std::string name, std::shared_ptr<bool> alive) : id(id), name(std::move(name)), alive(std::move(alive)) {}
    ~LocalThread()
    {
        if (alive) *alive = false;
    }
    kj::Promise<void> getName(GetNameContext context) override
    {
        context.getResults().setResult(name);
        return kj::READY_NOW;
    }
    int id;
    std::string name;
    std::shared_ptr<bool> alive;
};

int g_next_thread_id = 1000;
std::string g_thread_name; // this process's ThreadName, set in main

struct Conn {
    std::string label;
    pid_t peer_pid = 0;
    WireLog in, out;
    kj::Own<kj::AsyncIoStream> raw;
    kj::Own<TapStream> tap;
    kj::Own<capnp::TwoPartyVatNetwork> network;
    kj::Own<capnp::RpcSystem<VatId>> rpc;
    capnp::CapabilityServerSet<Thread> threads; // this connection's thread set
    kj::Maybe<ThreadMap::Client> peer_map;      // received in construct
    std::vector<std::string> made_thread_names; // makeThread calls this peer served
    std::vector<uint32_t> pool_counts;          // makePool calls this peer served
    std::map<int, Thread::Client> thread_clients;
    // Server-side observations.
    int context_calls = 0;
    std::vector<std::string> context_problems;
    std::vector<LocalThread*> active_callbacks;
    int nested_calls = 0;
    std::vector<std::string> nested_problems;
    bool closed = false;

    // A new Thread hosted here, registered in this connection's set.
    Thread::Client addThread(const std::string& name, std::shared_ptr<bool> alive = nullptr, int* id_out = nullptr)
    {
        int id = ++g_next_thread_id;
        if (id_out) *id_out = id;
        auto client = threads.add(kj::heap<LocalThread>(id, name, std::move(alive)));
        thread_clients.emplace(id, client);
        return client;
    }

    // The Thread of this connection's set that `cap` names, or nullptr.
    kj::Promise<LocalThread*> resolve(Thread::Client cap)
    {
        return threads.getLocalServer(cap).then([](kj::Maybe<Thread::Server&> server) -> LocalThread* {
            KJ_IF_MAYBE(s, server) { return dynamic_cast<LocalThread*>(s); }
            return nullptr;
        });
    }

    void close()
    {
        if (closed) return;
        closed = true;
        rpc = nullptr;
        network = nullptr;
        tap = nullptr;
        raw = nullptr;
    }
};

std::vector<std::unique_ptr<Conn>> g_conns;

pid_t peerPid(kj::AsyncIoStream& stream)
{
    struct ucred cred;
    memset(&cred, 0, sizeof(cred));
    uint len = sizeof(cred);
    stream.getsockopt(SOL_SOCKET, SO_PEERCRED, &cred, &len);
    return cred.pid;
}

// `pid`: the peer's pid when known (SO_PEERCRED on a socketpair names its creator).
Conn& newConn(const std::string& label, kj::Own<kj::AsyncIoStream> stream, Side side,
              kj::Maybe<capnp::Capability::Client> bootstrap = nullptr, pid_t pid = 0)
{
    g_conns.push_back(std::make_unique<Conn>());
    Conn& c = *g_conns.back();
    c.label = label;
    c.raw = kj::mv(stream);
    c.peer_pid = pid ? pid : peerPid(*c.raw);
    c.tap = kj::heap<TapStream>(*c.raw, c.in, c.out);
    c.network = kj::heap<capnp::TwoPartyVatNetwork>(*c.tap, side);
    KJ_IF_MAYBE(b, bootstrap) {
        c.rpc = kj::heap<capnp::RpcSystem<VatId>>(capnp::makeRpcServer(*c.network, kj::mv(*b)));
    } else {
        c.rpc = kj::heap<capnp::RpcSystem<VatId>>(capnp::makeRpcClient(*c.network));
    }
    return c;
}

// Lets the other side create threads here (both roles host one per connection).
struct PeerThreadMap final : public ThreadMap::Server {
    explicit PeerThreadMap(Conn& c) : c(c) {}
    kj::Promise<void> makeThread(MakeThreadContext context) override
    {
        std::string from = text(context.getParams().getName());
        c.made_thread_names.push_back(from);
        std::string problem = threadNameProblem(from, c.peer_pid);
        check(problem.empty(), c.label + ": makeThread name '" + escape(from) + "' is <exe>-<pid>/<comm>-<tid> of the calling thread", problem);
        context.getResults().setResult(c.addThread(g_thread_name + " (from " + from + ")"));
        return kj::READY_NOW;
    }
    kj::Promise<void> makePool(MakePoolContext context) override
    {
        c.pool_counts.push_back(context.getParams().getCount());
        return kj::READY_NOW;
    }
    Conn& c;
};

template <typename Request>
void setContext(Request& request, kj::Maybe<Thread::Client> thread, kj::Maybe<Thread::Client> callback)
{
    auto ctx = request.initContext();
    KJ_IF_MAYBE(t, thread) { ctx.setThread(*t); }
    KJ_IF_MAYBE(cb, callback) { ctx.setCallbackThread(*cb); }
}

kj::Exception failed(const std::string& reason)
{
    return kj::Exception(kj::Exception::Type::FAILED, __FILE__, __LINE__, kj::heapString(reason.c_str()));
}

// =============================================================================================
// Server role: our Rust client drives this peer.

struct Event {
    uint64_t seq;
    int object;
    std::string what;
};
std::vector<Event> g_events; // ConfService object events: "destroy", "call after destroy", "dtor"

// The dispatcher's rule for a Context call (wire-protocol.md 5.5), with checks of what our
// client sent: both fields set, thread in this connection's set, callbackThread hosted by the
// caller.
kj::Promise<LocalThread*> serverContext(Conn& c, Context::Reader ctx, const char* method)
{
    ++c.context_calls;
    bool has_thread = ctx.hasThread(), has_callback = ctx.hasCallbackThread();
    if (!has_thread || !has_callback) {
        c.context_problems.push_back(std::string(method) + ": thread set " + std::to_string(has_thread) +
                                     ", callbackThread set " + std::to_string(has_callback));
    }
    if (!has_thread) return failed("std::exception: no thread specified and no pool configured");
    kj::Promise<bool> callback_local = has_callback ? c.resolve(ctx.getCallbackThread()).then([](LocalThread* t) { return t != nullptr; })
                                                    : kj::Promise<bool>(false);
    auto thread = c.resolve(ctx.getThread());
    return callback_local.then([&c, method, thread = kj::mv(thread)](bool cb_local) mutable {
        if (cb_local) c.context_problems.push_back(std::string(method) + ": callbackThread is hosted by the server");
        return thread.then([&c, method](LocalThread* t) -> LocalThread* {
            if (!t) {
                c.context_problems.push_back(std::string(method) + ": thread is not in this connection's set");
                throw failed("std::exception: invalid thread handle");
            }
            return t;
        });
    });
}

int g_next_service = 0;
std::vector<kj::Promise<void>> g_background;

struct PeerService final : public ConfService::Server {
    PeerService(Conn& c) : c(c), id(++g_next_service) {}
    ~PeerService() { g_events.push_back({++g_seq, id, "dtor"}); }

    void guard()
    {
        if (destroyed) g_events.push_back({++g_seq, id, "call after destroy"});
    }

    kj::Promise<void> destroy(DestroyContext context) override
    {
        guard();
        return serverContext(c, context.getParams().getContext(), "destroy").then([this](LocalThread*) {
            destroyed = true;
            g_events.push_back({++g_seq, id, "destroy"});
        });
    }
    kj::Promise<void> add(AddContext context) override
    {
        guard();
        auto p = context.getParams();
        int32_t sum = p.getA() + p.getB();
        return serverContext(c, p.getContext(), "add").then([context, sum](LocalThread*) mutable {
            context.getResults().setResult(sum);
        });
    }
    kj::Promise<void> addNoContext(AddNoContextContext context) override
    {
        guard();
        auto p = context.getParams();
        context.getResults().setResult(p.getA() + p.getB());
        return kj::READY_NOW;
    }
    kj::Promise<void> whereAmI(WhereAmIContext context) override
    {
        guard();
        return serverContext(c, context.getParams().getContext(), "whereAmI").then([context](LocalThread* t) mutable {
            auto r = context.getResults();
            r.setTid(t->id);
            r.setName(t->name);
        });
    }
    kj::Promise<void> callBack(CallBackContext context) override
    {
        guard();
        auto p = context.getParams();
        if (!p.hasCb()) return failed("null callback");
        auto cb = p.getCb();
        int depth = p.getDepth();
        Thread::Client caller = p.getContext().getCallbackThread();
        return serverContext(c, p.getContext(), "callBack").then([this, context, cb, depth, caller](LocalThread* w) mutable {
            if (!c.active_callbacks.empty()) {
                ++c.nested_calls;
                if (c.active_callbacks.back() != w) {
                    c.nested_problems.push_back("nested call on thread " + std::to_string(w->id) + ", outer call on " +
                                                std::to_string(c.active_callbacks.back()->id));
                }
            }
            c.active_callbacks.push_back(w);
            // Call back into the caller's own thread (wire-protocol.md 5.6).
            auto req = cb.callRequest();
            setContext(req, caller, c.thread_clients.at(w->id));
            req.setDepth(depth);
            return req.send().then([this, context, cb, caller, w](capnp::Response<ConfCallback::CallResults>&& r) mutable {
                c.active_callbacks.pop_back();
                auto got = r.getResult();
                auto out = context.getResults().initResult(got.size() + 1);
                out.set(0, w->id);
                for (uint i = 0; i < got.size(); ++i) out.set(i + 1, got[i]);
                // Like the original's temporary proxy for an `I&` param: destroy before replying.
                auto d = cb.destroyRequest();
                setContext(d, caller, c.thread_clients.at(w->id));
                return d.send().ignoreResult();
            });
        });
    }
    kj::Promise<void> callBackFresh(CallBackFreshContext context) override
    {
        guard();
        auto p = context.getParams();
        if (!p.hasCb()) return failed("null callback");
        auto cb = p.getCb();
        return serverContext(c, p.getContext(), "callBackFresh").then([this, context, cb](LocalThread* w) mutable -> kj::Promise<void> {
            ThreadMap::Client* map = nullptr;
            KJ_IF_MAYBE(m, c.peer_map) { map = m; }
            check(map != nullptr, c.label + ": the client sent a ThreadMap in construct", "none");
            if (!map) return failed("no ThreadMap from the client");
            // A thread serving no request of this client: make a thread in the client.
            auto mt = map->makeThreadRequest();
            mt.setName(g_thread_name);
            Thread::Client fresh = mt.send().getResult();
            auto req = cb.whereAmIRequest();
            setContext(req, fresh, c.thread_clients.at(w->id));
            return req.send().then([this, context, cb, fresh, w](capnp::Response<ConfCallback::WhereAmIResults>&& r) mutable {
                std::string name = text(r.getName());
                long tid = 0;
                std::string suffix;
                std::string problem = threadNameProblem(name, c.peer_pid, &tid, &suffix);
                if (problem.empty() && tid != r.getTid()) problem = "tid in the name is not the thread's tid";
                if (problem.empty() && suffix != " (from " + g_thread_name + ")") problem = "suffix '" + suffix + "'";
                check(problem.empty(), c.label + ": a thread made by the client's ThreadMap is named '<exe>-<pid>/<comm>-<tid> (from <our name>)'",
                      problem + " in '" + escape(name) + "'");
                auto res = context.getResults();
                res.setTid(r.getTid());
                res.setName(r.getName());
                auto d = cb.destroyRequest();
                setContext(d, fresh, c.thread_clients.at(w->id));
                return d.send().ignoreResult();
            });
        });
    }
    kj::Promise<void> echo(EchoContext context) override
    {
        guard();
        auto p = context.getParams();
        std::string t = text(p.getText()), d = bytes(p.getData());
        return serverContext(c, p.getContext(), "echo").then([context, t, d](LocalThread*) mutable {
            auto r = context.getResults();
            r.setText(capnp::Text::Reader(t.data(), t.size()));
            r.setData(capnp::Data::Reader(reinterpret_cast<const kj::byte*>(d.data()), d.size()));
        });
    }
    kj::Promise<void> fail(FailContext context) override
    {
        guard();
        auto p = context.getParams();
        std::string message = text(p.getMessage());
        return serverContext(c, p.getContext(), "fail").then([message](LocalThread*) -> kj::Promise<void> {
            // What the original sends for a std::exception (wire-protocol.md 8.1).
            return failed("std::exception: " + message);
        });
    }

    Conn& c;
    int id;
    bool destroyed = false;
};

struct PeerInit final : public ConfInit::Server {
    PeerInit(Conn& c, kj::Timer& timer) : c(c), timer(timer) {}

    kj::Promise<void> construct(ConstructContext context) override
    {
        auto p = context.getParams();
        check(p.hasThreadMap(), c.label + ": construct params carry the client's ThreadMap", "threadMap unset");
        if (p.hasThreadMap()) c.peer_map = p.getThreadMap();
        context.getResults().setThreadMap(kj::heap<PeerThreadMap>(c));
        return kj::READY_NOW;
    }
    kj::Promise<void> makeService(MakeServiceContext context) override
    {
        return serverContext(c, context.getParams().getContext(), "makeService").then([this, context](LocalThread*) mutable {
            context.getResults().setResult(kj::heap<PeerService>(c));
        });
    }
    kj::Promise<void> makeNothing(MakeNothingContext context) override
    {
        return serverContext(c, context.getParams().getContext(), "makeNothing").ignoreResult();
    }
    kj::Promise<void> loopTid(LoopTidContext context) override
    {
        context.getResults().setResult(static_cast<int64_t>(syscall(SYS_gettid)));
        return kj::READY_NOW;
    }
    kj::Promise<void> destroyedCount(DestroyedCountContext context) override
    {
        return serverContext(c, context.getParams().getContext(), "destroyedCount").then([context](LocalThread*) mutable {
            uint32_t n = 0;
            for (auto& e : g_events) n += e.what == "dtor";
            context.getResults().setResult(n);
        });
    }
    kj::Promise<void> spawnInfo(SpawnInfoContext context) override
    {
        return serverContext(c, context.getParams().getContext(), "spawnInfo").ignoreResult();
    }
    kj::Promise<void> quit(QuitContext context) override
    {
        Conn* conn = &c;
        return serverContext(c, context.getParams().getContext(), "quit").then([this, conn](LocalThread*) {
            // Drop the connection soon after the reply went out.
            // (Held outside the connection, which this closes.)
            g_background.push_back(timer.afterDelay(100 * kj::MILLISECONDS).then([conn] { conn->close(); }).eagerlyEvaluate(nullptr));
        });
    }

    Conn& c;
    kj::Timer& timer;
};

// The connection's messages, checked after it closed.
void checkClientWire(Conn& c, bool expect_destroys)
{
    const uint64_t init_id = capnp::typeId<ConfInit>(), map_id = capnp::typeId<ThreadMap>(),
                   service_id = capnp::typeId<ConfService>();
    auto& in = c.in.msgs;
    check(c.in.error.empty(), c.label + ": every message from the client decodes as rpc.capnp Message", c.in.error);
    std::vector<unsigned char> expect8 = {0, 0, 0, 0, 5, 0, 0, 0};
    check(c.in.first8 == expect8, c.label + ": the first 8 bytes are 00 00 00 00 05 00 00 00 (one segment, 5 words)", "other bytes");
    check(!in.empty() && in[0].which == capnp::rpc::Message::BOOTSTRAP,
          c.label + ": the first message is Bootstrap", "other message");
    uint32_t bootstrap_q = in.empty() ? 0 : in[0].id;
    const WireMsg* first_call = nullptr;
    for (auto& m : in) {
        if (m.which == capnp::rpc::Message::CALL) {
            first_call = &m;
            break;
        }
    }
    bool construct_first = first_call && first_call->interface_id == init_id && first_call->method_id == 0;
    check(construct_first, c.label + ": the first call is ConfInit.construct",
          first_call ? hex(first_call->interface_id) + " method " + std::to_string(first_call->method_id) : "no call");
    if (construct_first) {
        check(first_call->target_promised && first_call->target_id == bootstrap_q && first_call->target_transform.empty(),
              c.label + ": construct is pipelined on the bootstrap question", "target is not promisedAnswer(bootstrap)");
        check(first_call->caps.size() == 1 && first_call->caps[0].kind == capnp::rpc::CapDescriptor::SENDER_HOSTED,
              c.label + ": construct sends one capability hosted by the client (its ThreadMap)",
              std::to_string(first_call->caps.size()) + " capabilities");
    }
    // makeThread results are pipelined into the Context of the next call.
    int make_threads = 0, pipelined = 0;
    for (size_t i = 0; i < in.size(); ++i) {
        auto& m = in[i];
        if (m.which != capnp::rpc::Message::CALL || m.interface_id != map_id || m.method_id != 0) continue;
        ++make_threads;
        for (size_t j = i + 1; j < in.size(); ++j) {
            bool found = false;
            for (auto& cap : in[j].caps) {
                if (cap.kind == capnp::rpc::CapDescriptor::RECEIVER_ANSWER && cap.question == m.id && cap.transform == std::vector<int>{0}) found = true;
            }
            if (found) {
                ++pipelined;
                break;
            }
        }
    }
    check(make_threads > 0 && pipelined == make_threads,
          c.label + ": each makeThread result is pipelined (receiverAnswer, getPointerField 0) into a later call",
          std::to_string(pipelined) + " of " + std::to_string(make_threads));

    if (!expect_destroys) return;
    // destroy, its reply, then Release, for every ConfService capability handed out.
    auto& out = c.out.msgs;
    int services = 0, good = 0;
    std::string problems;
    for (auto& call : in) {
        if (call.which != capnp::rpc::Message::CALL || call.interface_id != init_id || call.method_id != 1) continue;
        const WireMsg* ret = nullptr;
        for (auto& m : out) {
            if (m.which == capnp::rpc::Message::RETURN && m.id == call.id && m.seq > call.seq) {
                ret = &m;
                break;
            }
        }
        if (!ret || ret->caps.size() != 1) continue;
        ++services;
        uint32_t export_id = ret->caps[0].id;
        const WireMsg *destroy = nullptr, *destroy_ret = nullptr, *release = nullptr;
        bool call_after = false;
        for (auto& m : in) {
            if (m.seq <= ret->seq) continue;
            bool on_it = m.which == capnp::rpc::Message::CALL && !m.target_promised && m.target_id == export_id;
            if (!destroy && on_it && m.interface_id == service_id && m.method_id == 0) {
                destroy = &m;
            } else if (destroy && on_it && !release) {
                call_after = true;
            } else if (m.which == capnp::rpc::Message::RELEASE && m.id == export_id) {
                release = &m;
                break;
            }
        }
        if (destroy) {
            for (auto& m : out) {
                if (m.which == capnp::rpc::Message::RETURN && m.id == destroy->id && m.seq > destroy->seq) {
                    destroy_ret = &m;
                    break;
                }
            }
        }
        std::string why;
        if (!destroy) why = "no destroy call";
        else if (!release) {
            why = "no Release after destroy (inbound after it:";
            for (auto& m : in) {
                if (m.seq > destroy->seq) why += " " + std::to_string(int(m.which)) + "/" + std::to_string(m.id);
            }
            why += ")";
        }
        else if (!destroy_ret || destroy_ret->seq > release->seq) why = "Release before the destroy reply";
        else if (call_after) why = "a call after destroy";
        if (why.empty()) ++good;
        else problems += " service export " + std::to_string(export_id) + ": " + why + ";";
    }
    check(services > 0 && good == services,
          c.label + ": dropping a ConfService proxy sends destroy, waits for its reply, then Release",
          std::to_string(good) + " of " + std::to_string(services) + problems);
}

int serveMain(const std::string& fd_arg, const std::string& path)
{
    g_report.who = "c++ server";
    // What mp::spawn_process gave us (wire-protocol.md 3.1).
    check(allDigits(fd_arg), "the fd argument is a plain decimal number", "'" + fd_arg + "'");
    int fd = allDigits(fd_arg) ? std::stoi(fd_arg) : -1;
    int flags = fcntl(fd, F_GETFD);
    check(flags >= 0, "the inherited fd is open", std::strerror(errno));
    check(flags >= 0 && !(flags & FD_CLOEXEC), "FD_CLOEXEC is cleared on the inherited fd", "flags " + std::to_string(flags));
    int type = 0;
    socklen_t len = sizeof(type);
    sockaddr_storage addr;
    socklen_t alen = sizeof(addr);
    bool is_unix = getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_STREAM &&
                   getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &alen) == 0 && addr.ss_family == AF_UNIX;
    check(is_unix, "the inherited fd is an AF_UNIX SOCK_STREAM socket", "other kind of fd");
    struct ucred cred;
    socklen_t clen = sizeof(cred);
    check(getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0 && cred.pid == getppid(),
          "the other end of the socket belongs to the parent", "peer pid " + std::to_string(cred.pid));
    std::vector<int> others;
    if (DIR* dir = opendir("/proc/self/fd")) {
        while (dirent* e = readdir(dir)) {
            if (!allDigits(e->d_name)) continue;
            int n = std::stoi(e->d_name);
            if (n > 2 && n != fd && n != dirfd(dir)) others.push_back(n);
        }
        closedir(dir);
    }
    std::string list;
    for (int n : others) list += " " + std::to_string(n);
    check(others.empty(), "no other descriptor is inherited (the parent's end stays close-on-exec)", "open:" + list);

    auto io = kj::setupAsyncIo();
    kj::Own<kj::AsyncIoStream> stream = io.lowLevelProvider->wrapSocketFd(fd, kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP);
    // The bootstrap object needs its connection; make the connection with a forwarding cap.
    auto paf = kj::newPromiseAndFulfiller<capnp::Capability::Client>();
    Conn& conn1 = newConn("spawned connection", kj::mv(stream), Side::SERVER, capnp::Capability::Client(kj::mv(paf.promise)));
    paf.fulfiller->fulfill(kj::heap<PeerInit>(conn1, io.provider->getTimer()));

    // Further connections through the socket path.
    int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un sun;
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    std::strncpy(sun.sun_path, path.c_str(), sizeof(sun.sun_path) - 1);
    unlink(path.c_str());
    if (bind(lfd, reinterpret_cast<sockaddr*>(&sun), sizeof(sun)) != 0 || listen(lfd, 5) != 0) {
        check(false, "listen on the socket path", std::strerror(errno));
    }
    auto receiver = io.lowLevelProvider->wrapListenSocketFd(lfd, kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP);
    int accepted = 0;
    kj::Function<kj::Promise<void>()> accept_loop = [&]() -> kj::Promise<void> {
        return receiver->accept().then([&](kj::Own<kj::AsyncIoStream> s) {
            auto paf2 = kj::newPromiseAndFulfiller<capnp::Capability::Client>();
            Conn& c = newConn("connection " + std::to_string(++accepted + 1), kj::mv(s), Side::SERVER,
                              capnp::Capability::Client(kj::mv(paf2.promise)));
            paf2.fulfiller->fulfill(kj::heap<PeerInit>(c, io.provider->getTimer()));
            return accept_loop();
        });
    };
    auto accepting = accept_loop().eagerlyEvaluate([](kj::Exception&& e) {
        check(false, "accept connections", e.getDescription().cStr());
    });

    conn1.network->onDisconnect().wait(io.waitScope);
    // Let released objects go before looking at the record.
    for (int i = 0; i < 10; ++i) kj::evalLast([] {}).wait(io.waitScope);

    checkClientWire(conn1, true);
    for (auto& c : g_conns) {
        if (c.get() != &conn1) checkClientWire(*c, false);
    }
    // Request threads are made once per (thread, connection). Plan of mpconf-client: the main
    // thread and `conf-worker` call on the spawned connection, only the main thread on the
    // second connection.
    auto distinct = [](const std::vector<std::string>& v) { return std::set<std::string>(v.begin(), v.end()).size() == v.size(); };
    std::string names1;
    for (auto& n : conn1.made_thread_names) names1 += " '" + escape(n) + "'";
    check(conn1.made_thread_names.size() == 2 && distinct(conn1.made_thread_names),
          "spawned connection: one makeThread per client thread (2 threads, 2 calls), reused for later calls", "makeThread names:" + names1);
    bool second_ok = g_conns.size() == 2 && g_conns[1]->made_thread_names.size() == 1 &&
                     std::count(conn1.made_thread_names.begin(), conn1.made_thread_names.end(), g_conns[1]->made_thread_names[0]) == 1;
    check(second_ok, "second connection: the same client thread makes a new request thread there",
          std::to_string(g_conns.size()) + " connections");
    for (auto& c : g_conns) {
        std::string problems;
        for (auto& p : c->context_problems) problems += " " + p + ";";
        check(c->context_calls > 0 && c->context_problems.empty(),
              c->label + ": every Context call (" + std::to_string(c->context_calls) +
                  ") sets thread (one of this connection's) and callbackThread (hosted by the client)",
              problems);
    }
    std::string nested;
    for (auto& p : conn1.nested_problems) nested += " " + p + ";";
    check(conn1.nested_calls == 2 && conn1.nested_problems.empty(),
          "calls a callback makes run on the outer call's thread (Context.thread = the callbackThread we sent)",
          std::to_string(conn1.nested_calls) + " nested calls;" + nested);
    check(conn1.pool_counts == std::vector<uint32_t>{2}, "makePool(2) arrives on our ThreadMap", std::to_string(conn1.pool_counts.size()) + " calls");
    // Object order: destroy, then the server object goes (on Release), nothing in between.
    std::map<int, uint64_t> destroyed, gone;
    std::string bad;
    for (auto& e : g_events) {
        if (e.what == "destroy") destroyed[e.object] = e.seq;
        if (e.what == "dtor") gone[e.object] = e.seq;
        if (e.what == "call after destroy") bad += " service " + std::to_string(e.object) + " called after destroy;";
    }
    int ordered = 0;
    for (auto& [obj, seq] : destroyed) {
        if (gone.count(obj) && gone[obj] > seq) ++ordered;
    }
    check(!destroyed.empty() && ordered == int(destroyed.size()) && bad.empty(),
          "destroyed services: the destroy call comes first, then the server object is released",
          std::to_string(ordered) + " of " + std::to_string(destroyed.size()) + bad);
    summary();
    std::fflush(stdout);
    _exit(0); // the Rust client checks that we exit with 0 once it closed the connection
}

// =============================================================================================
// Client role: this peer drives our Rust server.

struct Child {
    pid_t pid = -1;
    int fd = -1;       // our end
    int child_fd = -1; // the number the child got
};

// SpawnProcess as wire-protocol.md 3.1 describes it.
Child spawnChild(const std::string& exe, const std::vector<std::string>& extra)
{
    Child child;
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) return child;
    for (int fd : fds) fcntl(fd, F_SETFD, FD_CLOEXEC);
    std::vector<std::string> args = {exe, std::to_string(fds[0])};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    rlimit limit;
    int max_fd = getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY ? int(limit.rlim_cur) : 1024;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[1]);
        for (int fd = 3; fd < max_fd; ++fd) {
            if (fd != fds[0]) close(fd);
        }
        int flags = fcntl(fds[0], F_GETFD);
        if (flags < 0 || fcntl(fds[0], F_SETFD, flags & ~FD_CLOEXEC) < 0) {
            const char msg[] = "spawn: cannot clear FD_CLOEXEC\n";
            if (write(2, msg, sizeof(msg) - 1) < 0) _exit(126);
            _exit(126);
        }
        execvp(argv[0], argv.data());
        perror("execvp failed");
        _exit(127);
    }
    close(fds[0]);
    child.pid = pid;
    child.fd = fds[1];
    child.child_fd = fds[0];
    return child;
}

bool exitedOk(int status) { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }

std::string describe(const kj::Exception& e) { return e.getDescription().cStr(); }

const char* typeName(kj::Exception::Type t)
{
    switch (t) {
    case kj::Exception::Type::FAILED: return "FAILED";
    case kj::Exception::Type::OVERLOADED: return "OVERLOADED";
    case kj::Exception::Type::DISCONNECTED: return "DISCONNECTED";
    case kj::Exception::Type::UNIMPLEMENTED: return "UNIMPLEMENTED";
    }
    return "?";
}

// Checks that `f` throws a FAILED exception whose description is `remote exception: <reason>`.
template <typename F>
void expectRemoteError(const std::string& what, const std::string& reason, F&& f)
{
    KJ_IF_MAYBE(e, kj::runCatchingExceptions(kj::fwd<F>(f))) {
        std::string d = describe(*e);
        check(e->getType() == kj::Exception::Type::FAILED && d == "remote exception: " + reason, what,
              std::string(typeName(e->getType())) + " '" + escape(d) + "'");
    } else {
        check(false, what, "the call succeeded");
    }
}

// A client-side callback object: the server must call it on our callbackThread.
struct ClientCallback final : public ConfCallback::Server {
    struct Shared {
        Conn* c;
        ConfService::Client service;
        Thread::Client request_thread;
        Thread::Client callback_thread;
        int callback_id;
        int calls = 0;
        int destroys = 0;
        std::vector<std::string> problems;
    };
    explicit ClientCallback(std::shared_ptr<Shared> s) : s(std::move(s)) {}

    kj::Promise<LocalThread*> where(Context::Reader ctx, const char* method)
    {
        if (!ctx.hasThread() || !ctx.hasCallbackThread()) {
            s->problems.push_back(std::string(method) + ": Context field unset");
        }
        if (!ctx.hasThread()) return failed("std::exception: no thread specified and no pool configured");
        return s->c->resolve(ctx.getThread());
    }
    kj::Promise<void> call(CallContext context) override
    {
        auto p = context.getParams();
        int depth = p.getDepth();
        auto sh = s;
        return where(p.getContext(), "call").then([sh, context, depth](LocalThread* t) mutable -> kj::Promise<void> {
            ++sh->calls;
            if (!t || t->id != sh->callback_id) sh->problems.push_back("call: Context.thread is not our callbackThread");
            if (depth <= 1) {
                context.getResults().initResult(1).set(0, sh->callback_id);
                return kj::READY_NOW;
            }
            // Recursion: call the server again from the thread that is "blocked" here.
            auto req = sh->service.callBackRequest();
            setContext(req, sh->request_thread, sh->callback_thread);
            req.setCb(kj::heap<ClientCallback>(sh));
            req.setDepth(depth - 1);
            return req.send().then([sh, context](capnp::Response<ConfService::CallBackResults>&& r) mutable {
                auto got = r.getResult();
                auto out = context.getResults().initResult(got.size() + 1);
                out.set(0, sh->callback_id);
                for (uint i = 0; i < got.size(); ++i) out.set(i + 1, got[i]);
            });
        });
    }
    kj::Promise<void> destroy(DestroyContext context) override
    {
        auto sh = s;
        return where(context.getParams().getContext(), "destroy").then([sh](LocalThread*) { ++sh->destroys; });
    }
    kj::Promise<void> whereAmI(WhereAmIContext context) override
    {
        return where(context.getParams().getContext(), "whereAmI").then([context](LocalThread* t) mutable {
            if (!t) throw failed("std::exception: invalid thread handle");
            auto r = context.getResults();
            r.setTid(t->id);
            r.setName(t->name);
        });
    }

    std::shared_ptr<Shared> s;
};

struct Connected {
    Conn* c;
    ConfInit::Client init;
    ThreadMap::Client server_map;
};

// Bootstrap, then construct pipelined on the bootstrap answer with a ThreadMap both ways.
Connected connect(Conn& c, kj::WaitScope& ws)
{
    capnp::MallocMessageBuilder vat;
    auto vat_id = vat.initRoot<VatId>();
    vat_id.setSide(Side::SERVER);
    ConfInit::Client init = c.rpc->bootstrap(vat_id).castAs<ConfInit>();
    auto req = init.constructRequest();
    req.setThreadMap(kj::heap<PeerThreadMap>(c));
    auto response = req.send().wait(ws);
    check(response.hasThreadMap(), c.label + ": construct returns the server's ThreadMap", "threadMap unset");
    return {&c, init, response.getThreadMap()};
}

int clientMain(const std::string& server_exe)
{
    g_report.who = "c++ client";
    // IDs of our proxy.capnp as the C++ schema compiler sees them (wire-protocol.md 1.1).
    check(capnp::typeId<ThreadMap>() == 0xee5e37179ad9dc9dull && capnp::typeId<Thread>() == 0x81c1e2600d0b56c5ull &&
              capnp::typeId<Context>() == 0x9c44e6645d0b22c6ull,
          "proxy.capnp IDs: ThreadMap 0xee5e37179ad9dc9d, Thread 0x81c1e2600d0b56c5, Context 0x9c44e6645d0b22c6",
          hex(capnp::typeId<ThreadMap>()) + " " + hex(capnp::typeId<Thread>()) + " " + hex(capnp::typeId<Context>()));

    auto io = kj::setupAsyncIo();
    auto& ws = io.waitScope;
    std::string path = "/tmp/mpconf-peer-" + std::to_string(getpid()) + ".sock";

    // ---- run 1: the full scenario, then close and expect the child to exit with 0.
    Child child = spawnChild(server_exe, {path});
    check(child.pid > 0, "spawn our server (socketpair, child fd in argv, FD_CLOEXEC cleared in the child)", std::strerror(errno));
    if (child.pid <= 0) {
        summary();
        return 1;
    }
    int flags = fcntl(child.fd, F_GETFD);
    check(flags >= 0 && (flags & FD_CLOEXEC), "our end of the socketpair stays close-on-exec", "flags " + std::to_string(flags));
    Conn& c1 = newConn("connection 1", io.lowLevelProvider->wrapSocketFd(child.fd, kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP), Side::CLIENT, nullptr, child.pid);
    Connected k1 = connect(c1, ws);
    {
        auto& m = c1.in.msgs;
        check(!m.empty() && m[0].which == capnp::rpc::Message::RETURN && m[0].id == 0 && m[0].caps.size() == 1 &&
                  m[0].caps[0].kind == capnp::rpc::CapDescriptor::SENDER_HOSTED,
              "the server answers Bootstrap (question 0) with one capability it hosts", "first message is not that Return");
    }

    // Our threads on connection 1: one callbackThread for this (only) thread, and a request
    // thread made with makeThread, pipelined into the first call's Context.
    int cb_id = 0;
    Thread::Client cb_thread = c1.addThread(g_thread_name, nullptr, &cb_id);
    auto mt = k1.server_map.makeThreadRequest();
    mt.setName(g_thread_name);
    Thread::Client request_thread = mt.send().getResult();

    ConfService::Client service = [&] {
        auto req = k1.init.makeServiceRequest();
        setContext(req, request_thread, cb_thread);
        return req.send().getResult();
    }();
    KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
                    auto req = service.addRequest();
                    setContext(req, request_thread, cb_thread);
                    req.setA(2);
                    req.setB(3);
                    int r = req.send().wait(ws).getResult();
                    check(r == 5, "a Context call whose thread is a pipelined makeThread result (add)", std::to_string(r));
                })) {
        check(false, "a Context call whose thread is a pipelined makeThread result (add)", describe(*e));
    }
    KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
                    auto req = service.addNoContextRequest();
                    req.setA(4);
                    req.setB(5);
                    int r = req.send().wait(ws).getResult();
                    check(r == 9, "a call without Context (addNoContext)", std::to_string(r));
                })) {
        check(false, "a call without Context (addNoContext)", describe(*e));
    }
    int64_t loop_tid = k1.init.loopTidRequest().send().wait(ws).getResult();
    auto where = [&](Thread::Client thread) {
        auto req = service.whereAmIRequest();
        setContext(req, thread, cb_thread);
        auto r = req.send().wait(ws);
        return std::make_pair(r.getTid(), text(r.getName()));
    };
    auto first = where(request_thread);
    {
        long tid = 0;
        std::string suffix;
        std::string problem = threadNameProblem(first.second, child.pid, &tid, &suffix);
        if (problem.empty() && tid != first.first) problem = "tid differs from the thread's";
        if (problem.empty() && suffix != " (from " + g_thread_name + ")") problem = "suffix '" + suffix + "'";
        check(problem.empty(), "the server thread is named '<exe>-<pid>/<comm>-<tid> (from <our thread name>)'",
              problem + " in '" + escape(first.second) + "'");
        check(first.first != loop_tid, "a Context call runs on a server thread, not the event loop thread", std::to_string(loop_tid));
    }
    auto again = where(request_thread);
    check(again.first == first.first, "calls on one Thread run on one server thread", std::to_string(again.first));
    auto mt2 = k1.server_map.makeThreadRequest();
    mt2.setName(g_thread_name + "-second");
    Thread::Client request_thread2 = mt2.send().getResult();
    auto other = where(request_thread2);
    check(other.first != first.first, "each makeThread gives its own server thread", std::to_string(other.first));

    // Callbacks: into our callbackThread, recursion, destroy during the call.
    auto shared = std::make_shared<ClientCallback::Shared>(ClientCallback::Shared{&c1, service, request_thread, cb_thread, cb_id, 0, 0, {}});
    size_t made_before = c1.made_thread_names.size();
    auto call_back = [&](int depth) {
        auto req = service.callBackRequest();
        setContext(req, request_thread, cb_thread);
        req.setCb(kj::heap<ClientCallback>(shared));
        req.setDepth(depth);
        auto response = req.send().wait(ws);
        std::vector<int64_t> v;
        for (auto x : response.getResult()) v.push_back(x);
        return v;
    };
    KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
                    auto v = call_back(1);
                    check(v.size() == 2 && v[0] == first.first && v[1] == cb_id && shared->calls == 1,
                          "the server's callback arrives at our callbackThread, from the thread serving the call", std::to_string(v.size()) + " entries");
                    check(shared->destroys == 1, "the server destroys the callback before replying", std::to_string(shared->destroys));
                    auto w = call_back(3);
                    bool ok = w.size() == 6;
                    for (size_t i = 0; ok && i < w.size(); ++i) ok = w[i] == (i % 2 ? cb_id : first.first);
                    std::string got;
                    for (auto x : w) got += " " + std::to_string(x);
                    check(ok && shared->calls == 4, "recursion 3 deep: every callback on our callbackThread, every nested call on the same server thread", "got" + got);
                    check(shared->destroys == 4, "each nested callback is destroyed by the server", std::to_string(shared->destroys));
                })) {
        check(false, "server callbacks", describe(*e));
    }
    std::string cb_problems;
    for (auto& p : shared->problems) cb_problems += " " + p + ";";
    check(shared->problems.empty(), "callbacks carry both Context fields and address our callbackThread", cb_problems);
    check(c1.made_thread_names.size() == made_before, "callbacks during a call never use makeThread", std::to_string(c1.made_thread_names.size() - made_before) + " made");

    KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
                    auto req = service.callBackFreshRequest();
                    setContext(req, request_thread, cb_thread);
                    req.setCb(kj::heap<ClientCallback>(shared));
                    auto r = req.send().wait(ws);
                    bool made = c1.made_thread_names.size() == made_before + 1;
                    check(made, "a call from a server thread serving no request of ours uses makeThread on the ThreadMap we sent in construct",
                          std::to_string(c1.made_thread_names.size() - made_before) + " made");
                    check(made && r.getName() == g_thread_name + " (from " + c1.made_thread_names.back() + ")",
                          "that call runs on the thread our makeThread returned", escape(text(r.getName())));
                })) {
        check(false, "callBackFresh", describe(*e));
    }

    // Values, null capabilities, errors.
    KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
                    std::string t("a\0b", 3), d("\xff\x00" "a", 3);
                    auto req = service.echoRequest();
                    setContext(req, request_thread, cb_thread);
                    req.setText(capnp::Text::Reader(t.data(), t.size()));
                    req.setData(capnp::Data::Reader(reinterpret_cast<const kj::byte*>(d.data()), d.size()));
                    auto r = req.send().wait(ws);
                    check(text(r.getText()) == t, "Text with an embedded NUL round-trips", escape(text(r.getText())));
                    check(bytes(r.getData()) == d, "Data bytes round-trip", escape(bytes(r.getData())));
                    std::string raw("\xff\x00" "a", 3);
                    auto req2 = service.echoRequest();
                    setContext(req2, request_thread, cb_thread);
                    req2.setText(capnp::Text::Reader(raw.data(), raw.size()));
                    auto r2 = req2.send().wait(ws);
                    // Our C++ wing maps Text to std::string (bytes); our Rust one to String.
                    const char* bytes_env = std::getenv("MP_CONF_TEXT_IS_BYTES");
                    if (bytes_env && std::string(bytes_env) == "1") {
                        check(text(r2.getText()) == raw, "Text that is not UTF-8 round-trips (wire-protocol.md 7.3: Text is bytes)",
                              "sent \\xff\\x00a, got back " + escape(text(r2.getText())));
                    } else {
                        gap(text(r2.getText()) != raw, "Text that is not UTF-8 round-trips (wire-protocol.md 7.3: Text is bytes)",
                            "our generator maps Text to String; sent \\xff\\x00a, got back " + escape(text(r2.getText())));
                    }
                })) {
        check(false, "echo", describe(*e));
    }
    KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
                    auto req = k1.init.makeNothingRequest();
                    setContext(req, request_thread, cb_thread);
                    auto r = req.send().wait(ws);
                    check(!r.hasResult(), "a null interface result is sent as a null pointer", "result set");
                })) {
        check(false, "makeNothing", describe(*e));
    }
    expectRemoteError("a server error arrives as FAILED with its text", "boom", [&] {
        auto req = service.failRequest();
        setContext(req, request_thread, cb_thread);
        req.setMessage("boom");
        req.send().wait(ws);
    });
    KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
                    auto req = service.callBackRequest();
                    setContext(req, request_thread, cb_thread);
                    req.setDepth(1);
                    req.send().wait(ws);
                })) {
        check(e->getType() == kj::Exception::Type::FAILED, "a null capability param reaches the server as None (its error comes back)", describe(*e));
    } else {
        check(false, "a null capability param reaches the server as None (its error comes back)", "the call succeeded");
    }

    // destroy before release.
    KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
                    auto count = [&] {
                        auto req = k1.init.destroyedCountRequest();
                        setContext(req, request_thread, cb_thread);
                        return req.send().wait(ws).getResult();
                    };
                    uint32_t before = count();
                    auto mk = k1.init.makeServiceRequest();
                    setContext(mk, request_thread, cb_thread);
                    ConfService::Client doomed = mk.send().getResult();
                    auto d = doomed.destroyRequest();
                    setContext(d, request_thread, cb_thread);
                    d.send().wait(ws);
                    check(count() == before + 1, "destroy frees the server object before its reply", std::to_string(count() - before));
                    // The original crashes on a call after destroy; ours must refuse it.
                    auto late = doomed.addRequest();
                    setContext(late, request_thread, cb_thread);
                    auto caught = kj::runCatchingExceptions([&] { late.send().wait(ws); });
                    check(caught != nullptr, "a call after destroy is refused with an error", "it succeeded");
                })) {
        check(false, "destroy", describe(*e));
    }

    // Null Context.thread: no pool yet, then a pool.
    expectRemoteError("null Context.thread without a pool", "std::exception: no thread specified and no pool configured", [&] {
        auto req = service.addRequest();
        setContext(req, nullptr, cb_thread);
        req.send().wait(ws);
    });
    expectRemoteError("null Context pointer without a pool", "std::exception: no thread specified and no pool configured",
                      [&] { service.addRequest().send().wait(ws); });
    KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
                    auto mp = k1.server_map.makePoolRequest();
                    mp.setCount(2);
                    mp.send().wait(ws);
                    check(true, "makePool(2)");
                    auto req = service.whereAmIRequest();
                    setContext(req, nullptr, cb_thread);
                    auto r = req.send().wait(ws);
                    std::string name = text(r.getName());
                    check(name.size() > 9 && name.substr(name.size() - 9) == " (pool/0)" && r.getTid() != first.first,
                          "null Context.thread runs on pool thread 0 once there is a pool", escape(name));
                })) {
        check(false, "makePool", describe(*e));
    }
    expectRemoteError("a second makePool is refused", "std::exception: makePool called on connection with existing pool", [&] {
        auto mp = k1.server_map.makePoolRequest();
        mp.setCount(1);
        mp.send().wait(ws);
    });
    expectRemoteError("a Thread we host is not a thread of the server", "std::exception: invalid thread handle", [&] {
        auto req = service.addRequest();
        setContext(req, cb_thread, cb_thread);
        req.send().wait(ws);
    });

    // A second connection to the same server process.
    KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
                    int sfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
                    sockaddr_un sun;
                    memset(&sun, 0, sizeof(sun));
                    sun.sun_family = AF_UNIX;
                    std::strncpy(sun.sun_path, path.c_str(), sizeof(sun.sun_path) - 1);
                    KJ_SYSCALL(::connect(sfd, reinterpret_cast<sockaddr*>(&sun), sizeof(sun)));
                    Conn& c2 = newConn("connection 2", io.lowLevelProvider->wrapSocketFd(sfd, kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP), Side::CLIENT, nullptr, child.pid);
                    Connected k2 = connect(c2, ws);
                    Thread::Client cb2 = c2.addThread(g_thread_name);
                    auto mt3 = k2.server_map.makeThreadRequest();
                    mt3.setName(g_thread_name);
                    Thread::Client rt2 = mt3.send().getResult();
                    auto mk = k2.init.makeServiceRequest();
                    setContext(mk, rt2, cb2);
                    ConfService::Client svc2 = mk.send().getResult();
                    expectRemoteError("a Thread of connection 1 used on connection 2 is refused", "std::exception: invalid thread handle", [&] {
                        auto req = svc2.addRequest();
                        setContext(req, request_thread, cb2);
                        req.send().wait(ws);
                    });
                    expectRemoteError("the pool of connection 1 does not serve connection 2",
                                      "std::exception: no thread specified and no pool configured", [&] {
                                          auto req = svc2.addRequest();
                                          setContext(req, nullptr, cb2);
                                          req.send().wait(ws);
                                      });
                    auto req = svc2.addRequest();
                    setContext(req, rt2, cb2);
                    req.setA(1);
                    check(req.send().wait(ws).getResult() == 1, "connection 2 works with its own thread", "");
                })) {
        check(false, "second connection", describe(*e));
    }

    // callbackThread is released after each call: a one-off callback thread goes away.
    KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
                    auto alive = std::make_shared<bool>(true);
                    int id = 0;
                    {
                        Thread::Client once = c1.addThread(g_thread_name, alive, &id);
                        c1.thread_clients.erase(id);
                        auto req = service.addRequest();
                        setContext(req, request_thread, once);
                        req.send().wait(ws);
                    }
                    k1.init.loopTidRequest().send().wait(ws); // a round trip after the release
                    check(!*alive, "the server releases the callbackThread after the call", "still referenced");
                })) {
        check(false, "callbackThread release", describe(*e));
    }

    // What the spawned server inherited from us.
    KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
                    auto req = k1.init.spawnInfoRequest();
                    setContext(req, request_thread, cb_thread);
                    auto r = req.send().wait(ws);
                    check(r.getFd() == child.child_fd && !r.getCloexec() && r.getOtherFds().size() == 0,
                          "our server parsed the fd from argv and inherited nothing else",
                          "fd " + std::to_string(r.getFd()) + " cloexec " + std::to_string(r.getCloexec()) + " others " +
                              std::to_string(r.getOtherFds().size()));
                })) {
        check(false, "spawnInfo", describe(*e));
    }

    check(c1.in.error.empty(), "every message from the server decodes as rpc.capnp Message", c1.in.error);
    // Close everything: the spawned server must exit with 0 (wire-protocol.md 3.3).
    shared.reset();
    service = nullptr;
    request_thread = nullptr;
    request_thread2 = nullptr;
    cb_thread = nullptr;
    k1 = Connected{nullptr, nullptr, nullptr};
    for (auto& c : g_conns) c->close();
    int status = 0;
    waitpid(child.pid, &status, 0);
    check(exitedOk(status), "the spawned server exits with 0 once we close the connection", "status " + std::to_string(status));

    // ---- run 2: the server drops the connection; later calls fail as disconnected.
    Child child2 = spawnChild(server_exe, {});
    Conn& c3 = newConn("connection 3", io.lowLevelProvider->wrapSocketFd(child2.fd, kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP), Side::CLIENT, nullptr, child2.pid);
    Connected k3 = connect(c3, ws);
    Thread::Client cb3 = c3.addThread(g_thread_name);
    auto mt4 = k3.server_map.makeThreadRequest();
    mt4.setName(g_thread_name);
    Thread::Client rt3 = mt4.send().getResult();
    auto mk = k3.init.makeServiceRequest();
    setContext(mk, rt3, cb3);
    ConfService::Client svc3 = mk.send().getResult();
    auto quit = k3.init.quitRequest();
    setContext(quit, rt3, cb3);
    auto quit_result = kj::runCatchingExceptions([&] { quit.send().wait(ws); });
    KJ_IF_MAYBE(e, quit_result) {
        check(e->getType() == kj::Exception::Type::DISCONNECTED, "quit: answered, or the connection dropped", describe(*e));
    } else {
        check(true, "quit: answered, or the connection dropped");
    }
    status = 0;
    waitpid(child2.pid, &status, 0);
    check(exitedOk(status), "the server process that dropped the connection exited with 0", "status " + std::to_string(status));
    KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
                    auto req = svc3.addRequest();
                    setContext(req, rt3, cb3);
                    req.send().wait(ws);
                })) {
        check(e->getType() == kj::Exception::Type::DISCONNECTED, "a call after the server dropped the connection fails as DISCONNECTED",
              std::string(typeName(e->getType())) + " " + describe(*e));
    } else {
        check(false, "a call after the server dropped the connection fails as DISCONNECTED", "it succeeded");
    }
    unlink(path.c_str());
    summary();
    std::fflush(stdout);
    _exit(0);
}

} // namespace

int main(int argc, char** argv)
{
    // A hung check must not hang the test run.
    alarm(300);
    signal(SIGPIPE, SIG_IGN);
    g_thread_name = ownThreadName();
    std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "client" && argc == 3) return clientMain(argv[2]);
    if (mode == "serve" && argc == 4) return serveMain(argv[2], argv[3]);
    std::fprintf(stderr, "usage: %s client <mpconf-server> | serve <fd> <socket path>\n", argv[0]);
    return 2;
}
