// multiprocess: const and reference parameter types are built as their plain type.

#ifndef MP_TYPE_DECAY_H
#define MP_TYPE_DECAY_H

#include <mp/proxy-types.h>
#include <mp/util.h>

#include <utility>

namespace mp {

// Method parameters arrive as `const T&`, `T&&`, `const T`, ...: strip one layer and dispatch
// again, so conversions (ours and users') are written for plain `T` only. These sit at the
// lowest priority, so a user's hook for the qualified type itself still wins. (ReadField
// strips qualifiers itself: what is read is always a plain value.)

template <typename LocalType, typename Value, typename Output>
void CustomBuildField(TypeList<const LocalType>, Priority<0>, InvokeContext& invoke_context, Value&& value,
    Output&& output)
{
    BuildField(TypeList<LocalType>(), invoke_context, output, std::forward<Value>(value));
}

template <typename LocalType, typename Value, typename Output>
void CustomBuildField(TypeList<LocalType&>, Priority<0>, InvokeContext& invoke_context, Value&& value,
    Output&& output)
{
    BuildField(TypeList<LocalType>(), invoke_context, output, std::forward<Value>(value));
}

template <typename LocalType, typename Value, typename Output>
void CustomBuildField(TypeList<LocalType&&>, Priority<0>, InvokeContext& invoke_context, Value&& value,
    Output&& output)
{
    BuildField(TypeList<LocalType>(), invoke_context, output, std::forward<Value>(value));
}

} // namespace mp

#endif // MP_TYPE_DECAY_H
