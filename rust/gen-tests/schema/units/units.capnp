# A schema in a subdirectory (output layout rule: `units/units.capnp` becomes the module
# `units_capnp`), with a struct mapped to a user type by its name.
@0xadb43541da0aae70;

struct Size {
  bytes @0 :UInt64;
}
