// The C++ API hooks.capnp wraps: plain value types converted only by the user's hooks in
// hooks-types.h, and one interface.
#ifndef HOOKS_H
#define HOOKS_H

#include <cstdint>
#include <string>

namespace hooks {

//! Converted by CustomBuildMessage / CustomReadMessage (and, as an in/out argument on the
//! server, CustomPassMessage).
struct Money
{
    int64_t cents = 0;
    std::string currency;
    bool operator==(const Money&) const = default;
};

//! A negative amount means spent: CustomHasValue leaves such a coin off the wire.
struct Coin
{
    int64_t amount = 0;
    bool operator==(const Coin&) const = default;
};

//! Process-wide state that travels in a `$Proxy.count(0)` field (Settings).
inline std::string g_network;

class Hooks
{
public:
    virtual ~Hooks() = default;
    virtual Money doubled(const Money& money) = 0;
    virtual void append(Money& money, const std::string& suffix) = 0;
    virtual Coin spend(const Coin& coin, int64_t cost) = 0;
    virtual int64_t amountOf(const Coin& coin) = 0;
    //! One capnp field (Size, `$Proxy.count(2)`) for both arguments.
    virtual int area(int width, int height) = 0;
    //! Returns the network the Settings field set in the serving process.
    virtual std::string network() = 0;
};

} // namespace hooks

#endif // HOOKS_H
