// The C++ API breadth.capnp wraps, as a project using libmultiprocess writes its own.
#ifndef BREADTH_H
#define BREADTH_H

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <unordered_set>
#include <vector>

namespace breadth {

struct Record
{
    std::string name;
    std::vector<int> values;
    std::optional<int> the_number;
    bool operator==(const Record&) const = default;
};

//! Not polymorphic, like the original's test FooImplementation.
class Plain
{
public:
    int add(int a, int b) { return a + b + m_offset; }
    int m_offset = 0;
};

class Callback
{
public:
    virtual ~Callback() = default;
    virtual int call(int arg) = 0;
};

//! Travels as Text "x,y" through the conversions in breadth-types.h.
struct Point
{
    int x = 0;
    int y = 0;
    bool operator==(const Point&) const = default;
};

struct Blob
{
    unsigned char key[4] = {};
    Point point;
    std::pair<std::string, int> entry;
    bool operator==(const Blob&) const = default;
};

class Extended : public Callback
{
public:
    virtual int callExtended(int arg) = 0;
};

enum class Color : int { Red = 1, Green = 2, Blue = -3 };

struct Empty
{
    bool operator==(const Empty&) const = default;
};

//! Calls back into the server with depth - 1 (see Breadth::recurse).
class Recurser
{
public:
    virtual ~Recurser() = default;
    virtual std::string recurse(int depth) = 0;
};

class Breadth
{
public:
    virtual ~Breadth() = default;
    virtual int8_t passI8(int8_t v) = 0;
    virtual uint16_t passU16(uint16_t v) = 0;
    virtual uint32_t passU32(uint32_t v) = 0;
    virtual int64_t passI64(int64_t v) = 0;
    virtual uint64_t passU64(uint64_t v) = 0;
    virtual int16_t passI16(int16_t v) = 0;
    virtual bool passBool(bool v) = 0;
    virtual double passDouble(double v) = 0;
    virtual std::string passString(const std::string& v) = 0;
    virtual std::vector<unsigned char> passData(const std::vector<unsigned char>& v) = 0;
    virtual std::vector<int> passVector(const std::vector<int>& v) = 0;
    virtual std::set<std::string> passSet(const std::set<std::string>& v) = 0;
    virtual std::map<std::string, int> passMap(const std::map<std::string, int>& v) = 0;
    virtual std::optional<int> passOptional(std::optional<int> v) = 0;
    virtual bool outPointer(int v, int* out) = 0;
    virtual void inOut(int add, int& sum) = 0;
    virtual Record passRecord(const Record& v) = 0;
    virtual void raise(const Record& v) = 0;
    virtual void raiseStd(const std::string& v) = 0;
    virtual std::unique_ptr<Callback> makeCallback(int factor) = 0;
    virtual std::shared_ptr<Callback> makeShared(int factor) = 0;
    virtual int callUnique(std::unique_ptr<Callback> callback, int arg) = 0;
    virtual int callShared(std::shared_ptr<Callback> callback, int arg) = 0;
    virtual int callRef(Callback& callback, int arg) = 0;
    virtual void saveCallback(std::shared_ptr<Callback> callback) = 0;
    virtual int callSaved(int arg) = 0;
    virtual std::string threadName() = 0;
    virtual std::string recurse(Recurser& callback, int depth) = 0;
    virtual int callFn(std::function<int(int)> fn, int arg) = 0;
    virtual std::function<int(int)> makeFn(int factor) = 0;
    virtual void saveFn(std::function<int(int)> fn) = 0;
    virtual int callSavedFn(int arg) = 0;
    virtual Color passEnum(Color v) = 0;
    virtual std::chrono::milliseconds passDuration(std::chrono::milliseconds v) = 0;
    virtual std::unordered_set<int> passUnordered(const std::unordered_set<int>& v) = 0;
    virtual std::vector<bool> passBools(const std::vector<bool>& v) = 0;
    virtual std::vector<std::vector<int>> passNested(const std::vector<std::vector<int>>& v) = 0;
    virtual Empty passEmpty(const Empty& v) = 0;
    virtual std::vector<Record> passRecords(const std::vector<Record>& v) = 0;
    virtual int callExtended(Extended& callback, int arg) = 0;
    virtual Blob passBlob(const Blob& v) = 0;
    virtual Point passPoint(const Point& v) = 0;
    virtual std::tuple<int, std::string> passTuple(const std::tuple<int, std::string>& v) = 0;
    //! Ends the serving process in the middle of the call (the disconnect case).
    virtual void exitProcess() = 0;
};

} // namespace breadth

#endif // BREADTH_H
