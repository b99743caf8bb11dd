// The conversions greeter.capnp's generated code needs.
#ifndef GREETER_TYPES_H
#define GREETER_TYPES_H

#include <mp/type-context.h>
#include <mp/type-decay.h>
#include <mp/type-interface.h>
#include <mp/type-number.h>
#include <mp/type-string.h>
#include <mp/type-threadmap.h>

#endif // GREETER_TYPES_H
