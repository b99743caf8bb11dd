// multiprocess: integers, bool, floating point and enums in capnp primitive fields.
//
// Writing checks at compile time that the capnp field can hold every value of the C++ type (a
// schema that narrows a number is a bug to fix in the schema). Reading checks at run time that
// the received value fits the C++ type, since a peer may send anything; a value that does not
// fit throws `std::range_error("out of bound int received")`, the original's text.

#ifndef MP_TYPE_NUMBER_H
#define MP_TYPE_NUMBER_H

#include <mp/proxy-types.h>
#include <mp/util.h>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace mp {

//! The integer type `std::cmp_*` accept for `T` (they reject the character types).
template <typename T>
using ComparableInt = std::conditional_t<std::is_signed_v<T>, std::intmax_t, std::uintmax_t>;

//! Whether integer `value` is representable as integer type `To`.
template <typename To, typename From>
constexpr bool IntegerInRange(From value)
{
    const auto v = static_cast<ComparableInt<From>>(value);
    return std::cmp_greater_equal(v, static_cast<ComparableInt<To>>(std::numeric_limits<To>::min())) &&
           std::cmp_less_equal(v, static_cast<ComparableInt<To>>(std::numeric_limits<To>::max()));
}

//! An enum goes into an integer (or capnp enum) field at least as wide as its underlying type.
template <typename LocalType, typename Value>
    requires std::is_enum_v<Value>
LocalType BuildPrimitive(InvokeContext&, const Value& value, TypeList<LocalType>)
{
    using EnumBits = std::make_unsigned_t<std::underlying_type_t<Value>>;
    using FieldBits = std::make_unsigned_t<LocalType>;
    static_assert(std::numeric_limits<FieldBits>::max() >= std::numeric_limits<EnumBits>::max(),
        "mismatched integral/enum types: the capnp field is narrower than the enum");
    return static_cast<LocalType>(value);
}

//! An integer goes into an integer field that holds its whole range.
template <typename LocalType, typename Value>
    requires(std::is_integral_v<Value> && !std::is_same_v<std::remove_cv_t<Value>, bool>)
LocalType BuildPrimitive(InvokeContext&, const Value& value, TypeList<LocalType>)
{
    static_assert(std::is_integral_v<LocalType> && !std::is_same_v<LocalType, bool>,
        "mismatched integral types: integer C++ value in a non-integer capnp field");
    static_assert(IntegerInRange<LocalType>(std::numeric_limits<Value>::min()) &&
                      IntegerInRange<LocalType>(std::numeric_limits<Value>::max()),
        "mismatched integral types: the capnp field cannot hold every value of the C++ type");
    return value;
}

//! A bool goes only into a Bool field.
template <typename LocalType>
LocalType BuildPrimitive(InvokeContext&, bool value, TypeList<LocalType>)
{
    static_assert(std::is_same_v<LocalType, bool>, "capnp field type should be Bool for bool parameters");
    return value;
}

//! A floating-point value goes only into the field of the same width (Float32 / Float64).
template <typename LocalType, typename Value>
    requires std::is_floating_point_v<Value>
LocalType BuildPrimitive(InvokeContext&, const Value& value, TypeList<LocalType>)
{
    static_assert(std::is_same_v<Value, LocalType>, "mismatched floating point types: fix the capnp field type");
    return value;
}

template <typename LocalType, typename Input, typename ReadDest>
    requires std::is_enum_v<LocalType>
decltype(auto) CustomReadField(TypeList<LocalType>, Priority<1>, InvokeContext&, Input&& input, ReadDest&& read_dest)
{
    return read_dest.construct(static_cast<LocalType>(input.get()));
}

template <typename LocalType, typename Input, typename ReadDest>
    requires std::is_integral_v<LocalType>
decltype(auto) CustomReadField(TypeList<LocalType>, Priority<1>, InvokeContext&, Input&& input, ReadDest&& read_dest)
{
    const auto value = input.get();
    if constexpr (std::is_same_v<LocalType, bool> || std::is_same_v<decltype(value), const bool>) {
        static_assert(std::is_same_v<LocalType, bool> && std::is_same_v<decltype(value), const bool>,
            "bool must be read from a Bool field and a Bool field into bool");
    } else if (!IntegerInRange<LocalType>(value)) {
        throw std::range_error("out of bound int received");
    }
    return read_dest.construct(static_cast<LocalType>(value));
}

template <typename LocalType, typename Input, typename ReadDest>
    requires std::is_floating_point_v<LocalType>
decltype(auto) CustomReadField(TypeList<LocalType>, Priority<1>, InvokeContext&, Input&& input, ReadDest&& read_dest)
{
    auto value = input.get();
    static_assert(std::is_same_v<LocalType, decltype(value)>, "floating point type mismatch");
    return read_dest.construct(value);
}

} // namespace mp

#endif // MP_TYPE_NUMBER_H
