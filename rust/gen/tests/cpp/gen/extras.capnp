# C++ backend snapshot schema (not compiled: gen/extras.h does not exist): $Proxy.count on a
# field and on a struct type (2, and 0 for an implicit field), a Void param, a method whose
# params are a named struct, a wrapped interface nested in an unwrapped one, a nested struct
# (no ProxyStruct of its own), and a type from an import (its proxy-types.h is included).
@0xe1a5c0de12345701;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("widgets::msg");

using Proxy = import "/mp/proxy.capnp";
using Widgets = import "widgets.capnp";
$Proxy.include("gen/extras.h");
$Proxy.includeTypes("gen/extras-types.h");

struct Size $Proxy.count(2) {
  width @0 :Int32;
  height @1 :Int32;
}

struct Token $Proxy.count(0) {
  value @0 :UInt64;
}

struct Request {
  name @0 :Text;
  struct Nested {
    x @0 :Int8;
  }
}

interface Outer {
  interface Tool $Proxy.wrap("widgets::Tool") {
    resize @0 (size :Size) -> ();
    stamp @1 (token :Token, marker :Void) -> ();
    submit @2 Request -> (span :Widgets.Span);
    place @3 (point :Int64 $Proxy.count(3)) -> (result :Int32);
  }
}
