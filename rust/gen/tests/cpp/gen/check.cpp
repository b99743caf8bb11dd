// Instantiates what the generated code for gen/widgets.capnp and gen/gadgets.capnp declares: every client proxy is
// a complete, non-abstract class (each wrapped virtual method is implemented, $Proxy.name'd
// ones included), and the ProxyType / ProxyStruct specialisations say what they should.

#include <gen/widgets.capnp.proxy-types.h>

#include <type_traits>

static_assert(!std::is_abstract_v<mp::ProxyClient<widgets::msg::Derived>>);
static_assert(!std::is_abstract_v<mp::ProxyClient<widgets::msg::Base>>);
static_assert(!std::is_abstract_v<mp::ProxyClient<widgets::msg::Callback>>);
static_assert(std::is_base_of_v<widgets::Derived, mp::ProxyClient<widgets::msg::Derived>>);
static_assert(std::is_same_v<mp::ProxyType<widgets::Derived>::Message, widgets::msg::Derived>);
static_assert(mp::ProxyType<widgets::Span>::fields == 2);
static_assert(mp::ProxyStruct<widgets::msg::Span>::fields == 2);
static_assert(mp::ProxyStruct<widgets::msg::Pair<int, int>>::fields == 2);

#include <gen/gadgets.capnp.proxy-types.h>

static_assert(!std::is_abstract_v<mp::ProxyClient<widgets::msg::Gadget>>);
static_assert(std::is_base_of_v<widgets::Base, mp::ProxyClient<widgets::msg::Gadget>>);
