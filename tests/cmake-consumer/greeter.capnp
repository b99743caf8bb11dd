# A consumer's own interface, generated with the installed mpgen.

@0xe728bfb976e642ba;

using Proxy = import "/mp/proxy.capnp";

$Proxy.include("greeter.h");
$Proxy.includeTypes("greeter-types.h");

interface GreeterInitInterface $Proxy.wrap("GreeterInit") {
  construct @0 (threadMap :Proxy.ThreadMap) -> (threadMap :Proxy.ThreadMap);
  makeGreeter @1 (context :Proxy.Context, name :Text) -> (result :GreeterInterface);
}

interface GreeterInterface $Proxy.wrap("Greeter") {
  destroy @0 (context :Proxy.Context) -> ();
  greet @1 (context :Proxy.Context, times :Int32) -> (result :Text);
}
