// A minimal test harness: CHECK records failures with file and line, RUN_TEST names a case,
// and main's return value says whether every check passed.
#ifndef MP_TEST_CHECK_H
#define MP_TEST_CHECK_H

#include <exception>
#include <functional>
#include <iostream>
#include <string>

namespace mp_test {

inline int& Failures()
{
    static int failures = 0;
    return failures;
}

inline void Fail(const char* file, int line, const std::string& what)
{
    ++Failures();
    std::cerr << file << ":" << line << ": check failed: " << what << std::endl;
}

//! Runs one case; an escaping exception counts as a failure.
inline void Run(const char* name, const std::function<void()>& test)
{
    const int before = Failures();
    try {
        test();
    } catch (const std::exception& e) {
        Fail(name, 0, std::string("unexpected exception: ") + e.what());
    }
    std::cout << (Failures() == before ? "ok     " : "FAILED ") << name << std::endl;
}

inline int Summary()
{
    std::cout << (Failures() == 0 ? "all checks passed" : "some checks failed") << std::endl;
    return Failures() == 0 ? 0 : 1;
}

} // namespace mp_test

#define CHECK(cond) ((cond) ? (void)0 : mp_test::Fail(__FILE__, __LINE__, #cond))
#define CHECK_EQ(a, b) (((a) == (b)) ? (void)0 : mp_test::Fail(__FILE__, __LINE__, #a " == " #b))
//! Checks that `expr` throws an exception whose what() contains `text`.
#define CHECK_THROWS(expr, text)                                                                 \
    do {                                                                                         \
        bool threw_ = false;                                                                     \
        try {                                                                                    \
            expr;                                                                                \
        } catch (const std::exception& e_) {                                                     \
            threw_ = true;                                                                       \
            if (std::string(e_.what()).find(text) == std::string::npos)                          \
                mp_test::Fail(__FILE__, __LINE__, std::string("message of " #expr ": ") + e_.what()); \
        }                                                                                        \
        if (!threw_) mp_test::Fail(__FILE__, __LINE__, #expr " did not throw");                  \
    } while (0)

#endif // MP_TEST_CHECK_H
