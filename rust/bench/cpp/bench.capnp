# Interfaces of the benchmark suite, shared by the Rust benchmark (`mpbench`, through build.rs)
# and the C++ programs in this directory that are built against an installed original
# libmultiprocess for comparison. The `$Proxy.include` lines matter only to the C++ generator.

@0xa2450d1ee029cf72;

using Proxy = import "/mp/proxy.capnp";

$Proxy.include("bench.h");
$Proxy.includeTypes("bench-types.h");

interface BenchInit $Proxy.wrap("mpbench::BenchInit") {
  construct @0 (threadMap :Proxy.ThreadMap) -> (threadMap :Proxy.ThreadMap);
  makeBench @1 (context :Proxy.Context) -> (result :Bench);
}

interface Bench $Proxy.wrap("mpbench::Bench") {
  destroy @0 (context :Proxy.Context) -> ();
  # Runs on the server's event loop thread (no Context).
  add @1 (a :Int32, b :Int32) -> (result :Int32);
  # Runs on the server thread mapped to the calling thread.
  addCtx @2 (context :Proxy.Context, a :Int32, b :Int32) -> (result :Int32);
  # Calls `cb` once from the server thread, which lands on the blocked caller's thread.
  callBack @3 (context :Proxy.Context, cb :BenchCallback, x :Int32) -> (result :Int32);
  # Sends `data` back.
  echo @4 (context :Proxy.Context, data :Data) -> (result :Data);
}

interface BenchCallback $Proxy.wrap("mpbench::BenchCallback") {
  call @0 (context :Proxy.Context, x :Int32) -> (result :Int32);
}
