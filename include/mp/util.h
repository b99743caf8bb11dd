// multiprocess: general-purpose helpers of the C++ headers.
//
// Everything here is independent of connections and event loops: type lists, overload
// priorities, small type aliases and casts that the field conversions, the generated glue and
// users' own conversion hooks are written with. Names and meanings follow the original
// libmultiprocess so that existing `*-types.h` headers compile unchanged.

#ifndef MP_UTIL_H
#define MP_UTIL_H

#include <mp/spawn.h>
#include <capnp/schema.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>

#if __has_include(<cxxabi.h>)
#include <cxxabi.h>
#endif

namespace mp {

//! A pack of types carried as a value, so overloads can be selected by the C++ type a field
//! stands for (`TypeList<int>`), by several (`TypeList<A, B>`) or by none (`TypeList<>`).
template <typename... Types>
struct TypeList
{
    static constexpr std::size_t size = sizeof...(Types);
};

//! Overload ranking tag. `Priority<N>` converts to every `Priority<M>` with M < N, so a call
//! made with `Priority<3>()` prefers the viable overload declared with the highest number.
template <int priority>
struct Priority : Priority<priority - 1>
{
};

template <>
struct Priority<0>
{
};

//! Builds `Class<Types..., deduced...>` from constructor arguments: `Make<StructField,
//! Accessor>(builder)` deduces the struct type that class template argument deduction could not
//! (the leading template arguments are given explicitly).
template <template <typename...> class Class, typename... Types, typename... Args>
Class<Types..., std::remove_reference_t<Args>...> Make(Args&&... args)
{
    return Class<Types..., std::remove_reference_t<Args>...>{std::forward<Args>(args)...};
}

//! Cuts a `TypeList` after its first `index` types: `First` holds those, `Second` the rest.
//! Method glue uses it to hand each field the C++ parameters it stands for.
template <std::size_t index, typename List, typename Taken = TypeList<>>
struct Split;

template <typename... Rest, typename... Taken>
struct Split<0, TypeList<Rest...>, TypeList<Taken...>>
{
    using First = TypeList<Taken...>;
    using Second = TypeList<Rest...>;
};

template <std::size_t index, typename Head, typename... Rest, typename... Taken>
    requires(index > 0)
struct Split<index, TypeList<Head, Rest...>, TypeList<Taken...>>
    : Split<index - 1, TypeList<Rest...>, TypeList<Taken..., Head>>
{
};

//! Type a callable returns when called without arguments.
template <typename Callable>
using ResultOf = decltype(std::declval<Callable>()());

//! Same as `std::remove_cvref_t`; kept under the original's name for users' hooks.
template <typename T>
using RemoveCvRef = std::remove_cv_t<std::remove_reference_t<T>>;

//! Short form of `std::decay_t`.
template <typename T>
using Decay = std::decay_t<T>;

//! SFINAE helper like `std::void_t`, but naming the resulting type: `Require<decltype(expr), R>`
//! is `R` when `expr` is well-formed and removes the overload otherwise.
template <typename SfinaeExpr, typename Result = void>
using Require = std::conditional_t<true, Result, SfinaeExpr>;

//! Satisfied when the field accessor `T`'s `get()` returns exactly `U` (a capnp Reader, Builder
//! or Client type), to write overloads for one capnp field type.
template <typename T, typename U>
concept FieldTypeIs = std::is_same_v<decltype(std::declval<T>().get()), U>;

//! Satisfied when the field holds a capnp interface (its client type names the interface as
//! `Calls`).
template <typename T>
concept InterfaceField = requires { typename Decay<decltype(std::declval<T>().get())>::Calls; };

//! `<=` and `>=` across mixed types without sign-conversion surprises: the `std::cmp_*` functions
//! for integers, plain comparison when a floating-point type is involved (they reject floats).
template <typename A, typename B>
constexpr bool safe_less_equal(A a, B b)
{
    if constexpr (std::is_floating_point_v<A> || std::is_floating_point_v<B>) {
        return a <= b;
    } else {
        return std::cmp_less_equal(a, b);
    }
}

template <typename A, typename B>
constexpr bool safe_greater_equal(A a, B b)
{
    if constexpr (std::is_floating_point_v<A> || std::is_floating_point_v<B>) {
        return a >= b;
    } else {
        return std::cmp_greater_equal(a, b);
    }
}

//! Views capnp's byte pointers (`kj::byte` is `unsigned char`) as `char` for strings, and
//! leaves `char` pointers alone, so one call site serves both.
inline char* CharCast(char* c) { return c; }
inline char* CharCast(unsigned char* c) { return reinterpret_cast<char*>(c); }
inline const char* CharCast(const char* c) { return c; }
inline const char* CharCast(const unsigned char* c) { return reinterpret_cast<const char*>(c); }

//! Runs `fn`, then `after`, also when `fn` throws; `fn`'s result is passed through. Unlike a
//! scope guard, an exception from `after` propagates normally (unless `fn` already threw, in
//! which case `fn`'s exception wins).
template <typename Fn, typename After>
decltype(auto) TryFinally(Fn&& fn, After&& after)
{
    bool fn_done = false;
    try {
        if constexpr (std::is_void_v<std::invoke_result_t<Fn>>) {
            std::forward<Fn>(fn)();
            fn_done = true;
            std::forward<After>(after)();
        } else {
            decltype(auto) result = std::forward<Fn>(fn)();
            fn_done = true;
            std::forward<After>(after)();
            return result;
        }
    } catch (...) {
        if (!fn_done) std::forward<After>(after)();
        throw;
    }
}

//! Name of a capnp struct or interface type as written in its schema, without the file name
//! (`Calculator.solve$Params` rather than `calculator.capnp:Calculator.solve$Params`); used in logs.
template <typename T>
const char* TypeName()
{
    const char* display_name = ::capnp::Schema::from<T>().getProto().getDisplayName().cStr();
    const char* colon = std::strchr(display_name, ':');
    return colon ? colon + 1 : display_name;
}

//! Readable C++ name of the dynamic type of `value` (demangled where the ABI allows).
template <typename T>
std::string CxxTypeName(const T& value)
{
#ifdef __cpp_rtti
    const char* mangled = typeid(value).name();
#if __has_include(<cxxabi.h>)
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> demangled{
        abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free};
    if (status == 0 && demangled) return demangled.get();
#endif
    return mangled;
#else
    (void)value;
    return "<type information unavailable without rtti>";
#endif
}

//! Thrown into code that runs an IPC call when the call can no longer complete.
struct InterruptException final : std::exception
{
    explicit InterruptException(std::string message) : m_message(std::move(message)) {}
    const char* what() const noexcept override { return m_message.c_str(); }
    std::string m_message;
};

} // namespace mp

#endif // MP_UTIL_H
