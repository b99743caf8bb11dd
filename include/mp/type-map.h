// multiprocess: std::map as List(Pair).

#ifndef MP_TYPE_MAP_H
#define MP_TYPE_MAP_H

#include <mp/proxy-types.h>
#include <mp/type-pair.h>
#include <mp/util.h>

#include <cstddef>
#include <map>
#include <tuple>
#include <utility>

namespace mp {

template <typename KeyLocalType, typename ValueLocalType, typename Value, typename Output>
void CustomBuildField(TypeList<std::map<KeyLocalType, ValueLocalType>>, Priority<1>, InvokeContext& invoke_context,
    Value&& value, Output&& output)
{
    BuildList(TypeList<std::pair<KeyLocalType, ValueLocalType>>(), invoke_context, output, value);
}

//! Each entry is read as a pair (mp/type-pair.h) and emplaced piecewise. An entry whose key
//! takes no constructor arguments gets an explicit default key, which sidesteps a libc++/Clang
//! quirk with empty piecewise argument tuples. A repeated key keeps its first value.
template <typename KeyLocalType, typename ValueLocalType, typename Input, typename ReadDest>
decltype(auto) CustomReadField(TypeList<std::map<KeyLocalType, ValueLocalType>>, Priority<1>,
    InvokeContext& invoke_context, Input&& input, ReadDest&& read_dest)
{
    return ReadList(
        TypeList<std::pair<const KeyLocalType, ValueLocalType>>(), invoke_context, input, read_dest,
        [](auto& map, std::size_t) { map.clear(); },
        [](auto& map, std::piecewise_construct_t, auto&& key_args, auto&& value_args) -> auto& {
            if constexpr (std::tuple_size_v<std::remove_reference_t<decltype(key_args)>> == 0) {
                return *map.emplace(std::piecewise_construct, std::forward_as_tuple(KeyLocalType{}),
                               std::forward<decltype(value_args)>(value_args))
                            .first;
            } else {
                return *map.emplace(std::piecewise_construct, std::forward<decltype(key_args)>(key_args),
                               std::forward<decltype(value_args)>(value_args))
                            .first;
            }
        });
}

} // namespace mp

#endif // MP_TYPE_MAP_H
