# Cap'n Proto schema for multiprocess' thread mapping and code-generation
# annotations. Its file ID, node names and annotation IDs match the original
# libmultiprocess, so user schemas written for it (`import "/mp/proxy.capnp"`)
# compile unchanged and both implementations agree on the wire.

@0xcc316e3f71a040fb;

# C++ code generated from this file (and from user schemas naming its types) uses namespace mp,
# as the original's does.
using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("mp");

# Code-generation annotations. They never reach the wire; generators find them by ID.

annotation include @0xb899f3c154fdb458 (file) :Text;
# C++ header the generated proxy header includes.

annotation includeTypes @0xbcec15648e8a0cf1 (file) :Text;
# C++ header with type conversions the generated proxy-types header includes.

annotation wrap @0xe6f46079b7b1405e (interface, struct) :Text;
# Native class an interface or struct stands for; interfaces get proxies only with it.

annotation count @0xd02682b319f69b38 (param, struct, interface) :Int32;
# Number of native arguments a field stands for; 0 marks a field the library fills itself.

annotation exception @0x996a183200992f88 (param) :Text;
# Marks a results field carrying an error value of the named native type.

annotation name @0xb594888f63f4dbb9 (field, method) :Text;
# Native name of a method or member when it differs from the schema name.

annotation skip @0x824c08b82695d8dd (field) :Void;
# The field is ignored by the generator and keeps its default value.

interface ThreadMap $count(0) {
  # Lets a peer create threads in this process and name the one each call runs on.

  makeThread @0 (name :Text) -> (result :Thread);
  # Starts a dedicated thread; `name` is the caller's thread name.

  makePool @1 (count :UInt32) -> ();
  # Starts `count` pool threads that run calls whose context has no thread.
}

interface Thread {
  # A thread of the process hosting this capability.

  getName @0 () -> (result :Text);
}

struct Context $count(0) {
  # Passed with every call that runs on a mapped thread.

  thread @0 :Thread;
  # Thread (hosted by the receiver) that must run this call.

  callbackThread @1 :Thread;
  # Thread (hosted by the caller) that runs calls made back to the caller during this call.
}
