# Snapshot: schema defaults, a union, a recursive struct, a numeric hasX companion, several
# exception fields, an in/out field, a list of structs (its wire size checked on decode) and
# `Data` (decoded as `mp::Bytes`) in a struct, a list, params, results and in/out.
@0xe1a5c0de12345690;

using Proxy = import "/mp/proxy.capnp";

struct Settings $Proxy.wrap("Settings") {
  enabled @0 :Bool = true;
  limit @1 :UInt32 = 8000;
  ratio @2 :Float32 = inf;
  hasDepth @3 :UInt8;
  depth @4 :Int16 $Proxy.name("max_depth");
}

struct Tree {
  label @0 :Text;
  left @1 :Tree;
  union {
    leaf @2 :Void;
    weight @3 :Float64;
  }
  blob @4 :Data;
}

interface Shapes $Proxy.wrap("Shapes") {
  grow @0 (context :Proxy.Context, tree :Tree, settings :Settings) -> (tree :Tree, error :Text $Proxy.exception("std::exception"), bad :Settings $Proxy.exception("Bad"));
  gather @1 (context :Proxy.Context, all :List(Settings)) -> (count :UInt32);
  pack @2 (context :Proxy.Context, head :Data, parts :List(Data), tail :Data) -> (result :Data, tail :Data);
}
