# The calculator of the example: solves equations, reporting through a printer.
# Interface IDs and ordinals match the original example, so the processes interoperate.

@0xb67dbf34061180a9;

using Proxy = import "/mp/proxy.capnp";

interface CalculatorInterface $Proxy.wrap("Calculator") {
  destroy @0 (context :Proxy.Context) -> ();
  solveEquation @1 (context :Proxy.Context, eqn :Text) -> ();
}
