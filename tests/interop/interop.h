// Native C++ interfaces for tests/conformance/conformance.capnp, as the original
// libmultiprocess code generator expects them ($Proxy.wrap("conf::...")). Used only by the
// opt-in interop programs in this directory, which are built against an installed original.

#ifndef CONF_INTEROP_H
#define CONF_INTEROP_H

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace conf {

class Callback
{
public:
    virtual ~Callback() = default;
    virtual std::vector<int64_t> call(int depth) = 0;
    virtual void whereAmI(int64_t& tid, std::string& name) = 0;
};

class Service
{
public:
    virtual ~Service() = default;
    virtual int add(int a, int b) = 0;
    virtual int addNoContext(int a, int b) = 0;
    virtual void whereAmI(int64_t& tid, std::string& name) = 0;
    virtual std::vector<int64_t> callBack(std::unique_ptr<Callback> cb, int depth) = 0;
    virtual void callBackFresh(std::unique_ptr<Callback> cb, int64_t& tid, std::string& name) = 0;
    virtual void echo(std::string& text, std::string& data) = 0;
    virtual void fail(std::string message) = 0;
};

struct Record {
    std::string name;
    std::vector<int> values;
    std::optional<int> optionalInt;
    bool operator==(const Record&) const = default;
};

class Types
{
public:
    virtual ~Types() = default;
    virtual std::optional<int> optional(std::optional<int> value) = 0;
    virtual std::map<std::string, int> counts(std::map<std::string, int> map) = 0;
    virtual int raise(int code) = 0;
    virtual Record record(Record record) = 0;
    virtual void wanted(int x, int* doubled) = 0;
    virtual int64_t narrow(int64_t value) = 0;
};

class Init
{
public:
    virtual ~Init() = default;
    virtual std::unique_ptr<Service> makeService() = 0;
    virtual std::unique_ptr<Service> makeNothing() = 0;
    virtual int64_t loopTid() = 0;
    virtual uint32_t destroyedCount() = 0;
    virtual void spawnInfo(int32_t& fd, bool& cloexec, std::vector<int32_t>& other_fds) = 0;
    virtual void quit() = 0;
    virtual std::unique_ptr<Types> makeTypes() { return nullptr; }
};

} // namespace conf

#endif // CONF_INTEROP_H
