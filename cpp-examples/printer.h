// The printer as the C++ program sees it.
#ifndef CPP_EXAMPLES_PRINTER_H
#define CPP_EXAMPLES_PRINTER_H

#include <string>

class Printer
{
public:
    virtual ~Printer() = default;
    //! Shows `message` on the printer process's standard output.
    virtual void print(const std::string& message) = 0;
};

#endif // CPP_EXAMPLES_PRINTER_H
