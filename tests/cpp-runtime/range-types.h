// The conversions range_narrow.capnp's and range_wide.capnp's generated code needs.
#ifndef RANGE_TYPES_H
#define RANGE_TYPES_H

#include <mp/type-context.h>
#include <mp/type-decay.h>
#include <mp/type-interface.h>
#include <mp/type-number.h>
#include <mp/type-threadmap.h>

#endif // RANGE_TYPES_H
