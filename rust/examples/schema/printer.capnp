# The printer of the example: prints lines on its process's stdout.

@0x893db95f456ed0e3;

using Proxy = import "/mp/proxy.capnp";

interface PrinterInterface $Proxy.wrap("Printer") {
  destroy @0 (context :Proxy.Context) -> ();
  print @1 (context :Proxy.Context, text :Text) -> ();
}
