# Interfaces for the C++ transport test: calls with and without Context, a callback to the
# blocked caller, capabilities in params and results, bulk data and a throwing server.

@0xf547e69062e3716a;

using Proxy = import "/mp/proxy.capnp";

# The wrap names give the Rust test (tests/tests/cpp_server.rs) typed proxies; the C++ tests
# dispatch by hand and ignore them.

interface TestInit $Proxy.wrap("TestInit") {
  construct @0 (threadMap :Proxy.ThreadMap) -> (threadMap :Proxy.ThreadMap);
  makeAdder @1 (context :Proxy.Context) -> (result :Adder);
}

interface Adder $Proxy.wrap("Adder") {
  destroy @0 (context :Proxy.Context) -> ();
  # Runs on the server's event loop thread (no Context).
  add @1 (a :Int32, b :Int32) -> (result :Int32);
  # Runs on the server thread mapped to the calling thread; says which one.
  addCtx @2 (context :Proxy.Context, a :Int32, b :Int32) -> (result :Int32, thread :Text);
  # Calls cb(x) from the server thread; returns what it returned.
  callBack @3 (context :Proxy.Context, cb :Callback, x :Int32) -> (result :Int32);
  echo @4 (context :Proxy.Context, data :Data) -> (result :Data);
  # Throws std::runtime_error(message) on the server.
  fail @5 (context :Proxy.Context, message :Text) -> ();
  # Never returns: the test kills the serving process during this call.
  hang @6 (context :Proxy.Context) -> ();
}

interface Callback $Proxy.wrap("Callback") {
  call @0 (context :Proxy.Context, x :Int32) -> (result :Int32);
}
