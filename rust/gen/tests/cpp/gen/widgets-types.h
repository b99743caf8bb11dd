// Conversions gen/widgets.capnp's proxies use: only the library's own.

#ifndef MPGEN_TEST_WIDGETS_TYPES_H
#define MPGEN_TEST_WIDGETS_TYPES_H

#include <mp/proxy-types.h>
#include <mp/type-context.h>
#include <mp/type-decay.h>
#include <mp/type-exception.h>
#include <mp/type-interface.h>
#include <mp/type-number.h>
#include <mp/type-optional.h>
#include <mp/type-pointer.h>
#include <mp/type-string.h>
#include <mp/type-struct.h>
#include <mp/type-void.h>

#endif // MPGEN_TEST_WIDGETS_TYPES_H
