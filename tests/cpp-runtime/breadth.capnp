# Type breadth and thread mapping of mpgen-generated C++ against a live C++ peer (breadth_test).

@0xd3a8c1f0b2e49a17;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("breadth::messages");

using Proxy = import "/mp/proxy.capnp";
$Proxy.include("breadth.h");
$Proxy.includeTypes("breadth-types.h");

interface BreadthInterface $Proxy.wrap("breadth::Breadth") {
  construct @0 (threadMap :Proxy.ThreadMap) -> (threadMap :Proxy.ThreadMap);
  destroy @1 (context :Proxy.Context) -> ();
  passI8 @2 (context :Proxy.Context, v :Int8) -> (result :Int8);
  passU16 @3 (context :Proxy.Context, v :UInt16) -> (result :UInt16);
  passU32 @4 (context :Proxy.Context, v :UInt32) -> (result :UInt32);
  passI64 @5 (context :Proxy.Context, v :Int64) -> (result :Int64);
  passU64 @6 (context :Proxy.Context, v :UInt64) -> (result :UInt64);
  passI16 @7 (context :Proxy.Context, v :Int16) -> (result :Int16);
  passBool @8 (context :Proxy.Context, v :Bool) -> (result :Bool);
  passDouble @9 (context :Proxy.Context, v :Float64) -> (result :Float64);
  passString @10 (context :Proxy.Context, v :Text) -> (result :Text);
  passData @11 (context :Proxy.Context, v :Data) -> (result :Data);
  passVector @12 (context :Proxy.Context, v :List(Int32)) -> (result :List(Int32));
  passSet @13 (context :Proxy.Context, v :List(Text)) -> (result :List(Text));
  passMap @14 (context :Proxy.Context, v :List(StringIntPair)) -> (result :List(StringIntPair));
  passOptional @15 (context :Proxy.Context, v :Int32, hasV :Bool) -> (result :Int32, hasResult :Bool);
  outPointer @16 (context :Proxy.Context, v :Int32, wantOut :Bool) -> (out :Int32, result :Bool);
  inOut @17 (context :Proxy.Context, add :Int32, sum :Int32) -> (sum :Int32);
  passRecord @18 (context :Proxy.Context, v :Record) -> (result :Record);
  raise @19 (context :Proxy.Context, v :Record) -> (error :Record $Proxy.exception("breadth::Record"));
  raiseStd @20 (context :Proxy.Context, v :Text) -> (error :Text $Proxy.exception("std::exception"));
  makeCallback @21 (context :Proxy.Context, factor :Int32) -> (result :CallbackInterface);
  makeShared @22 (context :Proxy.Context, factor :Int32) -> (result :CallbackInterface);
  callUnique @23 (context :Proxy.Context, callback :CallbackInterface, arg :Int32) -> (result :Int32);
  callShared @24 (context :Proxy.Context, callback :CallbackInterface, arg :Int32) -> (result :Int32);
  callRef @25 (context :Proxy.Context, callback :CallbackInterface, arg :Int32) -> (result :Int32);
  saveCallback @26 (context :Proxy.Context, callback :CallbackInterface) -> ();
  callSaved @27 (context :Proxy.Context, arg :Int32) -> (result :Int32);
  threadName @28 (context :Proxy.Context) -> (result :Text);
  recurse @29 (context :Proxy.Context, callback :RecurserInterface, depth :Int32) -> (result :Text);
  callFn @30 (context :Proxy.Context, fn :IntFnInterface, arg :Int32) -> (result :Int32);
  makeFn @31 (context :Proxy.Context, factor :Int32) -> (result :IntFnInterface);
  saveFn @32 (context :Proxy.Context, fn :IntFnInterface) -> ();
  callSavedFn @33 (context :Proxy.Context, arg :Int32) -> (result :Int32);
  passEnum @34 (context :Proxy.Context, v :Int32) -> (result :Int32);
  passDuration @35 (context :Proxy.Context, v :Int64) -> (result :Int64);
  passUnordered @36 (context :Proxy.Context, v :List(Int32)) -> (result :List(Int32));
  passBools @37 (context :Proxy.Context, v :List(Bool)) -> (result :List(Bool));
  passNested @38 (context :Proxy.Context, v :List(List(Int32))) -> (result :List(List(Int32)));
  passEmpty @39 (context :Proxy.Context, v :Empty) -> (result :Empty);
  passRecords @40 (context :Proxy.Context, v :List(Record)) -> (result :List(Record));
  callExtended @41 (context :Proxy.Context, callback :ExtendedInterface, arg :Int32) -> (result :Int32);
  passBlob @42 (context :Proxy.Context, v :Blob) -> (result :Blob);
  passPoint @43 (context :Proxy.Context, v :Text) -> (result :Text);
  passTuple @44 (context :Proxy.Context, v :IntText) -> (result :IntText);
  exitProcess @45 (context :Proxy.Context) -> ();
}

struct Empty $Proxy.wrap("breadth::Empty") {
}

interface IntFnInterface $Proxy.wrap("ProxyCallback<std::function<int(int)>>") {
  destroy @0 (context :Proxy.Context) -> ();
  call @1 (context :Proxy.Context, arg :Int32) -> (result :Int32);
}

interface CallbackInterface $Proxy.wrap("breadth::Callback") {
  destroy @0 (context :Proxy.Context) -> ();
  call @1 (context :Proxy.Context, arg :Int32) -> (result :Int32);
}

interface ExtendedInterface extends(CallbackInterface) $Proxy.wrap("breadth::Extended") {
  callExtended @0 (context :Proxy.Context, arg :Int32) -> (result :Int32);
}

interface RecurserInterface $Proxy.wrap("breadth::Recurser") {
  destroy @0 (context :Proxy.Context) -> ();
  recurse @1 (context :Proxy.Context, depth :Int32) -> (result :Text);
}

# Wraps a class without virtual functions: its proxy is used as ProxyClient<PlainInterface>.
interface PlainInterface $Proxy.wrap("breadth::Plain") {
  construct @0 (threadMap :Proxy.ThreadMap) -> (threadMap :Proxy.ThreadMap);
  add @1 (context :Proxy.Context, a :Int32, b :Int32) -> (result :Int32);
}

struct Record $Proxy.wrap("breadth::Record") {
  name @0 :Text;
  values @1 :List(Int32);
  number @2 :Int32 $Proxy.name("the_number");
  hasNumber @3 :Bool;
}

struct StringIntPair {
  key @0 :Text;
  value @1 :Int32;
}

# A wrapped struct with a fixed-size byte array, a user type converted by breadth-types.h's own
# hooks, a std::pair and a field the C++ struct does not have.
struct Blob $Proxy.wrap("breadth::Blob") {
  key @0 :Data;
  point @1 :Text;
  entry @2 :StringIntPair;
  unused @3 :Int32 $Proxy.skip;
}

struct IntText {
  number @0 :Int32;
  text @1 :Text;
}
