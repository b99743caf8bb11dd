// The conformance schema's `Types` implementation in native C++, with the values our Rust
// server (tests/src/conformance.rs) gives. Shared by the C++ servers of the schema: the one
// built on our library (tests/conformance/cpp-server.cpp) and the one built on the original
// (interop-server.cpp).

#ifndef CONF_INTEROP_TYPES_IMPL_H
#define CONF_INTEROP_TYPES_IMPL_H

#include <interop.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

namespace conf {

class TypesImpl final : public Types
{
public:
    std::optional<int> optional(std::optional<int> value) override
    {
        if (value) return *value + 1;
        return std::nullopt;
    }
    std::map<std::string, int> counts(std::map<std::string, int> map) override
    {
        for (auto& [key, count] : map) count *= 2;
        map["server"] = 1;
        return map;
    }
    int raise(int code) override
    {
        if (code == 0) return 7;
        throw std::runtime_error("code " + std::to_string(code));
    }
    Record record(Record record) override
    {
        record.name += " seen";
        std::reverse(record.values.begin(), record.values.end());
        if (record.optionalInt) *record.optionalInt *= 10;
        return record;
    }
    void wanted(int x, int* doubled) override
    {
        if (doubled) *doubled = 2 * x;
    }
    int64_t narrow(int64_t value) override { return value; }
};

} // namespace conf

#endif // CONF_INTEROP_TYPES_IMPL_H
