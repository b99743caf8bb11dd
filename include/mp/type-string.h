// multiprocess: std::string as Text.

#ifndef MP_TYPE_STRING_H
#define MP_TYPE_STRING_H

#include <mp/proxy-types.h>
#include <mp/util.h>

#include <algorithm>
#include <string>

namespace mp {

//! Copied byte for byte: Text on the wire is not checked for valid UTF-8 either way, so any
//! string the C++ side holds arrives unchanged. (A `std::string` in a Data field goes through
//! mp/type-data.h instead, which wins by priority.)
template <typename Value, typename Output>
void CustomBuildField(TypeList<std::string>, Priority<1>, InvokeContext&, Value&& value, Output&& output)
{
    auto text = output.init(CapnpSize(value.size()));
    std::ranges::copy(value, text.begin());
}

template <typename Input, typename ReadDest>
decltype(auto) CustomReadField(TypeList<std::string>, Priority<1>, InvokeContext&, Input&& input,
    ReadDest&& read_dest)
{
    auto text = input.get();
    return read_dest.construct(CharCast(text.begin()), text.size());
}

} // namespace mp

#endif // MP_TYPE_STRING_H
