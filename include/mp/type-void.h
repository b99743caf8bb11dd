// multiprocess: capnp Void fields.

#ifndef MP_TYPE_VOID_H
#define MP_TYPE_VOID_H

#include <mp/proxy-types.h>
#include <mp/util.h>

#include <capnp/common.h>

namespace mp {

//! Any C++ value put in a Void field carries nothing.
template <typename Value>
::capnp::Void BuildPrimitive(InvokeContext&, Value&&, TypeList<::capnp::Void>)
{
    return {};
}

//! A `capnp::Void` C++ value writes nothing, whatever the field.
template <typename LocalType, typename Output>
void CustomBuildField(TypeList<LocalType>, Priority<1>, InvokeContext&, ::capnp::Void, Output&&)
{
}

} // namespace mp

#endif // MP_TYPE_VOID_H
