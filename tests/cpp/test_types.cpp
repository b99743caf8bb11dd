// Round trips of every C++ type family through real capnp messages: values are written with
// mp::BuildField into a capnp::MallocMessageBuilder, the message is copied out as segments (the
// form in which messages cross to the Rust runtime), read back through a
// capnp::SegmentArrayMessageReader with mp::ReadField, and compared. The method tests run the
// generated-code shape of a call (client fields, server chain) over two such messages.

#include <types.capnp.proxy-types.h>

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_set>
#include <utility>
#include <vector>

namespace {

using namespace mptest;
namespace msg = mptest::messages;
using BoxFields = mp::ProxyStruct<msg::Box>;

int g_checks = 0;
int g_failures = 0;

void Fail(const char* file, int line, const std::string& what)
{
    ++g_failures;
    std::cerr << file << ":" << line << ": check failed: " << what << "\n";
}

#define CHECK(cond)                                   \
    do {                                              \
        ++g_checks;                                   \
        if (!(cond)) Fail(__FILE__, __LINE__, #cond); \
    } while (0)

// Checks that `expr` throws `Type` whose what() is exactly `text`.
#define CHECK_THROWS(expr, Type, text)                                                              \
    do {                                                                                            \
        ++g_checks;                                                                                 \
        try {                                                                                       \
            (void)(expr);                                                                           \
            Fail(__FILE__, __LINE__, #expr " did not throw");                                       \
        } catch (const Type& e) {                                                                   \
            if (std::string(e.what()) != (text)) Fail(__FILE__, __LINE__, std::string("wrong text: ") + e.what()); \
        }                                                                                           \
    } while (0)

//! A finished message as owned segment copies, and a reader over them.
class Wire
{
public:
    explicit Wire(capnp::MallocMessageBuilder& builder)
    {
        for (auto segment : builder.getSegmentsForOutput()) {
            m_segments.emplace_back(segment.begin(), segment.end());
        }
        for (auto& segment : m_segments) m_pointers.emplace_back(segment.data(), segment.size());
        m_reader.emplace(kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>>(m_pointers.data(), m_pointers.size()));
    }
    template <typename T>
    typename T::Reader root()
    {
        return m_reader->getRoot<T>();
    }

private:
    std::vector<std::vector<capnp::word>> m_segments;
    std::vector<kj::ArrayPtr<const capnp::word>> m_pointers;
    std::optional<capnp::SegmentArrayMessageReader> m_reader;
};

//! A Box message under construction; `send()` freezes it into a Wire and returns the Box reader.
class BoxMessage
{
public:
    BoxMessage() : m_box(m_builder.initRoot<msg::Box>()) {}
    msg::Box::Builder& box() { return m_box; }

    //! The value is passed as the C++ type it stands for, as method glue passes arguments.
    template <typename Accessor, typename LocalType>
    BoxMessage& build(const std::remove_reference_t<LocalType>& value)
    {
        mp::BuildField(mp::TypeList<LocalType>(), m_context, mp::Make<mp::StructField, Accessor>(m_box), value);
        return *this;
    }

    msg::Box::Reader send()
    {
        m_wire.emplace(m_builder);
        return m_wire->root<msg::Box>();
    }

    mp::InvokeContext m_context;

private:
    capnp::MallocMessageBuilder m_builder;
    msg::Box::Builder m_box;
    std::optional<Wire> m_wire;
};

//! Reads field `Accessor` of `box` as a new `LocalType`.
template <typename Accessor, typename LocalType>
mp::RemoveCvRef<LocalType> Read(msg::Box::Reader box)
{
    mp::InvokeContext context;
    mp::RemoveCvRef<LocalType> value{};
    mp::ReadField(mp::TypeList<LocalType>(), context, mp::Make<mp::StructField, Accessor>(box), mp::ReadDestUpdate(value));
    return value;
}

//! Writes `value` as `LocalType` into field `Accessor`, sends, and reads it back as `ReadType`.
template <typename Accessor, typename LocalType, typename ReadType = LocalType>
ReadType RoundTrip(const LocalType& value)
{
    BoxMessage message;
    message.build<Accessor, LocalType>(value);
    return Read<Accessor, ReadType>(message.send());
}

void TestNumbers()
{
    using F = BoxFields;
    CHECK((RoundTrip<F::I8Accessor, int8_t>(-128) == -128));
    CHECK((RoundTrip<F::I8Accessor, int8_t>(127) == 127));
    CHECK((RoundTrip<F::I16Accessor, int16_t>(std::numeric_limits<int16_t>::min()) == std::numeric_limits<int16_t>::min()));
    CHECK((RoundTrip<F::I32Accessor, int32_t>(std::numeric_limits<int32_t>::max()) == std::numeric_limits<int32_t>::max()));
    CHECK((RoundTrip<F::I64Accessor, int64_t>(std::numeric_limits<int64_t>::min()) == std::numeric_limits<int64_t>::min()));
    CHECK((RoundTrip<F::U8Accessor, uint8_t>(255) == 255));
    CHECK((RoundTrip<F::U16Accessor, uint16_t>(65535) == 65535));
    CHECK((RoundTrip<F::U32Accessor, uint32_t>(4000000000u) == 4000000000u));
    CHECK((RoundTrip<F::U64Accessor, uint64_t>(std::numeric_limits<uint64_t>::max()) == std::numeric_limits<uint64_t>::max()));
    CHECK((RoundTrip<F::F32Accessor, float>(1.5f) == 1.5f));
    CHECK((RoundTrip<F::F64Accessor, double>(-2.25e300) == -2.25e300));
    CHECK((RoundTrip<F::FlagAccessor, bool>(true) == true));
    CHECK((RoundTrip<F::FlagAccessor, bool>(false) == false));
    // Narrower C++ types go into wider fields (checked at compile time) and come back.
    CHECK((RoundTrip<F::I64Accessor, int8_t>(-7) == -7));
    CHECK((RoundTrip<F::U64Accessor, unsigned char>(200) == 200));
    CHECK((RoundTrip<F::I32Accessor, char>('z') == 'z'));
    // The value really is in the capnp field.
    {
        BoxMessage message;
        message.build<F::I16Accessor, int16_t>(-300);
        CHECK(message.send().getI16() == -300);
    }

    // Reading checks that the received value fits the C++ type, with the original's text.
    CHECK_THROWS((RoundTrip<F::I64Accessor, int64_t, int8_t>(300)), std::range_error, "out of bound int received");
    CHECK_THROWS((RoundTrip<F::I64Accessor, int64_t, int8_t>(-129)), std::range_error, "out of bound int received");
    CHECK_THROWS((RoundTrip<F::I32Accessor, int32_t, uint32_t>(-1)), std::range_error, "out of bound int received");
    CHECK_THROWS((RoundTrip<F::U64Accessor, uint64_t, int64_t>(std::numeric_limits<uint64_t>::max())), std::range_error,
        "out of bound int received");
    CHECK_THROWS((RoundTrip<F::U32Accessor, uint32_t, uint16_t>(65536)), std::range_error, "out of bound int received");
    CHECK_THROWS((RoundTrip<F::I32Accessor, int32_t, char>(1000)), std::range_error, "out of bound int received");
    CHECK((RoundTrip<F::I64Accessor, int64_t, int8_t>(-128) == -128));
    CHECK((RoundTrip<F::U64Accessor, uint64_t, uint16_t>(65535) == 65535));

    // Enums travel as integers (or as capnp enums).
    CHECK((RoundTrip<F::ColorAccessor, Color>(Color::blue) == Color::blue));
    {
        BoxMessage message;
        message.build<F::ColorAccessor, Color>(Color::green).build<F::ShadeAccessor, Tone>(Tone::deep);
        auto box = message.send();
        CHECK(box.getColor() == static_cast<int32_t>(Color::green));
        CHECK(box.getShade() == msg::Shade::DARK);
        CHECK((Read<F::ShadeAccessor, Tone>(box) == Tone::deep));
    }
}

void TestChrono()
{
    using F = BoxFields;
    using namespace std::chrono;
    CHECK((RoundTrip<F::DurationAccessor, milliseconds>(milliseconds{-1234}) == milliseconds{-1234}));
    CHECK((RoundTrip<F::DurationAccessor, seconds>(seconds{86400}) == seconds{86400}));
    {
        BoxMessage message;
        message.build<F::DurationAccessor, microseconds>(microseconds{42});
        CHECK(message.send().getDuration() == 42);
    }
    const time_point<system_clock, microseconds> instant{microseconds{1'700'000'000'123'456}};
    CHECK((RoundTrip<F::InstantAccessor, time_point<system_clock, microseconds>>(instant) == instant));
}

void TestStrings()
{
    using F = BoxFields;
    const std::string text("h\xc3\xa9llo\0world", 12);
    CHECK((RoundTrip<F::TextAccessor, std::string>(text) == text));
    CHECK((RoundTrip<F::TextAccessor, std::string>("") == ""));
    {
        BoxMessage message;
        message.build<F::TextAccessor, std::string>(std::string("abc"));
        auto box = message.send();
        CHECK(box.hasText());
        CHECK(box.getText() == "abc");
    }
}

void TestData()
{
    using F = BoxFields;
    const std::vector<unsigned char> bytes{0, 1, 2, 255, 0};
    CHECK((RoundTrip<F::DataAccessor, std::vector<unsigned char>>(bytes) == bytes));
    const std::string binary("\x00\xff\x10", 3);
    CHECK((RoundTrip<F::DataAccessor, std::string>(binary) == binary));
    const std::vector<char> chars{'a', '\0', 'b'};
    CHECK((RoundTrip<F::DataAccessor, std::vector<char>>(chars) == chars));
    {
        BoxMessage message;
        const std::array<std::byte, 3> raw{std::byte{9}, std::byte{8}, std::byte{7}};
        message.build<F::DataAccessor, std::span<const std::byte>>(std::span<const std::byte>(raw));
        auto box = message.send();
        CHECK(box.getData().size() == 3 && box.getData()[0] == 9 && box.getData()[2] == 7);
        // Views read from a message point into it.
        auto view = Read<F::DataAccessor, std::string_view>(box);
        CHECK(view == std::string_view("\x09\x08\x07", 3));
        CHECK(reinterpret_cast<const unsigned char*>(view.data()) == box.getData().begin());
        auto span = Read<F::DataAccessor, std::span<const std::byte>>(box);
        CHECK(span.size() == 3 && span[1] == std::byte{8});
    }
    // A std::string declared as Data is bytes, declared as Text it is text: same C++ type.
    {
        BoxMessage message;
        message.build<F::DataAccessor, std::string>(std::string("xy")).build<F::TextAccessor, std::string>(std::string("xy"));
        auto box = message.send();
        CHECK(box.getData().size() == 2 && box.getText().size() == 2);
    }
}

void TestCharArray()
{
    Record record;
    record.label = "array";
    const unsigned char key[4] = {1, 2, 3, 250};
    std::copy(std::begin(key), std::end(key), record.key);
    auto back = RoundTrip<BoxFields::RecordAccessor, Record>(record);
    CHECK(back.key[0] == 1 && back.key[3] == 250);
    {
        BoxMessage message;
        message.build<BoxFields::RecordAccessor, Record>(record);
        CHECK(message.send().getRecord().getKey().size() == 4);
    }
    // Wrong size: the original's error text.
    BoxMessage message;
    message.build<BoxFields::DataAccessor, std::vector<unsigned char>>(std::vector<unsigned char>{1, 2, 3});
    auto box = message.send();
    unsigned char dest[4] = {};
    mp::InvokeContext context;
    CHECK_THROWS(mp::ReadField(mp::TypeList<unsigned char[4]>(), context,
                     mp::Make<mp::StructField, BoxFields::DataAccessor>(box), mp::ReadDestUpdate(dest)),
        std::range_error, "unexpected field size");
}

void TestContainers()
{
    using F = BoxFields;
    const std::vector<int32_t> ints{3, -1, 4, 1, -5};
    CHECK((RoundTrip<F::IntsAccessor, std::vector<int32_t>>(ints) == ints));
    CHECK((RoundTrip<F::IntsAccessor, std::vector<int32_t>>({}).empty()));
    const std::vector<bool> bools{true, false, false, true, true, false, true, true, true};
    CHECK((RoundTrip<F::BoolsAccessor, std::vector<bool>>(bools) == bools));
    const std::vector<std::string> texts{"a", "", "ccc"};
    CHECK((RoundTrip<F::TextsAccessor, std::vector<std::string>>(texts) == texts));
    const std::vector<std::vector<int16_t>> grid{{1, 2}, {}, {-3}};
    CHECK((RoundTrip<F::GridAccessor, std::vector<std::vector<int16_t>>>(grid) == grid));
    const std::vector<std::vector<unsigned char>> datas{{1}, {}, {2, 3}};
    CHECK((RoundTrip<F::DatasAccessor, std::vector<std::vector<unsigned char>>>(datas) == datas));
    const std::set<int32_t> set{9, -2, 5};
    CHECK((RoundTrip<F::IntsAccessor, std::set<int32_t>>(set) == set));
    const std::unordered_set<std::string> uset{"x", "yy", "zzz"};
    CHECK((RoundTrip<F::TextsAccessor, std::unordered_set<std::string>>(uset) == uset));
    // A list with repeats read as a set collapses them.
    CHECK((RoundTrip<F::IntsAccessor, std::vector<int32_t>, std::set<int32_t>>({2, 2, 1}) == std::set<int32_t>{1, 2}));
    // Elements are range-checked like fields.
    CHECK_THROWS((RoundTrip<F::IntsAccessor, std::vector<int32_t>, std::vector<uint16_t>>({1, -5})), std::range_error,
        "out of bound int received");

    const std::map<std::string, int32_t> map{{"one", 1}, {"two", 2}, {"", -3}};
    CHECK((RoundTrip<F::CountsAccessor, std::map<std::string, int32_t>>(map) == map));
    {
        BoxMessage message;
        message.build<F::CountsAccessor, std::map<std::string, int32_t>>(map);
        auto counts = message.send().getCounts();
        CHECK(counts.size() == 3 && counts[0].getKey() == "" && counts[0].getValue() == -3);
    }
    const std::pair<std::string, int32_t> pair{"p", 7};
    CHECK((RoundTrip<F::PairAccessor, std::pair<std::string, int32_t>>(pair) == pair));
    const std::tuple<int8_t, std::string, double> triple{-8, "t", 0.5};
    CHECK((RoundTrip<F::TripleAccessor, std::tuple<int8_t, std::string, double>>(triple) == triple));
    // Maps and lists of pairs over a generic Pair(Text, Point) struct.
    const std::map<std::string, Point> placed{{"a", {1, 2}}, {"b", {-3, 4}}};
    CHECK((RoundTrip<F::PlacedAccessor, std::map<std::string, Point>>(placed) == placed));
    const std::vector<std::pair<std::string, Point>> corners{{"nw", {0, 0}}, {"nw", {1, 1}}};
    CHECK((RoundTrip<F::PlacedAccessor, std::vector<std::pair<std::string, Point>>>(corners) == corners));
}

void TestOptional()
{
    using F = BoxFields;
    {
        BoxMessage message;
        message.build<F::MaybeAccessor, std::optional<int32_t>>(std::optional<int32_t>{})
            .build<F::MaybeTextAccessor, std::optional<std::string>>(std::optional<std::string>{});
        auto box = message.send();
        CHECK(!box.getHasMaybe());
        CHECK(!box.hasMaybeText());
        CHECK((!Read<F::MaybeAccessor, std::optional<int32_t>>(box)));
        CHECK((!Read<F::MaybeTextAccessor, std::optional<std::string>>(box)));
        // Absent resets a destination that held a value.
        std::optional<int32_t> dest{5};
        mp::InvokeContext context;
        mp::ReadField(mp::TypeList<std::optional<int32_t>>(), context, mp::Make<mp::StructField, F::MaybeAccessor>(box),
            mp::ReadDestUpdate(dest));
        CHECK(!dest);
    }
    {
        // Zero and empty are values, distinct from absent.
        BoxMessage message;
        message.build<F::MaybeAccessor, std::optional<int32_t>>(std::optional<int32_t>{0})
            .build<F::MaybeTextAccessor, std::optional<std::string>>(std::optional<std::string>{""});
        auto box = message.send();
        CHECK(box.getHasMaybe());
        CHECK(box.hasMaybeText());
        CHECK((Read<F::MaybeAccessor, std::optional<int32_t>>(box) == std::optional<int32_t>{0}));
        CHECK((Read<F::MaybeTextAccessor, std::optional<std::string>>(box) == std::optional<std::string>{""}));
    }
    CHECK((RoundTrip<F::MaybeAccessor, std::optional<int32_t>>(-9) == std::optional<int32_t>{-9}));
    // The field's default, when nothing was written.
    {
        BoxMessage message;
        auto box = message.send();
        CHECK((Read<F::I32Accessor, int32_t>(box) == 0));
        CHECK((Read<F::TextAccessor, std::string>(box).empty()));
        CHECK((Read<F::IntsAccessor, std::vector<int32_t>>(box).empty()));
    }
}

void TestPointers()
{
    using F = BoxFields;
    {
        BoxMessage message;
        const int32_t* none = nullptr;
        message.build<F::I32Accessor, const int32_t*>(none);
        const int32_t seven = 7;
        message.build<F::I64Accessor, const int32_t*>(&seven);
        auto box = message.send();
        CHECK(box.getI32() == 0);
        CHECK(box.getI64() == 7);
        // Reading through a pointer fills the pointee; a null pointer reads nothing.
        int32_t target = 0;
        int32_t* pointer = &target;
        mp::InvokeContext context;
        mp::ReadField(mp::TypeList<int32_t*>(), context, mp::Make<mp::StructField, F::I64Accessor>(box),
            mp::ReadDestUpdate(pointer));
        CHECK(target == 7);
        int32_t* null_pointer = nullptr;
        mp::ReadField(mp::TypeList<int32_t*>(), context, mp::Make<mp::StructField, F::I64Accessor>(box),
            mp::ReadDestUpdate(null_pointer));
        CHECK(null_pointer == nullptr);
    }
    {
        auto shared = std::make_shared<Point>(Point{5, 6});
        auto back = RoundTrip<F::PointAccessor, std::shared_ptr<Point>>(shared);
        CHECK(back && *back == *shared && back != shared);
        auto null_back = RoundTrip<F::PointAccessor, std::shared_ptr<Point>>(nullptr);
        CHECK(!null_back);
        // An existing pointee is updated in place.
        BoxMessage message;
        message.build<F::PointAccessor, Point>(Point{8, 9});
        auto box = message.send();
        auto dest = std::make_shared<Point>();
        Point* before = dest.get();
        mp::InvokeContext context;
        mp::ReadField(mp::TypeList<std::shared_ptr<Point>>(), context, mp::Make<mp::StructField, F::PointAccessor>(box),
            mp::ReadDestUpdate(dest));
        CHECK(dest.get() == before && *dest == (Point{8, 9}));
    }
}

void TestStructs()
{
    using F = BoxFields;
    CHECK((RoundTrip<F::PointAccessor, Point>(Point{-1, 2}) == Point{-1, 2}));
    CHECK((RoundTrip<F::EmptyAccessor, Empty>(Empty{}) == Empty{}));
    {
        BoxMessage message;
        message.build<F::EmptyAccessor, Empty>(Empty{});
        CHECK(message.send().hasEmpty());
    }
    Record record;
    record.label = "rec";
    record.big_number = -(int64_t{1} << 40);
    record.maybe_count = 0;
    record.points = {{1, 1}, {2, 3}};
    record.corners = {{"c", {4, 5}}};
    auto back = RoundTrip<F::RecordAccessor, Record>(record);
    CHECK(back == record);
    {
        BoxMessage message;
        message.build<F::RecordAccessor, Record>(record);
        auto wire = message.send().getRecord();
        // $Proxy.name: member big_number is field bigNumber; hasX companion set; $Proxy.skip
        // field left alone.
        CHECK(wire.getBigNumber() == record.big_number);
        CHECK(wire.getHasMaybeCount());
        CHECK(!wire.hasComment());
        CHECK(wire.getPoints().size() == 2 && wire.getPoints()[1].getY() == 3);
    }
    record.maybe_count.reset();
    CHECK((RoundTrip<F::RecordAccessor, Record>(record) == record));
    const std::vector<Point> points{{1, 2}, {3, 4}, {5, 6}};
    CHECK((RoundTrip<F::PointsAccessor, std::vector<Point>>(points) == points));
    {
        // A peer's list pointer of a million zero-sized elements where structs with fields
        // belong: refused, not read as a million default points.
        BoxMessage message;
        message.box().initPoints(1);
        for (auto pointer : capnp::toAny(message.box()).getPointerSection()) {
            if (!pointer.isNull()) pointer.initAsAnyList(capnp::ElementSize::VOID, 1000000);
        }
        auto box = message.send();
        CHECK(box.getPoints().size() == 1000000);
        CHECK_THROWS((Read<F::PointsAccessor, std::vector<Point>>(box)), std::runtime_error,
            "refused a list of 1000000 structs that take no space on the wire (their type has fields)");
    }
}

void TestDecayAndVoid()
{
    using F = BoxFields;
    BoxMessage message;
    const std::string text = "decayed";
    message.build<F::TextAccessor, const std::string&>(text);
    mp::BuildField(mp::TypeList<std::vector<int32_t>&&>(), message.m_context,
        mp::Make<mp::StructField, F::IntsAccessor>(message.box()), std::vector<int32_t>{4, 5});
    mp::BuildField(mp::TypeList<const Point>(), message.m_context,
        mp::Make<mp::StructField, F::PointAccessor>(message.box()), Point{7, 8});
    // Void fields take a capnp::Void or any plain value and carry nothing.
    struct Tag
    {
    };
    mp::BuildField(mp::TypeList<Tag>(), message.m_context, mp::Make<mp::StructField, F::NothingAccessor>(message.box()),
        Tag{});
    mp::BuildField(mp::TypeList<int>(), message.m_context, mp::Make<mp::StructField, F::I32Accessor>(message.box()),
        capnp::Void{});
    auto box = message.send();
    CHECK(box.getText() == "decayed");
    CHECK(box.getInts().size() == 2 && box.getInts()[1] == 5);
    CHECK((Read<F::PointAccessor, const Point&>(box) == Point{7, 8}));
    CHECK(box.getI32() == 0);
}

void TestUserHooks()
{
    using F = BoxFields;
    // A user's CustomBuildField / CustomReadField pair in the user's namespace, for a wrapped
    // struct: the user's pair wins over the library's struct conversion.
    const Widget widget{"gear", 12};
    CHECK((RoundTrip<F::WidgetAccessor, Widget>(widget) == widget));
    {
        BoxMessage message;
        message.build<F::WidgetAccessor, Widget>(widget);
        auto wire = message.send().getWidget();
        CHECK(wire.getName() == "w:gear" && wire.getSize() == 12);
    }
    // CustomBuildMessage / CustomReadMessage.
    const Money money{250, "EUR"};
    CHECK((RoundTrip<F::MoneyAccessor, Money>(money) == money));
    // Bitcoin Core style: Serialize into Data with output.init + memcpy, Unserialize from
    // input.get() inside read_dest.update.
    const Coin coin{0x0102030405060708, {0xaa, 0xbb}};
    {
        BoxMessage message;
        message.build<F::CoinAccessor, Coin>(coin);
        auto box = message.send();
        CHECK(box.getCoin().size() == 10 && box.getCoin()[0] == 0x08 && box.getCoin()[9] == 0xbb);
        CHECK((Read<F::CoinAccessor, Coin>(box) == coin));
    }
    // CustomHasValue: a spent coin is not written; reading an absent field leaves the value.
    {
        BoxMessage message;
        message.build<F::CoinAccessor, Coin>(Coin{-1, {1}});
        auto box = message.send();
        CHECK(!box.hasCoin());
        Coin dest{5, {9}};
        mp::InvokeContext context;
        mp::ReadField(mp::TypeList<Coin>(), context, mp::Make<mp::StructField, F::CoinAccessor>(box),
            mp::ReadDestUpdate(dest));
        CHECK((dest == Coin{5, {9}}));
    }
    // A class only constructible by its deserializing constructor, in a list of shared
    // pointers where an empty element means null (CustomHasField).
    {
        const std::vector<std::shared_ptr<const Ticket>> tickets{
            std::make_shared<const Ticket>("t1"), nullptr, std::make_shared<const Ticket>("t333")};
        BoxMessage message;
        message.build<F::TicketsAccessor, std::vector<std::shared_ptr<const Ticket>>>(tickets);
        auto box = message.send();
        CHECK(box.getTickets().size() == 3 && box.getTickets()[1].size() == 0);
        auto back = Read<F::TicketsAccessor, std::vector<std::shared_ptr<const Ticket>>>(box);
        CHECK(back.size() == 3);
        CHECK(back[0] && back[0]->id() == "t1");
        CHECK(!back[1]);
        CHECK(back[2] && back[2]->id() == "t333");
    }
}

void TestNoValueFields()
{
    // A field standing for no C++ value: BuildField / ReadField with an empty TypeList reach
    // the user's TypeList<> hooks, selected by the field's capnp type.
    g_settings.network = "regtest";
    BoxMessage message;
    mp::BuildField(mp::TypeList<>(), message.m_context, mp::Make<mp::StructField, BoxFields::SettingsAccessor>(message.box()));
    auto box = message.send();
    CHECK(box.getSettings().getNetwork() == "regtest");
    g_settings.network.clear();
    mp::InvokeContext context;
    mp::ReadField(mp::TypeList<>(), context, mp::Make<mp::StructField, BoxFields::SettingsAccessor>(box));
    CHECK(g_settings.network == "regtest");
}

void TestReadDestinations()
{
    using F = BoxFields;
    BoxMessage message;
    message.build<F::TextAccessor, std::string>(std::string("dest"));
    auto box = message.send();
    mp::InvokeContext context;
    // ValueField + ReadDestTemp: a value a hook already holds, read into a temporary.
    std::string temp = mp::ReadField(mp::TypeList<std::string>(), context, mp::Make<mp::ValueField>(box.getText()),
        mp::ReadDestTemp<std::string>());
    CHECK(temp == "dest");
    // ReadDestUpdate replaces an existing value through construct().
    std::string existing = "old value";
    std::string& same = mp::ReadField(mp::TypeList<std::string>(), context,
        mp::Make<mp::StructField, F::TextAccessor>(box), mp::ReadDestUpdate(existing));
    CHECK(&same == &existing && existing == "dest");
    // The older name of ReadDestUpdate.
    std::string older;
    mp::ReadField(mp::TypeList<std::string>(), context, mp::Make<mp::StructField, F::TextAccessor>(box),
        mp::ReadDestValue(older));
    CHECK(older == "dest");
    // ReadDestEmplace: the caller decides how the value is made.
    std::vector<std::string> sink;
    mp::ReadField(mp::TypeList<std::string>(), context, mp::Make<mp::StructField, F::TextAccessor>(box),
        mp::ReadDestEmplace(mp::TypeList<std::string>(), [&](auto&&... args) -> std::string& {
            return sink.emplace_back(std::forward<decltype(args)>(args)...);
        }));
    CHECK(sink.size() == 1 && sink[0] == "dest");
    // An update-style conversion (struct) through an emplace destination of a const type.
    BoxMessage point_message;
    point_message.build<F::PointAccessor, Point>(Point{3, 4});
    auto point_box = point_message.send();
    std::optional<Point> made;
    mp::ReadField(mp::TypeList<Point>(), context, mp::Make<mp::StructField, F::PointAccessor>(point_box),
        mp::ReadDestEmplace(mp::TypeList<const Point>(), [&](auto&&... args) -> const Point& {
            made.emplace(std::forward<decltype(args)>(args)...);
            return *made;
        }));
    CHECK(made && *made == (Point{3, 4}));
}

void TestExceptions()
{
    using F = BoxFields;
    mp::InvokeContext context;
    {
        BoxMessage message;
        message.build<F::FailureAccessor, Failure>(Failure{"broken", 42});
        auto box = message.send();
        ++g_checks;
        try {
            mp::ThrowField(mp::TypeList<Failure>(), context, mp::Make<mp::StructField, F::FailureAccessor>(box));
            Fail(__FILE__, __LINE__, "ThrowField did not throw");
        } catch (const Failure& failure) {
            if (failure.reason != "broken" || failure.code != 42) Fail(__FILE__, __LINE__, "wrong Failure");
        }
    }
    {
        BoxMessage message;
        message.build<F::MessageAccessor, std::exception>(std::logic_error("went wrong"));
        auto box = message.send();
        CHECK(box.getMessage() == "went wrong");
        CHECK_THROWS(
            mp::ThrowField(mp::TypeList<std::exception>(), context, mp::Make<mp::StructField, F::MessageAccessor>(box)),
            std::runtime_error, "went wrong");
    }
}

void TestUtil()
{
    using List = mp::TypeList<int, double, float, bool>;
    static_assert(List::size == 4);
    static_assert(std::is_same_v<mp::Split<2, List>::First, mp::TypeList<int, double>>);
    static_assert(std::is_same_v<mp::Split<2, List>::Second, mp::TypeList<float, bool>>);
    static_assert(std::is_same_v<mp::Split<0, List>::First, mp::TypeList<>>);
    static_assert(std::is_same_v<mp::Split<4, List>::Second, mp::TypeList<>>);
    static_assert(std::is_same_v<mp::RemoveCvRef<const int&>, int>);
    using Traits = mp::FunctionTraits<decltype(mp::ProxyMethod<msg::TypesApi::LookupParams>::impl)>;
    static_assert(std::is_same_v<Traits::Params, mp::TypeList<const std::string&, int32_t*>>);
    static_assert(std::is_same_v<Traits::Fields, mp::TypeList<const std::string&, int32_t*, bool>>);
    static_assert(std::is_same_v<mp::ProxyClientMethodTraits<msg::TypesApi::AddOutParams>::Result, void>);
    // A Params struct without ProxyMethod glue (construct/destroy) gets the empty fallback traits.
    static_assert(std::is_same_v<mp::ProxyServerMethodTraits<msg::Box>::Fields, mp::TypeList<>>);
    static_assert(std::is_same_v<mp::ProxyServerMethodTraits<msg::TypesApi::EchoParams>::Result, Record>);
    using Request = decltype(std::declval<msg::TypesApi::Client&>().lookupRequest());
    static_assert(std::is_same_v<mp::CapRequestTraits<Request>::Results, msg::TypesApi::LookupResults>);
    auto pair = mp::Make<std::pair>(5, true);
    static_assert(std::is_same_v<decltype(pair), std::pair<int, bool>>);
    CHECK(pair.first == 5 && pair.second);
    CHECK(std::string(mp::TypeName<msg::Box>()) == "Box");
    CHECK(mp::CxxTypeName(Point{}) == "mptest::Point");
    CHECK(mp::CapnpSize(4096) == 4096u);
    CHECK_THROWS(mp::CapnpSize(std::size_t{1} << 33), std::length_error, "value too large for a capnp list");
    int order = 0;
    mp::TryFinally([&] { order = order * 10 + 1; }, [&] { order = order * 10 + 2; });
    CHECK(order == 12);
    ++g_checks;
    try {
        mp::TryFinally([&]() -> int { throw std::runtime_error("inner"); }, [&] { order = 99; });
        Fail(__FILE__, __LINE__, "TryFinally swallowed");
    } catch (const std::runtime_error&) {
        if (order != 99) Fail(__FILE__, __LINE__, "TryFinally skipped after");
    }
}

// ---------------------------------------------------------------------------------------------
// Methods: the generated client and server code shapes run over copied messages.

//! The object a server proxy wraps.
class TypesImpl : public TypesApi
{
public:
    int32_t add(int32_t a, int32_t b) override { return a + b; }
    void addOut(int32_t a, int32_t b, int32_t& sum) override { sum = a + b; }
    void scale(int32_t factor, int32_t& value) override { value *= factor; }
    bool lookup(const std::string& name, int32_t* found) override
    {
        m_found_was_null = found == nullptr;
        if (name != "seven") return false;
        if (found) *found = 7;
        return true;
    }
    std::optional<int32_t> half(std::optional<int32_t> x) override
    {
        if (!x) return std::nullopt;
        return *x / 2;
    }
    Record echo(const Record& record) override
    {
        Record copy = record;
        copy.label += "!";
        return copy;
    }
    void fail(const std::string& reason, int32_t code) override { throw Failure{reason, code}; }
    void append(Money& money, const std::string& suffix) override
    {
        money.currency += suffix;
        money.cents += 1;
    }
    bool m_found_was_null = false;
};

//! Stand-ins for what the transport provides to the server chain.
struct TestServer
{
    std::shared_ptr<TypesApi> m_impl;
};

template <typename Params, typename Results>
struct TestCallContext
{
    typename Params::Reader params;
    typename Results::Builder results;
    typename Params::Reader getParams() { return params; }
    typename Results::Builder getResults() { return results; }
};

template <typename CallContext>
struct TestServerContext : mp::InvokeContext
{
    TestServerContext(TestServer& server, CallContext& call) : proxy_server(server), call_context(call) {}
    TestServer& proxy_server;
    CallContext& call_context;
};

//! One call: client fields build Params, the message crosses as segments, the server chain
//! reads it and invokes the wrapped object, Results cross back, client fields read them.
template <typename Params, typename Results, typename ServerFn, typename... FieldObjs>
void LoopbackCall(TestServer& server, ServerFn server_fn, FieldObjs&&... fields)
{
    using FieldList = typename mp::ProxyClientMethodTraits<Params>::Fields;
    mp::InvokeContext client_context;
    capnp::MallocMessageBuilder request;
    auto params = request.initRoot<Params>();
    mp::IterateFields().handleChain(client_context, params, FieldList(), typename FieldObjs::BuildParams{&fields}...);
    Wire request_wire(request);

    capnp::MallocMessageBuilder response;
    TestCallContext<Params, Results> call{request_wire.root<Params>(), response.initRoot<Results>()};
    TestServerContext<TestCallContext<Params, Results>> server_context(server, call);
    server_fn.invoke(server_context, typename mp::ProxyServerMethodTraits<Params>::Params());
    Wire response_wire(response);

    auto results = response_wire.root<Results>();
    mp::IterateFields().handleChain(client_context, results, FieldList(), typename FieldObjs::ReadResults{&fields}...);
}

//! A client for TypesApi written as generated ProxyClient methods are, with LoopbackCall in
//! place of the transport's clientInvoke and the server chain of the generated ProxyServer.
class LoopbackClient : public TypesApi
{
public:
    explicit LoopbackClient(std::shared_ptr<TypesApi> impl) : m_server{std::move(impl)} {}

    int32_t add(int32_t a, int32_t b) override
    {
        using namespace mp;
        using M0 = ProxyClientMethodTraits<msg::TypesApi::AddParams>;
        typename M0::Result result;
        LoopbackCall<msg::TypesApi::AddParams, msg::TypesApi::AddResults>(m_server,
            MakeServerField<1, Accessor<types_fields::A, FIELD_IN>>(MakeServerField<1, Accessor<types_fields::B, FIELD_IN>>(
                Make<ServerRet, Accessor<types_fields::Result, FIELD_OUT>>(ServerCall()))),
            MakeClientParam<Accessor<types_fields::A, FIELD_IN>>(M0::Fwd<0>(a)),
            MakeClientParam<Accessor<types_fields::B, FIELD_IN>>(M0::Fwd<1>(b)),
            MakeClientParam<Accessor<types_fields::Result, FIELD_OUT>>(result));
        return result;
    }
    void addOut(int32_t a, int32_t b, int32_t& sum) override
    {
        using namespace mp;
        using M1 = ProxyClientMethodTraits<msg::TypesApi::AddOutParams>;
        LoopbackCall<msg::TypesApi::AddOutParams, msg::TypesApi::AddOutResults>(m_server,
            MakeServerField<1, Accessor<types_fields::A, FIELD_IN>>(MakeServerField<1, Accessor<types_fields::B, FIELD_IN>>(
                MakeServerField<1, Accessor<types_fields::Sum, FIELD_OUT>>(ServerCall()))),
            MakeClientParam<Accessor<types_fields::A, FIELD_IN>>(M1::Fwd<0>(a)),
            MakeClientParam<Accessor<types_fields::B, FIELD_IN>>(M1::Fwd<1>(b)),
            MakeClientParam<Accessor<types_fields::Sum, FIELD_OUT>>(M1::Fwd<2>(sum)));
    }
    void scale(int32_t factor, int32_t& value) override
    {
        using namespace mp;
        using M2 = ProxyClientMethodTraits<msg::TypesApi::ScaleParams>;
        LoopbackCall<msg::TypesApi::ScaleParams, msg::TypesApi::ScaleResults>(m_server,
            MakeServerField<1, Accessor<types_fields::Factor, FIELD_IN>>(
                MakeServerField<1, Accessor<types_fields::Value, FIELD_IN | FIELD_OUT>>(ServerCall())),
            MakeClientParam<Accessor<types_fields::Factor, FIELD_IN>>(M2::Fwd<0>(factor)),
            MakeClientParam<Accessor<types_fields::Value, FIELD_IN | FIELD_OUT>>(M2::Fwd<1>(value)));
    }
    bool lookup(const std::string& name, int32_t* found) override
    {
        using namespace mp;
        using M3 = ProxyClientMethodTraits<msg::TypesApi::LookupParams>;
        typename M3::Result result;
        LoopbackCall<msg::TypesApi::LookupParams, msg::TypesApi::LookupResults>(m_server,
            MakeServerField<1, Accessor<types_fields::Name, FIELD_IN | FIELD_BOXED>>(
                MakeServerField<1, Accessor<types_fields::Found, FIELD_OUT | FIELD_REQUESTED>>(
                    Make<ServerRet, Accessor<types_fields::Result, FIELD_OUT>>(ServerCall()))),
            MakeClientParam<Accessor<types_fields::Name, FIELD_IN | FIELD_BOXED>>(M3::Fwd<0>(name)),
            MakeClientParam<Accessor<types_fields::Found, FIELD_OUT | FIELD_REQUESTED>>(M3::Fwd<1>(found)),
            MakeClientParam<Accessor<types_fields::Result, FIELD_OUT>>(result));
        return result;
    }
    std::optional<int32_t> half(std::optional<int32_t> x) override
    {
        using namespace mp;
        using M4 = ProxyClientMethodTraits<msg::TypesApi::HalfParams>;
        typename M4::Result result;
        LoopbackCall<msg::TypesApi::HalfParams, msg::TypesApi::HalfResults>(m_server,
            MakeServerField<1, Accessor<types_fields::X, FIELD_IN | FIELD_OPTIONAL>>(
                Make<ServerRet, Accessor<types_fields::Result, FIELD_OUT | FIELD_OPTIONAL>>(ServerCall())),
            MakeClientParam<Accessor<types_fields::X, FIELD_IN | FIELD_OPTIONAL>>(M4::Fwd<0>(x)),
            MakeClientParam<Accessor<types_fields::Result, FIELD_OUT | FIELD_OPTIONAL>>(result));
        return result;
    }
    Record echo(const Record& record) override
    {
        using namespace mp;
        using M5 = ProxyClientMethodTraits<msg::TypesApi::EchoParams>;
        typename M5::Result result;
        LoopbackCall<msg::TypesApi::EchoParams, msg::TypesApi::EchoResults>(m_server,
            MakeServerField<1, Accessor<types_fields::Record, FIELD_IN | FIELD_BOXED>>(
                Make<ServerRet, Accessor<types_fields::Result, FIELD_OUT | FIELD_BOXED>>(ServerCall())),
            MakeClientParam<Accessor<types_fields::Record, FIELD_IN | FIELD_BOXED>>(M5::Fwd<0>(record)),
            MakeClientParam<Accessor<types_fields::Result, FIELD_OUT | FIELD_BOXED>>(result));
        return result;
    }
    void fail(const std::string& reason, int32_t code) override
    {
        using namespace mp;
        using M6 = ProxyClientMethodTraits<msg::TypesApi::FailParams>;
        LoopbackCall<msg::TypesApi::FailParams, msg::TypesApi::FailResults>(m_server,
            MakeServerField<1, Accessor<types_fields::Reason, FIELD_IN | FIELD_BOXED>>(
                MakeServerField<1, Accessor<types_fields::Code, FIELD_IN>>(
                    Make<ServerExcept, mptest::Failure, Accessor<types_fields::Error, FIELD_OUT | FIELD_BOXED>>(
                        ServerCall()))),
            MakeClientParam<Accessor<types_fields::Reason, FIELD_IN | FIELD_BOXED>>(M6::Fwd<0>(reason)),
            MakeClientParam<Accessor<types_fields::Code, FIELD_IN>>(M6::Fwd<1>(code)),
            ClientException<mptest::Failure, Accessor<types_fields::Error, FIELD_OUT | FIELD_BOXED>>());
    }
    void append(Money& money, const std::string& suffix) override
    {
        using namespace mp;
        using M7 = ProxyClientMethodTraits<msg::TypesApi::AppendParams>;
        LoopbackCall<msg::TypesApi::AppendParams, msg::TypesApi::AppendResults>(m_server,
            MakeServerField<1, Accessor<types_fields::Money, FIELD_IN | FIELD_OUT | FIELD_BOXED>>(
                MakeServerField<1, Accessor<types_fields::Suffix, FIELD_IN | FIELD_BOXED>>(ServerCall())),
            MakeClientParam<Accessor<types_fields::Money, FIELD_IN | FIELD_OUT | FIELD_BOXED>>(M7::Fwd<0>(money)),
            MakeClientParam<Accessor<types_fields::Suffix, FIELD_IN | FIELD_BOXED>>(M7::Fwd<1>(suffix)));
    }

private:
    TestServer m_server;
};

void TestMethods()
{
    auto impl = std::make_shared<TypesImpl>();
    LoopbackClient client(impl);
    TypesApi& api = client;

    CHECK(api.add(2, 40) == 42);
    int32_t sum = -1;
    api.addOut(20, 22, sum);
    CHECK(sum == 42);
    int32_t value = 7;
    api.scale(3, value);
    CHECK(value == 21);

    // wantX: a null output pointer reaches the server as null, a non-null one gets the value.
    int32_t found = 0;
    CHECK(api.lookup("seven", &found));
    CHECK(found == 7 && !impl->m_found_was_null);
    CHECK(api.lookup("seven", nullptr));
    CHECK(impl->m_found_was_null);
    CHECK(!api.lookup("eight", &found));
    CHECK(!impl->m_found_was_null);

    // hasX on a parameter and on the result.
    CHECK(api.half(std::nullopt) == std::nullopt);
    CHECK(api.half(10) == std::optional<int32_t>{5});
    CHECK(api.half(1) == std::optional<int32_t>{0});

    Record record;
    record.label = "r";
    record.maybe_count = 3;
    record.points = {{1, 2}};
    record.key[2] = 9;
    Record echoed = api.echo(record);
    CHECK(echoed.label == "r!");
    record.label = "r!";
    CHECK(echoed == record);

    // $Proxy.exception: the server's throw arrives as the same C++ type.
    ++g_checks;
    try {
        api.fail("no luck", 13);
        Fail(__FILE__, __LINE__, "fail() did not throw");
    } catch (const Failure& failure) {
        if (failure.reason != "no luck" || failure.code != 13) Fail(__FILE__, __LINE__, "wrong Failure");
    }

    // In/out through the user's CustomPassMessage (server) and message hooks (client).
    Money money{100, "EUR"};
    api.append(money, "+x");
    CHECK(money.cents == 101);
    CHECK(money.currency == "EUR|pass+x");
}

} // namespace

//! Runs one test function; it passes when none of its checks failed.
void Run(const char* name, void (*test)(), int& passed, int& failed)
{
    const int failures_before = g_failures;
    test();
    const bool ok = g_failures == failures_before;
    (ok ? passed : failed) += 1;
    std::cout << "test " << name << " ... " << (ok ? "ok" : "FAILED") << "\n";
}

int main()
{
    int passed = 0;
    int failed = 0;
    for (const auto& [name, test] : std::initializer_list<std::pair<const char*, void (*)()>>{
             {"numbers", TestNumbers},
             {"chrono", TestChrono},
             {"strings", TestStrings},
             {"data", TestData},
             {"char_array", TestCharArray},
             {"containers", TestContainers},
             {"optional", TestOptional},
             {"pointers", TestPointers},
             {"structs", TestStructs},
             {"decay_and_void", TestDecayAndVoid},
             {"user_hooks", TestUserHooks},
             {"no_value_fields", TestNoValueFields},
             {"read_destinations", TestReadDestinations},
             {"exceptions", TestExceptions},
             {"util", TestUtil},
             {"methods", TestMethods},
         }) {
        Run(name, test, passed, failed);
    }
    // Same closing line as cargo's test harness, so scripts/test.sh counts these tests too.
    std::cout << "test result: " << (failed ? "FAILED" : "ok") << ". " << passed << " passed; " << failed
              << " failed; 0 ignored; " << g_checks << " checks (C++ headers, tests/cpp)\n";
    return failed == 0 ? 0 : 1;
}
