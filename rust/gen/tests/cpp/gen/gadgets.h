// The C++ class that gen/gadgets.capnp wraps: it extends widgets::Base of gen/widgets.h.

#ifndef MPGEN_TEST_GADGETS_H
#define MPGEN_TEST_GADGETS_H

#include "widgets.h"

#include <cstdint>
#include <memory>

namespace widgets {

class Gadget : public Base
{
public:
    virtual uint32_t measure(const Span& span) = 0;
    virtual std::unique_ptr<Base> parent() = 0;
};

} // namespace widgets

#endif // MPGEN_TEST_GADGETS_H
