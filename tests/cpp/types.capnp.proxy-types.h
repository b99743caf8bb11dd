// Generated code, written by hand: what mpgen's C++ backend emits as types.capnp.proxy-types.h
// for tests/cpp/types.capnp (see doc/cpp-generated-code.md).

#ifndef TYPES_CAPNP_PROXY_TYPES_H
#define TYPES_CAPNP_PROXY_TYPES_H

#include <mp/proxy.h> // IWYU pragma: keep
#include <types.capnp.proxy.h> // IWYU pragma: keep
#include "types-types.h" // IWYU pragma: export

#include <cstddef>
#include <type_traits>

namespace mp {
template <>
struct ProxyType<mptest::Point>
{
    using Struct = mptest::messages::Point;
    static decltype(auto) get(std::integral_constant<size_t, 0>) { return &mptest::Point::x; }
    static decltype(auto) get(std::integral_constant<size_t, 1>) { return &mptest::Point::y; }
    static constexpr size_t fields = 2;
};

template <>
struct ProxyType<mptest::Empty>
{
    using Struct = mptest::messages::Empty;
    static constexpr size_t fields = 0;
};

template <>
struct ProxyType<mptest::Record>
{
    using Struct = mptest::messages::Record;
    static decltype(auto) get(std::integral_constant<size_t, 0>) { return &mptest::Record::label; }
    static decltype(auto) get(std::integral_constant<size_t, 1>) { return &mptest::Record::big_number; }
    static decltype(auto) get(std::integral_constant<size_t, 2>) { return &mptest::Record::maybe_count; }
    static decltype(auto) get(std::integral_constant<size_t, 3>) { return &mptest::Record::key; }
    static decltype(auto) get(std::integral_constant<size_t, 4>) { return &mptest::Record::points; }
    static decltype(auto) get(std::integral_constant<size_t, 5>) { return &mptest::Record::corners; }
    static decltype(auto) get(std::integral_constant<size_t, 6>) { return &mptest::Record::empty; }
    static constexpr size_t fields = 7;
};

template <>
struct ProxyType<mptest::Widget>
{
    using Struct = mptest::messages::Widget;
    static decltype(auto) get(std::integral_constant<size_t, 0>) { return &mptest::Widget::name; }
    static decltype(auto) get(std::integral_constant<size_t, 1>) { return &mptest::Widget::size; }
    static constexpr size_t fields = 2;
};

template <>
struct ProxyType<mptest::Failure>
{
    using Struct = mptest::messages::Failure;
    static decltype(auto) get(std::integral_constant<size_t, 0>) { return &mptest::Failure::reason; }
    static decltype(auto) get(std::integral_constant<size_t, 1>) { return &mptest::Failure::code; }
    static constexpr size_t fields = 2;
};
} // namespace mp

#endif // TYPES_CAPNP_PROXY_TYPES_H
