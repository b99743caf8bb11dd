// C++ types and the wrapped class of the test schema types.capnp, written the way a user of
// the library writes theirs: plain C++, no capnp or mp types.

#ifndef MPTEST_TYPES_H
#define MPTEST_TYPES_H

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mptest {

enum class Color : int32_t { red = 1, green = 2, blue = 3 };
enum class Tone : uint8_t { bright = 0, muted = 1, deep = 2 };

struct Point
{
    int32_t x = 0;
    int32_t y = 0;
    bool operator==(const Point&) const = default;
    auto operator<=>(const Point&) const = default;
};

struct Empty
{
    bool operator==(const Empty&) const = default;
};

struct Record
{
    std::string label;
    int64_t big_number = 0;
    std::optional<uint16_t> maybe_count;
    unsigned char key[4] = {0, 0, 0, 0};
    std::vector<Point> points;
    std::vector<std::pair<std::string, Point>> corners;
    Empty empty;
    bool operator==(const Record&) const = default;
};

//! Thrown by TypesApi::fail, carried in a `$Proxy.exception` field.
struct Failure
{
    std::string reason;
    int32_t code = 0;
};

//! Converted by the user's CustomBuildField / CustomReadField (types-types.h).
struct Widget
{
    std::string name;
    uint16_t size = 0;
    bool operator==(const Widget&) const = default;
};

//! Converted by the user's CustomBuildMessage / CustomReadMessage / CustomPassMessage.
struct Money
{
    int64_t cents = 0;
    std::string currency;
    bool operator==(const Money&) const = default;
};

//! Serialized into Data by the user's hooks, in the style of Bitcoin Core's `Serialize` /
//! `Unserialize` classes: fixed 8-byte little-endian amount plus a script of bytes.
struct Coin
{
    int64_t amount = 0;
    std::vector<unsigned char> script;
    bool operator==(const Coin&) const = default;

    template <typename Stream>
    void Serialize(Stream& s) const
    {
        for (int i = 0; i < 8; ++i) s.write(static_cast<unsigned char>(static_cast<uint64_t>(amount) >> (8 * i)));
        for (unsigned char c : script) s.write(c);
    }
    template <typename Stream>
    void Unserialize(Stream& s)
    {
        uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits |= uint64_t{s.read()} << (8 * i);
        amount = static_cast<int64_t>(bits);
        script.clear();
        while (!s.empty()) script.push_back(s.read());
    }
};

//! Tag for constructors that read from a stream, like Bitcoin Core's `deserialize`.
struct deserialize_type
{
};
inline constexpr deserialize_type deserialize{};

//! Immutable and not default-constructible: can only be made by its deserializing constructor,
//! so reading it must go through `read_dest.construct(deserialize, stream)`.
class Ticket
{
public:
    explicit Ticket(std::string id) : m_id(std::move(id)) {}
    template <typename Stream>
    Ticket(deserialize_type, Stream& s)
    {
        while (!s.empty()) m_id.push_back(static_cast<char>(s.read()));
    }
    template <typename Stream>
    void Serialize(Stream& s) const
    {
        for (char c : m_id) s.write(static_cast<unsigned char>(c));
    }
    const std::string& id() const { return m_id; }

private:
    std::string m_id;
};

//! Process-wide state that travels in a field standing for no argument (`$Proxy.count(0)`),
//! like Bitcoin Core's global arguments.
struct Settings
{
    std::string network;
};
inline Settings g_settings;

//! The wrapped interface class (`$Proxy.wrap("mptest::TypesApi")`).
class TypesApi
{
public:
    virtual ~TypesApi() = default;
    virtual int32_t add(int32_t a, int32_t b) = 0;
    virtual void addOut(int32_t a, int32_t b, int32_t& sum) = 0;
    virtual void scale(int32_t factor, int32_t& value) = 0;
    virtual bool lookup(const std::string& name, int32_t* found) = 0;
    virtual std::optional<int32_t> half(std::optional<int32_t> x) = 0;
    virtual Record echo(const Record& record) = 0;
    virtual void fail(const std::string& reason, int32_t code) = 0;
    virtual void append(Money& money, const std::string& suffix) = 0;
};

} // namespace mptest

#endif // MPTEST_TYPES_H
