// multiprocess: std::optional as a field that may be absent.

#ifndef MP_TYPE_OPTIONAL_H
#define MP_TYPE_OPTIONAL_H

#include <mp/proxy-types.h>
#include <mp/util.h>

#include <optional>
#include <utility>

namespace mp {

//! Absent is "not written": a pointer field stays null, a primitive field keeps its default and
//! its `hasX` companion stays false. Present sets `hasX` (if the field has one) and writes the
//! value.
template <typename LocalType, typename Value, typename Output>
void CustomBuildField(TypeList<std::optional<LocalType>>, Priority<1>, InvokeContext& invoke_context, Value&& value,
    Output&& output)
{
    if (value) {
        output.setHas();
        BuildField(TypeList<LocalType>(), invoke_context, output, *std::forward<Value>(value));
    }
}

//! Absent (per `CustomHasField`) resets the optional; present updates the held value in place,
//! or constructs one.
template <typename LocalType, typename Input, typename ReadDest>
decltype(auto) CustomReadField(TypeList<std::optional<LocalType>>, Priority<1>, InvokeContext& invoke_context,
    Input&& input, ReadDest&& read_dest)
{
    return read_dest.update([&](auto& value) {
        if (!CustomHasField(TypeList<LocalType>(), invoke_context, input)) {
            value.reset();
        } else if (value) {
            ReadField(TypeList<LocalType>(), invoke_context, input, ReadDestUpdate(*value));
        } else {
            ReadField(TypeList<LocalType>(), invoke_context, input,
                ReadDestEmplace(TypeList<LocalType>(), [&](auto&&... args) -> auto& {
                    value.emplace(std::forward<decltype(args)>(args)...);
                    return *value;
                }));
        }
    });
}

} // namespace mp

#endif // MP_TYPE_OPTIONAL_H
