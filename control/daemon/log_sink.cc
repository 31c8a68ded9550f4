#include "control/daemon/log_sink.h"

#include <cstdio>
#include <ctime>

namespace tandem::daemon {

LogSink make_stderr_log(LogLevel min_level) {
  return [min_level](LogLevel level, std::string_view subsystem, std::string_view line) {
    if (level < min_level) return;
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    tm t{};
    gmtime_r(&ts.tv_sec, &t);
    std::fprintf(stderr, "%02d:%02d:%02d.%03ld %-7s %.*s: %.*s\n", t.tm_hour, t.tm_min, t.tm_sec,
                 ts.tv_nsec / 1000000, log_level_name(level), static_cast<int>(subsystem.size()),
                 subsystem.data(), static_cast<int>(line.size()), line.data());
  };
}

bool parse_log_level(const std::string& text, LogLevel& out) {
  for (LogLevel l :
       {LogLevel::debug, LogLevel::info, LogLevel::notice, LogLevel::warning, LogLevel::error}) {
    if (text == log_level_name(l)) {
      out = l;
      return true;
    }
  }
  return false;
}

}  // namespace tandem::daemon
