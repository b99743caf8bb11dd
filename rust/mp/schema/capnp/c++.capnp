# Stand-in for Cap'n Proto's /capnp/c++.capnp in Rust builds, which run `capnp compile` without
# the standard import path (and may run where the C++ library's schemas are not installed):
# mp/proxy.capnp imports it for its C++ namespace. Same file ID and annotation names as the
# real one, so the annotations' IDs are the same; Rust code generation ignores them.
@0xbdf87d7bb8304e81;

annotation namespace(file) :Text;
annotation name(field, enumerant, struct, enum, interface, method, param, group, union) :Text;
