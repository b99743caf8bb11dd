// The conversions the example's interfaces need, included by the generated code.
#ifndef CPP_EXAMPLES_TYPES_H
#define CPP_EXAMPLES_TYPES_H

#include <calculator.capnp.proxy-types.h>
#include <printer.capnp.proxy-types.h>

#include <mp/type-context.h>
#include <mp/type-decay.h>
#include <mp/type-interface.h>
#include <mp/type-string.h>
#include <mp/type-threadmap.h>

struct InitInterface;
struct CalculatorInterface;
struct PrinterInterface;

#endif // CPP_EXAMPLES_TYPES_H
