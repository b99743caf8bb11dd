// The C++ classes that gen/widgets.capnp wraps (declarations only: the test compiles the
// generated code, it does not run it).

#ifndef MPGEN_TEST_WIDGETS_H
#define MPGEN_TEST_WIDGETS_H

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace widgets {

struct Span
{
    uint32_t start = 0;
    std::optional<uint32_t> length;
};

class Base
{
public:
    virtual ~Base() = default;
    virtual bool ping() = 0;
};

class Derived : public Base
{
public:
    virtual bool findSpan(const std::string& name, Span* span) = 0;
    virtual void grow(Span& span) = 0;
    virtual void risky() = 0;
    virtual std::unique_ptr<Base> spawn() = 0;
};

} // namespace widgets

#endif // MPGEN_TEST_WIDGETS_H
