// multiprocess: fixed-size byte arrays (`unsigned char key[32]` members) as Data.

#ifndef MP_TYPE_CHAR_H
#define MP_TYPE_CHAR_H

#include <mp/proxy-types.h>
#include <mp/util.h>

#include <algorithm>
#include <cstddef>
#include <stdexcept>

namespace mp {

//! A struct member `unsigned char m[N]` reaches `BuildField` decayed to a pointer (the struct
//! glue decays member types), with the array itself as the value: its size comes from there.
template <typename Output, std::size_t size>
void CustomBuildField(TypeList<const unsigned char*>, Priority<3>, InvokeContext&,
    const unsigned char (&value)[size], Output&& output)
{
    auto data = output.init(CapnpSize(size));
    std::ranges::copy(value, data.begin());
}

//! Reading needs the exact size back: anything else throws `std::range_error("unexpected
//! field size")`, the original's text.
template <std::size_t size, typename Input, typename ReadDest>
decltype(auto) CustomReadField(TypeList<unsigned char[size]>, Priority<1>, InvokeContext&, Input&& input,
    ReadDest&& read_dest)
{
    auto data = input.get();
    if (data.size() != size) throw std::range_error("unexpected field size");
    return read_dest.update([&](auto& value) { std::ranges::copy(data, std::ranges::begin(value)); });
}

} // namespace mp

#endif // MP_TYPE_CHAR_H
