// The test schema's conversions header (`$Proxy.includeTypes("types-types.h")`), written the way
// users of the library write theirs: it pulls in the library's conversions and adds hooks for
// the user's own types, against capnp Builders and Readers.

#ifndef MPTEST_TYPES_TYPES_H
#define MPTEST_TYPES_TYPES_H

#include <mp/proxy-types.h>
#include <mp/type-char.h>
#include <mp/type-chrono.h>
#include <mp/type-data.h>
#include <mp/type-decay.h>
#include <mp/type-exception.h>
#include <mp/type-map.h>
#include <mp/type-message.h>
#include <mp/type-number.h>
#include <mp/type-optional.h>
#include <mp/type-pair.h>
#include <mp/type-pointer.h>
#include <mp/type-set.h>
#include <mp/type-string.h>
#include <mp/type-struct.h>
#include <mp/type-tuple.h>
#include <mp/type-unordered-set.h>
#include <mp/type-vector.h>
#include <mp/type-void.h>

#include <types.capnp.h>
#include "types.h"

#include <cassert>
#include <concepts>
#include <cstddef>
#include <cstring>
#include <functional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace mptest {

//! Byte sinks and sources for the `Serialize` / `Unserialize` style classes.
class DataStream
{
public:
    void write(unsigned char c) { m_bytes.push_back(c); }
    const unsigned char* data() const { return m_bytes.data(); }
    size_t size() const { return m_bytes.size(); }

private:
    std::vector<unsigned char> m_bytes;
};

class SpanReader
{
public:
    explicit SpanReader(std::span<const unsigned char> bytes) : m_bytes(bytes) {}
    bool empty() const { return m_pos == m_bytes.size(); }
    unsigned char read()
    {
        if (empty()) throw std::ios_base::failure("SpanReader: end of data");
        return m_bytes[m_pos++];
    }

private:
    std::span<const unsigned char> m_bytes;
    size_t m_pos = 0;
};

template <typename T>
concept Serializable = requires(const T& t, DataStream& s) { t.Serialize(s); };
template <typename T>
concept Unserializable = requires(T& t, SpanReader& s) { t.Unserialize(s); };
template <typename T>
concept Deserializable = std::is_constructible_v<T, deserialize_type, SpanReader&>;

// A wrapped struct with its own hooks anyway, declared in the user's namespace: found by
// argument-dependent lookup through `TypeList<Widget>`, and chosen over the library's
// member-by-member conversion (same priority, but more specialised). The "w:" prefix on the
// wire shows which conversion ran.
template <typename Output>
void CustomBuildField(mp::TypeList<Widget>, mp::Priority<1>, mp::InvokeContext&, const Widget& value, Output&& output)
{
    auto widget = output.init();
    const std::string name = "w:" + value.name;
    widget.setName(capnp::Text::Reader(name.data(), name.size()));
    widget.setSize(value.size);
}

template <typename Input, typename ReadDest>
decltype(auto) CustomReadField(mp::TypeList<Widget>, mp::Priority<1>, mp::InvokeContext& invoke_context,
    Input&& input, ReadDest&& read_dest)
{
    messages::Widget::Reader widget = input.get();
    return read_dest.update([&](Widget& value) {
        value.name = mp::ReadField(mp::TypeList<std::string>(), invoke_context, mp::Make<mp::ValueField>(widget.getName()),
            mp::ReadDestTemp<std::string>());
        if (value.name.starts_with("w:")) value.name.erase(0, 2);
        value.size = widget.getSize();
    });
}

} // namespace mptest

namespace mp {

// Hooks in the style of Bitcoin Core's common-types.h: any class with `Serialize` goes into a
// Data field; classes with `Unserialize` are updated from one, classes with a deserializing
// constructor are constructed from one.

template <typename LocalType, typename Value, typename Output>
void CustomBuildField(TypeList<LocalType>, Priority<1>, InvokeContext&, Value&& value, Output&& output)
    requires mptest::Serializable<LocalType> && std::is_same_v<LocalType, std::remove_cv_t<std::remove_reference_t<LocalType>>>
{
    mptest::DataStream stream;
    value.Serialize(stream);
    auto result = output.init(stream.size());
    memcpy(result.begin(), stream.data(), stream.size());
}

template <typename LocalType, typename Input, typename ReadDest>
decltype(auto) CustomReadField(TypeList<LocalType>, Priority<1>, InvokeContext&, Input&& input, ReadDest&& read_dest)
    requires mptest::Unserializable<LocalType> && (!mptest::Deserializable<LocalType>)
{
    return read_dest.update([&](auto& value) {
        if (!input.has()) return;
        auto data = input.get();
        mptest::SpanReader stream({data.begin(), data.end()});
        value.Unserialize(stream);
    });
}

template <typename LocalType, typename Input, typename ReadDest>
decltype(auto) CustomReadField(TypeList<LocalType>, Priority<1>, InvokeContext&, Input&& input, ReadDest&& read_dest)
    requires mptest::Deserializable<LocalType>
{
    assert(input.has());
    auto data = input.get();
    mptest::SpanReader stream({data.begin(), data.end()});
    return read_dest.construct(mptest::deserialize, stream);
}

// The simple message hooks: plain functions on the field's Builder / Reader, declared in `mp`
// (as users of the original do) where argument-dependent lookup finds them from every call site
// (the contexts derive from mp::InvokeContext).
inline void CustomBuildMessage(InvokeContext&, const mptest::Money& src, mptest::messages::Money::Builder&& builder)
{
    builder.setCents(src.cents);
    builder.setCurrency(src.currency);
}

inline void CustomReadMessage(InvokeContext&, const mptest::messages::Money::Reader& reader, mptest::Money& dest)
{
    dest.cents = reader.getCents();
    dest.currency = reader.getCurrency();
}

//! In/out `Money&` argument on the server: the method sees one object that was read from Params
//! and is written to Results after the call; the marker shows this hook ran.
inline void CustomPassMessage(InvokeContext&, const mptest::messages::Money::Reader& reader,
    mptest::messages::Money::Builder builder, std::function<void(mptest::Money&)>&& fn)
{
    mptest::Money money{reader.getCents(), std::string(reader.getCurrency()) + "|pass"};
    fn(money);
    builder.setCents(money.cents);
    builder.setCurrency(money.currency);
}

// Hooks for a field that stands for no C++ value (`TypeList<>`), chosen by the field's capnp
// type: they write and read process-wide state. `TypeList<>` names no user type, so
// argument-dependent lookup reaches only `mp` (and the capnp struct's namespace): such hooks are
// declared in `mp`.
template <typename Output>
    requires FieldTypeIs<Output, mptest::messages::Settings::Builder>
void CustomBuildField(TypeList<>, Priority<1>, InvokeContext&, Output&& output)
{
    output.init().setNetwork(mptest::g_settings.network);
}

template <typename Input>
    requires FieldTypeIs<Input, mptest::messages::Settings::Reader>
void CustomReadField(TypeList<>, Priority<1>, InvokeContext&, Input&& input)
{
    mptest::g_settings.network = input.get().getNetwork();
}

//! A coin with a negative amount counts as spent and is sent as a null field.
inline bool CustomHasValue(InvokeContext&, const mptest::Coin& coin)
{
    return coin.amount >= 0;
}

//! capnp's C++ API cannot tell a null Data element of a list from an empty one: let empty mean
//! "no ticket" (no ticket serializes to nothing).
template <typename Input>
bool CustomHasField(TypeList<mptest::Ticket>, InvokeContext&, const Input& input)
{
    return input.get().size() != 0;
}

} // namespace mp

#endif // MPTEST_TYPES_TYPES_H
