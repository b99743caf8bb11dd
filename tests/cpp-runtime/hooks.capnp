# The user's conversion hooks against a live peer (hooks_test): CustomBuildMessage /
# CustomReadMessage / CustomPassMessage, CustomHasValue, $Proxy.count(2) with a user's
# CustomBuildField and server-side CustomPassField, and $Proxy.count(0) with TypeList<> hooks.
# The hooks live in hooks-types.h.

@0xb71c5e2a9d04f3e6;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("hooks::messages");

using Proxy = import "/mp/proxy.capnp";
$Proxy.include("hooks.h");
$Proxy.includeTypes("hooks-types.h");

struct Money {
  cents @0 :Int64;
  currency @1 :Text;
}

struct Coin {
  amount @0 :Int64;
}

struct Size {
  width @0 :Int32;
  height @1 :Int32;
}

# Stands for no C++ argument: the hooks copy it from and into process-wide state.
struct Settings $Proxy.count(0) {
  network @0 :Text;
}

interface HooksInterface $Proxy.wrap("hooks::Hooks") {
  construct @0 (threadMap :Proxy.ThreadMap) -> (threadMap :Proxy.ThreadMap);
  destroy @1 (context :Proxy.Context) -> ();
  doubled @2 (context :Proxy.Context, money :Money) -> (result :Money);
  append @3 (context :Proxy.Context, money :Money, suffix :Text) -> (money :Money);
  spend @4 (context :Proxy.Context, coin :Coin, cost :Int64) -> (result :Coin);
  amountOf @5 (context :Proxy.Context, coin :Coin) -> (result :Int64);
  area @6 (context :Proxy.Context, size :Size $Proxy.count(2)) -> (result :Int32);
  network @7 (context :Proxy.Context, settings :Settings) -> (result :Text, settings :Settings);
}
