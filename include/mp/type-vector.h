// multiprocess: std::vector as List.

#ifndef MP_TYPE_VECTOR_H
#define MP_TYPE_VECTOR_H

#include <mp/proxy-types.h>
#include <mp/util.h>

#include <cstddef>
#include <vector>

namespace mp {

//! Elements are converted one by one as `LocalType`, so vectors of any supported type, vectors
//! of vectors and vectors of wrapped structs all work. (`std::vector<unsigned char>` and other
//! byte vectors in a Data field go through mp/type-data.h instead.)
template <typename LocalType, typename Value, typename Output>
void CustomBuildField(TypeList<std::vector<LocalType>>, Priority<1>, InvokeContext& invoke_context, Value&& value,
    Output&& output)
{
    BuildList(TypeList<LocalType>(), invoke_context, output, value);
}

//! `std::vector<bool>` elements are proxy objects, not `bool`s (in some standard libraries even
//! for const access): convert them explicitly for List(Bool).
inline bool BuildPrimitive(InvokeContext&, std::vector<bool>::const_reference value, TypeList<bool>)
{
    return value;
}

template <typename LocalType, typename Input, typename ReadDest>
decltype(auto) CustomReadField(TypeList<std::vector<LocalType>>, Priority<1>, InvokeContext& invoke_context,
    Input&& input, ReadDest&& read_dest)
{
    return ReadList(
        TypeList<LocalType>(), invoke_context, input, read_dest,
        [](auto& vector, std::size_t size) {
            vector.clear();
            vector.reserve(size);
        },
        [](auto& vector, auto&&... args) -> decltype(auto) {
            vector.emplace_back(std::forward<decltype(args)>(args)...);
            return vector.back();
        });
}

} // namespace mp

#endif // MP_TYPE_VECTOR_H
