# One interface declared twice with the same ID (range_wide.capnp): here its C++ class takes and
# returns `int`, there `int64_t`. Programs built from the two disagree on what fits, so a value
# from a live peer can be out of range for the reader (range_test).

@0xa02cc600a35c6bd3;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("range::narrow");

using Proxy = import "/mp/proxy.capnp";
$Proxy.include("range.h");
$Proxy.includeTypes("range-types.h");

interface NumbersInterface @0xb516ab5c02ee7589 $Proxy.wrap("range::Narrow") {
  construct @0 (threadMap :Proxy.ThreadMap) -> (threadMap :Proxy.ThreadMap);
  scale @1 (context :Proxy.Context, v :Int64, factor :Int64) -> (result :Int64);
}
