// Logging is injected into engines so a test can capture it and a seed reproduces a run.
// The daemon routes LogSink to rte_log / stderr with a timestamp.
#pragma once

#include <cstdarg>
#include <functional>
#include <string>
#include <string_view>

namespace tandem {

enum class LogLevel { debug, info, notice, warning, error };

const char* log_level_name(LogLevel level);

// One line, no trailing newline. `subsystem` is a short prefix like "mld ge0" or "vrrp6 ge0/1".
using LogSink = std::function<void(LogLevel, std::string_view subsystem, std::string_view line)>;

// A sink that drops everything (engine default).
LogSink null_log_sink();

// printf-style helper so call sites stay one line.
std::string format_string(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace tandem
