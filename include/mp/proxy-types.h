// multiprocess: how C++ values are written into and read out of capnp fields.
//
// `BuildField(TypeList<LocalType>(), invoke_context, output, value)` writes a C++ value through
// a field accessor `output`; `ReadField(TypeList<LocalType>(), invoke_context, input, read_dest)`
// produces one from a field accessor `input` into a destination `read_dest`. Both only dispatch:
// they call the unqualified hooks `CustomBuildField` / `CustomReadField` with a `Priority` tag,
// so overload resolution (with argument-dependent lookup in `mp` and in the namespaces of the
// C++ types involved) picks the most specific conversion: ours from `mp/type-*.h`, the user's
// from their `*-types.h`. Nothing here needs a connection or an event loop.
//
// Priorities used by the library: `BuildField` starts at `Priority<3>`, `ReadField` at
// `Priority<2>`; generic fallbacks sit at `Priority<0>`, per-type conversions at `Priority<1>`,
// conversions chosen by the capnp field type (Data, messages) at `Priority<2>`.

#ifndef MP_PROXY_TYPES_H
#define MP_PROXY_TYPES_H

#include <mp/invoke-context.h>
#include <mp/proxy.h>
#include <mp/util.h>

#include <capnp/any.h>
#include <capnp/list.h>

#include <cstddef>
#include <exception>
#include <functional>
#include <limits>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace mp {

//! A C++ size as capnp's 32-bit list and blob size. A larger size cannot be encoded: throwing
//! beats truncating, which would write fewer elements than a later copy assumes.
inline ::capnp::uint CapnpSize(std::size_t size)
{
    if (size > std::numeric_limits<::capnp::uint>::max()) throw std::length_error("value too large for a capnp list");
    return static_cast<::capnp::uint>(size);
}

// ---------------------------------------------------------------------------------------------
// Field accessors: the `input` / `output` objects conversions work through.

//! A value seen as a field: lets `ReadField` read list elements and values a hook already holds
//! (`Make<ValueField>(reader.getName())`). Always present. It refers to the value, also to a
//! temporary one: use it within the expression that made it.
template <typename Value>
class ValueField
{
public:
    ValueField(Value& value) : m_value(value) {}
    ValueField(Value&& value) : m_value(value) {}

    const Value& get() const { return m_value; }
    Value& get() { return m_value; }
    Value& init() { return m_value; }
    bool has() const { return true; }

    Value& m_value;
};

//! One field of a capnp struct Reader or Builder, reached through a generated `Accessor`.
//! `get`/`set`/`init` go to the field itself; `has` is false for an unset optional primitive
//! (its `hasX` companion) or a null pointer field; `want` is false when the caller did not ask
//! for an output (its `wantX` companion). `setHas`/`setWant` do nothing for fields without
//! those companions, so conversions can call them unconditionally.
template <typename Accessor, typename Struct>
struct StructField
{
    template <typename S>
    StructField(S& struct_) : m_struct(struct_)
    {
    }

    decltype(auto) get() const { return Accessor::get(m_struct); }

    bool has() const
    {
        if constexpr (Accessor::optional) {
            return Accessor::getHas(m_struct);
        } else if constexpr (Accessor::boxed) {
            return Accessor::has(m_struct);
        } else {
            return true;
        }
    }

    bool want() const
    {
        if constexpr (Accessor::requested) {
            return Accessor::getWant(m_struct);
        } else {
            return true;
        }
    }

    template <typename... Args>
    decltype(auto) set(Args&&... args) const
    {
        return Accessor::set(m_struct, std::forward<Args>(args)...);
    }

    template <typename... Args>
    decltype(auto) init(Args&&... args) const
    {
        return Accessor::init(m_struct, std::forward<Args>(args)...);
    }

    void setHas() const
    {
        if constexpr (Accessor::optional) Accessor::setHas(m_struct);
    }

    void setWant() const
    {
        if constexpr (Accessor::requested) Accessor::setWant(m_struct);
    }

    Struct& m_struct;
};

//! Element `index` of a capnp list Builder, with the shape of a struct field output, so one
//! `BuildField` serves fields and list elements alike.
template <typename ListType>
struct ListOutput;

template <typename T, ::capnp::Kind kind>
struct ListOutput<::capnp::List<T, kind>>
{
    using Builder = typename ::capnp::List<T, kind>::Builder;

    ListOutput(Builder& builder, std::size_t index) : m_builder(builder), m_index(CapnpSize(index)) {}

