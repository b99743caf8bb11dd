# C++ backend test schema (in a subdirectory, so outputs, include paths and guards carry it):
# a $Cxx.namespace of two levels, a generic struct, a wrapped struct with $Proxy.name,
# an optional member and a skipped one, a callable interface wrapping ProxyCallback, an
# interface extending another (inherited methods first in registration), a method renamed
# with $Proxy.name, a requested (wantX) output, an in/out struct, an exception field and an
# interface result. gen/widgets.h declares the C++ side.
@0xe1a5c0de12345700;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("widgets::msg");

using Proxy = import "/mp/proxy.capnp";
$Proxy.include("gen/widgets.h");
$Proxy.includeTypes("gen/widgets-types.h");

struct Pair(First, Second) {
  first @0 :First;
  second @1 :Second;
}

struct Span $Proxy.wrap("widgets::Span") {
  begin @0 :UInt32 $Proxy.name("start");
  length @1 :UInt32;
  hasLength @2 :Bool;
  note @3 :Text $Proxy.skip;
}

interface Callback $Proxy.wrap("ProxyCallback<std::function<int32_t(int32_t)>>") {
  destroy @0 (context :Proxy.Context) -> ();
  call @1 (context :Proxy.Context, value :Int32) -> (result :Int32);
}

interface Base $Proxy.wrap("widgets::Base") {
  destroy @0 (context :Proxy.Context) -> ();
  ping @1 (context :Proxy.Context) -> (result :Bool);
}

interface Derived extends(Base) $Proxy.wrap("widgets::Derived") {
  find @0 (context :Proxy.Context, name :Text, wantSpan :Bool) -> (span :Span, result :Bool) $Proxy.name("findSpan");
  grow @1 (context :Proxy.Context, span :Span) -> (span :Span);
  risky @2 (context :Proxy.Context) -> (error :Text $Proxy.exception("std::exception"));
  spawn @3 (context :Proxy.Context) -> (result :Base);
}
