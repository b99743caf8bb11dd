// Type conversions the generated C++ proxies of bench.capnp need.

#ifndef MPBENCH_BENCH_TYPES_H
#define MPBENCH_BENCH_TYPES_H

#include <mp/proxy.h>
#include <mp/proxy-types.h>
#include <mp/type-context.h>
#include <mp/type-data.h>
#include <mp/type-decay.h>
#include <mp/type-interface.h>
#include <mp/type-number.h>
#include <mp/type-pointer.h>
#include <mp/type-threadmap.h>
#include <mp/type-vector.h>

struct BenchInit;
struct Bench;
struct BenchCallback;

#endif // MPBENCH_BENCH_TYPES_H
