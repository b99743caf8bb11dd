// Log levels, messages and the streaming logger, with the original's names.
#ifndef MP_LOG_H
#define MP_LOG_H

#include <cstddef>
#include <functional>
#include <sstream>
#include <string>
#include <utility>

namespace mp {

//! Severity of a log line, lowest first. `Raise` lines are errors the caller is also given.
enum class Log {
    Trace = 0,
    Debug,
    Info,
    Warning,
    Error,
    Raise,
};

//! One line handed to the log function.
struct LogMessage {
    std::string message;
    Log level;
};

//! Receives log lines; called from any thread.
using LogFn = std::function<void(LogMessage)>;

//! How an event loop logs.
struct LogOptions {
    LogFn log_fn;
    //! Request and response dumps are cut after this many characters.
    size_t max_chars{200};
    //! Lines below this level are dropped before they are formatted.
    Log log_level{Log::Trace};
};

//! Collects one line with `<<` and hands it to the log function when destroyed.
class Logger
{
public:
    Logger(const LogOptions& options, Log level) : m_options(options), m_level(level) {}
    Logger(const Logger&) = delete;
    Logger& operator=(const Logger&) = delete;

    // May throw: a log function that throws on `Raise` is how the original reports errors.
    ~Logger() noexcept(false)
    {
        if (*this) m_options.log_fn(LogMessage{std::move(m_text).str(), m_level});
    }

    explicit operator bool() const { return m_options.log_fn && m_level >= m_options.log_level; }

    template <typename T>
    friend Logger& operator<<(Logger& logger, T&& value)
    {
        if (logger) logger.m_text << std::forward<T>(value);
        return logger;
    }

    template <typename T>
    friend Logger& operator<<(Logger&& logger, T&& value)
    {
        return logger << std::forward<T>(value);
    }

private:
    const LogOptions& m_options;
    Log m_level;
    std::ostringstream m_text;
};

//! The calling thread's name as log lines show it: `exe-pid/name-tid`.
std::string LongThreadName(const char* exe_name);

} // namespace mp

//! Logs a line through `loop`'s options; the stream expression is skipped when filtered out.
#define MP_LOGPLAIN(loop, ...) if (mp::Logger logger{(loop).m_log_opts, __VA_ARGS__}; logger) logger

//! Like MP_LOGPLAIN, prefixed with the calling thread's name in braces.
#define MP_LOG(loop, ...) MP_LOGPLAIN(loop, __VA_ARGS__) << "{" << mp::LongThreadName((loop).m_exe_name) << "} "

#endif // MP_LOG_H
