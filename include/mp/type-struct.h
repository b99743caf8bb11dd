// multiprocess: `$Proxy.wrap` structs, member by member.

#ifndef MP_TYPE_STRUCT_H
#define MP_TYPE_STRUCT_H

#include <mp/proxy-types.h>
#include <mp/util.h>

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

namespace mp {

// The capnp struct's i-th value field (skipping `hasX` companions and `$Proxy.skip` fields)
// holds the C++ member that `ProxyType<LocalType>::get(integral_constant<i>)` points to: both
// lists come from generated glue, in schema order.

//! The member of `value` that field `index` holds.
template <std::size_t index, typename LocalType, typename Value>
decltype(auto) StructMember(TypeList<LocalType>, Value& value)
{
    return value.*ProxyType<LocalType>::get(std::integral_constant<std::size_t, index>());
}

//! Each member is built as its own type, decayed (so an array member arrives as a pointer,
//! with the array as the value).
template <typename LocalType, typename Builder, typename Value, std::size_t... I>
void BuildStructFields(TypeList<LocalType> type, InvokeContext& invoke_context, Builder& builder, const Value& value,
    std::index_sequence<I...>)
{
    using Accessors = typename ProxyStruct<typename ProxyType<LocalType>::Struct>::Accessors;
    (BuildField(TypeList<Decay<decltype(StructMember<I>(type, value))>>(), invoke_context,
         Make<StructField, std::tuple_element_t<I, Accessors>>(builder), StructMember<I>(type, value)),
        ...);
}

template <typename LocalType, typename Reader, typename Value, std::size_t... I>
void ReadStructFields(TypeList<LocalType> type, InvokeContext& invoke_context, const Reader& reader, Value& value,
    std::index_sequence<I...>)
{
    using Accessors = typename ProxyStruct<typename ProxyType<LocalType>::Struct>::Accessors;
    (ReadField(TypeList<RemoveCvRef<decltype(StructMember<I>(type, value))>>(), invoke_context,
         Make<StructField, std::tuple_element_t<I, Accessors>>(reader), ReadDestUpdate(StructMember<I>(type, value))),
        ...);
}

template <typename LocalType, typename Value, typename Output>
    requires requires { typename ProxyType<LocalType>::Struct; }
void CustomBuildField(TypeList<LocalType> type, Priority<1>, InvokeContext& invoke_context, Value&& value,
    Output&& output)
{
    auto builder = output.init();
    BuildStructFields(type, invoke_context, builder, value, std::make_index_sequence<ProxyType<LocalType>::fields>());
}

//! Members are updated in place, so the C++ struct must be default-constructible, like any
//! value read through `update`.
template <typename LocalType, typename Input, typename ReadDest>
    requires requires { typename ProxyType<LocalType>::Struct; }
decltype(auto) CustomReadField(TypeList<LocalType> type, Priority<1>, InvokeContext& invoke_context, Input&& input,
    ReadDest&& read_dest)
{
    return read_dest.update([&](auto& value) {
        const auto reader = input.get();
        ReadStructFields(type, invoke_context, reader, value, std::make_index_sequence<ProxyType<LocalType>::fields>());
    });
}

} // namespace mp

#endif // MP_TYPE_STRUCT_H
