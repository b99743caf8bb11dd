// The consumer's API, as a project using libmultiprocess writes it.
#ifndef GREETER_H
#define GREETER_H

#include <memory>
#include <string>

class Greeter
{
public:
    virtual ~Greeter() = default;
    virtual std::string greet(int times) = 0;
};

class GreeterInit
{
public:
    virtual ~GreeterInit() = default;
    virtual std::unique_ptr<Greeter> makeGreeter(const std::string& name) = 0;
};

#endif // GREETER_H
