// multiprocess: raw pointers (optional output arguments, `wantX`) and std::shared_ptr.

#ifndef MP_TYPE_POINTER_H
#define MP_TYPE_POINTER_H

#include <mp/proxy-method.h>
#include <mp/proxy-types.h>
#include <mp/util.h>

#include <memory>
#include <utility>

namespace mp {

//! A null pointer writes nothing; otherwise the pointee is written.
template <typename LocalType, typename Value, typename Output>
void CustomBuildField(TypeList<LocalType*>, Priority<3>, InvokeContext& invoke_context, Value&& value, Output&& output)
{
    if (value) BuildField(TypeList<LocalType>(), invoke_context, output, *value);
}

template <typename LocalType, typename Value, typename Output>
void CustomBuildField(TypeList<std::shared_ptr<LocalType>>, Priority<1>, InvokeContext& invoke_context, Value&& value,
    Output&& output)
{
    if (value) BuildField(TypeList<LocalType>(), invoke_context, output, *value);
}

//! Reading through a raw pointer fills the caller's pointee, if there is one (the client side of
//! an output argument); a null pointer reads nothing.
template <typename LocalType, typename Input, typename ReadDest>
decltype(auto) CustomReadField(TypeList<LocalType*>, Priority<1>, InvokeContext& invoke_context, Input&& input,
    ReadDest&& read_dest)
{
    return read_dest.update([&](auto& value) {
        if (value) ReadField(TypeList<LocalType>(), invoke_context, std::forward<Input>(input), ReadDestUpdate(*value));
    });
}

//! Absent resets the pointer; present updates the pointee in place or makes a new one.
template <typename LocalType, typename Input, typename ReadDest>
decltype(auto) CustomReadField(TypeList<std::shared_ptr<LocalType>>, Priority<0>, InvokeContext& invoke_context,
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
                    value = std::make_shared<LocalType>(std::forward<decltype(args)>(args)...);
                    return *value;
                }));
        }
    });
}

//! A pointee that is const may be shared with others: never modify it, always make a new one.
template <typename LocalType, typename Input, typename ReadDest>
decltype(auto) CustomReadField(TypeList<std::shared_ptr<const LocalType>>, Priority<1>, InvokeContext& invoke_context,
    Input&& input, ReadDest&& read_dest)
{
    return read_dest.update([&](auto& value) {
        if (!CustomHasField(TypeList<LocalType>(), invoke_context, input)) {
            value.reset();
            return;
        }
        ReadField(TypeList<LocalType>(), invoke_context, std::forward<Input>(input),
            ReadDestEmplace(TypeList<LocalType>(), [&](auto&&... args) -> auto& {
                auto made = std::make_shared<LocalType>(std::forward<decltype(args)>(args)...);
                value = made;
                return *made;
            }));
    });
}

//! Server side of a pointer argument: when the client passed null (`wantX` false) the method
//! gets null; otherwise it gets a pointer to a local, read from Params if the field is an input
//! and written back to Results if it is an output.
template <typename Accessor, typename LocalType, typename ServerContext, typename Fn, typename... Args>
void PassField(Priority<1>, TypeList<LocalType*>, ServerContext& server_context, const Fn& fn, Args&&... args)
{
    const auto& params = server_context.call_context.getParams();
    const auto& input = Make<StructField, Accessor>(params);
    if (!input.want()) {
        fn.invoke(server_context, std::forward<Args>(args)..., nullptr);
        return;
    }
    InvokeContext& invoke_context = server_context;
    Decay<LocalType> param;
    MaybeReadField(std::bool_constant<Accessor::in>(), TypeList<LocalType>(), invoke_context, input,
        ReadDestUpdate(param));
    fn.invoke(server_context, std::forward<Args>(args)..., &param);
    auto&& results = server_context.call_context.getResults();
    MaybeBuildField(std::bool_constant<Accessor::out>(), TypeList<LocalType>(), invoke_context,
        Make<StructField, Accessor>(results), param);
}

} // namespace mp

#endif // MP_TYPE_POINTER_H
