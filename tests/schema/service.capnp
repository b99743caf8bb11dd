# Interfaces for the runtime's tests: thread mapping, callbacks, destroy, pools.

@0xd4c2a1e7b3f85a10;

using Proxy = import "/mp/proxy.capnp";

interface TestInit $Proxy.wrap("TestInit") {
  construct @0 (threadMap :Proxy.ThreadMap) -> (threadMap :Proxy.ThreadMap);
  makeService @1 (context :Proxy.Context) -> (result :Service);
  makeNothing @2 (context :Proxy.Context) -> (result :Service);
  whereAmI @3 (context :Proxy.Context) -> (tid :Int64, name :Text);
}

interface Service $Proxy.wrap("Service") {
  destroy @0 (context :Proxy.Context) -> ();
  add @1 (context :Proxy.Context, a :Int32, b :Int32) -> (result :Int32);
  addOnLoop @2 (a :Int32, b :Int32) -> (result :Int32);
  whereAmI @3 (context :Proxy.Context) -> (tid :Int64, name :Text);
  loopTid @4 () -> (result :Int64);
  callBack @5 (context :Proxy.Context, cb :Callback, depth :Int32) -> (tids :List(Int64));
  sleepMs @6 (context :Proxy.Context, ms :UInt32) -> ();
  echo @7 (context :Proxy.Context, text :Text, data :Data, list :List(Text), flags :List(Bool)) -> (textOut :Text, dataOut :Data, listOut :List(Text), flagsOut :List(Bool));
  addOut @8 (context :Proxy.Context, a :Int64, b :Int64) -> (sum :Int64, product :Int64);
  accumulate @9 (context :Proxy.Context, x :UInt64, total :UInt64) -> (total :UInt64);
  fail @10 (context :Proxy.Context, message :Text) -> ();
  destroyed @11 (context :Proxy.Context) -> (result :UInt32);
  numbers @12 (context :Proxy.Context, i8 :Int8, i16 :Int16, u8 :UInt8, u16 :UInt16, f32 :Float32, f64 :Float64, flag :Bool)
      -> (i8 :Int8, i16 :Int16, u8 :UInt8, u16 :UInt16, f32 :Float32, f64 :Float64, flag :Bool);
  slowUntilCanceled @13 (context :Proxy.Context, ms :UInt32) -> (canceled :Bool);
  sawCancel @14 (context :Proxy.Context) -> (result :Bool);
  # Stores `data` in the service (`shared`: it still points into the received message's
  # buffer); `kept` reads it back in a later call.
  keep @15 (context :Proxy.Context, data :Data) -> (shared :Bool);
  kept @16 (context :Proxy.Context) -> (result :Data);
}

interface Callback $Proxy.wrap("Callback") {
  destroy @0 (context :Proxy.Context) -> ();
  call @1 (context :Proxy.Context, depth :Int32) -> (tids :List(Int64));
}
