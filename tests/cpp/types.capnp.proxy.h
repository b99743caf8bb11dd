// Generated code, written by hand: what mpgen's C++ backend emits as types.capnp.proxy.h for
// tests/cpp/types.capnp (see doc/cpp-generated-code.md). The sections the transport adds
// (ProxyClient / ProxyServer class declarations) are not part of this file yet.

#ifndef TYPES_CAPNP_PROXY_H
#define TYPES_CAPNP_PROXY_H

#include <types.capnp.h> // IWYU pragma: keep
#include "types.h" // IWYU pragma: export
#include <mp/proxy.h>

#include <cstddef>
#include <tuple>
#include <utility>

namespace mp {
template <>
struct ProxyMethod<mptest::messages::TypesApi::AddParams>
{
    static constexpr auto impl = &mptest::TypesApi::add;
};

template <>
struct ProxyMethod<mptest::messages::TypesApi::AddOutParams>
{
    static constexpr auto impl = &mptest::TypesApi::addOut;
};

template <>
struct ProxyMethod<mptest::messages::TypesApi::ScaleParams>
{
    static constexpr auto impl = &mptest::TypesApi::scale;
};

template <>
struct ProxyMethod<mptest::messages::TypesApi::LookupParams>
{
    static constexpr auto impl = &mptest::TypesApi::lookup;
};

template <>
struct ProxyMethod<mptest::messages::TypesApi::HalfParams>
{
    static constexpr auto impl = &mptest::TypesApi::half;
};

template <>
struct ProxyMethod<mptest::messages::TypesApi::EchoParams>
{
    static constexpr auto impl = &mptest::TypesApi::echo;
};

template <>
struct ProxyMethod<mptest::messages::TypesApi::FailParams>
{
    static constexpr auto impl = &mptest::TypesApi::fail;
};

template <>
struct ProxyMethod<mptest::messages::TypesApi::AppendParams>
{
    static constexpr auto impl = &mptest::TypesApi::append;
};

namespace types_fields {
struct A
{
    template <typename S> static auto get(S&& s) -> decltype(s.getA()) { return s.getA(); }
    template <typename S> static bool has(S&& s) { return s.hasA(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setA(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initA(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantA(); }
    template <typename S> static void setWant(S&& s) { s.setWantA(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasA(); }
    template <typename S> static void setHas(S&& s) { s.setHasA(true); }
};
struct B
{
    template <typename S> static auto get(S&& s) -> decltype(s.getB()) { return s.getB(); }
    template <typename S> static bool has(S&& s) { return s.hasB(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setB(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initB(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantB(); }
    template <typename S> static void setWant(S&& s) { s.setWantB(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasB(); }
    template <typename S> static void setHas(S&& s) { s.setHasB(true); }
};
struct BigNumber
{
    template <typename S> static auto get(S&& s) -> decltype(s.getBigNumber()) { return s.getBigNumber(); }
    template <typename S> static bool has(S&& s) { return s.hasBigNumber(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setBigNumber(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initBigNumber(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantBigNumber(); }
    template <typename S> static void setWant(S&& s) { s.setWantBigNumber(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasBigNumber(); }
    template <typename S> static void setHas(S&& s) { s.setHasBigNumber(true); }
};
struct Bools
{
    template <typename S> static auto get(S&& s) -> decltype(s.getBools()) { return s.getBools(); }
    template <typename S> static bool has(S&& s) { return s.hasBools(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setBools(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initBools(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantBools(); }
    template <typename S> static void setWant(S&& s) { s.setWantBools(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasBools(); }
    template <typename S> static void setHas(S&& s) { s.setHasBools(true); }
};
struct Cents
{
    template <typename S> static auto get(S&& s) -> decltype(s.getCents()) { return s.getCents(); }
    template <typename S> static bool has(S&& s) { return s.hasCents(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setCents(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initCents(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantCents(); }
    template <typename S> static void setWant(S&& s) { s.setWantCents(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasCents(); }
    template <typename S> static void setHas(S&& s) { s.setHasCents(true); }
};
struct Code
{
    template <typename S> static auto get(S&& s) -> decltype(s.getCode()) { return s.getCode(); }
    template <typename S> static bool has(S&& s) { return s.hasCode(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setCode(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initCode(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantCode(); }
    template <typename S> static void setWant(S&& s) { s.setWantCode(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasCode(); }
    template <typename S> static void setHas(S&& s) { s.setHasCode(true); }
};
struct Coin
{
    template <typename S> static auto get(S&& s) -> decltype(s.getCoin()) { return s.getCoin(); }
    template <typename S> static bool has(S&& s) { return s.hasCoin(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setCoin(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initCoin(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantCoin(); }
    template <typename S> static void setWant(S&& s) { s.setWantCoin(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasCoin(); }
    template <typename S> static void setHas(S&& s) { s.setHasCoin(true); }
};
struct Color
{
    template <typename S> static auto get(S&& s) -> decltype(s.getColor()) { return s.getColor(); }
    template <typename S> static bool has(S&& s) { return s.hasColor(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setColor(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initColor(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantColor(); }
    template <typename S> static void setWant(S&& s) { s.setWantColor(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasColor(); }
    template <typename S> static void setHas(S&& s) { s.setHasColor(true); }
};
struct Comment
{
    template <typename S> static auto get(S&& s) -> decltype(s.getComment()) { return s.getComment(); }
    template <typename S> static bool has(S&& s) { return s.hasComment(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setComment(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initComment(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantComment(); }
    template <typename S> static void setWant(S&& s) { s.setWantComment(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasComment(); }
    template <typename S> static void setHas(S&& s) { s.setHasComment(true); }
};
struct Corners
{
    template <typename S> static auto get(S&& s) -> decltype(s.getCorners()) { return s.getCorners(); }
    template <typename S> static bool has(S&& s) { return s.hasCorners(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setCorners(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initCorners(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantCorners(); }
    template <typename S> static void setWant(S&& s) { s.setWantCorners(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasCorners(); }
    template <typename S> static void setHas(S&& s) { s.setHasCorners(true); }
};
struct Counts
{
    template <typename S> static auto get(S&& s) -> decltype(s.getCounts()) { return s.getCounts(); }
    template <typename S> static bool has(S&& s) { return s.hasCounts(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setCounts(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initCounts(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantCounts(); }
    template <typename S> static void setWant(S&& s) { s.setWantCounts(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasCounts(); }
    template <typename S> static void setHas(S&& s) { s.setHasCounts(true); }
};
struct Currency
{
    template <typename S> static auto get(S&& s) -> decltype(s.getCurrency()) { return s.getCurrency(); }
    template <typename S> static bool has(S&& s) { return s.hasCurrency(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setCurrency(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initCurrency(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantCurrency(); }
    template <typename S> static void setWant(S&& s) { s.setWantCurrency(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasCurrency(); }
    template <typename S> static void setHas(S&& s) { s.setHasCurrency(true); }
};
struct Data
{
    template <typename S> static auto get(S&& s) -> decltype(s.getData()) { return s.getData(); }
    template <typename S> static bool has(S&& s) { return s.hasData(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setData(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initData(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantData(); }
    template <typename S> static void setWant(S&& s) { s.setWantData(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasData(); }
    template <typename S> static void setHas(S&& s) { s.setHasData(true); }
};
struct Datas
{
    template <typename S> static auto get(S&& s) -> decltype(s.getDatas()) { return s.getDatas(); }
    template <typename S> static bool has(S&& s) { return s.hasDatas(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setDatas(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initDatas(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantDatas(); }
    template <typename S> static void setWant(S&& s) { s.setWantDatas(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasDatas(); }
    template <typename S> static void setHas(S&& s) { s.setHasDatas(true); }
};
struct Duration
{
    template <typename S> static auto get(S&& s) -> decltype(s.getDuration()) { return s.getDuration(); }
    template <typename S> static bool has(S&& s) { return s.hasDuration(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setDuration(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initDuration(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantDuration(); }
    template <typename S> static void setWant(S&& s) { s.setWantDuration(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasDuration(); }
    template <typename S> static void setHas(S&& s) { s.setHasDuration(true); }
};
struct Empty
{
    template <typename S> static auto get(S&& s) -> decltype(s.getEmpty()) { return s.getEmpty(); }
    template <typename S> static bool has(S&& s) { return s.hasEmpty(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setEmpty(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initEmpty(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantEmpty(); }
    template <typename S> static void setWant(S&& s) { s.setWantEmpty(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasEmpty(); }
    template <typename S> static void setHas(S&& s) { s.setHasEmpty(true); }
};
struct Error
{
    template <typename S> static auto get(S&& s) -> decltype(s.getError()) { return s.getError(); }
    template <typename S> static bool has(S&& s) { return s.hasError(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setError(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initError(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantError(); }
    template <typename S> static void setWant(S&& s) { s.setWantError(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasError(); }
    template <typename S> static void setHas(S&& s) { s.setHasError(true); }
};
struct F32
{
    template <typename S> static auto get(S&& s) -> decltype(s.getF32()) { return s.getF32(); }
    template <typename S> static bool has(S&& s) { return s.hasF32(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setF32(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initF32(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantF32(); }
    template <typename S> static void setWant(S&& s) { s.setWantF32(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasF32(); }
    template <typename S> static void setHas(S&& s) { s.setHasF32(true); }
};
struct F64
{
    template <typename S> static auto get(S&& s) -> decltype(s.getF64()) { return s.getF64(); }
    template <typename S> static bool has(S&& s) { return s.hasF64(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setF64(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initF64(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantF64(); }
    template <typename S> static void setWant(S&& s) { s.setWantF64(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasF64(); }
    template <typename S> static void setHas(S&& s) { s.setHasF64(true); }
};
struct Factor
{
    template <typename S> static auto get(S&& s) -> decltype(s.getFactor()) { return s.getFactor(); }
    template <typename S> static bool has(S&& s) { return s.hasFactor(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setFactor(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initFactor(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantFactor(); }
    template <typename S> static void setWant(S&& s) { s.setWantFactor(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasFactor(); }
    template <typename S> static void setHas(S&& s) { s.setHasFactor(true); }
};
struct Failure
{
    template <typename S> static auto get(S&& s) -> decltype(s.getFailure()) { return s.getFailure(); }
    template <typename S> static bool has(S&& s) { return s.hasFailure(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setFailure(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initFailure(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantFailure(); }
    template <typename S> static void setWant(S&& s) { s.setWantFailure(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasFailure(); }
    template <typename S> static void setHas(S&& s) { s.setHasFailure(true); }
};
struct First
{
    template <typename S> static auto get(S&& s) -> decltype(s.getFirst()) { return s.getFirst(); }
    template <typename S> static bool has(S&& s) { return s.hasFirst(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setFirst(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initFirst(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantFirst(); }
    template <typename S> static void setWant(S&& s) { s.setWantFirst(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasFirst(); }
    template <typename S> static void setHas(S&& s) { s.setHasFirst(true); }
};
struct Flag
{
    template <typename S> static auto get(S&& s) -> decltype(s.getFlag()) { return s.getFlag(); }
    template <typename S> static bool has(S&& s) { return s.hasFlag(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setFlag(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initFlag(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantFlag(); }
    template <typename S> static void setWant(S&& s) { s.setWantFlag(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasFlag(); }
    template <typename S> static void setHas(S&& s) { s.setHasFlag(true); }
};
struct Found
{
    template <typename S> static auto get(S&& s) -> decltype(s.getFound()) { return s.getFound(); }
    template <typename S> static bool has(S&& s) { return s.hasFound(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setFound(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initFound(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantFound(); }
    template <typename S> static void setWant(S&& s) { s.setWantFound(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasFound(); }
    template <typename S> static void setHas(S&& s) { s.setHasFound(true); }
};
struct Grid
{
    template <typename S> static auto get(S&& s) -> decltype(s.getGrid()) { return s.getGrid(); }
    template <typename S> static bool has(S&& s) { return s.hasGrid(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setGrid(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initGrid(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantGrid(); }
    template <typename S> static void setWant(S&& s) { s.setWantGrid(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasGrid(); }
    template <typename S> static void setHas(S&& s) { s.setHasGrid(true); }
};
struct HasMaybe
{
    template <typename S> static auto get(S&& s) -> decltype(s.getHasMaybe()) { return s.getHasMaybe(); }
    template <typename S> static bool has(S&& s) { return s.hasHasMaybe(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setHasMaybe(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initHasMaybe(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantHasMaybe(); }
    template <typename S> static void setWant(S&& s) { s.setWantHasMaybe(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasHasMaybe(); }
    template <typename S> static void setHas(S&& s) { s.setHasHasMaybe(true); }
};
struct HasMaybeCount
{
    template <typename S> static auto get(S&& s) -> decltype(s.getHasMaybeCount()) { return s.getHasMaybeCount(); }
    template <typename S> static bool has(S&& s) { return s.hasHasMaybeCount(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setHasMaybeCount(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initHasMaybeCount(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantHasMaybeCount(); }
    template <typename S> static void setWant(S&& s) { s.setWantHasMaybeCount(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasHasMaybeCount(); }
    template <typename S> static void setHas(S&& s) { s.setHasHasMaybeCount(true); }
};
struct HasResult
{
    template <typename S> static auto get(S&& s) -> decltype(s.getHasResult()) { return s.getHasResult(); }
    template <typename S> static bool has(S&& s) { return s.hasHasResult(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setHasResult(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initHasResult(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantHasResult(); }
    template <typename S> static void setWant(S&& s) { s.setWantHasResult(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasHasResult(); }
    template <typename S> static void setHas(S&& s) { s.setHasHasResult(true); }
};
struct HasX
{
    template <typename S> static auto get(S&& s) -> decltype(s.getHasX()) { return s.getHasX(); }
    template <typename S> static bool has(S&& s) { return s.hasHasX(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setHasX(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initHasX(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantHasX(); }
    template <typename S> static void setWant(S&& s) { s.setWantHasX(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasHasX(); }
    template <typename S> static void setHas(S&& s) { s.setHasHasX(true); }
};
struct I16
{
    template <typename S> static auto get(S&& s) -> decltype(s.getI16()) { return s.getI16(); }
    template <typename S> static bool has(S&& s) { return s.hasI16(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setI16(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initI16(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantI16(); }
    template <typename S> static void setWant(S&& s) { s.setWantI16(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasI16(); }
    template <typename S> static void setHas(S&& s) { s.setHasI16(true); }
};
struct I32
{
    template <typename S> static auto get(S&& s) -> decltype(s.getI32()) { return s.getI32(); }
    template <typename S> static bool has(S&& s) { return s.hasI32(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setI32(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initI32(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantI32(); }
    template <typename S> static void setWant(S&& s) { s.setWantI32(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasI32(); }
    template <typename S> static void setHas(S&& s) { s.setHasI32(true); }
};
struct I64
{
    template <typename S> static auto get(S&& s) -> decltype(s.getI64()) { return s.getI64(); }
    template <typename S> static bool has(S&& s) { return s.hasI64(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setI64(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initI64(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantI64(); }
    template <typename S> static void setWant(S&& s) { s.setWantI64(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasI64(); }
    template <typename S> static void setHas(S&& s) { s.setHasI64(true); }
};
struct I8
{
    template <typename S> static auto get(S&& s) -> decltype(s.getI8()) { return s.getI8(); }
    template <typename S> static bool has(S&& s) { return s.hasI8(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setI8(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initI8(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantI8(); }
    template <typename S> static void setWant(S&& s) { s.setWantI8(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasI8(); }
    template <typename S> static void setHas(S&& s) { s.setHasI8(true); }
};
struct Instant
{
    template <typename S> static auto get(S&& s) -> decltype(s.getInstant()) { return s.getInstant(); }
    template <typename S> static bool has(S&& s) { return s.hasInstant(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setInstant(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initInstant(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantInstant(); }
    template <typename S> static void setWant(S&& s) { s.setWantInstant(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasInstant(); }
    template <typename S> static void setHas(S&& s) { s.setHasInstant(true); }
};
struct Ints
{
    template <typename S> static auto get(S&& s) -> decltype(s.getInts()) { return s.getInts(); }
    template <typename S> static bool has(S&& s) { return s.hasInts(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setInts(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initInts(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantInts(); }
    template <typename S> static void setWant(S&& s) { s.setWantInts(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasInts(); }
    template <typename S> static void setHas(S&& s) { s.setHasInts(true); }
};
struct Key
{
    template <typename S> static auto get(S&& s) -> decltype(s.getKey()) { return s.getKey(); }
    template <typename S> static bool has(S&& s) { return s.hasKey(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setKey(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initKey(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantKey(); }
    template <typename S> static void setWant(S&& s) { s.setWantKey(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasKey(); }
    template <typename S> static void setHas(S&& s) { s.setHasKey(true); }
};
struct Label
{
    template <typename S> static auto get(S&& s) -> decltype(s.getLabel()) { return s.getLabel(); }
    template <typename S> static bool has(S&& s) { return s.hasLabel(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setLabel(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initLabel(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantLabel(); }
    template <typename S> static void setWant(S&& s) { s.setWantLabel(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasLabel(); }
    template <typename S> static void setHas(S&& s) { s.setHasLabel(true); }
};
struct Maybe
{
    template <typename S> static auto get(S&& s) -> decltype(s.getMaybe()) { return s.getMaybe(); }
    template <typename S> static bool has(S&& s) { return s.hasMaybe(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setMaybe(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initMaybe(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantMaybe(); }
    template <typename S> static void setWant(S&& s) { s.setWantMaybe(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasMaybe(); }
    template <typename S> static void setHas(S&& s) { s.setHasMaybe(true); }
};
struct MaybeCount
{
    template <typename S> static auto get(S&& s) -> decltype(s.getMaybeCount()) { return s.getMaybeCount(); }
    template <typename S> static bool has(S&& s) { return s.hasMaybeCount(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setMaybeCount(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initMaybeCount(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantMaybeCount(); }
    template <typename S> static void setWant(S&& s) { s.setWantMaybeCount(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasMaybeCount(); }
    template <typename S> static void setHas(S&& s) { s.setHasMaybeCount(true); }
};
struct MaybeText
{
    template <typename S> static auto get(S&& s) -> decltype(s.getMaybeText()) { return s.getMaybeText(); }
    template <typename S> static bool has(S&& s) { return s.hasMaybeText(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setMaybeText(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initMaybeText(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantMaybeText(); }
    template <typename S> static void setWant(S&& s) { s.setWantMaybeText(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasMaybeText(); }
    template <typename S> static void setHas(S&& s) { s.setHasMaybeText(true); }
};
struct Message
{
    template <typename S> static auto get(S&& s) -> decltype(s.getMessage()) { return s.getMessage(); }
    template <typename S> static bool has(S&& s) { return s.hasMessage(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setMessage(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initMessage(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantMessage(); }
    template <typename S> static void setWant(S&& s) { s.setWantMessage(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasMessage(); }
    template <typename S> static void setHas(S&& s) { s.setHasMessage(true); }
};
struct Money
{
    template <typename S> static auto get(S&& s) -> decltype(s.getMoney()) { return s.getMoney(); }
    template <typename S> static bool has(S&& s) { return s.hasMoney(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setMoney(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initMoney(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantMoney(); }
    template <typename S> static void setWant(S&& s) { s.setWantMoney(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasMoney(); }
    template <typename S> static void setHas(S&& s) { s.setHasMoney(true); }
};
struct Name
{
    template <typename S> static auto get(S&& s) -> decltype(s.getName()) { return s.getName(); }
    template <typename S> static bool has(S&& s) { return s.hasName(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setName(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initName(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantName(); }
    template <typename S> static void setWant(S&& s) { s.setWantName(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasName(); }
    template <typename S> static void setHas(S&& s) { s.setHasName(true); }
};
struct Nothing
{
    template <typename S> static auto get(S&& s) -> decltype(s.getNothing()) { return s.getNothing(); }
    template <typename S> static bool has(S&& s) { return s.hasNothing(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setNothing(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initNothing(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantNothing(); }
    template <typename S> static void setWant(S&& s) { s.setWantNothing(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasNothing(); }
    template <typename S> static void setHas(S&& s) { s.setHasNothing(true); }
};
struct Pair
{
    template <typename S> static auto get(S&& s) -> decltype(s.getPair()) { return s.getPair(); }
    template <typename S> static bool has(S&& s) { return s.hasPair(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setPair(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initPair(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantPair(); }
    template <typename S> static void setWant(S&& s) { s.setWantPair(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasPair(); }
    template <typename S> static void setHas(S&& s) { s.setHasPair(true); }
};
struct Placed
{
    template <typename S> static auto get(S&& s) -> decltype(s.getPlaced()) { return s.getPlaced(); }
    template <typename S> static bool has(S&& s) { return s.hasPlaced(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setPlaced(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initPlaced(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantPlaced(); }
    template <typename S> static void setWant(S&& s) { s.setWantPlaced(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasPlaced(); }
    template <typename S> static void setHas(S&& s) { s.setHasPlaced(true); }
};
struct Point
{
    template <typename S> static auto get(S&& s) -> decltype(s.getPoint()) { return s.getPoint(); }
    template <typename S> static bool has(S&& s) { return s.hasPoint(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setPoint(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initPoint(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantPoint(); }
    template <typename S> static void setWant(S&& s) { s.setWantPoint(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasPoint(); }
    template <typename S> static void setHas(S&& s) { s.setHasPoint(true); }
};
struct Points
{
    template <typename S> static auto get(S&& s) -> decltype(s.getPoints()) { return s.getPoints(); }
    template <typename S> static bool has(S&& s) { return s.hasPoints(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setPoints(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initPoints(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantPoints(); }
    template <typename S> static void setWant(S&& s) { s.setWantPoints(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasPoints(); }
    template <typename S> static void setHas(S&& s) { s.setHasPoints(true); }
};
struct Reason
{
    template <typename S> static auto get(S&& s) -> decltype(s.getReason()) { return s.getReason(); }
    template <typename S> static bool has(S&& s) { return s.hasReason(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setReason(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initReason(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantReason(); }
    template <typename S> static void setWant(S&& s) { s.setWantReason(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasReason(); }
    template <typename S> static void setHas(S&& s) { s.setHasReason(true); }
};
struct Record
{
    template <typename S> static auto get(S&& s) -> decltype(s.getRecord()) { return s.getRecord(); }
    template <typename S> static bool has(S&& s) { return s.hasRecord(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setRecord(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initRecord(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantRecord(); }
    template <typename S> static void setWant(S&& s) { s.setWantRecord(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasRecord(); }
    template <typename S> static void setHas(S&& s) { s.setHasRecord(true); }
};
struct Result
{
    template <typename S> static auto get(S&& s) -> decltype(s.getResult()) { return s.getResult(); }
    template <typename S> static bool has(S&& s) { return s.hasResult(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setResult(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initResult(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantResult(); }
    template <typename S> static void setWant(S&& s) { s.setWantResult(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasResult(); }
    template <typename S> static void setHas(S&& s) { s.setHasResult(true); }
};
struct Second
{
    template <typename S> static auto get(S&& s) -> decltype(s.getSecond()) { return s.getSecond(); }
    template <typename S> static bool has(S&& s) { return s.hasSecond(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setSecond(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initSecond(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantSecond(); }
    template <typename S> static void setWant(S&& s) { s.setWantSecond(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasSecond(); }
    template <typename S> static void setHas(S&& s) { s.setHasSecond(true); }
};
struct Shade
{
    template <typename S> static auto get(S&& s) -> decltype(s.getShade()) { return s.getShade(); }
    template <typename S> static bool has(S&& s) { return s.hasShade(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setShade(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initShade(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantShade(); }
    template <typename S> static void setWant(S&& s) { s.setWantShade(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasShade(); }
    template <typename S> static void setHas(S&& s) { s.setHasShade(true); }
};
struct Size
{
    template <typename S> static auto get(S&& s) -> decltype(s.getSize()) { return s.getSize(); }
    template <typename S> static bool has(S&& s) { return s.hasSize(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setSize(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initSize(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantSize(); }
    template <typename S> static void setWant(S&& s) { s.setWantSize(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasSize(); }
    template <typename S> static void setHas(S&& s) { s.setHasSize(true); }
};
struct Suffix
{
    template <typename S> static auto get(S&& s) -> decltype(s.getSuffix()) { return s.getSuffix(); }
    template <typename S> static bool has(S&& s) { return s.hasSuffix(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setSuffix(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initSuffix(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantSuffix(); }
    template <typename S> static void setWant(S&& s) { s.setWantSuffix(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasSuffix(); }
    template <typename S> static void setHas(S&& s) { s.setHasSuffix(true); }
};
struct Sum
{
    template <typename S> static auto get(S&& s) -> decltype(s.getSum()) { return s.getSum(); }
    template <typename S> static bool has(S&& s) { return s.hasSum(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setSum(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initSum(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantSum(); }
    template <typename S> static void setWant(S&& s) { s.setWantSum(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasSum(); }
    template <typename S> static void setHas(S&& s) { s.setHasSum(true); }
};
struct Text
{
    template <typename S> static auto get(S&& s) -> decltype(s.getText()) { return s.getText(); }
    template <typename S> static bool has(S&& s) { return s.hasText(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setText(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initText(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantText(); }
    template <typename S> static void setWant(S&& s) { s.setWantText(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasText(); }
    template <typename S> static void setHas(S&& s) { s.setHasText(true); }
};
struct Texts
{
    template <typename S> static auto get(S&& s) -> decltype(s.getTexts()) { return s.getTexts(); }
    template <typename S> static bool has(S&& s) { return s.hasTexts(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setTexts(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initTexts(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantTexts(); }
    template <typename S> static void setWant(S&& s) { s.setWantTexts(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasTexts(); }
    template <typename S> static void setHas(S&& s) { s.setHasTexts(true); }
};
struct Third
{
    template <typename S> static auto get(S&& s) -> decltype(s.getThird()) { return s.getThird(); }
    template <typename S> static bool has(S&& s) { return s.hasThird(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setThird(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initThird(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantThird(); }
    template <typename S> static void setWant(S&& s) { s.setWantThird(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasThird(); }
    template <typename S> static void setHas(S&& s) { s.setHasThird(true); }
};
struct Tickets
{
    template <typename S> static auto get(S&& s) -> decltype(s.getTickets()) { return s.getTickets(); }
    template <typename S> static bool has(S&& s) { return s.hasTickets(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setTickets(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initTickets(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantTickets(); }
    template <typename S> static void setWant(S&& s) { s.setWantTickets(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasTickets(); }
    template <typename S> static void setHas(S&& s) { s.setHasTickets(true); }
};
struct Triple
{
    template <typename S> static auto get(S&& s) -> decltype(s.getTriple()) { return s.getTriple(); }
    template <typename S> static bool has(S&& s) { return s.hasTriple(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setTriple(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initTriple(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantTriple(); }
    template <typename S> static void setWant(S&& s) { s.setWantTriple(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasTriple(); }
    template <typename S> static void setHas(S&& s) { s.setHasTriple(true); }
};
struct U16
{
    template <typename S> static auto get(S&& s) -> decltype(s.getU16()) { return s.getU16(); }
    template <typename S> static bool has(S&& s) { return s.hasU16(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setU16(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initU16(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantU16(); }
    template <typename S> static void setWant(S&& s) { s.setWantU16(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasU16(); }
    template <typename S> static void setHas(S&& s) { s.setHasU16(true); }
};
struct U32
{
    template <typename S> static auto get(S&& s) -> decltype(s.getU32()) { return s.getU32(); }
    template <typename S> static bool has(S&& s) { return s.hasU32(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setU32(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initU32(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantU32(); }
    template <typename S> static void setWant(S&& s) { s.setWantU32(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasU32(); }
    template <typename S> static void setHas(S&& s) { s.setHasU32(true); }
};
struct U64
{
    template <typename S> static auto get(S&& s) -> decltype(s.getU64()) { return s.getU64(); }
    template <typename S> static bool has(S&& s) { return s.hasU64(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setU64(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initU64(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantU64(); }
    template <typename S> static void setWant(S&& s) { s.setWantU64(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasU64(); }
    template <typename S> static void setHas(S&& s) { s.setHasU64(true); }
};
struct U8
{
    template <typename S> static auto get(S&& s) -> decltype(s.getU8()) { return s.getU8(); }
    template <typename S> static bool has(S&& s) { return s.hasU8(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setU8(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initU8(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantU8(); }
    template <typename S> static void setWant(S&& s) { s.setWantU8(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasU8(); }
    template <typename S> static void setHas(S&& s) { s.setHasU8(true); }
};
struct Value
{
    template <typename S> static auto get(S&& s) -> decltype(s.getValue()) { return s.getValue(); }
    template <typename S> static bool has(S&& s) { return s.hasValue(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setValue(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initValue(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantValue(); }
    template <typename S> static void setWant(S&& s) { s.setWantValue(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasValue(); }
    template <typename S> static void setHas(S&& s) { s.setHasValue(true); }
};
struct WantFound
{
    template <typename S> static auto get(S&& s) -> decltype(s.getWantFound()) { return s.getWantFound(); }
    template <typename S> static bool has(S&& s) { return s.hasWantFound(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setWantFound(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initWantFound(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantWantFound(); }
    template <typename S> static void setWant(S&& s) { s.setWantWantFound(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasWantFound(); }
    template <typename S> static void setHas(S&& s) { s.setHasWantFound(true); }
};
struct Widget
{
    template <typename S> static auto get(S&& s) -> decltype(s.getWidget()) { return s.getWidget(); }
    template <typename S> static bool has(S&& s) { return s.hasWidget(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setWidget(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initWidget(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantWidget(); }
    template <typename S> static void setWant(S&& s) { s.setWantWidget(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasWidget(); }
    template <typename S> static void setHas(S&& s) { s.setHasWidget(true); }
};
struct X
{
    template <typename S> static auto get(S&& s) -> decltype(s.getX()) { return s.getX(); }
    template <typename S> static bool has(S&& s) { return s.hasX(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setX(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initX(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantX(); }
    template <typename S> static void setWant(S&& s) { s.setWantX(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasX(); }
    template <typename S> static void setHas(S&& s) { s.setHasX(true); }
};
struct Y
{
    template <typename S> static auto get(S&& s) -> decltype(s.getY()) { return s.getY(); }
    template <typename S> static bool has(S&& s) { return s.hasY(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setY(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initY(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantY(); }
    template <typename S> static void setWant(S&& s) { s.setWantY(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasY(); }
    template <typename S> static void setHas(S&& s) { s.setHasY(true); }
};
struct Network
{
    template <typename S> static auto get(S&& s) -> decltype(s.getNetwork()) { return s.getNetwork(); }
    template <typename S> static bool has(S&& s) { return s.hasNetwork(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setNetwork(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initNetwork(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantNetwork(); }
    template <typename S> static void setWant(S&& s) { s.setWantNetwork(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasNetwork(); }
    template <typename S> static void setHas(S&& s) { s.setHasNetwork(true); }
};
struct Settings
{
    template <typename S> static auto get(S&& s) -> decltype(s.getSettings()) { return s.getSettings(); }
    template <typename S> static bool has(S&& s) { return s.hasSettings(); }
    template <typename S, typename A> static void set(S&& s, A&& a) { s.setSettings(std::forward<A>(a)); }
    template <typename S, typename... A> static decltype(auto) init(S&& s, A&&... a) { return s.initSettings(std::forward<A>(a)...); }
    template <typename S> static bool getWant(S&& s) { return s.getWantSettings(); }
    template <typename S> static void setWant(S&& s) { s.setWantSettings(true); }
    template <typename S> static bool getHas(S&& s) { return s.getHasSettings(); }
    template <typename S> static void setHas(S&& s) { s.setHasSettings(true); }
};
} // namespace types_fields

template <typename Key, typename Value>
struct ProxyStruct<mptest::messages::Pair<Key, Value>>
{
    using Struct = mptest::messages::Pair<Key, Value>;
    using KeyAccessor = Accessor<types_fields::Key, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using ValueAccessor = Accessor<types_fields::Value, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using Accessors = std::tuple<KeyAccessor, ValueAccessor>;
    static constexpr size_t fields = 2;
};

template <>
struct ProxyStruct<mptest::messages::TextInt32>
{
    using Struct = mptest::messages::TextInt32;
    using KeyAccessor = Accessor<types_fields::Key, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using ValueAccessor = Accessor<types_fields::Value, FIELD_IN | FIELD_OUT>;
    using Accessors = std::tuple<KeyAccessor, ValueAccessor>;
    static constexpr size_t fields = 2;
};

template <>
struct ProxyStruct<mptest::messages::Triple>
{
    using Struct = mptest::messages::Triple;
    using FirstAccessor = Accessor<types_fields::First, FIELD_IN | FIELD_OUT>;
    using SecondAccessor = Accessor<types_fields::Second, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using ThirdAccessor = Accessor<types_fields::Third, FIELD_IN | FIELD_OUT>;
    using Accessors = std::tuple<FirstAccessor, SecondAccessor, ThirdAccessor>;
    static constexpr size_t fields = 3;
};

template <>
struct ProxyStruct<mptest::messages::Point>
{
    using Struct = mptest::messages::Point;
    using XAccessor = Accessor<types_fields::X, FIELD_IN | FIELD_OUT>;
    using YAccessor = Accessor<types_fields::Y, FIELD_IN | FIELD_OUT>;
    using Accessors = std::tuple<XAccessor, YAccessor>;
    static constexpr size_t fields = 2;
};

template <>
struct ProxyStruct<mptest::messages::Empty>
{
    using Struct = mptest::messages::Empty;
    using Accessors = std::tuple<>;
    static constexpr size_t fields = 0;
};

template <>
struct ProxyStruct<mptest::messages::Record>
{
    using Struct = mptest::messages::Record;
    using LabelAccessor = Accessor<types_fields::Label, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using BigNumberAccessor = Accessor<types_fields::BigNumber, FIELD_IN | FIELD_OUT>;
    using MaybeCountAccessor = Accessor<types_fields::MaybeCount, FIELD_IN | FIELD_OUT | FIELD_OPTIONAL>;
    using HasMaybeCountAccessor = Accessor<types_fields::HasMaybeCount, FIELD_IN | FIELD_OUT>;
    using CommentAccessor = Accessor<types_fields::Comment, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using KeyAccessor = Accessor<types_fields::Key, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using PointsAccessor = Accessor<types_fields::Points, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using CornersAccessor = Accessor<types_fields::Corners, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using EmptyAccessor = Accessor<types_fields::Empty, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using Accessors = std::tuple<LabelAccessor, BigNumberAccessor, MaybeCountAccessor, KeyAccessor, PointsAccessor, CornersAccessor, EmptyAccessor>;
    static constexpr size_t fields = 7;
};

template <>
struct ProxyStruct<mptest::messages::Failure>
{
    using Struct = mptest::messages::Failure;
    using ReasonAccessor = Accessor<types_fields::Reason, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using CodeAccessor = Accessor<types_fields::Code, FIELD_IN | FIELD_OUT>;
    using Accessors = std::tuple<ReasonAccessor, CodeAccessor>;
    static constexpr size_t fields = 2;
};

template <>
struct ProxyStruct<mptest::messages::Widget>
{
    using Struct = mptest::messages::Widget;
    using NameAccessor = Accessor<types_fields::Name, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using SizeAccessor = Accessor<types_fields::Size, FIELD_IN | FIELD_OUT>;
    using Accessors = std::tuple<NameAccessor, SizeAccessor>;
    static constexpr size_t fields = 2;
};

template <>
struct ProxyStruct<mptest::messages::Money>
{
    using Struct = mptest::messages::Money;
    using CentsAccessor = Accessor<types_fields::Cents, FIELD_IN | FIELD_OUT>;
    using CurrencyAccessor = Accessor<types_fields::Currency, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using Accessors = std::tuple<CentsAccessor, CurrencyAccessor>;
    static constexpr size_t fields = 2;
};

template <>
struct ProxyStruct<mptest::messages::Settings>
{
    using Struct = mptest::messages::Settings;
    using NetworkAccessor = Accessor<types_fields::Network, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using Accessors = std::tuple<NetworkAccessor>;
    static constexpr size_t fields = 1;
};

template <>
struct ProxyStruct<mptest::messages::Box>
{
    using Struct = mptest::messages::Box;
    using I8Accessor = Accessor<types_fields::I8, FIELD_IN | FIELD_OUT>;
    using I16Accessor = Accessor<types_fields::I16, FIELD_IN | FIELD_OUT>;
    using I32Accessor = Accessor<types_fields::I32, FIELD_IN | FIELD_OUT>;
    using I64Accessor = Accessor<types_fields::I64, FIELD_IN | FIELD_OUT>;
    using U8Accessor = Accessor<types_fields::U8, FIELD_IN | FIELD_OUT>;
    using U16Accessor = Accessor<types_fields::U16, FIELD_IN | FIELD_OUT>;
    using U32Accessor = Accessor<types_fields::U32, FIELD_IN | FIELD_OUT>;
    using U64Accessor = Accessor<types_fields::U64, FIELD_IN | FIELD_OUT>;
    using F32Accessor = Accessor<types_fields::F32, FIELD_IN | FIELD_OUT>;
    using F64Accessor = Accessor<types_fields::F64, FIELD_IN | FIELD_OUT>;
    using FlagAccessor = Accessor<types_fields::Flag, FIELD_IN | FIELD_OUT>;
    using ColorAccessor = Accessor<types_fields::Color, FIELD_IN | FIELD_OUT>;
    using ShadeAccessor = Accessor<types_fields::Shade, FIELD_IN | FIELD_OUT>;
    using DurationAccessor = Accessor<types_fields::Duration, FIELD_IN | FIELD_OUT>;
    using InstantAccessor = Accessor<types_fields::Instant, FIELD_IN | FIELD_OUT>;
    using TextAccessor = Accessor<types_fields::Text, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using DataAccessor = Accessor<types_fields::Data, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using MaybeAccessor = Accessor<types_fields::Maybe, FIELD_IN | FIELD_OUT | FIELD_OPTIONAL>;
    using HasMaybeAccessor = Accessor<types_fields::HasMaybe, FIELD_IN | FIELD_OUT>;
    using MaybeTextAccessor = Accessor<types_fields::MaybeText, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using IntsAccessor = Accessor<types_fields::Ints, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using BoolsAccessor = Accessor<types_fields::Bools, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using TextsAccessor = Accessor<types_fields::Texts, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using GridAccessor = Accessor<types_fields::Grid, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using DatasAccessor = Accessor<types_fields::Datas, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using CountsAccessor = Accessor<types_fields::Counts, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using PairAccessor = Accessor<types_fields::Pair, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using TripleAccessor = Accessor<types_fields::Triple, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using PointAccessor = Accessor<types_fields::Point, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using PointsAccessor = Accessor<types_fields::Points, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using PlacedAccessor = Accessor<types_fields::Placed, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using EmptyAccessor = Accessor<types_fields::Empty, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using RecordAccessor = Accessor<types_fields::Record, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using WidgetAccessor = Accessor<types_fields::Widget, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using MoneyAccessor = Accessor<types_fields::Money, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using CoinAccessor = Accessor<types_fields::Coin, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using TicketsAccessor = Accessor<types_fields::Tickets, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using NothingAccessor = Accessor<types_fields::Nothing, FIELD_IN | FIELD_OUT>;
    using FailureAccessor = Accessor<types_fields::Failure, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using MessageAccessor = Accessor<types_fields::Message, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using SettingsAccessor = Accessor<types_fields::Settings, FIELD_IN | FIELD_OUT | FIELD_BOXED>;
    using Accessors = std::tuple<I8Accessor, I16Accessor, I32Accessor, I64Accessor, U8Accessor, U16Accessor, U32Accessor, U64Accessor, F32Accessor, F64Accessor, FlagAccessor, ColorAccessor, ShadeAccessor, DurationAccessor, InstantAccessor, TextAccessor, DataAccessor, MaybeAccessor, MaybeTextAccessor, IntsAccessor, BoolsAccessor, TextsAccessor, GridAccessor, DatasAccessor, CountsAccessor, PairAccessor, TripleAccessor, PointAccessor, PointsAccessor, PlacedAccessor, EmptyAccessor, RecordAccessor, WidgetAccessor, MoneyAccessor, CoinAccessor, TicketsAccessor, NothingAccessor, FailureAccessor, MessageAccessor, SettingsAccessor>;
    static constexpr size_t fields = 40;
};

template <>
struct ProxyType<mptest::TypesApi>
{
    using Type = mptest::TypesApi;
    using Message = mptest::messages::TypesApi;
    using Client = ProxyClient<Message>;
    using Server = ProxyServer<Message>;
};
} // namespace mp

#endif // TYPES_CAPNP_PROXY_H
