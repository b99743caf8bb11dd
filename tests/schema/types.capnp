# Every type and annotation the Rust mapping supports, for the coverage suite.

@0xe3b1d2c4a5f60718;

using Proxy = import "/mp/proxy.capnp";

enum Color {
  red @0;
  green @1;
  blue @2;
}

struct Pair(K, V) {
  first @0 :K;
  second @1 :V;
}

struct NamedCount {
  name @0 :Text;
  count @1 :Int32;
}

struct Record $Proxy.wrap("Record") {
  name @0 :Text;
  tags @1 :List(Text) $Proxy.name("labels");
  flags @2 :List(Bool);
  optionalInt @3 :Int32;
  hasOptionalInt @4 :Bool;
  counts @5 :List(NamedCount);
  color @6 :Color;
  hidden @7 :Text $Proxy.skip;
  nested @8 :List(List(Int16));
  blobs @9 :List(Data);
  ratio @10 :Float32;
  unused @11 :UInt32 $Proxy.skip;
}

struct Empty $Proxy.wrap("Empty") {}

struct Failure $Proxy.wrap("Failure") {
  code @0 :Int32;
  reason @1 :Text;
}

interface Types $Proxy.wrap("Types") {
  destroy @0 (context :Proxy.Context) -> ();
  # Numbers of every width, bool and floats, returned transformed.
  widths @1 (context :Proxy.Context, i8 :Int8, i16 :Int16, i32 :Int32, i64 :Int64, u8 :UInt8, u16 :UInt16, u32 :UInt32, u64 :UInt64, f32 :Float32, f64 :Float64, b :Bool)
      -> (i8 :Int8, i16 :Int16, i32 :Int32, i64 :Int64, u8 :UInt8, u16 :UInt16, u32 :UInt32, u64 :UInt64, f32 :Float32, f64 :Float64, b :Bool);
  # A field mapped to a narrower Rust integer (range-checked on read).
  narrow @2 (context :Proxy.Context, value :Int64) -> (result :Int64);
  # A capnp enum, and a Rust enum carried as Int32.
  colors @3 (context :Proxy.Context, color :Color, code :Int32) -> (color :Color, code :Int32);
  # A duration carried as milliseconds.
  wait @4 (context :Proxy.Context, timeout :Int64) -> (waited :Int64);
  # Text as String, Text as raw bytes, Data, lists, sets, List(Bool), List(Data), nested lists.
  texts @5 (context :Proxy.Context, text :Text, raw :Text, data :Data) -> (text :Text, raw :Text, data :Data);
  lists @6 (context :Proxy.Context, ints :List(Int32), set :List(Text), bools :List(Bool), blobs :List(Data), nested :List(List(Text)))
      -> (ints :List(Int32), set :List(Text), bools :List(Bool), blobs :List(Data), nested :List(List(Text)));
  # Maps: a generic Pair and a concrete pair struct.
  maps @7 (context :Proxy.Context, generic :List(Pair(Text, Text)), concrete :List(NamedCount)) -> (generic :List(Pair(Text, Text)), concrete :List(NamedCount));
  # Optionals with hasX in params and results.
  optional @8 (context :Proxy.Context, value :Int32, hasValue :Bool) -> (result :Int32, hasResult :Bool);
  # wantX outputs.
  wanted @9 (context :Proxy.Context, x :Int32, wantDoubled :Bool, wantText :Bool) -> (doubled :Int32, text :Text);
  # Structs, empty structs, structs in lists.
  records @10 (context :Proxy.Context, record :Record, empty :Empty, list :List(Record)) -> (record :Record, empty :Empty, list :List(Record));
  # $Proxy.exception with a struct and with Text.
  raiseStruct @11 (context :Proxy.Context, code :Int32) -> (error :Failure $Proxy.exception("Failure"), result :Int32);
  raiseText @12 (context :Proxy.Context, fail :Bool) -> (error :Text $Proxy.exception("std::exception"));
  # out, in/out, skip and count.
  outputs @13 (context :Proxy.Context, a :Int32, acc :Int32, ignored :Text $Proxy.count(0)) -> (sum :Int32, acc :Int32, product :Int64);
  noResult @14 (context :Proxy.Context) -> ();
  onLoop @15 (x :Int32) -> (result :Int32);
  # A pair of whole numbers counted as two native arguments in C++ (one Rust value here).
  counted @16 (context :Proxy.Context, pair :Pair(Text, Data) $Proxy.count(2)) -> (result :Text);
  # A struct of the user's carried as Data bytes.
  mirror @17 (context :Proxy.Context, point :Data) -> (result :Data);
}

interface Adder $Proxy.wrap("ProxyCallback<std::function<int(int)>>") {
  destroy @0 (context :Proxy.Context) -> ();
  call @1 (context :Proxy.Context, x :Int32) -> (result :Int32);
}

interface Named $Proxy.wrap("Named") {
  destroy @0 (context :Proxy.Context) -> ();
  name @1 (context :Proxy.Context) -> (result :Text);
}

interface Greeter extends(Named) $Proxy.wrap("Greeter") {
  greet @0 (context :Proxy.Context, who :Text) -> (result :Text);
}

interface Callbacks $Proxy.wrap("Callbacks") {
  destroy @0 (context :Proxy.Context) -> ();
  # A closure called during the call.
  apply @1 (context :Proxy.Context, fn :Adder, x :Int32) -> (result :Int32);
  # A callback saved by the server and called later.
  save @2 (context :Proxy.Context, fn :Adder) -> ();
  callSaved @3 (context :Proxy.Context, x :Int32) -> (result :Int32, hasResult :Bool);
  # Called later from a server thread that serves no request of the caller.
  callSavedFromOwnThread @4 (context :Proxy.Context, x :Int32) -> (result :Int32);
  # Interfaces as results, null results, and inheritance.
  makeGreeter @5 (context :Proxy.Context, name :Text) -> (result :Greeter);
  makeNothing @6 (context :Proxy.Context) -> (result :Named);
  nameOf @7 (context :Proxy.Context, named :Named) -> (result :Text, hasResult :Bool);
  # A list of interfaces.
  applyAll @8 (context :Proxy.Context, fns :List(Adder), x :Int32) -> (results :List(Int32));
  # Number of Adder objects the server dropped (destroyed).
  dropped @9 (context :Proxy.Context) -> (result :UInt32);
}

interface TypesInit $Proxy.wrap("TypesInit") {
  construct @0 (threadMap :Proxy.ThreadMap) -> (threadMap :Proxy.ThreadMap);
  types @1 (context :Proxy.Context) -> (result :Types);
  callbacks @2 (context :Proxy.Context) -> (result :Callbacks);
}
