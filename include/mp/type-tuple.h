// multiprocess: std::tuple as a struct whose fields are the elements, in order.

#ifndef MP_TYPE_TUPLE_H
#define MP_TYPE_TUPLE_H

#include <mp/proxy-types.h>
#include <mp/util.h>

#include <cstddef>
#include <tuple>
#include <utility>

namespace mp {

//! Element i of `value` goes to field i of `builder`, described by `Accessors` (a tuple).
template <typename Accessors, typename... LocalTypes, typename Builder, typename Value, std::size_t... I>
void BuildTupleFields(TypeList<LocalTypes...>, InvokeContext& invoke_context, Builder& builder, const Value& value,
    std::index_sequence<I...>)
{
    (BuildField(TypeList<LocalTypes>(), invoke_context, Make<StructField, std::tuple_element_t<I, Accessors>>(builder),
         std::get<I>(value)),
        ...);
}

template <typename Accessors, typename... LocalTypes, typename Reader, typename Value, std::size_t... I>
void ReadTupleFields(TypeList<LocalTypes...>, InvokeContext& invoke_context, const Reader& reader, Value& value,
    std::index_sequence<I...>)
{
    (ReadField(TypeList<LocalTypes>(), invoke_context, Make<StructField, std::tuple_element_t<I, Accessors>>(reader),
         ReadDestUpdate(std::get<I>(value))),
        ...);
}

//! Any arity (the original handles two elements).
template <typename... LocalTypes, typename Value, typename Output>
void CustomBuildField(TypeList<std::tuple<LocalTypes...>>, Priority<1>, InvokeContext& invoke_context,
    Value&& value, Output&& output)
{
    auto builder = output.init();
    using Accessors = typename ProxyStruct<typename decltype(builder)::Builds>::Accessors;
    BuildTupleFields<Accessors>(TypeList<LocalTypes...>(), invoke_context, builder, value,
        std::index_sequence_for<LocalTypes...>());
}

template <typename... LocalTypes, typename Input, typename ReadDest>
decltype(auto) CustomReadField(TypeList<std::tuple<LocalTypes...>>, Priority<1>, InvokeContext& invoke_context,
    Input&& input, ReadDest&& read_dest)
{
    return read_dest.update([&](auto& value) {
        const auto reader = input.get();
        using Accessors = typename ProxyStruct<typename Decay<decltype(reader)>::Reads>::Accessors;
        ReadTupleFields<Accessors>(TypeList<LocalTypes...>(), invoke_context, reader, value,
            std::index_sequence_for<LocalTypes...>());
    });
}

} // namespace mp

#endif // MP_TYPE_TUPLE_H
