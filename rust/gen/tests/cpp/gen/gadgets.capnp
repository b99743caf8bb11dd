# C++ backend test schema: an interface extending one from another file (gen/widgets.capnp),
# and a method using that file's struct and interface. Compiled with gen/gadgets.h.
@0xe1a5c0de12345702;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("widgets::msg");

using Proxy = import "/mp/proxy.capnp";
using Widgets = import "widgets.capnp";
$Proxy.include("gen/gadgets.h");
$Proxy.includeTypes("gen/widgets-types.h");

interface Gadget extends(Widgets.Base) $Proxy.wrap("widgets::Gadget") {
  measure @0 (context :Proxy.Context, span :Widgets.Span) -> (result :UInt32);
  parent @1 (context :Proxy.Context) -> (result :Widgets.Base);
}
