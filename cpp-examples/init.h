// What each example process offers first: factories for its objects. A process overrides the
// ones it serves; the others give nothing.
#ifndef CPP_EXAMPLES_INIT_H
#define CPP_EXAMPLES_INIT_H

#include <calculator.h>
#include <printer.h>

#include <memory>

class Init
{
public:
    virtual ~Init() = default;
    virtual std::unique_ptr<Printer> makePrinter() { return nullptr; }
    virtual std::unique_ptr<Calculator> makeCalculator(std::unique_ptr<Printer> printer)
    {
        (void)printer;
        return nullptr;
    }
};

#endif // CPP_EXAMPLES_INIT_H
