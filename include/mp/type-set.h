// multiprocess: std::set as List.

#ifndef MP_TYPE_SET_H
#define MP_TYPE_SET_H

#include <mp/proxy-types.h>
#include <mp/util.h>

#include <cstddef>
#include <set>

namespace mp {

template <typename LocalType, typename Value, typename Output>
void CustomBuildField(TypeList<std::set<LocalType>>, Priority<1>, InvokeContext& invoke_context, Value&& value,
    Output&& output)
{
    BuildList(TypeList<LocalType>(), invoke_context, output, value);
}

//! Duplicates in a received list collapse, as inserting them into a set would.
template <typename LocalType, typename Input, typename ReadDest>
decltype(auto) CustomReadField(TypeList<std::set<LocalType>>, Priority<1>, InvokeContext& invoke_context,
    Input&& input, ReadDest&& read_dest)
{
    return ReadList(
        TypeList<LocalType>(), invoke_context, input, read_dest, [](auto& set, std::size_t) { set.clear(); },
        [](auto& set, auto&&... args) -> auto& { return *set.emplace(std::forward<decltype(args)>(args)...).first; });
}

} // namespace mp

#endif // MP_TYPE_SET_H
