# Interfaces of the wire-conformance suite. Served and used by our Rust runtime (through the
# generator) on one side and, on the other, by the hand-written C++ peer in this directory,
# which uses only the official Cap'n Proto C++ runtime and implements the libmultiprocess
# conventions (construct, ThreadMap, Context, destroy) itself.

@0x888fb1df7ccc2b8a;

using Proxy = import "/mp/proxy.capnp";

# For the opt-in interop programs in tests/interop/, built with the original's code generator
# (the native C++ classes are conf::Init, conf::Service and conf::Callback). No wire effect.
$Proxy.include("interop.h");
$Proxy.includeTypes("interop-types.h");

interface ConfInit $Proxy.wrap("conf::Init") {
  construct @0 (threadMap :Proxy.ThreadMap) -> (threadMap :Proxy.ThreadMap);
  makeService @1 (context :Proxy.Context) -> (result :ConfService);
  makeNothing @2 (context :Proxy.Context) -> (result :ConfService);
  # Returns a null capability.
  loopTid @3 () -> (result :Int64);
  # No Context: runs on the event loop thread, and says which thread that is.
  destroyedCount @4 (context :Proxy.Context) -> (result :UInt32);
  # How many ConfService objects the server has destroyed so far.
  spawnInfo @5 (context :Proxy.Context) -> (fd :Int32, cloexec :Bool, otherFds :List(Int32));
  # What the server saw at start-up when it was spawned: the fd number from argv, whether
  # FD_CLOEXEC was set on it, and any other inherited descriptors above 2.
  quit @6 (context :Proxy.Context) -> ();
  # The server drops the connection (and, for a spawned server, ends its process) soon after.
  makeTypes @7 (context :Proxy.Context) -> (result :ConfTypes);
  # Values of the types issue 3 added (used by the opt-in interop client built against the
  # original, which maps them to std::optional, std::map, structs and exceptions).
}

struct NamedCount {
  name @0 :Text;
  count @1 :Int32;
}

struct ConfRecord $Proxy.wrap("conf::Record") {
  name @0 :Text;
  values @1 :List(Int32);
  optionalInt @2 :Int32;
  hasOptionalInt @3 :Bool;
}

interface ConfTypes $Proxy.wrap("conf::Types") {
  destroy @0 (context :Proxy.Context) -> ();
  optional @1 (context :Proxy.Context, value :Int32, hasValue :Bool) -> (result :Int32, hasResult :Bool);
  # Returns value + 1, or nothing for nothing.
  counts @2 (context :Proxy.Context, map :List(NamedCount)) -> (result :List(NamedCount));
  # Returns the map with every count doubled and an entry "server" = 1 added.
  raise @3 (context :Proxy.Context, code :Int32) -> (error :Text $Proxy.exception("std::exception"), result :Int32);
  # Returns 7 for code 0; otherwise raises "code <code>" through the exception field.
  record @4 (context :Proxy.Context, record :ConfRecord) -> (result :ConfRecord);
  # Returns the record with " seen" appended to the name, the values reversed and
  # optionalInt (if any) times 10.
  wanted @5 (context :Proxy.Context, x :Int32, wantDoubled :Bool) -> (doubled :Int32);
  # Writes 2x into `doubled` only when it is wanted.
  narrow @6 (context :Proxy.Context, value :Int64) -> (result :Int64);
  # The Rust server reads `value` as an i32: a wider value is refused.
}

interface ConfService $Proxy.wrap("conf::Service") {
  destroy @0 (context :Proxy.Context) -> ();
  add @1 (context :Proxy.Context, a :Int32, b :Int32) -> (result :Int32);
  addNoContext @2 (a :Int32, b :Int32) -> (result :Int32);
  whereAmI @3 (context :Proxy.Context) -> (tid :Int64, name :Text);
  # The thread that ran the call: an OS thread id and the runtime's name for it (a C++ peer
  # without OS threads answers with the id and name of its Thread object).
  callBack @4 (context :Proxy.Context, cb :ConfCallback, depth :Int32) -> (result :List(Int64));
  # Calls `cb.call(depth)` and returns [own tid] followed by what the callback returned.
  callBackFresh @5 (context :Proxy.Context, cb :ConfCallback) -> (tid :Int64, name :Text);
  # Calls `cb.whereAmI()` from a thread that serves no request of this peer, so the call
  # needs a new thread in the caller, made with the ThreadMap it sent in `construct`.
  echo @6 (context :Proxy.Context, text :Text, data :Data) -> (text :Text, data :Data);
  fail @7 (context :Proxy.Context, message :Text) -> ();
  # Fails with `message` as the error text.
}

interface ConfCallback $Proxy.wrap("conf::Callback") {
  destroy @0 (context :Proxy.Context) -> ();
  call @1 (context :Proxy.Context, depth :Int32) -> (result :List(Int64));
  # Returns [own tid], then, if depth > 1, what `service.callBack(new callback, depth - 1)`
  # returned: recursion through both processes.
  whereAmI @2 (context :Proxy.Context) -> (tid :Int64, name :Text);
}
