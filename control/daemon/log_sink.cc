#include "control/daemon/log_sink.h"

#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>

namespace tandem::daemon {

int syslog_priority(LogLevel level) {
  switch (level) {
    case LogLevel::debug: return LOG_DEBUG;
    case LogLevel::info: return LOG_INFO;
    case LogLevel::notice: return LOG_NOTICE;
    case LogLevel::warning: return LOG_WARNING;
    case LogLevel::error: return LOG_ERR;
  }
  return LOG_ERR;
}

bool stderr_is_journal() {
  // systemd.exec(5): JOURNAL_STREAM is "DEVICE:INODE" of the stream it connected to stdout or
  // stderr. A child whose stderr was redirected elsewhere inherits the variable, so compare.
  const char* env = std::getenv("JOURNAL_STREAM");
  if (!env) return false;
  uintmax_t dev = 0, ino = 0;
  if (std::sscanf(env, "%" SCNuMAX ":%" SCNuMAX, &dev, &ino) != 2) return false;
  struct stat st {};
  if (fstat(STDERR_FILENO, &st) != 0) return false;
  return static_cast<uintmax_t>(st.st_dev) == dev && static_cast<uintmax_t>(st.st_ino) == ino;
}

std::string format_log_line(LogLevel level, std::string_view subsystem, std::string_view line,
                            bool journal, timespec now) {
  char head[48];
  if (journal) {
    std::snprintf(head, sizeof head, "<%d>", syslog_priority(level));
  } else {
    tm t{};
    gmtime_r(&now.tv_sec, &t);
    std::snprintf(head, sizeof head, "%02d:%02d:%02d.%03ld %-7s ", t.tm_hour, t.tm_min, t.tm_sec,
                  now.tv_nsec / 1000000, log_level_name(level));
  }
  std::string out = head;
  out.append(subsystem).append(": ").append(line).append("\n");
  return out;
}

std::string for_stderr(LogLevel level, const std::string& text) {
  if (!stderr_is_journal()) return text;
  const std::string prefix = "<" + std::to_string(syslog_priority(level)) + ">";
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    end = end == std::string::npos ? text.size() : end + 1;
    out += prefix;
    out.append(text, start, end - start);
    start = end;
  }
  return out;
}

LogSink make_stderr_log(LogLevel min_level) {
  const bool journal = stderr_is_journal();
  return [min_level, journal](LogLevel level, std::string_view subsystem, std::string_view line) {
    if (level < min_level) return;
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    const std::string text = format_log_line(level, subsystem, line, journal, now);
    std::fwrite(text.data(), 1, text.size(), stderr);
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
