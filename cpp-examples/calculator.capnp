# The calculator of the example: solves equations, reporting through a printer. Interface IDs
# and ordinals match the original example's, so our processes and the original's interoperate.

@0xb67dbf34061180a9;

using Cxx = import "/capnp/c++.capnp";
using Proxy = import "/mp/proxy.capnp";

$Proxy.include("calculator.h");
$Proxy.includeTypes("types.h");

interface CalculatorInterface $Proxy.wrap("Calculator") {
  destroy @0 (context :Proxy.Context) -> ();
  solveEquation @1 (context :Proxy.Context, eqn :Text) -> ();
}
