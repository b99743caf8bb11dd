// multiprocess: std::pair as a two-field struct (the first field is `first`, the second
// `second`, whatever their names: usually `struct Pair(K, V) { key @0 :K; value @1 :V; }`).

#ifndef MP_TYPE_PAIR_H
#define MP_TYPE_PAIR_H

#include <mp/proxy-types.h>
#include <mp/util.h>

#include <tuple>
#include <utility>

namespace mp {

template <typename KeyLocalType, typename ValueLocalType, typename Value, typename Output>
void CustomBuildField(TypeList<std::pair<KeyLocalType, ValueLocalType>>, Priority<1>, InvokeContext& invoke_context,
    Value&& value, Output&& output)
{
    auto pair = output.init();
    using Accessors = typename ProxyStruct<typename decltype(pair)::Builds>::Accessors;
    BuildField(TypeList<KeyLocalType>(), invoke_context, Make<StructField, std::tuple_element_t<0, Accessors>>(pair),
        value.first);
    BuildField(TypeList<ValueLocalType>(), invoke_context, Make<StructField, std::tuple_element_t<1, Accessors>>(pair),
        value.second);
}

//! Builds the pair in one `construct` call (piecewise), so pairs with a const first member
//! (map entries) and non-default-constructible members work: the key's constructor arguments
//! are captured first, then the value's, and the destination receives both at once.
template <typename KeyLocalType, typename ValueLocalType, typename Input, typename ReadDest>
decltype(auto) CustomReadField(TypeList<std::pair<KeyLocalType, ValueLocalType>>, Priority<1>,
    InvokeContext& invoke_context, Input&& input, ReadDest&& read_dest)
{
    const auto& pair = input.get();
    using Accessors = typename ProxyStruct<typename Decay<decltype(pair)>::Reads>::Accessors;
    ReadField(TypeList<KeyLocalType>(), invoke_context, Make<StructField, std::tuple_element_t<0, Accessors>>(pair),
        ReadDestEmplace(TypeList<KeyLocalType>(), [&](auto&&... key_args) -> auto& {
            KeyLocalType* key = nullptr;
            ReadField(TypeList<ValueLocalType>(), invoke_context,
                Make<StructField, std::tuple_element_t<1, Accessors>>(pair),
                ReadDestEmplace(TypeList<ValueLocalType>(), [&](auto&&... value_args) -> auto& {
                    auto& made = read_dest.construct(std::piecewise_construct, std::forward_as_tuple(key_args...),
                        std::forward_as_tuple(value_args...));
                    key = const_cast<KeyLocalType*>(&made.first);
                    return made.second;
                }));
            return *key;
        }));
}

} // namespace mp

#endif // MP_TYPE_PAIR_H
