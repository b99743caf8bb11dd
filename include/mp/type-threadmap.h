// `Proxy.ThreadMap` fields (the `construct` method every bootstrap interface has): the runtime
// sends and keeps the ThreadMaps itself when a connection is made, so C++ code never builds or
// reads them. This header exists because users' type headers include it, as with the original.
#ifndef MP_TYPE_THREADMAP_H
#define MP_TYPE_THREADMAP_H

#include <mp/proxy-types.h>
#include <mp/proxy.capnp.h>

#include <type_traits>

namespace mp {

//! A ThreadMap field in a message C++ builds is left to the runtime.
template <typename Output>
auto CustomBuildField(TypeList<>, Priority<1>, InvokeContext&, Output&& output)
    -> std::enable_if_t<std::is_same_v<RemoveCvRef<decltype(output.get())>, ::mp::ThreadMap::Client>>
{
}

} // namespace mp

#endif // MP_TYPE_THREADMAP_H