    decltype(auto) get() const { return m_builder[m_index]; }
    // Struct elements already exist in the list: "initialising" one is looking it up.
    decltype(auto) init() const { return m_builder[m_index]; }
    template <typename B = Builder, typename Arg>
    decltype(auto) set(Arg&& arg) const
    {
        return static_cast<B&>(m_builder).set(m_index, std::forward<Arg>(arg));
    }
    template <typename B = Builder, typename Arg>
    decltype(auto) init(Arg&& arg) const
    {
        // Hooks pass sizes as size_t (`output.init(bytes.size())`): check them like ours.
        if constexpr (std::is_integral_v<std::remove_reference_t<Arg>>) {
            return static_cast<B&>(m_builder).init(m_index, CapnpSize(arg));
        } else {
            return static_cast<B&>(m_builder).init(m_index, std::forward<Arg>(arg));
        }
    }
    // List elements have no hasX / wantX companions.
    void setHas() const {}
    void setWant() const {}

    Builder& m_builder;
    ::capnp::uint m_index;
};

// ---------------------------------------------------------------------------------------------
// Read destinations: where `ReadField` puts what it read. A conversion either `construct`s the
// value from constructor arguments, or `update`s an existing value in place; each destination
// supports both, so conversions need not know which one they were given.

//! Destination that hands constructor arguments to `emplace_fn` (which may emplace into an
//! optional, a container, a `make_shared`, or throw the value). Returns what `emplace_fn`
//! returns: a reference to the new value.
template <typename LocalType, typename EmplaceFn>
struct ReadDestEmplace
{
    ReadDestEmplace(TypeList<LocalType>, EmplaceFn emplace_fn) : m_emplace_fn(std::move(emplace_fn)) {}

    template <typename... Args>
    decltype(auto) construct(Args&&... args)
    {
        return m_emplace_fn(std::forward<Args>(args)...);
    }

    //! `update` needs an existing object: default-construct one through the emplace function.
    //! If that would hand back a const object (it cannot be updated), fill a local temporary
    //! and move it into place instead.
    template <typename UpdateFn>
    decltype(auto) update(UpdateFn&& update_fn)
    {
        if constexpr (std::is_const_v<std::remove_reference_t<std::invoke_result_t<EmplaceFn>>>) {
            std::remove_cv_t<LocalType> temp;
            update_fn(temp);
            return construct(std::move(temp));
        } else {
            decltype(auto) value = construct();
            update_fn(value);
            return value;
        }
    }

    EmplaceFn m_emplace_fn;
};

//! Destination that makes a new `LocalType` and returns it by value:
//! `std::string s = ReadField(TypeList<std::string>(), ctx, input, ReadDestTemp<std::string>());`
template <typename LocalType>
auto ReadDestTemp()
{
    return ReadDestEmplace{TypeList<LocalType>(), [](auto&&... args) -> decltype(auto) {
                               return LocalType{std::forward<decltype(args)>(args)...};
                           }};
}

//! Destination that is an existing object: `update` modifies it, `construct` replaces it with
//! a newly constructed one (destroy, then construct in the same storage).
template <typename Value>
struct ReadDestUpdate
{
    ReadDestUpdate(Value& value) : m_value(value) {}

    template <typename UpdateFn>
    Value& update(UpdateFn&& update_fn)
    {
        update_fn(m_value);
        return m_value;
    }

    template <typename... Args>
    Value& construct(Args&&... args)
    {
        m_value.~Value();
        new (&m_value) Value(std::forward<Args>(args)...);
        return m_value;
    }

    Value& m_value;
};

//! Older name of `ReadDestUpdate`, still used by some users' conversions.
template <typename Value>
using ReadDestValue = ReadDestUpdate<Value>;

// ---------------------------------------------------------------------------------------------
// Presence hooks.

//! Whether `input` holds a value to read into a nullable C++ type (`std::optional`,
//! `std::shared_ptr`, ...). By default: the field's `has()`. Overload for a type to treat some
//! capnp value as null (e.g. empty Data inside a list, where capnp's C++ API cannot tell null
//! from empty).
template <typename... LocalTypes, typename Input>
bool CustomHasField(TypeList<LocalTypes...>, InvokeContext&, const Input& input)
{
    return input.has();
}

//! Whether to write the C++ value(s) at all. By default yes; overload to leave the capnp field
//! unset for some C++ values (read back as "absent"). The counterpart of `CustomHasField`.
template <typename... Values>
bool CustomHasValue(InvokeContext&, const Values&...)
{
    return true;
}

// ---------------------------------------------------------------------------------------------
// The two entry points.

//! Reads the C++ value(s) of type `LocalTypes` from field `input` into the destination in
//! `args` (usually one `ReadDest*`). References and cv-qualifiers of `LocalTypes` are dropped:
//! what is read is always a value.
template <typename... LocalTypes, typename Input, typename... Args>
decltype(auto) ReadField(TypeList<LocalTypes...>, InvokeContext& invoke_context, Input&& input, Args&&... args)
{
    return CustomReadField(TypeList<RemoveCvRef<LocalTypes>...>(), Priority<2>(), invoke_context,
        std::forward<Input>(input), std::forward<Args>(args)...);
}

