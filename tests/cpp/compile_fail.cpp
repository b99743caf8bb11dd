// Schema mistakes that must not compile: each CASE writes a C++ value into a capnp field that
// cannot hold all of its values. scripts/test-cpp.sh compiles every case and expects the
// static_assert text it names to appear in the compiler's error output.

#include <types.capnp.proxy-types.h>

#include <capnp/message.h>

#include <chrono>
#include <cstdint>

int main()
{
    // Unused without a CASE (the control compile).
    using Fields [[maybe_unused]] = mp::ProxyStruct<mptest::messages::Box>;
    capnp::MallocMessageBuilder builder;
    [[maybe_unused]] auto box = builder.initRoot<mptest::messages::Box>();
    [[maybe_unused]] mp::InvokeContext context;
#if CASE == 1 // expect: mismatched integral types
    const int64_t value = 1;
    mp::BuildField(mp::TypeList<int64_t>(), context, mp::Make<mp::StructField, Fields::I32Accessor>(box), value);
#elif CASE == 2 // expect: mismatched floating point types
    const double value = 1;
    mp::BuildField(mp::TypeList<double>(), context, mp::Make<mp::StructField, Fields::F32Accessor>(box), value);
#elif CASE == 3 // expect: capnp field type should be Bool
    const bool value = true;
    mp::BuildField(mp::TypeList<bool>(), context, mp::Make<mp::StructField, Fields::I32Accessor>(box), value);
#elif CASE == 4 // expect: does not have enough range
    const std::chrono::milliseconds value{1};
    mp::BuildField(mp::TypeList<std::chrono::milliseconds>(), context, mp::Make<mp::StructField, Fields::I32Accessor>(box), value);
#elif CASE == 5 // expect: mismatched integral/enum types
    const mptest::Color value = mptest::Color::red;
    mp::BuildField(mp::TypeList<mptest::Color>(), context, mp::Make<mp::StructField, Fields::I16Accessor>(box), value);
#endif
    return 0;
}
