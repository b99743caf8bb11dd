# The interface of range_narrow.capnp (same ID), wrapping a class with int64_t numbers.

@0xf2a3d7c8f1c2e008;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("range::wide");

using Proxy = import "/mp/proxy.capnp";
$Proxy.include("range.h");
$Proxy.includeTypes("range-types.h");

interface NumbersInterface @0xb516ab5c02ee7589 $Proxy.wrap("range::Wide") {
  construct @0 (threadMap :Proxy.ThreadMap) -> (threadMap :Proxy.ThreadMap);
  scale @1 (context :Proxy.Context, v :Int64, factor :Int64) -> (result :Int64);
}
