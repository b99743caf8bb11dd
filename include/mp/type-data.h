// multiprocess: byte containers and byte views as Data.

#ifndef MP_TYPE_DATA_H
#define MP_TYPE_DATA_H

#include <mp/proxy-types.h>
#include <mp/util.h>

#include <capnp/blob.h>

#include <concepts>
#include <cstddef>
#include <cstring>
#include <ranges>
#include <span>
#include <type_traits>

namespace mp {

//! `T` views or holds contiguous `U`s and can be made from a `[begin, end)` pointer pair.
template <typename T, typename U>
concept IsSpanOf = std::convertible_to<T, std::span<const U>> && std::constructible_from<T, const U*, const U*>;

//! `T` is such a range of a byte-sized type: `std::vector<unsigned char>`, `std::string`,
//! `std::string_view`, `std::span<const std::byte>`, a user's blob class with begin/end/data/size
//! and a pointer-pair constructor, ...
template <typename T>
concept IsByteSpan =
    IsSpanOf<T, std::byte> || IsSpanOf<T, char> || IsSpanOf<T, unsigned char> || IsSpanOf<T, signed char>;

//! Chosen by the field type (Data) rather than the C++ type, with a higher priority than
//! per-type conversions: a `std::string` declared as Data in the schema is bytes, not Text.
template <typename LocalType, typename Value, typename Output>
void CustomBuildField(TypeList<LocalType>, Priority<2>, InvokeContext&, Value&& value, Output&& output)
    requires(std::is_same_v<decltype(output.get()), ::capnp::Data::Builder> && IsByteSpan<LocalType>)
{
    auto data = output.init(CapnpSize(value.size()));
    // Bytes are copied as bytes: element types need not be assignable to each other (std::byte).
    if (value.size() != 0) std::memcpy(data.begin(), std::ranges::data(value), value.size());
}

template <typename LocalType, typename Input, typename ReadDest>
decltype(auto) CustomReadField(TypeList<LocalType>, Priority<2>, InvokeContext&, Input&& input, ReadDest&& read_dest)
    requires(std::is_same_v<decltype(input.get()), ::capnp::Data::Reader> && IsByteSpan<LocalType>)
{
    using Byte = typename decltype(std::span{std::declval<LocalType&>().begin(), std::declval<LocalType&>().end()})::element_type;
    auto data = input.get();
    // A view type (string_view, span) ends up pointing into the message: valid as long as the
    // message is, exactly like a capnp Reader.
    return read_dest.construct(reinterpret_cast<const Byte*>(data.begin()), reinterpret_cast<const Byte*>(data.end()));
}

} // namespace mp

#endif // MP_TYPE_DATA_H
