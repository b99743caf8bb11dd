# Snapshot: a closure-mapped interface, one that extends it, and a method whose async form
# meets another method's name.
@0xf76766a8dff08805;

using Proxy = import "/mp/proxy.capnp";

interface Listener $Proxy.wrap("Listener") {
  destroy @0 (context :Proxy.Context) -> ();
  call @1 (context :Proxy.Context, event :Text) -> (result :Bool);
}

interface Recorder extends(Listener) $Proxy.wrap("Recorder") {
  flush @0 (context :Proxy.Context) -> ();
  flushAsync @1 (context :Proxy.Context) -> ();
}
