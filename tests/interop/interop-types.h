// Type conversions the original's generated code needs for conformance.capnp.

#ifndef CONF_INTEROP_TYPES_H
#define CONF_INTEROP_TYPES_H

#include <mp/type-context.h>
#include <mp/type-decay.h>
#include <mp/type-exception.h>
#include <mp/type-interface.h>
#include <mp/type-map.h>
#include <mp/type-number.h>
#include <mp/type-optional.h>
#include <mp/type-pair.h>
#include <mp/type-pointer.h>
#include <mp/type-string.h>
#include <mp/type-struct.h>
#include <mp/type-threadmap.h>
#include <mp/type-vector.h>

#endif // CONF_INTEROP_TYPES_H
