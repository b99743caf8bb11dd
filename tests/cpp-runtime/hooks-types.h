// The user's hooks for hooks.capnp, written the way a project of the original writes them: plain
// functions and templates in namespace mp, picked by overload resolution (TypeList of the C++
// types, Priority, the field's capnp type).
#ifndef HOOKS_TYPES_H
#define HOOKS_TYPES_H

#include <mp/type-context.h>
#include <mp/type-decay.h>
#include <mp/type-message.h>
#include <mp/type-number.h>
#include <mp/type-string.h>
#include <mp/type-threadmap.h>
#include <mp/type-void.h>

#include <hooks.h>

#include <functional>
#include <string>
#include <type_traits>

namespace mp {

inline void CustomBuildMessage(InvokeContext&, const hooks::Money& money, hooks::messages::Money::Builder&& builder)
{
    builder.setCents(money.cents);
    builder.setCurrency(money.currency);
}

inline void CustomReadMessage(InvokeContext&, const hooks::messages::Money::Reader& reader, hooks::Money& money)
{
    money.cents = reader.getCents();
    money.currency = reader.getCurrency();
}

//! The server's in/out `Money&`: one object read from Params, passed to the method and written
//! to Results; "|pass" shows the hook ran.
inline void CustomPassMessage(InvokeContext&, const hooks::messages::Money::Reader& reader,
    hooks::messages::Money::Builder builder, std::function<void(hooks::Money&)>&& fn)
{
    hooks::Money money{reader.getCents(), std::string(reader.getCurrency()) + "|pass"};
    fn(money);
    builder.setCents(money.cents);
    builder.setCurrency(money.currency);
}

inline void CustomBuildMessage(InvokeContext&, const hooks::Coin& coin, hooks::messages::Coin::Builder&& builder)
{
    builder.setAmount(coin.amount);
}

inline void CustomReadMessage(InvokeContext&, const hooks::messages::Coin::Reader& reader, hooks::Coin& coin)
{
    coin.amount = reader.getAmount();
}

//! A spent coin is not written: the field stays null and the reader keeps its own value.
inline bool CustomHasValue(InvokeContext&, const hooks::Coin& coin) { return coin.amount >= 0; }

//! Client side of `size :Size $Proxy.count(2)`: two C++ arguments into one struct.
template <typename Width, typename Height, typename Output>
    requires FieldTypeIs<Output, hooks::messages::Size::Builder>
void CustomBuildField(TypeList<int, int>, Priority<1>, InvokeContext&, Width&& width, Height&& height, Output&& output)
{
    auto size = output.init();
    size.setWidth(width);
    size.setHeight(height);
}

//! Server side of the same field: the library has no default for a field standing for two
//! arguments, so the user's CustomPassField reads it and calls on with both.
template <typename Accessor, typename ServerContext, typename Fn, typename... Args>
    requires std::is_same_v<std::remove_cvref_t<decltype(Accessor::get(std::declval<ServerContext&>().call_context.getParams()))>,
        hooks::messages::Size::Reader>
void CustomPassField(TypeList<int, int>, ServerContext& server_context, Fn&& fn, Args&&... args)
{
    const auto size = Accessor::get(server_context.call_context.getParams());
    fn.invoke(server_context, std::forward<Args>(args)..., size.getWidth(), size.getHeight());
}

//! `Settings` stands for no argument (`$Proxy.count(0)`): it carries hooks::g_network.
template <typename Output>
    requires FieldTypeIs<Output, hooks::messages::Settings::Builder>
void CustomBuildField(TypeList<>, Priority<1>, InvokeContext&, Output&& output)
{
    output.init().setNetwork(hooks::g_network);
}

template <typename Input>
    requires FieldTypeIs<Input, hooks::messages::Settings::Reader>
void CustomReadField(TypeList<>, Priority<1>, InvokeContext&, Input&& input)
{
    if (input.has()) hooks::g_network = input.get().getNetwork();
}

} // namespace mp

#endif // HOOKS_TYPES_H
