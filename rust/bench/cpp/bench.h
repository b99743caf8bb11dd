// C++ side of the benchmark interfaces in bench.capnp, for the programs built against an
// installed original libmultiprocess. mpgen maps each `$Proxy.wrap` name to these classes.

#ifndef MPBENCH_BENCH_H
#define MPBENCH_BENCH_H

#include <memory>
#include <vector>

namespace mpbench {

class BenchCallback
{
public:
    virtual ~BenchCallback() = default;
    virtual int call(int x) = 0;
};

class Bench
{
public:
    virtual ~Bench() = default;
    virtual int add(int a, int b) = 0;
    virtual int addCtx(int a, int b) = 0;
    virtual int callBack(BenchCallback& cb, int x) = 0;
    virtual std::vector<char> echo(std::vector<char> data) = 0;
};

class BenchInit
{
public:
    virtual ~BenchInit() = default;
    virtual std::unique_ptr<Bench> makeBench() = 0;
};

} // namespace mpbench

#endif // MPBENCH_BENCH_H