//! Writes the C++ value(s) `values`, standing for `LocalTypes`, into field `output`, unless
//! `CustomHasValue` says to leave it unset. `Context` is any `InvokeContext`-derived type; it is
//! passed on as is, so hooks may ask for a more derived context.
template <typename... LocalTypes, typename Context, typename... Values, typename Output>
void BuildField(TypeList<LocalTypes...>, Context& context, Output&& output, Values&&... values)
{
    if (CustomHasValue(context, values...)) {
        CustomBuildField(TypeList<LocalTypes...>(), Priority<3>(), context, std::forward<Values>(values)...,
            std::forward<Output>(output));
    }
}

// ---------------------------------------------------------------------------------------------
// Primitive fallback: anything without a more specific conversion is set as a capnp primitive,
// after `BuildPrimitive` (overloaded in mp/type-number.h, mp/type-void.h, ...) has checked and
// converted it to the field's type.

template <typename LocalType, typename Value, typename Output>
void CustomBuildField(TypeList<LocalType>, Priority<0>, InvokeContext& invoke_context, Value&& value, Output&& output)
{
    output.set(BuildPrimitive(invoke_context, std::forward<Value>(value), TypeList<decltype(output.get())>()));
}

// ---------------------------------------------------------------------------------------------
// Lists: used by the container conversions (vector, set, map, ...).

//! Writes the elements of the C++ range `value` into a new list in `output`, each through
//! `BuildField` as `LocalType`.
template <typename LocalType, typename Value, typename Output>
void BuildList(TypeList<LocalType>, InvokeContext& invoke_context, Output&& output, Value&& value)
{
    auto list = output.init(CapnpSize(value.size()));
    std::size_t index = 0;
    for (const auto& element : value) {
        BuildField(TypeList<LocalType>(), invoke_context, ListOutput<typename decltype(list)::Builds>(list, index),
            element);
        ++index;
    }
}

//! Throws for a list of structs whose elements take no space on the wire when the C++ element
//! type is not empty. capnp charges such an element one word of its traversal limit, so a few
//! bytes from a peer could otherwise make the reader build millions of default values; a writer
//! that knows the struct type gives its elements the type's size and never sends this.
template <typename LocalType, typename List>
void CheckListElementSize(const List& list)
{
    if constexpr (!std::is_empty_v<std::remove_cvref_t<LocalType>> &&
                  requires { capnp::AnyStruct::Reader(list[0]); }) {
        if (list.size() == 0) return;
        const capnp::AnyStruct::Reader first(list[0]);
        if (first.getDataSection().size() == 0 && first.getPointerSection().size() == 0) {
            throw std::runtime_error("refused a list of " + std::to_string(list.size()) +
                                     " structs that take no space on the wire (their type has fields)");
        }
    }
}

//! Reads the list in `input` into the container the destination holds: `init(container, size)`
//! prepares it, then each element is read as `LocalType` and placed by
//! `emplace(container, constructor args...)`, which returns a reference to the new element.
template <typename LocalType, typename Input, typename ReadDest, typename InitFn, typename EmplaceFn>
decltype(auto) ReadList(TypeList<LocalType>, InvokeContext& invoke_context, Input&& input, ReadDest&& read_dest,
    InitFn&& init, EmplaceFn&& emplace)
{
    return read_dest.update([&](auto& container) {
        auto list = input.get();
        CheckListElementSize<LocalType>(list);
        init(container, list.size());
        for (auto element : list) {
            ReadField(TypeList<LocalType>(), invoke_context, Make<ValueField>(element),
                ReadDestEmplace(TypeList<LocalType>(), [&](auto&&... args) -> decltype(auto) {
                    return emplace(container, std::forward<decltype(args)>(args)...);
                }));
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Errors carried in results fields (`$Proxy.exception("T")`).

//! Reads the `LocalType` in `input` and throws it.
template <typename LocalType, typename Input>
void ThrowField(TypeList<LocalType>, InvokeContext& invoke_context, Input&& input)
{
    ReadField(TypeList<LocalType>(), invoke_context, input,
        ReadDestEmplace(TypeList<LocalType>(), [](auto&&... args) -> const LocalType& {
            throw LocalType{std::forward<decltype(args)>(args)...};
        }));
}

//! `std::exception` is abstract and travels as its `what()` text: rethrow it as the nearest
//! concrete type, `std::runtime_error`, which `catch (const std::exception&)` still catches.
template <typename Input>
void ThrowField(TypeList<std::exception>, InvokeContext&, Input&& input)
{
    auto text = input.get();
    throw std::runtime_error(std::string(CharCast(text.begin()), text.size()));
}

} // namespace mp

#include <mp/proxy-method.h> // IWYU pragma: export

#endif // MP_PROXY_TYPES_H
