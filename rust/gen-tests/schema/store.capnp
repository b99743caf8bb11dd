# One construct per generator meaning (issue 9); each is exercised by tests/meanings.rs.
@0x9590016646a3a51d;

using Proxy = import "/mp/proxy.capnp";
using Units = import "units/units.capnp";

# A callable interface (closures implement it) and one that extends it.
interface Notify $Proxy.wrap("Notify") {
  destroy @0 (context :Proxy.Context) -> ();
  call @1 (context :Proxy.Context, value :Int32) -> (result :Int32);
}

interface LoudNotify extends(Notify) $Proxy.wrap("LoudNotify") {
  volume @0 (context :Proxy.Context) -> (result :Int32);
}

# `tick`'s async form and `tickAsync` meet; `MeterClient` meets the client of `Meter`.
interface Meter $Proxy.wrap("Meter") {
  tick @0 (context :Proxy.Context) -> (result :Int32);
  tickAsync @1 (context :Proxy.Context) -> (result :Int32);
}

interface MeterClient $Proxy.wrap("MeterClient") {
  ping @0 (context :Proxy.Context) -> (result :Text);
}

# Schema defaults.
struct Options $Proxy.wrap("Options") {
  useCache @0 :Bool = true;
  reserve @1 :UInt64 = 8000;
  timeout @2 :Float64 = inf;
  floor @3 :Int32 = -1;
  plain @4 :Int32;
}

struct Detail {
  code @0 :Int32;
  why @1 :Text;
}

# Implicit (`count(0)`) on a type of our own: hooks fill and consume it.
struct Env $Proxy.count(0) {
  label @0 :Text;
  level @1 :Int32;
}

# A struct that contains itself.
struct Link {
  value @0 :Int32;
  next @1 :Link;
}

# Generic structs: with a value, without using their parameter, with an interface argument.
struct Outcome(Value) {
  value @0 :Value;
  error @1 :Text;
}

struct Done(Value) {
  error @0 :Text;
}

# A struct with an unnamed union.
struct Either {
  tag @0 :Text;
  union {
    number @1 :Int32;
    word @2 :Text;
    nothing @3 :Void;
  }
}

# A `hasX` companion that is not Bool.
struct Limits {
  hasCap @0 :UInt32;
  cap @1 :UInt32;
}

interface Store @0xb6148740fbd60a50 $Proxy.wrap("Store") {
  destroy @0 (context :Proxy.Context) -> ();
  defaults @1 (context :Proxy.Context) -> (result :Options);
  describe @2 (context :Proxy.Context, options :Options) -> (result :Text);
  fail @3 (context :Proxy.Context, which :Int32) -> (error :Text $Proxy.exception("std::exception"), rpcError :Text $Proxy.exception("RpcError"), detail :Detail $Proxy.exception("Detail"), result :Int32);
  withEnv @4 (context :Proxy.Context, env :Env, x :Int32) -> (result :Text);
  widen @5 (context :Proxy.Context, amount :Int32) -> (amount :Int64);
  link @6 (context :Proxy.Context, chain :Link) -> (result :Link);
  outcome @7 (context :Proxy.Context, ok :Bool) -> (result :Outcome(Text));
  done @8 (context :Proxy.Context) -> (result :Done);
  notifier @9 (context :Proxy.Context) -> (result :Outcome(Notify));
  either @10 (context :Proxy.Context, value :Either) -> (result :Either);
  limits @11 (context :Proxy.Context, limits :Limits) -> (result :Limits);
  renamed @12 (context :Proxy.Context) -> (result :Int32) $Proxy.name("answer;");
  hash @13 (context :Proxy.Context, data :Data) -> (result :Data);
  size @14 (context :Proxy.Context, size :Units.Size) -> (result :Units.Size);
  takeDefault @15 (context :Proxy.Context, extra :UInt32 = 8000) -> (result :UInt32);
  notify @16 (context :Proxy.Context, target :LoudNotify, x :Int32) -> (result :Int32);
  meter @17 (context :Proxy.Context) -> (result :Meter);
  construct @18 (threadMap :Proxy.ThreadMap) -> (threadMap :Proxy.ThreadMap);
}
