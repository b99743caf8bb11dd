# An older `Store` (same interface ID): it knows fewer fields, so the current server reads
# the missing ones as absent on the wire and must see the schema defaults.
@0xa752838218c991fe;

using Proxy = import "/mp/proxy.capnp";

struct OptionsV1 {
  useCache @0 :Bool = true;
}

interface StoreV1 @0xb6148740fbd60a50 $Proxy.wrap("StoreV1") {
  destroy @0 (context :Proxy.Context) -> ();
  defaults @1 (context :Proxy.Context) -> ();
  describe @2 (context :Proxy.Context, options :OptionsV1) -> (result :Text);
  fail @3 () -> ();
  withEnv @4 () -> ();
  widen @5 () -> ();
  link @6 () -> ();
  outcome @7 () -> ();
  done @8 () -> ();
  notifier @9 () -> ();
  either @10 () -> ();
  limits @11 () -> ();
  renamed @12 () -> ();
  hash @13 () -> ();
  size @14 () -> ();
  takeDefault @15 (context :Proxy.Context) -> (result :UInt32);
  notify @16 () -> ();
  meter @17 () -> ();
  construct @18 (threadMap :Proxy.ThreadMap) -> (threadMap :Proxy.ThreadMap);
}
