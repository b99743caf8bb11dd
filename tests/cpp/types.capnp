# Test schema of the C++ field conversions: one field per type family the C++ headers convert,
# `$Proxy.wrap` structs (with `$Proxy.name`, `$Proxy.skip`, an empty one, structs in lists and
# maps), fields converted by user hooks (tests/cpp/types-types.h), and an interface whose methods
# cover in, out, in/out, optional (`hasX`), requested (`wantX`), struct and exception fields.
# Its hand-written generated glue (types.capnp.proxy*.h) is the target of mpgen's C++ backend.

@0xe407156f6df2975d;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("mptest::messages");

using Proxy = import "/mp/proxy.capnp";
$Proxy.include("types.h");
$Proxy.includeTypes("types-types.h");

enum Shade {
  light @0;
  medium @1;
  dark @2;
}

struct Pair(Key, Value) {
  key @0 :Key;
  value @1 :Value;
}

struct TextInt32 {
  key @0 :Text;
  value @1 :Int32;
}

struct Triple {
  first @0 :Int8;
  second @1 :Text;
  third @2 :Float64;
}

struct Point $Proxy.wrap("mptest::Point") {
  x @0 :Int32;
  y @1 :Int32;
}

struct Empty $Proxy.wrap("mptest::Empty") {
}

struct Record $Proxy.wrap("mptest::Record") {
  label @0 :Text;
  bigNumber @1 :Int64 $Proxy.name("big_number");
  maybeCount @2 :UInt16 $Proxy.name("maybe_count");
  hasMaybeCount @3 :Bool;
  comment @4 :Text $Proxy.skip;
  key @5 :Data;
  points @6 :List(Point);
  corners @7 :List(Pair(Text, Point));
  empty @8 :Empty;
}

struct Failure $Proxy.wrap("mptest::Failure") {
  reason @0 :Text;
  code @1 :Int32;
}

struct Widget $Proxy.wrap("mptest::Widget") {
  name @0 :Text;
  size @1 :UInt16;
}

struct Money {
  cents @0 :Int64;
  currency @1 :Text;
}

struct Settings {
  network @0 :Text;
}

struct Box {
  i8 @0 :Int8;
  i16 @1 :Int16;
  i32 @2 :Int32;
  i64 @3 :Int64;
  u8 @4 :UInt8;
  u16 @5 :UInt16;
  u32 @6 :UInt32;
  u64 @7 :UInt64;
  f32 @8 :Float32;
  f64 @9 :Float64;
  flag @10 :Bool;
  color @11 :Int32;
  shade @12 :Shade;
  duration @13 :Int64;
  instant @14 :Int64;
  text @15 :Text;
  data @16 :Data;
  maybe @17 :Int32;
  hasMaybe @18 :Bool;
  maybeText @19 :Text;
  ints @20 :List(Int32);
  bools @21 :List(Bool);
  texts @22 :List(Text);
  grid @23 :List(List(Int16));
  datas @24 :List(Data);
  counts @25 :List(TextInt32);
  pair @26 :TextInt32;
  triple @27 :Triple;
  point @28 :Point;
  points @29 :List(Point);
  placed @30 :List(Pair(Text, Point));
  empty @31 :Empty;
  record @32 :Record;
  widget @33 :Widget;
  money @34 :Money;
  coin @35 :Data;
  tickets @36 :List(Data);
  nothing @37 :Void;
  failure @38 :Failure;
  message @39 :Text;
  settings @40 :Settings;
}

interface TypesApi $Proxy.wrap("mptest::TypesApi") {
  add @0 (a :Int32, b :Int32) -> (result :Int32);
  addOut @1 (a :Int32, b :Int32) -> (sum :Int32);
  scale @2 (factor :Int32, value :Int32) -> (value :Int32);
  lookup @3 (name :Text, wantFound :Bool) -> (found :Int32, result :Bool);
  half @4 (x :Int32, hasX :Bool) -> (result :Int32, hasResult :Bool);
  echo @5 (record :Record) -> (result :Record);
  fail @6 (reason :Text, code :Int32) -> (error :Failure $Proxy.exception("mptest::Failure"));
  append @7 (money :Money, suffix :Text) -> (money :Money);
}
