// multiprocess: std::exception in a `$Proxy.exception("std::exception")` Text field.

#ifndef MP_TYPE_EXCEPTION_H
#define MP_TYPE_EXCEPTION_H

#include <mp/proxy-types.h>
#include <mp/type-string.h>
#include <mp/util.h>

#include <exception>
#include <string>

namespace mp {

//! Sent as its `what()` text; the client rethrows it as `std::runtime_error` (see `ThrowField`).
template <typename Output>
void CustomBuildField(TypeList<std::exception>, Priority<1>, InvokeContext& invoke_context,
    const std::exception& value, Output&& output)
{
    BuildField(TypeList<std::string>(), invoke_context, output, std::string(value.what()));
}

} // namespace mp

#endif // MP_TYPE_EXCEPTION_H
