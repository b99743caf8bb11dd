// The conversions breadth.capnp's generated code needs.
#ifndef BREADTH_TYPES_H
#define BREADTH_TYPES_H

#include <mp/type-char.h>
#include <mp/type-chrono.h>
#include <mp/type-context.h>
#include <mp/type-data.h>
#include <mp/type-decay.h>
#include <mp/type-exception.h>
#include <mp/type-function.h>
#include <mp/type-interface.h>
#include <mp/type-map.h>
#include <mp/type-number.h>
#include <mp/type-optional.h>
#include <mp/type-pair.h>
#include <mp/type-pointer.h>
#include <mp/type-set.h>
#include <mp/type-string.h>
#include <mp/type-struct.h>
#include <mp/type-threadmap.h>
#include <mp/type-tuple.h>
#include <mp/type-unordered-set.h>
#include <mp/type-vector.h>
#include <mp/type-void.h>


#include <breadth.h>

#include <capnp/blob.h>

#include <string>

namespace mp {

//! A user's own conversion, found by overload resolution like the library's: Point as "x,y".
template <typename Value, typename Output>
void CustomBuildField(TypeList<breadth::Point>, Priority<1>, InvokeContext&, Value&& value, Output&& output)
{
    const std::string text = std::to_string(value.x) + "," + std::to_string(value.y);
    output.set(::capnp::Text::Reader(text.c_str(), text.size()));
}

template <typename Input, typename ReadDest>
decltype(auto) CustomReadField(TypeList<breadth::Point>, Priority<1>, InvokeContext&, Input&& input, ReadDest&& read_dest)
{
    const ::capnp::Text::Reader reader = input.get();
    const std::string text(reader.cStr(), reader.size());
    const auto comma = text.find(',');
    return read_dest.update([&](breadth::Point& point) {
        point.x = std::stoi(text.substr(0, comma));
        point.y = std::stoi(text.substr(comma + 1));
    });
}

} // namespace mp

#endif // BREADTH_TYPES_H
