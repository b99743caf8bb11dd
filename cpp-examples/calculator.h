// The calculator as the C++ program sees it: an abstract class, served or called the same way.
#ifndef CPP_EXAMPLES_CALCULATOR_H
#define CPP_EXAMPLES_CALCULATOR_H

#include <string>

class Calculator
{
public:
    virtual ~Calculator() = default;
    //! Solves `eqn` and reports the answer through the calculator's printer.
    virtual void solveEquation(const std::string& eqn) = 0;
};

#endif // CPP_EXAMPLES_CALCULATOR_H
