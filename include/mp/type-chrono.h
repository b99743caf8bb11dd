// multiprocess: std::chrono durations and time points as integer tick counts.

#ifndef MP_TYPE_CHRONO_H
#define MP_TYPE_CHRONO_H

#include <mp/proxy-types.h>
#include <mp/util.h>

#include <chrono>
#include <limits>

namespace mp {

//! Whether capnp field type `Field` can hold every tick count of representation `Rep`.
template <typename Field, typename Rep>
constexpr bool HoldsEveryRep()
{
    return safe_less_equal(std::numeric_limits<Field>::lowest(), std::numeric_limits<Rep>::lowest()) &&
           safe_greater_equal(std::numeric_limits<Field>::max(), std::numeric_limits<Rep>::max());
}

//! A duration travels as its `count()` in its own period: both sides must use the same
//! duration type, as with any other value.
template <class Rep, class Period, typename Value, typename Output>
void CustomBuildField(TypeList<std::chrono::duration<Rep, Period>>, Priority<1>, InvokeContext&, Value&& value,
    Output&& output)
{
    static_assert(HoldsEveryRep<decltype(output.get()), Rep>(),
        "capnp type does not have enough range to hold every std::chrono::duration value");
    output.set(value.count());
}

template <class Rep, class Period, typename Input, typename ReadDest>
decltype(auto) CustomReadField(TypeList<std::chrono::duration<Rep, Period>>, Priority<1>, InvokeContext&,
    Input&& input, ReadDest&& read_dest)
{
    return read_dest.construct(input.get());
}

//! A time point travels as its `time_since_epoch().count()`.
template <class Clock, class Duration, typename Value, typename Output>
void CustomBuildField(TypeList<std::chrono::time_point<Clock, Duration>>, Priority<1>, InvokeContext&,
    Value&& value, Output&& output)
{
    static_assert(HoldsEveryRep<decltype(output.get()), typename Duration::rep>(),
        "capnp type does not have enough range to hold every std::chrono::time_point value");
    output.set(value.time_since_epoch().count());
}

template <class Clock, class Duration, typename Input, typename ReadDest>
decltype(auto) CustomReadField(TypeList<std::chrono::time_point<Clock, Duration>>, Priority<1>, InvokeContext&,
    Input&& input, ReadDest&& read_dest)
{
    return read_dest.construct(std::chrono::time_point<Clock, Duration>{Duration{input.get()}});
}

} // namespace mp

#endif // MP_TYPE_CHRONO_H
