// The two C++ classes range_narrow.capnp and range_wide.capnp wrap.
#ifndef RANGE_H
#define RANGE_H

#include <cstdint>

namespace range {

class Narrow
{
public:
    virtual ~Narrow() = default;
    virtual int scale(int v, int factor) = 0;
};

class Wide
{
public:
    virtual ~Wide() = default;
    virtual int64_t scale(int64_t v, int64_t factor) = 0;
};

} // namespace range

#endif // RANGE_H
