# Bootstrap interface of the example's child processes.

@0xba5a7448664901b1;

using Proxy = import "/mp/proxy.capnp";
using Calculator = import "calculator.capnp";
using Printer = import "printer.capnp";

interface InitInterface $Proxy.wrap("Init") {
  construct @0 (threadMap :Proxy.ThreadMap) -> (threadMap :Proxy.ThreadMap);
  makeCalculator @1 (context :Proxy.Context, print :Printer.PrinterInterface) -> (result :Calculator.CalculatorInterface);
  makePrinter @2 (context :Proxy.Context) -> (result :Printer.PrinterInterface);
}
